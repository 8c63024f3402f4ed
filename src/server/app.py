"""The aiohttp application: shared state, middlewares (access log, errors as
OperationOutcome, bearer authentication) and the routes of `fhir_rest`, `oauth`,
`signaling`, `join_page` and `diagnostics`."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus

from aiohttp import web

from outpost.server import instants, tokens
from outpost.server.database import Database
from outpost.server.interactions import Caller
from outpost.server.outcome import Answer, FhirError, Issue, JsonObject
from outpost.server.search import RESOURCE_TYPES

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("outpost.server.access")

FHIR_JSON = "application/fhir+json"
MAX_BODY_BYTES = 64 * 1024 * 1024
PUBLIC_FHIR_PATHS = frozenset({"/fhir/metadata", "/fhir/.well-known/smart-configuration"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class ServerState:
    """What every handler shares; built once by `create_app`."""

    db: Database
    access_ttl: int
    clock: Callable[[], int]
    started: int


STATE = web.AppKey("state", ServerState)
CALLER = web.RequestKey("caller", Caller)


def state(request: web.Request) -> ServerState:
    return request.app[STATE]


def caller(request: web.Request) -> Caller:
    found: Caller | None = request.get(CALLER)
    assert found is not None, "a handler of a public path asked for the caller"
    return found


def origin(request: web.Request) -> str:
    return str(request.url.origin())


def json_response(
    body: JsonObject | None, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(body, ensure_ascii=False).encode() if body is not None else b"",
        status=status,
        headers=headers,
        content_type=FHIR_JSON,
        charset="utf-8",
    )


def fhir_response(answer: Answer) -> web.Response:
    text = answer.text()
    return web.Response(
        body=text.encode() if text is not None else b"",
        status=answer.status,
        headers=answer.headers,
        content_type=FHIR_JSON,
        charset="utf-8",
    )


def _route_template(request: web.Request) -> str:
    """The route's pattern with only the resource type filled in: '/fhir/Patient/{id}'."""
    resource = request.match_info.route.resource
    if resource is None:
        return "(no route)"
    type_ = request.match_info.get("type")
    if type_ in RESOURCE_TYPES:
        return resource.canonical.replace("{type}", type_)
    return resource.canonical


@web.middleware
async def access_log(request: web.Request, handler: Handler) -> web.StreamResponse:
    """One line per request: method, route template (never the query string, which may
    hold names), status and milliseconds."""
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        access_logger.info(
            "%s %s %d %.1fms", request.method, _route_template(request), status, elapsed
        )


@web.middleware
async def fhir_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure under /fhir answers with an OperationOutcome."""
    if not request.path.startswith("/fhir"):
        return await handler(request)
    try:
        return await handler(request)
    except FhirError as error:
        return json_response(error.outcome(), error.status, error.headers)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not-found", 405: "not-supported", 413: "too-costly"}.get(
            exc.status, "processing"
        )
        message = {
            404: "There is nothing at this address on this FHIR server.",
            405: f"{request.method} is not supported at this address.",
            413: f"The request body is larger than {MAX_BODY_BYTES // 2**20} MiB.",
        }.get(exc.status, exc.reason)
        headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return json_response(
            FhirError(HTTPStatus(exc.status), [Issue(code, message)]).outcome(),
            exc.status,
            headers,
        )
    except Exception:
        logger.exception("request failed: %s %s", request.method, _route_template(request))
        failure = FhirError.of(
            HTTPStatus.INTERNAL_SERVER_ERROR, "exception", "Internal server error; see its log."
        )
        return json_response(failure.outcome(), failure.status)


def _unauthorized(description: str) -> FhirError:
    header = f'Bearer realm="outpost", error="invalid_token", error_description="{description}"'
    return FhirError(
        HTTPStatus.UNAUTHORIZED,
        [Issue("login", f"{description}; sign in again or refresh the access token.")],
        headers={"WWW-Authenticate": header},
    )


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every /fhir call but the discovery documents needs a valid Bearer access token."""
    if not request.path.startswith("/fhir") or request.path in PUBLIC_FHIR_PATHS:
        return await handler(request)
    found = await authenticate(request)
    if isinstance(found, str):
        raise _unauthorized(found)
    request[CALLER] = found
    return await handler(request)


async def authenticate(request: web.Request) -> Caller | str:
    """The caller named by the request's Bearer access token, or why there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return "No Bearer access token"
    shared = state(request)
    now = shared.clock()
    account = await shared.db.read(lambda conn: tokens.authenticate(conn, token.strip(), now))
    if account is None:
        return "The access token is invalid or expired"
    return Caller(account.username, account.clinic, account.practitioner_id)


def json_error(status: int, error: str, message: str, **headers: str) -> web.Response:
    """The JSON error answer of the routes outside /fhir."""
    return web.json_response({"error": error, "message": message}, status=status, headers=headers)


async def bearer_clinic(request: web.Request) -> str | web.Response:
    """The clinic of the Bearer token's owner, or the 401 answer (routes outside /fhir)."""
    found = await authenticate(request)
    if isinstance(found, str):
        challenge = f'Bearer realm="outpost", error="invalid_token", error_description="{found}"'
        return json_error(401, "invalid_token", found, **{"WWW-Authenticate": challenge})
    return found.clinic


def create_app(
    db: Database,
    *,
    access_ttl: int = tokens.DEFAULT_ACCESS_TTL_S,
    clock: Callable[[], int] = instants.now_us,
    ice_servers: tuple[JsonObject, ...] = (),
    rehearsal_ttl_s: int = 30 * 60,
) -> web.Application:
    """The server's application on an open database (the caller closes it).
    `ice_servers` go to both sides of every video visit (RTCIceServer dictionaries);
    rehearsal rooms live `rehearsal_ttl_s`."""
    from outpost.server import diagnostics, fhir_rest, join_page, oauth, signaling

    app = web.Application(
        middlewares=[access_log, fhir_errors, bearer_auth], client_max_size=MAX_BODY_BYTES
    )
    app[STATE] = ServerState(db=db, access_ttl=access_ttl, clock=clock, started=clock())
    oauth.add_routes(app)
    fhir_rest.add_routes(app)
    signaling.add_routes(app, ice_servers, rehearsal_ttl_s)
    join_page.add_routes(app)
    diagnostics.add_routes(app)
    return app
