"""OAuth2 routes: /oauth/authorize (a minimal HTML sign-in form), /oauth/token and
/oauth/revoke.

One public client, `outpost-desktop`, with PKCE S256 and loopback redirect URIs on any
port (RFC 8252 section 7.3). The password grant exists as a development convenience.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from aiohttp import web

from outpost.server import accounts, tokens
from outpost.server.accounts import Account
from outpost.server.app import state
from outpost.server.capability import GRANT_TYPES
from outpost.server.tokens import CLIENT_ID, DEFAULT_SCOPE, Refused, TokenSet

logger = logging.getLogger(__name__)

_CHALLENGE = re.compile(r"[A-Za-z0-9\-_]{43}")
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_FORM_FIELDS = ("client_id", "redirect_uri", "state", "scope", "code_challenge")
_PAGE_HEADERS = {
    **_NO_STORE,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to Outpost</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}}
label,input,button{{display:block;width:100%;margin:.3rem 0;font-size:1rem}}
input{{padding:.4rem}} .error{{color:#a00}}</style></head>
<body><h1>Sign in to Outpost</h1>{message}
<form method="post" action="/oauth/authorize">
{hidden}
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></body></html>
"""


def is_loopback_redirect(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises ValueError for a malformed port
    except ValueError:
        return False
    return (
        parts.scheme == "http"
        and parts.hostname in ("127.0.0.1", "localhost", "::1")
        and parts.username is None
        and not parts.fragment
    )


def _error_page(message: str) -> web.Response:
    body = f"<!doctype html><title>Sign-in error</title><p>{html.escape(message)}</p>"
    return web.Response(
        text=body, status=400, content_type="text/html", charset="utf-8", headers=_PAGE_HEADERS
    )


def _redirect(redirect_uri: str, **params: str) -> web.Response:
    parts = urlsplit(redirect_uri)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    location = urlunsplit(parts._replace(query=urlencode(query)))
    return web.Response(status=302, headers={"Location": location, **_NO_STORE})


def _check_request(params: Mapping[str, str]) -> web.Response | None:
    """An error answer for a bad authorization request, or None if it is fine."""
    redirect_uri = params.get("redirect_uri", "")
    if params.get("client_id") != CLIENT_ID:
        return _error_page(f"Unknown client_id; this server knows only '{CLIENT_ID}'.")
    if not is_loopback_redirect(redirect_uri):
        return _error_page("redirect_uri must be a loopback address such as http://127.0.0.1/.")
    extra = {"state": params["state"]} if "state" in params else {}
    if params.get("response_type") != "code":
        return _redirect(redirect_uri, error="unsupported_response_type", **extra)
    if params.get("code_challenge_method") != "S256" or not _CHALLENGE.fullmatch(
        params.get("code_challenge", "")
    ):
        description = "PKCE is required: code_challenge (43 characters) with method S256."
        return _redirect(
            redirect_uri, error="invalid_request", error_description=description, **extra
        )
    return None


def _login_page(params: Mapping[str, str], error: str | None = None) -> web.Response:
    fields = {name: params.get(name, "") for name in _FORM_FIELDS}
    fields.update(response_type="code", code_challenge_method="S256")
    hidden = "\n".join(
        f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
        for name, value in fields.items()
    )
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return web.Response(
        text=_PAGE.format(hidden=hidden, message=message),
        status=401 if error else 200,
        content_type="text/html",
        charset="utf-8",
        headers=_PAGE_HEADERS,
    )


def _single_values(items: Mapping[str, object]) -> dict[str, str] | None:
    """Text parameters, or None if one repeats (RFC 6749 3.1: parameters must not)."""
    values: dict[str, str] = {}
    for key, value in items.items():
        if key in values or not isinstance(value, str):
            return None
        values[key] = value
    return values


async def authorize_form(request: web.Request) -> web.Response:
    params = _single_values(request.query)
    if params is None:
        return _error_page("A parameter is repeated or not text.")
    return _check_request(params) or _login_page(params)


async def _sign_in(request: web.Request, username: str, password: str) -> Account | None:
    shared = state(request)
    found = await shared.db.read(lambda conn: accounts.credentials(conn, username))
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, accounts.verify_password, password, found)


async def authorize_submit(request: web.Request) -> web.Response:
    params = _single_values(await request.post())
    if params is None:
        return _error_page("A form field is repeated or not text.")
    problem = _check_request(params)
    if problem is not None:
        return problem
    account = await _sign_in(request, params.get("username", ""), params.get("password", ""))
    if account is None:
        logger.info("sign-in refused (authorization form)")
        return _login_page(params, "The user name or password is wrong.")
    shared = state(request)
    redirect_uri, challenge = params["redirect_uri"], params["code_challenge"]
    scope = params.get("scope") or DEFAULT_SCOPE
    now = shared.clock()
    code = await shared.db.write(
        lambda conn: tokens.new_code(conn, account, redirect_uri, challenge, scope, now)
    )
    extra = {"state": params["state"]} if params.get("state") else {}
    logger.info("authorization code issued")
    return _redirect(redirect_uri, code=code, **extra)


def _token_answer(result: TokenSet | Refused) -> web.Response:
    if isinstance(result, Refused):
        return _oauth_error(result)
    body = {
        "access_token": result.access_token,
        "token_type": "Bearer",
        "expires_in": result.expires_in,
        "refresh_token": result.refresh_token,
        "scope": result.scope,
        "practitioner": result.account.practitioner_id,
    }
    return web.json_response(body, headers=_NO_STORE)


def _oauth_error(refused: Refused) -> web.Response:
    logger.info("token request refused: %s", refused.error)
    body = {"error": refused.error, "error_description": refused.description}
    return web.json_response(body, status=refused.status, headers=_NO_STORE)


async def token(request: web.Request) -> web.Response:
    found = _single_values(await request.post())
    if found is None:
        return _oauth_error(Refused("invalid_request", "A parameter is repeated or not text."))
    values = found
    grant = values.get("grant_type", "")
    if grant not in GRANT_TYPES:
        supported = ", ".join(GRANT_TYPES)
        return _oauth_error(Refused("unsupported_grant_type", f"grant_type: one of {supported}."))
    shared = state(request)
    now, ttl = shared.clock(), shared.access_ttl
    client_id = values.get("client_id")
    if (client_id is not None and client_id != CLIENT_ID) or (
        client_id is None and grant != "refresh_token"
    ):
        return _oauth_error(Refused("invalid_client", f"client_id must be '{CLIENT_ID}'.", 401))
    if grant == "authorization_code":
        code, redirect_uri = values.get("code", ""), values.get("redirect_uri", "")
        verifier = values.get("code_verifier", "")
        result = await shared.db.write(
            lambda conn: tokens.redeem_code(conn, code, redirect_uri, verifier, now, ttl)
        )
    elif grant == "refresh_token":
        presented = values.get("refresh_token", "")
        result = await shared.db.write(lambda conn: tokens.refresh(conn, presented, now, ttl))
    else:  # password
        account = await _sign_in(request, values.get("username", ""), values.get("password", ""))
        if account is None:
            return _oauth_error(Refused("invalid_grant", "The user name or password is wrong."))
        scope = values.get("scope") or DEFAULT_SCOPE
        signed_in = account
        result = await shared.db.write(lambda conn: tokens.issue(conn, signed_in, scope, now, ttl))
    if isinstance(result, TokenSet):
        logger.info("tokens issued: grant=%s", grant)
    return _token_answer(result)


async def revoke(request: web.Request) -> web.Response:
    form = await request.post()
    presented = str(form.get("token", ""))
    await state(request).db.write(lambda conn: tokens.revoke(conn, presented))
    return web.Response(status=200, headers=_NO_STORE)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/oauth/authorize", authorize_form)
    app.router.add_post("/oauth/authorize", authorize_submit)
    app.router.add_post("/oauth/token", token)
    app.router.add_post("/oauth/revoke", revoke)
