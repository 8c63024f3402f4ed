"""`SyncEngine`: one full sync (push, then pull) with the server, and its report.

Runs on the store worker thread (it uses the store's connection through the ledger and
blocking `requests` calls). Holds the profile's sync lock for its whole life, so a second
engine on the same profile is refused. Within one run a transient failure (network,
timeout, 429, 5xx) is retried a few times with backoff, continuing where it stopped (the
outbox and the pull cursors keep the progress); after that the run fails and the
`SyncScheduler` decides when to try again.

Errors out of `sync_once`: `OfflineError` (the server cannot be reached),
`TransientSyncError` (kind SERVER: busy or failing, `retry_after_s` set when it said so),
`AuthExpiredError` (sign in again; sync is paused, nothing local is touched),
`SyncError` (PROTOCOL: not a usable FHIR server; BUSY: the lock).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import TypeVar

from outpost.core.errors import AuthExpiredError, OfflineError, SyncError, SyncErrorKind
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.backoff import Backoff
from outpost.sync.batch_sizer import BatchSizer
from outpost.sync.client import FhirClient, TransientSyncError, utc_now
from outpost.sync.discovery import fetch_capabilities
from outpost.sync.lock import SyncLock
from outpost.sync.pull import PullCounts, Puller
from outpost.sync.push import Pusher
from outpost.sync.scheduler import Outcome
from outpost.sync.settle import PushCounts
from outpost.sync.tokens import SIGN_IN_AGAIN

logger = logging.getLogger(__name__)

T = TypeVar("T")
OFFLINE_MESSAGE = "Could not reach the server."


@dataclass(frozen=True)
class EngineOptions:
    max_retries: int = 3  # transient failures tolerated within one run
    max_wait_s: float = 60.0  # a longer wait (a Retry-After) ends the run instead
    overlap_s: float = 2.0
    page_size: int = 500  # the most FHIR servers commonly allow; fewer a page is fine
    batch_start: int = 50
    batch_max: int = 500
    skew_warning_s: float = 60.0


@dataclass(frozen=True)
class SyncReport:
    sent: int
    acknowledged: int
    conflicts: int
    rejected: int
    released: int
    pulled: Mapping[str, int]  # new server versions received, per FHIR type
    written: Mapping[str, int]  # local records updated from them, per FHIR type
    skipped: int
    duration_s: float
    clock_skew_s: float | None  # server clock minus this computer's (Date header)
    requests: int
    conflict_ids: tuple[str, ...] = ()
    skew_warning_s: float = field(default=60.0, repr=False)

    @property
    def needs_attention(self) -> bool:
        """New conflicts or rejected changes: the clinician has something to look at."""
        return self.conflicts > 0 or self.rejected > 0

    @property
    def clock_skewed(self) -> bool:
        return self.clock_skew_s is not None and abs(self.clock_skew_s) > self.skew_warning_s


class SyncEngine:
    def __init__(
        self,
        client: FhirClient,
        ledger: SyncLedger,
        lock: SyncLock,
        *,
        author: str | None = None,
        options: EngineOptions | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """`author` is the signed-in clinician as a `Practitioner/<id>` reference."""
        lock.acquire()  # SyncError(BUSY) when another engine runs for this profile
        self._lock = lock
        self._client = client
        self._ledger = ledger
        self._author = author
        self.options = options or EngineOptions()
        self._backoff = backoff or Backoff()
        self._clock = clock
        self._sleep = sleep
        self._monotonic = monotonic
        self.sizer = BatchSizer(self.options.batch_start, self.options.batch_max)

    def __enter__(self) -> SyncEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._lock.release()

    def sync_once(self) -> SyncReport:
        started = self._monotonic()
        requests_before = self._client.requests_made
        push = PushCounts()
        pull = PullCounts()
        try:
            capabilities, _ = fetch_capabilities(self._client)
            pusher = Pusher(
                self._client, self._ledger, self.sizer, author=self._author, counts=push
            )
            push_error: TransientSyncError | None = None
            try:
                self._retrying(pusher.run)
            except TransientSyncError as exc:
                if exc.kind is SyncErrorKind.NETWORK:
                    raise
                # One change the server keeps failing must not stop the schedule's update.
                push_error = exc
            puller = Puller(
                self._client,
                self._ledger,
                capabilities,
                overlap_s=self.options.overlap_s,
                page_size=self.options.page_size,
                counts=pull,
            )
            self._retrying(puller.run)
            if push_error is not None:
                raise push_error
        except TransientSyncError as exc:
            logger.info(
                "sync stopped (%s) after %d sent, %d acknowledged",
                exc.kind.value,
                push.sent,
                push.acknowledged,
            )
            if exc.kind is SyncErrorKind.NETWORK:
                raise OfflineError(OFFLINE_MESSAGE) from exc
            raise
        except SyncError as exc:
            if exc.kind is SyncErrorKind.AUTH:
                raise AuthExpiredError(SIGN_IN_AGAIN) from exc
            raise
        # On the server's clock (its Date header): device clocks order nothing (DESIGN 4).
        skew = self._client.clock_skew_s
        self._ledger.set_last_sync(self._clock() + timedelta(seconds=skew or 0.0))
        report = SyncReport(
            sent=push.sent,
            acknowledged=push.acknowledged,
            conflicts=push.conflicts,
            rejected=push.rejected,
            released=push.released,
            pulled=dict(pull.received),
            written=dict(pull.written),
            skipped=pull.skipped,
            duration_s=self._monotonic() - started,
            clock_skew_s=self._client.clock_skew_s,
            requests=self._client.requests_made - requests_before,
            conflict_ids=tuple(push.conflict_ids),
            skew_warning_s=self.options.skew_warning_s,
        )
        logger.info(
            "sync done in %.2f s: %d sent, %d acknowledged, %d conflicts, %d rejected, "
            "pulled %s, %d requests, clock skew %s s",
            report.duration_s,
            report.sent,
            report.acknowledged,
            report.conflicts,
            report.rejected,
            dict(report.pulled),
            report.requests,
            None if report.clock_skew_s is None else round(report.clock_skew_s),
        )
        if report.clock_skewed:
            logger.warning("this computer's clock is %.0f s off the server's", report.clock_skew_s)
        return report

    def _retrying(self, step: Callable[[], T]) -> T:
        failures = 0
        while True:
            try:
                result = step()
            except TransientSyncError as exc:
                failures += 1
                delay = self._backoff.next_delay(exc.retry_after_s)
                if failures > self.options.max_retries or delay > self.options.max_wait_s:
                    raise
                logger.info("transient failure (%s): retrying in %.1f s", exc.kind.value, delay)
                self._sleep(delay)
                continue
            self._backoff.reset()
            return result


def outcome_of(error: BaseException | None) -> tuple[Outcome, float | None]:
    """How a finished `sync_once` should steer the `SyncScheduler` (and its Retry-After)."""
    if error is None:
        return Outcome.SUCCESS, None
    if isinstance(error, AuthExpiredError):
        return Outcome.AUTH_EXPIRED, None
    if isinstance(error, TransientSyncError):
        return Outcome.TRANSIENT, error.retry_after_s
    if isinstance(error, OfflineError):
        return Outcome.TRANSIENT, None
    return Outcome.FAILED, None
