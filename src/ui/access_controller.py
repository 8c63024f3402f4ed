"""`AccessController`: whether patient data may be on screen, and the idle lock.

States (`AccessState`): CHECKING at startup while the keychain is read; OPEN when a
clinician is signed in (or no server is configured, so there is nobody to sign in as);
SIGNED_OUT when nobody is; LOCKED after `idle_lock_minutes` without keyboard or mouse use,
or by hand. Unlocking needs the same clinician to sign in again. Nothing here touches
unsent work: signing out says how many changes wait on this computer and keeps them.

Idle time is measured on an injectable monotonic clock; a single-shot timer fires when the
limit could have passed and `check_idle()` decides, so tests drive it without sleeping.
A visit in progress holds the lock off (`hold_idle_lock`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from outpost.core.domain import OutboxStatus
from outpost.core.ports import ClinicStore, SessionPort
from outpost.core.session import AccessState, Identity
from outpost.ui.bridge import Bridge

logger = logging.getLogger(__name__)

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)
SIGN_OUT_TIMEOUT_S = 30.0  # revocation is best effort with its own 5 s limit


def unsent_changes(status: OutboxStatus) -> int:
    """Changes still on this computer: waiting, refused ("needs attention") or in conflict."""
    return status.pending + status.rejected + status.conflicts


class AccessController(QObject):
    sig_state_changed = Signal(object)  # AccessState
    sig_signed_out = Signal(int)  # how many unsent changes are kept on this computer
    sig_identity_changed = Signal(object)  # Identity | None
    sig_signed_in = Signal(object)  # Identity: a sign-in just succeeded (sync soon)

    def __init__(
        self,
        bridge: Bridge,
        port: SessionPort,
        *,
        server_url: str,
        idle_lock_minutes: int,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self.server_url = server_url
        self._idle_s = idle_lock_minutes * 60.0
        self._clock = clock
        self._state = AccessState.CHECKING
        self._identity: Identity | None = None
        self._holds = 0
        self._last_input = clock()
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self.check_idle)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    # --- state -----------------------------------------------------------------------

    @property
    def state(self) -> AccessState:
        return self._state

    @property
    def identity(self) -> Identity | None:
        return self._identity

    @property
    def can_lock(self) -> bool:
        """A lock needs someone to sign in again as: a configured server."""
        return bool(self.server_url)

    @property
    def idle_lock_minutes(self) -> int:
        return round(self._idle_s / 60)

    # --- commands --------------------------------------------------------------------

    def start(self) -> None:
        """Read who is signed in (keychain only, works offline)."""
        port = self._port
        (
            self._bridge.store_op(lambda _s: port.signed_in())
            .success(self._on_identity_read)
            .failure(self._on_identity_failed)
            .run()
        )

    def lock(self) -> bool:
        """Hide patient data until the same clinician signs in again. False if it cannot."""
        if self._state is not AccessState.OPEN or not self.can_lock:
            return False
        logger.info("session locked")
        self._set_state(AccessState.LOCKED)
        return True

    def signed_in(self, identity: Identity) -> None:
        """The sign-in screen succeeded (a first sign-in or the unlock)."""
        self._identity = identity
        self.sig_identity_changed.emit(identity)
        self._touch()
        self._set_state(AccessState.OPEN)
        self.sig_signed_in.emit(identity)

    def sign_out(self) -> None:
        """Forget the sign-in; unsent changes stay and the sign-in screen says how many."""
        port = self._port

        def job(store: ClinicStore) -> int:
            port.sign_out()
            return unsent_changes(store.outbox_status())

        (
            self._bridge.store_op(job, timeout=SIGN_OUT_TIMEOUT_S)
            .success(self._on_signed_out)
            .failure(lambda _error: self._on_signed_out(-1))
            .run()
        )

    def hold_idle_lock(self, held: bool) -> None:
        """While held (a visit in progress), idleness never locks the session."""
        self._holds = max(0, self._holds + (1 if held else -1))
        self._touch()

    # --- idle ------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._clock()
        return False

    def check_idle(self) -> None:
        """Lock if nothing was typed or clicked for the policy's time; else wait again."""
        if self._state is not AccessState.OPEN or self._idle_s <= 0 or not self.can_lock:
            return
        idle = self._clock() - self._last_input
        if self._holds == 0 and idle >= self._idle_s:
            logger.info("idle for %.0f s: locking", idle)
            self.lock()
            return
        self._arm(self._idle_s - idle if self._holds == 0 else self._idle_s)

    def _touch(self) -> None:
        self._last_input = self._clock()
        if self._state is AccessState.OPEN:
            self._arm(self._idle_s)

    def _arm(self, seconds: float) -> None:
        if self._idle_s > 0 and self.can_lock:
            self.idle_timer.start(max(1000, int(seconds * 1000) + 50))

    # --- results ---------------------------------------------------------------------

    def _on_identity_read(self, identity: Identity | None) -> None:
        self._identity = identity
        self.sig_identity_changed.emit(identity)
        opened = identity is not None or not self.server_url
        self._touch()
        self._set_state(AccessState.OPEN if opened else AccessState.SIGNED_OUT)

    def _on_identity_failed(self, error: Exception) -> None:
        logger.warning("sign-in could not be read: %s", type(error).__name__)
        self._on_identity_read(None)

    def _on_signed_out(self, kept: int) -> None:
        logger.info("signed out; %d unsent changes kept", max(kept, 0))
        self._identity = None
        self.sig_identity_changed.emit(None)
        self._set_state(AccessState.SIGNED_OUT)
        self.sig_signed_out.emit(kept)

    def _set_state(self, state: AccessState) -> None:
        if state is AccessState.OPEN:
            self._arm(self._idle_s)
        else:
            self.idle_timer.stop()
        if state is not self._state:
            self._state = state
            self.sig_state_changed.emit(state)
