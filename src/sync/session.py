"""`SessionService`: signing in and out while the app runs (`outpost.core.ports.SessionPort`).

Wraps `outpost.sync.auth` for the desktop app: discovery says which ways of signing in the
server offers; the browser flow is split so that only the wait for the browser runs on the
runtime thread (an asyncio loopback listener) while discovery and the token exchange block
briefly on the store worker. Tokens go to the keychain (`TokenStore`) and nowhere else;
callers only ever see `Identity` values. Signing out never touches unsent work.
A password sign-in also keeps a password verifier (`OfflineUnlock`) so that the lock
screen can be unlocked while the server cannot be reached; signing out drops it.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import requests

from outpost.core.errors import OtherClinicianError, SyncError, SyncErrorKind
from outpost.core.session import BrowserSignIn, Identity, SignInOptions
from outpost.sync.auth import (
    BROWSER_TIMEOUT_S,
    ServerInfo,
    discover,
    exchange_code,
    new_state,
    password_login,
    pkce_authorization,
)
from outpost.sync.client import Timeouts
from outpost.sync.loopback import AsyncLoopbackRedirect
from outpost.sync.offline_unlock import OfflineUnlock
from outpost.sync.service import http_session
from outpost.sync.tokens import SessionTokens, TokenStore, revoke

logger = logging.getLogger(__name__)

PASSWORD_GRANT = "password"  # noqa: S105 - an OAuth grant type, not a secret


@dataclass
class _Attempt:
    """One browser sign-in: what the token exchange needs once the browser is back."""

    server: ServerInfo
    verifier: str
    listener: AsyncLoopbackRedirect
    waiting: bool = False
    code: str | None = None


def identity_of(tokens: SessionTokens) -> Identity:
    return Identity(tokens.server_url, tokens.user, tokens.practitioner_id)


class SessionService:
    def __init__(
        self,
        tokens: TokenStore,
        *,
        http: Callable[[], requests.Session] = http_session,
        timeouts: Timeouts | None = None,
        browser_timeout_s: float = BROWSER_TIMEOUT_S,
        offline: OfflineUnlock | None = None,
    ) -> None:
        self._tokens = tokens
        self._offline = offline or OfflineUnlock(tokens.keychain, tokens.profile_id)
        self._http = http
        self._timeouts = timeouts
        self._browser_timeout_s = browser_timeout_s
        self._lock = threading.Lock()  # attempts are touched by the worker and the runtime
        self._attempts: dict[int, _Attempt] = {}
        self._numbers = itertools.count(1)

    # -- who ---------------------------------------------------------------------------

    def signed_in(self) -> Identity | None:
        tokens = self._tokens.load()
        return None if tokens is None else identity_of(tokens)

    def sign_in_options(self, server_url: str) -> SignInOptions:
        server = self._discover(server_url)
        smart = server.smart
        return SignInOptions(
            server_url=server.base_url,
            browser=smart.authorization_endpoint is not None and smart.supports_pkce_s256,
            password=PASSWORD_GRANT in smart.grant_types,
        )

    # -- password ----------------------------------------------------------------------

    def sign_in_with_password(
        self, server_url: str, user: str, password: str, *, same_person_as: Identity | None
    ) -> Identity:
        server = self._discover(server_url)
        if PASSWORD_GRANT not in server.smart.grant_types:
            raise SyncError(
                SyncErrorKind.PROTOCOL, "This server does not take passwords here; use the browser."
            )
        with self._http() as session:
            tokens = password_login(session, server, user, password, timeouts=self._timeouts)
            who = self._keep(session, tokens, same_person_as)
        self._offline.remember(who, password)
        return who

    # -- offline unlock ----------------------------------------------------------------

    def offline_unlock_available(self, same_person_as: Identity | None) -> bool:
        return self._offline.available(same_person_as)

    def unlock_offline(self, user: str, password: str, *, same_person_as: Identity) -> Identity:
        # The tokens stay as they are: sync uses and refreshes them when the network is back.
        return self._offline.verify(user, password, same_person_as)

    # -- browser -----------------------------------------------------------------------

    def start_browser_sign_in(self, server_url: str) -> BrowserSignIn:
        server = self._discover(server_url)
        if server.smart.authorization_endpoint is None or not server.smart.supports_pkce_s256:
            raise SyncError(
                SyncErrorKind.PROTOCOL, "This server offers no sign-in through the browser."
            )
        state = new_state()
        listener = AsyncLoopbackRedirect(state)
        verifier, url = pkce_authorization(server, listener.redirect_uri, state)
        with self._lock:
            number = next(self._numbers)
            self._attempts[number] = _Attempt(server, verifier, listener)
        logger.info("browser sign-in %d started", number)
        return BrowserSignIn(number, server.base_url, url)

    async def browser_redirect(self, attempt: BrowserSignIn) -> None:
        with self._lock:
            found = self._attempts.get(attempt.attempt)
            if found is None or found.waiting:
                raise SyncError(SyncErrorKind.AUTH, "Start the sign-in again.")
            found.waiting = True
        code = await found.listener.wait(self._browser_timeout_s)
        with self._lock:
            found.code = code
        logger.info("browser sign-in %d: the browser came back", attempt.attempt)

    def finish_browser_sign_in(
        self, attempt: BrowserSignIn, *, same_person_as: Identity | None
    ) -> Identity:
        with self._lock:
            found = self._attempts.pop(attempt.attempt, None)
        if found is None or found.code is None:
            raise SyncError(SyncErrorKind.AUTH, "The browser has not finished signing in.")
        with self._http() as session:
            tokens = exchange_code(
                session,
                found.server,
                code=found.code,
                redirect_uri=found.listener.redirect_uri,
                verifier=found.verifier,
                timeouts=self._timeouts,
            )
            who = self._keep(session, tokens, same_person_as)
        self._offline.forget_unless(who)  # a password check kept for someone else goes
        return who

    def cancel_browser_sign_in(self, attempt: BrowserSignIn) -> None:
        with self._lock:
            found = self._attempts.pop(attempt.attempt, None)
        # A listener being served is closed by its own wait (on the runtime thread).
        if found is not None and not found.waiting:
            found.listener.close()
        logger.info("browser sign-in %d cancelled", attempt.attempt)

    # -- sign out ----------------------------------------------------------------------

    def sign_out(self) -> bool:
        tokens = self._tokens.load()
        if tokens is not None:
            with self._http() as session:
                revoke(session, tokens)  # best effort: the keychain entry goes regardless
        had = self._tokens.clear()
        self._offline.forget()
        logger.info("signed out (was signed in: %s)", had)
        return had

    # -- helpers -----------------------------------------------------------------------

    def _discover(self, server_url: str) -> ServerInfo:
        with self._http() as session:
            return discover(session, server_url, timeouts=self._timeouts)

    def _keep(
        self, session: requests.Session, tokens: SessionTokens, same_person_as: Identity | None
    ) -> Identity:
        who = identity_of(tokens)
        if same_person_as is not None and not same_person_as.same_person(who):
            logger.warning("sign-in to unlock came back as another clinician; not kept")
            revoke(session, tokens)
            raise OtherClinicianError(
                "This session belongs to another clinician. Sign in as them to unlock it, "
                "or sign out so that you can sign in."
            )
        self._tokens.save(tokens)
        return who
