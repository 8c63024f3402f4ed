"""The FHIR REST routes under /fhir: parse the HTTP request, run the interaction as one
database job, answer with FHIR JSON."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from http import HTTPStatus

from aiohttp import web

from outpost.server import bundles, capability, interactions
from outpost.server.app import caller, fhir_response, json_response, origin, state
from outpost.server.idempotency import KEY_HEADER, Request
from outpost.server.interactions import Context
from outpost.server.outcome import Answer, FhirError, bad_request, not_supported

JSON_TYPES = frozenset({"application/fhir+json", "application/json"})
UNSUPPORTED_HEADERS = ("If-None-Exist", "If-None-Match", "If-Modified-Since")

Job = Callable[[Context], Answer]


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


async def read_json(request: web.Request) -> tuple[object, bytes]:
    """The parsed body, and its bytes as sent."""
    if request.content_type not in JSON_TYPES:
        raise FhirError.of(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "not-supported",
            f"Send FHIR JSON (Content-Type: application/fhir+json), not '{request.content_type}'.",
        )
    raw = await request.read()
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant), raw
    except UnicodeDecodeError as exc:
        raise bad_request("The body is not UTF-8 text.") from exc
    except ValueError as exc:
        raise bad_request(f"The body is not valid JSON: {exc}.") from exc


def _reject_conditionals(request: web.Request) -> None:
    for header in UNSUPPORTED_HEADERS:
        if header in request.headers:
            raise not_supported(
                HTTPStatus.BAD_REQUEST, f"Conditional requests ({header}) are not supported."
            )


async def _run(request: web.Request, job: Job, *, write: bool) -> web.Response:
    shared = state(request)
    who, base = caller(request), origin(request) + "/fhir"

    def in_transaction(conn: sqlite3.Connection) -> Answer:
        return job(Context.of(conn, who, base, shared.clock))

    run = shared.db.write if write else shared.db.read
    return fhir_response(await run(in_transaction))


def _query(request: web.Request) -> list[tuple[str, str]]:
    return list(request.query.items())


async def metadata(request: web.Request) -> web.Response:
    return json_response(capability.capability_statement(origin(request), state(request).started))


async def smart_configuration(request: web.Request) -> web.Response:
    body = capability.smart_configuration(origin(request))
    return web.json_response(body, headers={"Cache-Control": "no-cache"})


async def read(request: web.Request) -> web.Response:
    type_, id_ = request.match_info["type"], request.match_info["id"]
    return await _run(request, lambda ctx: interactions.read(ctx, type_, id_), write=False)


async def vread(request: web.Request) -> web.Response:
    type_, id_, vid = (request.match_info[k] for k in ("type", "id", "vid"))
    return await _run(request, lambda ctx: interactions.vread(ctx, type_, id_, vid), write=False)


async def search_type(request: web.Request) -> web.Response:
    type_, items = request.match_info["type"], _query(request)
    return await _run(request, lambda ctx: interactions.search_type(ctx, type_, items), write=False)


async def history_type(request: web.Request) -> web.Response:
    type_, items = request.match_info["type"], _query(request)
    return await _run(
        request, lambda ctx: interactions.history(ctx, type_, None, items), write=False
    )


async def history_instance(request: web.Request) -> web.Response:
    type_, id_, items = request.match_info["type"], request.match_info["id"], _query(request)
    return await _run(
        request, lambda ctx: interactions.history(ctx, type_, id_, items), write=False
    )


async def update(request: web.Request) -> web.Response:
    type_, id_ = request.match_info["type"], request.match_info["id"]
    _reject_conditionals(request)
    body, raw = await read_json(request)
    key, if_match = request.headers.get(KEY_HEADER), request.headers.get("If-Match")
    same = Request("PUT", f"{type_}/{id_}", body, raw)

    def job(ctx: Context) -> Answer:
        def put() -> Answer:
            return interactions.update(ctx, type_, id_, body, if_match)

        return interactions.idempotent(ctx, key, same, put)

    return await _run(request, job, write=True)


async def create(request: web.Request) -> web.Response:
    type_ = request.match_info["type"]
    _reject_conditionals(request)
    if "If-Match" in request.headers:
        raise bad_request("If-Match makes no sense on a create (POST).", "If-Match")
    body, raw = await read_json(request)
    key = request.headers.get(KEY_HEADER)
    same = Request("POST", type_, body, raw)

    def job(ctx: Context) -> Answer:
        def post() -> Answer:
            return interactions.create(ctx, type_, body)

        return interactions.idempotent(ctx, key, same, post)

    return await _run(request, job, write=True)


async def bundle(request: web.Request) -> web.Response:
    body, raw = await read_json(request)
    key = request.headers.get(KEY_HEADER)
    same = Request("POST", "", body, raw)

    def job(ctx: Context) -> Answer:
        return interactions.idempotent(ctx, key, same, lambda: bundles.process(ctx, body))

    return await _run(request, job, write=True)


def add_routes(app: web.Application) -> None:
    # Order matters: fixed paths before the {type}/{id} patterns they would also match.
    app.router.add_get("/fhir/metadata", metadata)
    app.router.add_get("/fhir/.well-known/smart-configuration", smart_configuration)
    app.router.add_post("/fhir", bundle)
    app.router.add_post("/fhir/", bundle)
    app.router.add_get("/fhir/{type}/_history", history_type)
    app.router.add_get("/fhir/{type}/{id}/_history", history_instance)
    app.router.add_get("/fhir/{type}/{id}/_history/{vid}", vread)
    app.router.add_get("/fhir/{type}", search_type)
    app.router.add_post("/fhir/{type}", create)
    app.router.add_get("/fhir/{type}/{id}", read)
    app.router.add_put("/fhir/{type}/{id}", update)
