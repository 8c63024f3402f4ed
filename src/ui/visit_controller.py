"""`VisitController`: one video visit from the UI's side, through the bridge.

Join, admit, mute, camera, device and hang-up go to the `CallPort` as runtime jobs; their
results come back as queued callbacks. While a visit is open a timer reads the port's
status snapshot (a few times a second, no waiting) and announces changes; the pictures
themselves are pulled by the room's `VideoFeed`s.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import QObject, QTimer, Signal

from outpost.core.visits import CallPort, CallStatus, VisitState, VisitSummary
from outpost.ui.bridge import Bridge

logger = logging.getLogger(__name__)

STATUS_MS = 200
JOIN_TIMEOUT_S = 30.0
ACTION_TIMEOUT_S = 15.0


class VisitController(QObject):
    sig_status_changed = Signal(object)  # CallStatus
    sig_joined = Signal(str)  # appointment id: the room answered
    sig_join_failed = Signal(str, object)  # appointment id, the error
    sig_action_failed = Signal(object)  # an error of admit, mute, camera or device
    sig_left = Signal(object)  # VisitSummary | None: hung up (by us) and closed

    def __init__(self, bridge: Bridge, port: CallPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self._status = port.status()
        self._joining: str | None = None
        self._leaving = False
        self._leave_once_joined = False
        self._timer = QTimer(self)
        self._timer.setInterval(STATUS_MS)
        self._timer.timeout.connect(self.refresh)

    @property
    def port(self) -> CallPort:
        return self._port

    @property
    def status(self) -> CallStatus:
        return self._status

    @property
    def busy(self) -> bool:
        """A visit is opening or open (a second one cannot start)."""
        return self._joining is not None or self._status.state.open

    # --- actions ---------------------------------------------------------------------

    def join(self, appointment_id: str) -> bool:
        """Open the appointment's visit room. False if a visit is already open."""
        if self.busy:
            return False
        self._joining = appointment_id
        self._leaving = False
        port = self._port
        logger.info("joining a visit")
        self._timer.start()
        (
            self._bridge.async_op(lambda: port.join(appointment_id), timeout=JOIN_TIMEOUT_S)
            .success(lambda _none: self._on_joined(appointment_id))
            .failure(lambda error: self._on_join_failed(appointment_id, error))
            .run()
        )
        return True

    def admit(self) -> bool:
        if self._status.state is not VisitState.PATIENT_WAITING:
            return False
        port = self._port
        self._act(port.admit)
        return True

    def set_muted(self, muted: bool) -> None:
        port = self._port
        self._act(lambda: port.set_muted(muted))

    def set_camera_off(self, off: bool) -> None:
        port = self._port
        self._act(lambda: port.set_camera_off(off))

    def use_device(self, device_id: str) -> None:
        port = self._port
        self._act(lambda: port.use_device(device_id))

    def hang_up(self) -> bool:
        """End the open visit for both sides; False if there is none."""
        if self._leaving or (self._joining is None and self._status.state is VisitState.IDLE):
            return False
        if self._joining is not None:  # the room has not answered yet: leave once it has
            self._leave_once_joined = True
            return True
        self._leaving = True
        port = self._port
        (
            self._bridge.async_op(port.hang_up, timeout=ACTION_TIMEOUT_S)
            .success(self._on_left)
            .failure(lambda _error: self._on_left(None))
            .run()
        )
        return True

    def refresh(self) -> None:
        """Read the port's snapshot now and announce it if it changed."""
        status = self._port.status()
        if status != self._status:
            self._status = status
            self.sig_status_changed.emit(status)
        if not status.state.open and self._joining is None:
            self._timer.stop()

    # --- results ---------------------------------------------------------------------

    def _act(self, job: Callable[[], Awaitable[None]]) -> None:
        (
            self._bridge.async_op(job, timeout=ACTION_TIMEOUT_S)
            .success(lambda _none: self.refresh())
            .failure(self._on_action_failed)
            .run()
        )

    def _on_joined(self, appointment_id: str) -> None:
        self._joining = None
        self.refresh()
        self._timer.start()
        self.sig_joined.emit(appointment_id)
        if self._leave_once_joined:
            self._leave_once_joined = False
            self.hang_up()

    def _on_join_failed(self, appointment_id: str, error: Exception) -> None:
        logger.info("joining failed: %s", type(error).__name__)
        self._joining = None
        self._leave_once_joined = False
        self.refresh()
        self.sig_join_failed.emit(appointment_id, error)

    def _on_action_failed(self, error: Exception) -> None:
        self.refresh()
        self.sig_action_failed.emit(error)

    def _on_left(self, summary: VisitSummary | None) -> None:
        self._leaving = False
        self.refresh()
        self.sig_left.emit(summary)
