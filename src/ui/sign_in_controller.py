"""`SignInController`: runs the steps of signing in through the bridge and reports back.

Discovery, the password grant and the code exchange run on the store worker (brief network
calls with timeouts); the wait for the browser runs on the runtime thread, so the window
and autosave never wait for a person typing a password in the browser. The system browser
is opened by `open_url` (Qt's desktop services in the app; a recorder in tests).

Unlocking (a `same_person_as` is given) when the server cannot be reached: the controller
asks whether this computer keeps a password check for that clinician and says so
(`sig_offline_unlock`); `unlock_offline` then checks the password here, without the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from outpost.core.errors import (
    JobTimeoutError,
    OfflineError,
    OfflineUnlockError,
    OfflineUnlockErrorKind,
    SyncError,
    SyncErrorKind,
)
from outpost.core.ports import SessionPort
from outpost.core.session import BrowserSignIn, Identity, SignInOptions
from outpost.ui.bridge import Bridge, Job
from outpost.ui.messages import sign_in_error_text
from outpost.ui.sign_in_offline import offline_unlock_error_text

logger = logging.getLogger(__name__)

NETWORK_JOB_TIMEOUT_S = 60.0  # discovery and token calls carry their own request timeouts
BROWSER_WAIT_S = 600.0  # the listener gives up after 300 s by itself; this is a backstop


class SignInController(QObject):
    sig_options_loaded = Signal(object)  # SignInOptions
    sig_browser_waiting = Signal(str)  # the address opened (shown for when no browser opens)
    sig_signed_in = Signal(object)  # Identity
    sig_failed = Signal(str)  # plain words
    sig_busy_changed = Signal(bool)
    # The server cannot be reached while unlocking: whether the password can be checked here.
    sig_offline_unlock = Signal(bool)

    def __init__(
        self,
        bridge: Bridge,
        port: SessionPort,
        *,
        server_url: str,
        open_url: Callable[[str], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self.server_url = server_url
        self._open_url = open_url
        self._attempt: BrowserSignIn | None = None
        self._wait: Job | None = None
        self._busy = False
        self.options: SignInOptions | None = None
        self._unlocking: Identity | None = None
        self.offline = False  # the password form checks the password on this computer

    @property
    def busy(self) -> bool:
        return self._busy

    def load_options(self, same_person_as: Identity | None = None) -> None:
        """Ask the server how to sign in; with `same_person_as` (unlocking), a server that
        cannot be reached leads to the offline unlock where this computer allows it."""
        self._unlocking = same_person_as
        self.offline = False
        self.options = None  # until the server says again
        port, url = self._port, self.server_url
        self._set_busy(True)
        (
            self._bridge.store_op(
                lambda _s: port.sign_in_options(url), timeout=NETWORK_JOB_TIMEOUT_S
            )
            .success(self._on_options)
            .failure(lambda error: self._fail(error, with_password=False))
            .run()
        )

    def with_password(self, user: str, password: str, same_person_as: Identity | None) -> None:
        if self._busy:
            return
        port, url = self._port, self.server_url
        self._set_busy(True)
        (
            self._bridge.store_op(
                lambda _s: port.sign_in_with_password(
                    url, user, password, same_person_as=same_person_as
                ),
                timeout=NETWORK_JOB_TIMEOUT_S,
            )
            .success(self._on_signed_in)
            .failure(lambda error: self._on_password_failed(error, user, password, same_person_as))
            .run()
        )

    def unlock_offline(self, user: str, password: str, same_person_as: Identity) -> None:
        """Check the password against the one kept on this computer (no server)."""
        if self._busy:
            return
        self._set_busy(True)
        self._check_here(user, password, same_person_as)

    def _check_here(self, user: str, password: str, same_person_as: Identity) -> None:
        port = self._port
        (
            self._bridge.store_op(
                lambda _s: port.unlock_offline(user, password, same_person_as=same_person_as)
            )
            .success(self._on_signed_in)
            .failure(self._on_offline_failed)
            .run()
        )

    def with_browser(self, same_person_as: Identity | None) -> None:
        if self._busy:
            return
        port, url = self._port, self.server_url
        self._set_busy(True)
        (
            self._bridge.store_op(
                lambda _s: port.start_browser_sign_in(url), timeout=NETWORK_JOB_TIMEOUT_S
            )
            .success(lambda attempt: self._on_browser_started(attempt, same_person_as))
            .failure(lambda error: self._fail(error, with_password=False))
            .run()
        )

    def cancel(self) -> None:
        """Stop waiting for the browser (its listener closes); nothing is kept."""
        if self._wait is not None:
            self._wait.cancel()
            self._wait = None
        self._drop_attempt()
        self._set_busy(False)

    # --- steps -----------------------------------------------------------------------

    def _on_options(self, options: SignInOptions) -> None:
        self.options = options
        self._set_busy(False)
        self.sig_options_loaded.emit(options)

    def _on_browser_started(self, attempt: BrowserSignIn, same: Identity | None) -> None:
        self._attempt = attempt
        port = self._port
        self._wait = (
            self._bridge.async_op(lambda: port.browser_redirect(attempt), timeout=BROWSER_WAIT_S)
            .success(lambda _none: self._on_browser_back(attempt, same))
            .failure(lambda error: self._fail(error, with_password=False))
            .run()
        )
        opened = self._open_url(attempt.url)
        logger.info("browser sign-in %d: browser opened: %s", attempt.attempt, opened)
        self.sig_browser_waiting.emit(attempt.url)

    def _on_browser_back(self, attempt: BrowserSignIn, same: Identity | None) -> None:
        self._wait = None
        self._attempt = None
        port = self._port
        (
            self._bridge.store_op(
                lambda _s: port.finish_browser_sign_in(attempt, same_person_as=same),
                timeout=NETWORK_JOB_TIMEOUT_S,
            )
            .success(self._on_signed_in)
            .failure(lambda error: self._fail(error, with_password=False))
            .run()
        )

    def _on_signed_in(self, identity: Identity) -> None:
        self._set_busy(False)
        self.sig_signed_in.emit(identity)

    def _fail(self, error: Exception, *, with_password: bool) -> None:
        logger.info("sign-in step failed: %s", type(error).__name__)
        self._wait = None
        self._drop_attempt()
        unlocking = self._unlocking
        if unlocking is not None and unreachable(error):
            self._check_offline_unlock(unlocking)
            return
        self._set_busy(False)
        self.sig_failed.emit(sign_in_error_text(error, with_password=with_password))

    def _check_offline_unlock(self, unlocking: Identity) -> None:
        port = self._port
        (
            self._bridge.store_op(lambda _s: port.offline_unlock_available(unlocking))
            .success(self._on_offline_checked)
            .failure(lambda error: self._fail_plainly(error))
            .run()
        )

    def _on_offline_checked(self, available: bool) -> None:
        logger.info("server unreachable while unlocking; offline unlock available: %s", available)
        self.offline = available
        self._set_busy(False)
        self.sig_offline_unlock.emit(available)

    def _on_password_failed(
        self, error: Exception, user: str, password: str, same: Identity | None
    ) -> None:
        if same is not None and unreachable(error):
            # Unlocking and the link just dropped: check the same password on this computer.
            logger.info("server unreachable while unlocking: checking the password here")
            self._check_here(user, password, same)
            return
        self._fail(error, with_password=True)

    def _on_offline_failed(self, error: Exception) -> None:
        logger.info("offline unlock refused: %s", type(error).__name__)
        # After too many wrong passwords, or with no password kept, only the server unlocks.
        self.offline = not (
            isinstance(error, OfflineUnlockError)
            and error.kind
            in (OfflineUnlockErrorKind.LOCKED_OUT, OfflineUnlockErrorKind.UNAVAILABLE)
        )
        self._set_busy(False)
        self.sig_failed.emit(offline_unlock_error_text(error))

    def _fail_plainly(self, error: Exception) -> None:
        self._set_busy(False)
        self.sig_failed.emit(sign_in_error_text(error, with_password=False))

    def _drop_attempt(self) -> None:
        attempt, self._attempt = self._attempt, None
        if attempt is not None:
            port = self._port
            self._bridge.store_op(lambda _s: port.cancel_browser_sign_in(attempt)).run()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.sig_busy_changed.emit(busy)


def unreachable(error: Exception) -> bool:
    """Whether `error` says the server cannot be reached (not that it said no)."""
    if isinstance(error, SyncError):
        return error.kind is SyncErrorKind.NETWORK
    return isinstance(error, OfflineError | JobTimeoutError)
