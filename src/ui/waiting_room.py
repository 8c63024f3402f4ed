"""`WaitingRoomController`: who is waiting for a video visit now, polled while signed in.

Every few seconds (one request at a time) it asks the `CallPort` for the clinic's waiting
rooms and announces a `WaitingView`: the list, or why there is none (loading, offline, not
signed in, a server problem). Offline is a state, not an error: it is announced once and
polling simply goes on until the server answers again.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from outpost.core.errors import AuthExpiredError, OfflineError
from outpost.core.visits import CallPort, WaitingPatient
from outpost.ui.bridge import Bridge, Job

logger = logging.getLogger(__name__)

POLL_MS = 5000
POLL_TIMEOUT_S = 15.0


class WaitingPhase(enum.Enum):
    OFF = "off"  # not polling (signed out, locked)
    LOADING = "loading"  # the first answer has not come yet
    READY = "ready"
    OFFLINE = "offline"
    SIGNED_OUT = "signed-out"
    FAILED = "failed"


@dataclass(frozen=True)
class WaitingView:
    phase: WaitingPhase
    entries: tuple[WaitingPatient, ...] = ()
    fetched_at: float = 0.0  # monotonic time of the answer
    error: Exception | None = None

    def waited_s(self, entry: WaitingPatient, now: float) -> float:
        """How long `entry` has waited by `now` (monotonic)."""
        return entry.waited_s + max(now - self.fetched_at, 0.0)

    def entry(self, appointment_id: str) -> WaitingPatient | None:
        for entry in self.entries:
            if entry.appointment_id == appointment_id:
                return entry
        return None


class WaitingRoomController(QObject):
    sig_changed = Signal(object)  # WaitingView

    def __init__(
        self,
        bridge: Bridge,
        port: CallPort,
        *,
        interval_ms: int = POLL_MS,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self._clock = clock
        self._job: Job | None = None
        self._polls = 0
        self.view = WaitingView(WaitingPhase.OFF)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll_now)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Poll from now on (signed in and the work is on screen)."""
        if self.active:
            return
        if self.view.phase is WaitingPhase.OFF:
            self._announce(WaitingView(WaitingPhase.LOADING))
        self._timer.start()
        self.poll_now()

    def stop(self) -> None:
        self._timer.stop()
        if self._job is not None:
            self._job.cancel()
            self._job = None
        self._announce(WaitingView(WaitingPhase.OFF))

    def poll_now(self) -> None:
        if self._job is not None and not self._job.done():
            return  # one request at a time
        self._polls += 1
        token = self._polls
        port = self._port
        self._job = (
            self._bridge.async_op(port.waiting, timeout=POLL_TIMEOUT_S)
            .success(lambda entries: self._on_waiting_loaded(token, entries))
            .failure(lambda error: self._on_waiting_failed(token, error))
            .run()
        )

    def _on_waiting_loaded(self, token: int, entries: list[WaitingPatient]) -> None:
        if token != self._polls or not self.active:
            return
        self._announce(WaitingView(WaitingPhase.READY, tuple(entries), self._clock()))

    def _on_waiting_failed(self, token: int, error: Exception) -> None:
        if token != self._polls or not self.active:
            return
        if isinstance(error, OfflineError):
            phase = WaitingPhase.OFFLINE
        elif isinstance(error, AuthExpiredError):
            phase = WaitingPhase.SIGNED_OUT
        else:
            phase = WaitingPhase.FAILED
        self._announce(WaitingView(phase, fetched_at=self._clock(), error=error))

    def _announce(self, view: WaitingView) -> None:
        if view.phase is not self.view.phase:
            logger.info("waiting list: %s (%d waiting)", view.phase.value, len(view.entries))
        self.view = view
        self.sig_changed.emit(view)
