"""`SyncService`: one profile's syncing while the app runs (`outpost.core.ports.SyncPort`).

It owns the scheduler and, once signed in, one `SyncEngine` (which holds the profile's sync
lock for as long as the app runs). Every method runs on the store worker thread, which
owns the store's connection; the UI reaches it only through its bridge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import requests

from outpost import __version__
from outpost.core.errors import (
    AuthExpiredError,
    OfflineError,
    OutpostError,
    SyncError,
    SyncErrorKind,
)
from outpost.core.settings import Profile
from outpost.core.sync_state import SyncState, SyncSummary, SyncTrigger
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.client import FhirClient, TransientSyncError
from outpost.sync.engine import EngineOptions, SyncEngine, SyncReport, outcome_of
from outpost.sync.lock import SyncLock
from outpost.sync.scheduler import SyncScheduler
from outpost.sync.tokens import NOT_SIGNED_IN, TokenManager, TokenStore

logger = logging.getLogger(__name__)


APP_ENGINE_OPTIONS = EngineOptions(max_retries=0)


def http_session() -> requests.Session:
    session = requests.Session()
    session.headers["User-Agent"] = f"Outpost/{__version__}"
    session.trust_env = True  # honour the clinic's HTTPS_PROXY / NO_PROXY
    return session


class SyncService:
    def __init__(
        self,
        store: Store,
        profile: Profile,
        tokens: TokenStore,
        *,
        scheduler: SyncScheduler | None = None,
        options: EngineOptions | None = None,
        http: Callable[[], requests.Session] = http_session,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._profile = profile
        self._tokens = tokens
        self.scheduler = scheduler or SyncScheduler()
        # No sleeping retries inside a run: the store worker would be held (and autosave with
        # it); the scheduler retries instead, with the same backoff, between runs.
        self._options = options or APP_ENGINE_OPTIONS
        self._http = http
        self._clock = clock
        self._session: requests.Session | None = None
        self._engine: SyncEngine | None = None
        self._manager: TokenManager | None = None

    # -- SyncPort ----------------------------------------------------------------------

    def request(self, trigger: SyncTrigger) -> None:
        self.scheduler.request(trigger)

    def seconds_until_due(self) -> float | None:
        return self.scheduler.seconds_until_due()

    def run_if_due(self) -> SyncSummary | None:
        if not self.scheduler.due():
            return None
        self.scheduler.started()
        error: BaseException | None = None
        report: SyncReport | None = None
        try:
            report = self.sync_once()
        except Exception as exc:  # every failure is reported and retried; none is lost
            error = exc
            if not isinstance(exc, OutpostError):
                logger.exception("sync failed unexpectedly")
        outcome, retry_after = outcome_of(error)
        if isinstance(error, SyncError) and error.kind is SyncErrorKind.BUSY:
            retry_after = None
        self.scheduler.finished(outcome, retry_after)
        return self._summary(report, error)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None
            self._manager = None
        if self._session is not None:
            self._session.close()
            self._session = None

    # -- one sync ----------------------------------------------------------------------

    def sync_once(self) -> SyncReport:
        """One full push and pull; raises the engine's errors (see `SyncEngine`)."""
        return self._engine_for_current_sign_in().sync_once()

    def _engine_for_current_sign_in(self) -> SyncEngine:
        tokens = self._tokens.load()
        if tokens is None:
            self.close()
            raise AuthExpiredError(NOT_SIGNED_IN)
        # The keychain holds what the engine's token manager last kept, unless someone signed
        # in again meanwhile (the app's sign-in screen): then the engine starts over with it.
        manager = self._manager
        if self._engine is not None and manager is not None and manager.tokens == tokens:
            return self._engine
        self.close()
        session = self._http()
        manager = TokenManager(self._tokens, tokens, session)
        client = FhirClient(tokens.server_url, session, manager)
        author = f"Practitioner/{tokens.practitioner_id}" if tokens.practitioner_id else None
        try:
            engine = SyncEngine(
                client,
                SyncLedger(self._store),
                SyncLock(self._profile.data_dir),
                author=author,
                options=self._options,
            )
        except BaseException:
            session.close()
            raise
        self._session, self._engine, self._manager = session, engine, manager
        return engine

    def _summary(self, report: SyncReport | None, error: BaseException | None) -> SyncSummary:
        now = self._clock()
        retry_in = self.scheduler.seconds_until_due()
        if report is not None:
            return SyncSummary(
                state=SyncState.ATTENTION if report.needs_attention else SyncState.SYNCED,
                sent=report.acknowledged + report.conflicts + report.rejected,
                received=sum(report.written.values()),
                conflicts=report.conflicts,
                rejected=report.rejected,
                finished_at=now,
                retry_in_s=retry_in,
                clock_skew_s=report.clock_skew_s if report.clock_skewed else None,
            )
        state = _state_of(error)
        detail = str(error) if isinstance(error, OutpostError) else "An unexpected error."
        return SyncSummary(state=state, finished_at=now, retry_in_s=retry_in, detail=detail)


def _state_of(error: BaseException | None) -> SyncState:
    if isinstance(error, AuthExpiredError):
        return SyncState.SIGNED_OUT
    if isinstance(error, OfflineError):
        return SyncState.OFFLINE
    if isinstance(error, TransientSyncError):
        return SyncState.OFFLINE if error.kind is SyncErrorKind.NETWORK else SyncState.SERVER_BUSY
    if isinstance(error, SyncError) and error.kind is SyncErrorKind.BUSY:
        return SyncState.BUSY
    return SyncState.FAILED
