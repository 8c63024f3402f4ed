"""Credentials for video visits (`outpost.core.visits.CredentialSource`), from the one
session the sync layer keeps in the keychain.

The access token is cached until its refresh is due. Reading the keychain and refreshing
run on the store worker, one at a time with the sync engine's own refreshes: the reference
server revokes every token of a sign-in whose refresh token is used twice, so two
refreshes must never race.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from datetime import datetime, timedelta

import requests

from outpost.core.errors import AuthExpiredError
from outpost.core.visits import VisitCredentials
from outpost.sync.client import utc_now
from outpost.sync.service import http_session
from outpost.sync.tokens import NOT_SIGNED_IN, SessionTokens, TokenManager, TokenStore

OnStoreWorker = Callable[[Callable[[], SessionTokens]], concurrent.futures.Future[SessionTokens]]
LEEWAY = timedelta(seconds=30)


class CallCredentials:
    def __init__(
        self,
        tokens: TokenStore,
        on_store_worker: OnStoreWorker,
        *,
        http: Callable[[], requests.Session] = http_session,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._tokens = tokens
        self._on_store_worker = on_store_worker
        self._http = http
        self._clock = clock
        self._cached: SessionTokens | None = None

    async def __call__(self) -> VisitCredentials:
        tokens = self._cached
        if tokens is None or tokens.refresh_due(self._clock(), LEEWAY):
            tokens = await asyncio.wrap_future(self._on_store_worker(self.current))
        return VisitCredentials(tokens.server_url, tokens.access_token)

    def forget(self) -> None:
        self._cached = None

    def current(self) -> SessionTokens:
        """The keychain's session, refreshed if due (blocking: on the store worker)."""
        tokens = self._tokens.load()
        if tokens is None:
            self._cached = None
            raise AuthExpiredError(NOT_SIGNED_IN)
        if tokens.refresh_due(self._clock(), LEEWAY) and tokens.refresh_token:
            session = self._http()
            try:
                manager = TokenManager(self._tokens, tokens, session, clock=self._clock)
                manager.refresh()
                tokens = manager.tokens
            finally:
                session.close()
        self._cached = tokens
        return tokens
