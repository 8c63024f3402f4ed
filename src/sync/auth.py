"""Signing in: OAuth2 authorization code + PKCE (S256) through the system browser with a
loopback redirect (RFC 8252), and the password grant for scripts and tests.

Both return `SessionTokens`; the caller files them with `TokenStore.save` (keychain only).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import requests

from outpost.core.errors import SyncError, SyncErrorKind
from outpost.sync.client import FhirClient, Timeouts, utc_now
from outpost.sync.discovery import SmartConfiguration, discover_smart, fetch_capabilities
from outpost.sync.loopback import LoopbackRedirect
from outpost.sync.tokens import CLIENT_ID, SessionTokens, token_request, tokens_from_response

logger = logging.getLogger(__name__)

DEFAULT_SCOPE = "openid fhirUser offline_access user/*.*"
BROWSER_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ServerInfo:
    """What login needs to know about a server."""

    base_url: str
    smart: SmartConfiguration


def discover(
    session: requests.Session, server_url: str, *, timeouts: Timeouts | None = None
) -> ServerInfo:
    """Check that `server_url` is a FHIR server and find its sign-in endpoints."""
    client = FhirClient(server_url, session, None, timeouts=timeouts)
    _, statement = fetch_capabilities(client)
    return ServerInfo(client.base_url, discover_smart(client, statement))


# -- PKCE (RFC 7636) -----------------------------------------------------------------


def new_code_verifier() -> str:
    """43-128 characters from the unreserved set: 64 random bytes, base64url -> 86."""
    return secrets.token_urlsafe(64)


def code_challenge_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_url(
    smart: SmartConfiguration,
    *,
    server_url: str,
    redirect_uri: str,
    state: str,
    challenge: str,
    scope: str = DEFAULT_SCOPE,
) -> str:
    if smart.authorization_endpoint is None:
        raise SyncError(
            SyncErrorKind.PROTOCOL, "The server offers no browser sign-in (no authorize address)."
        )
    query = urlencode(
        {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "aud": server_url,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in smart.authorization_endpoint else "?"
    return f"{smart.authorization_endpoint}{separator}{query}"


def new_state() -> str:
    return secrets.token_urlsafe(24)


def pkce_authorization(
    server: ServerInfo, redirect_uri: str, state: str, *, scope: str = DEFAULT_SCOPE
) -> tuple[str, str]:
    """A fresh PKCE verifier and the authorization address carrying its S256 challenge."""
    verifier = new_code_verifier()
    url = authorization_url(
        server.smart,
        server_url=server.base_url,
        redirect_uri=redirect_uri,
        state=state,
        challenge=code_challenge_s256(verifier),
        scope=scope,
    )
    return verifier, url


# -- the two grants --------------------------------------------------------------------


def password_login(
    session: requests.Session,
    server: ServerInfo,
    user: str,
    password: str,
    *,
    scope: str = DEFAULT_SCOPE,
    timeouts: Timeouts | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SessionTokens:
    """Resource-owner password grant (a development convenience of the reference server)."""
    body = token_request(
        session,
        server.smart.token_endpoint,
        {
            "grant_type": "password",
            "username": user,
            "password": password,
            "client_id": CLIENT_ID,
            "scope": scope,
        },
        timeouts=timeouts or Timeouts(),
        clock=clock,
    )
    logger.info("signed in with the password grant")
    return _tokens(server, body, user, clock)


def browser_login(
    session: requests.Session,
    server: ServerInfo,
    *,
    open_browser: Callable[[str], bool] = webbrowser.open,
    show_url: Callable[[str], None] = lambda url: None,
    cancel: threading.Event | None = None,
    timeout_s: float = BROWSER_TIMEOUT_S,
    scope: str = DEFAULT_SCOPE,
    timeouts: Timeouts | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SessionTokens:
    """Authorization code + PKCE: open the sign-in page in the system browser, wait for the
    redirect to a one-shot listener on 127.0.0.1, exchange the code.

    `show_url` always receives the address (a CLI prints it for when no browser opens).
    Raises `SyncError(AUTH)` on a refusal, a mismatched state or the timeout.
    """
    if not server.smart.supports_pkce_s256:
        raise SyncError(SyncErrorKind.PROTOCOL, "The server does not support PKCE (S256).")
    state = new_state()
    with LoopbackRedirect(state) as listener:
        verifier, url = pkce_authorization(server, listener.redirect_uri, state, scope=scope)
        show_url(url)
        try:
            opened = open_browser(url)
        except webbrowser.Error:
            opened = False
        logger.info("browser sign-in started (browser opened: %s)", opened)
        code = listener.wait(timeout_s, cancel)
    return exchange_code(
        session,
        server,
        code=code,
        redirect_uri=listener.redirect_uri,
        verifier=verifier,
        timeouts=timeouts,
        clock=clock,
    )


def exchange_code(
    session: requests.Session,
    server: ServerInfo,
    *,
    code: str,
    redirect_uri: str,
    verifier: str,
    timeouts: Timeouts | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> SessionTokens:
    """The authorization code grant's last step: the code and the PKCE verifier for tokens."""
    body = token_request(
        session,
        server.smart.token_endpoint,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": CLIENT_ID,
            "code_verifier": verifier,
        },
        timeouts=timeouts or Timeouts(),
        clock=clock,
    )
    logger.info("signed in with the authorization code grant")
    return _tokens(server, body, None, clock)


def _tokens(
    server: ServerInfo, body: dict[str, object], user: str | None, clock: Callable[[], datetime]
) -> SessionTokens:
    if not isinstance(body.get("refresh_token"), str):
        logger.warning("the server issued no refresh token: sync stops when the token expires")
    return tokens_from_response(
        body,
        server_url=server.base_url,
        token_endpoint=server.smart.token_endpoint,
        now=clock(),
        user=user if user is not None else _subject(body),
        revocation_endpoint=server.smart.revocation_endpoint,
    )


def _subject(body: dict[str, object]) -> str | None:
    for key in ("username", "user", "fhirUser"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None
