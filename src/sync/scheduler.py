"""`SyncScheduler`: when the app should run the next sync. Pure logic on a monotonic clock.

The app tells it what happened (`request(Trigger...)`, `started`, `finished(Outcome...)`)
and asks `seconds_until_due()` to arm one single-shot timer, or `due()` when it fires.
Rules:
- every `interval_s` after a successful sync (the timer);
- soon after a note is signed (debounced, so signing five notes gives one sync);
- after the network comes back: a random 0-30 s delay, and the backoff starts over;
- on demand: now, even while backing off;
- after a transient failure: exponential backoff with full jitter; `Retry-After` wins;
- refused sign-in: paused (no runs at all) until `request(Trigger.SIGNED_IN)`;
- never two at once: a request during a run is remembered and served after it.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from outpost.core.sync_state import SyncTrigger
from outpost.sync.backoff import Backoff

Trigger = SyncTrigger  # the app's reasons to sync (outpost.core.sync_state)


class Outcome(enum.Enum):
    SUCCESS = "success"  # server reached; rejected/conflicted actions still count as success
    TRANSIENT = "transient"  # offline, timeout, 429/5xx: retry with backoff
    AUTH_EXPIRED = "auth-expired"  # pause until the clinician signs in again
    FAILED = "failed"  # anything else (a bug, a full disk): retry with backoff


@dataclass(frozen=True)
class SchedulePolicy:
    interval_s: float = 300.0
    after_signed_note_s: float = 5.0
    startup_delay_s: float = 2.0


class SyncScheduler:
    def __init__(
        self,
        policy: SchedulePolicy | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or SchedulePolicy()
        self.backoff = backoff or Backoff()
        self._clock = clock
        self._next_at: float | None = None
        self._requested_at: float | None = None  # asked for during a run
        self.running = False
        self.paused = False

    @property
    def backing_off(self) -> bool:
        return self.backoff.failures > 0

    def request(self, trigger: Trigger) -> None:
        now = self._clock()
        if trigger is Trigger.SIGNED_IN:
            self.paused = False
            self.backoff.reset()
            self._want(now)
            return
        if self.paused:
            return
        if trigger is Trigger.STARTUP:
            self._want(now + self.policy.startup_delay_s)
        elif trigger is Trigger.ON_DEMAND:
            self._want(now)
        elif trigger is Trigger.RECONNECTED:
            delay = self.backoff.reconnect_delay()  # also starts the backoff over
            if self._next_at is not None and not self.running:
                self._next_at = now + delay
            else:
                self._want(now + delay)
        elif trigger is Trigger.NOTE_SIGNED and not self.backing_off:
            # While backing off the note waits for the retry; the outbox keeps it.
            self._want(now + self.policy.after_signed_note_s)

    def _want(self, at: float) -> None:
        if self.running:
            self._requested_at = at if self._requested_at is None else min(self._requested_at, at)
        else:
            self._next_at = at if self._next_at is None else min(self._next_at, at)

    def next_run_at(self) -> float | None:
        return None if self.paused or self.running else self._next_at

    def seconds_until_due(self) -> float | None:
        at = self.next_run_at()
        return None if at is None else max(0.0, at - self._clock())

    def due(self) -> bool:
        at = self.next_run_at()
        return at is not None and self._clock() >= at

    def started(self) -> None:
        self.running = True
        self._next_at = None

    def finished(self, outcome: Outcome, retry_after_s: float | None = None) -> None:
        now = self._clock()
        self.running = False
        requested, self._requested_at = self._requested_at, None
        if outcome is Outcome.AUTH_EXPIRED:
            self.paused = True
            self._next_at = None
            return
        if outcome is Outcome.SUCCESS:
            self.backoff.reset()
            self._next_at = now + self.policy.interval_s
            if requested is not None:
                self._next_at = min(self._next_at, max(requested, now))
            return
        # A failure: the backoff decides; requests made during the run do not shorten it
        # (an on-demand request after the failure does).
        self._next_at = now + self.backoff.next_delay(retry_after_s)
