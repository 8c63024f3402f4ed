"""Composition root of the desktop app: builds the threads, the store and the windows.

Nothing below this module creates its own collaborators; they arrive through constructors.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date
from importlib import resources
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QTimer, QUrl
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtNetwork import QNetworkInformation
from PySide6.QtWidgets import QApplication, QMessageBox

from outpost.core.device_choice import DeviceChoice, save_device_choice
from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore, SessionPort, SyncPort, SyncReviewPort
from outpost.core.runtime import Runtime
from outpost.core.settings import Profile, Settings
from outpost.core.settings_file import update_user_settings
from outpost.core.worker import StoreWorker
from outpost.media.call_service import CallService, DeviceLister, system_devices
from outpost.media.device_check import DeviceCheck
from outpost.media.peer import PeerOptions
from outpost.media.tech_check import TechCheck
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.review import SyncReview
from outpost.store.store import Store
from outpost.sync.call_tokens import CallCredentials
from outpost.sync.service import SyncService
from outpost.sync.session import SessionService
from outpost.sync.tokens import TokenStore, read_profile_id
from outpost.ui.access_controller import AccessController
from outpost.ui.access_page import AccessPageWidget
from outpost.ui.bridge import Bridge
from outpost.ui.garbage import MainThreadGarbageCollector
from outpost.ui.main_window import MainWindow
from outpost.ui.qt_logging import install_qt_message_handler
from outpost.ui.sign_in_controller import SignInController
from outpost.ui.sign_in_widget import SignInWidget
from outpost.ui.sync_controller import SyncController
from outpost.ui.translations import install_translators

logger = logging.getLogger(__name__)

# The main thread shares the interpreter's lock with the store worker (sync) and the runtime
# thread (calls). Asking a busy thread to hand the lock over after 1 ms instead of Python's
# 5 ms keeps the window answering while both work (tests/ui/test_never_blocks.py).
GIL_SWITCH_S = 0.001


class NoDisplayError(OutpostError):
    """The desktop app was started where there is no screen to show it on."""


def _require_display() -> None:
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError(
            "No display found, so the window cannot open. Run it from a desktop session,"
            " or use the headless commands (outpost demo --headless, outpost note ...)."
        )


def _application() -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Outpost")
    app.setOrganizationName("Outpost")
    app.setApplicationDisplayName("Outpost")
    app.setWindowIcon(QIcon(str(resources.files("outpost.resources") / "outpost.svg")))
    return app


def _install_crash_handler(window: MainWindow) -> None:
    """Unexpected exceptions: log the traceback, save the open draft, tell the user."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        logger.error(
            "unexpected error: %s\n%s",
            kind.__name__,
            "".join(traceback.format_tb(tb)),
        )
        window.flush()
        QMessageBox.critical(
            window,
            QCoreApplication.translate("MainWindow", "Outpost hit a problem"),
            QCoreApplication.translate(
                "MainWindow",
                "Something unexpected went wrong. Your note has been saved on this computer."
                " If it happens again, send the log file to your IT team.",
            ),
        )

    sys.excepthook = handle


_Services = tuple[SyncPort, SyncReviewPort, SessionPort]


def _services(store: ClinicStore, settings: Settings, keychain: SystemKeychain) -> _Services:
    """Built on the store worker: the sync service and the review use the store's connection
    there; the session service shares the profile's keychain entry with them."""
    assert isinstance(store, Store)
    tokens = TokenStore(keychain, read_profile_id(settings.profile.data_dir))
    return SyncService(store, settings.profile, tokens), SyncReview(store), SessionService(tokens)


def visit_calls(
    settings: Settings,
    keychain: SystemKeychain,
    worker: StoreWorker[ClinicStore],
    *,
    camera_size: tuple[int, int] = (640, 480),
    list_devices: DeviceLister = system_devices,
) -> CallService:
    """Video visits as the signed-in clinician; a due token refresh runs on the store
    worker, never at the same time as the sync engine's. Visits use the settings' camera,
    microphone and speaker; a device picked in the visit room is saved to the user's
    settings file for the next start; each visit's quality record goes to the store."""
    options = PeerOptions(ice_servers=settings.ice_servers, relay_only=settings.relay_only)
    return CallService(
        _credentials(settings, keychain, worker),
        options,
        camera_size=camera_size,
        choice=DeviceChoice.from_settings(settings),
        list_devices=list_devices,
        on_choice=lambda choice: _save_choice(worker, settings.profile, choice),
        quality_store=worker,
    )


def _credentials(
    settings: Settings, keychain: SystemKeychain, worker: StoreWorker[ClinicStore]
) -> CallCredentials:
    tokens = TokenStore(keychain, read_profile_id(settings.profile.data_dir))
    return CallCredentials(tokens, lambda job: worker.submit(lambda _store: job(), timeout=30))


def tech_checks(
    settings: Settings,
    keychain: SystemKeychain,
    worker: StoreWorker[ClinicStore],
    *,
    choice: Callable[[], DeviceChoice] | None = None,
    list_devices: DeviceLister = system_devices,
) -> TechCheck:
    """The tech check of this workstation: the devices visits use (`choice`, default the
    settings'), the configured server, the settings' TURN relays."""
    return TechCheck(
        DeviceCheck(DeviceChoice.from_settings(settings), lambda: list_devices(True)),
        _credentials(settings, keychain, worker),
        settings.server_url,
        ice_servers=settings.ice_servers,
        relay_only=settings.relay_only,
        choice=choice,
    )


def remember_first_run(
    window: MainWindow, settings: Settings, worker: StoreWorker[ClinicStore]
) -> None:
    """Once the guided first run is finished or skipped, the user's settings say so."""
    if window.help is None:
        return
    path = settings.profile.config_file
    window.help.sig_first_run_done.connect(
        lambda _completed: _write_settings(
            worker, lambda: update_user_settings(path, {"first_run_done": True}), "first run"
        )
    )


def _save_choice(worker: StoreWorker[ClinicStore], profile: Profile, choice: DeviceChoice) -> None:
    _write_settings(worker, lambda: save_device_choice(profile, choice), "device choice")


def _write_settings(worker: StoreWorker[ClinicStore], write: Callable[[], None], what: str) -> None:
    """On the store worker, never the UI thread (a file write); a failure is logged and
    nothing else is lost (the choice is asked or offered again next time)."""

    def written(done: concurrent.futures.Future[None]) -> None:
        if not done.cancelled() and done.exception() is not None:
            logger.warning("%s not saved: %s", what, type(done.exception()).__name__)

    job = worker.submit(lambda _store: write(), timeout=30)
    job.add_done_callback(written)


def open_in_browser(url: str) -> bool:
    """The system browser (RFC 8252: the clinic's sign-in page is never shown inside us)."""
    return QDesktopServices.openUrl(QUrl(url))


def access_screens(
    bridge: Bridge,
    session: SessionPort,
    settings: Settings,
    *,
    open_url: Callable[[str], bool] = open_in_browser,
    clock: Callable[[], float] = time.monotonic,
) -> tuple[AccessController, AccessPageWidget]:
    """The sign-in and lock screens and the controller deciding when they show."""
    access = AccessController(
        bridge,
        session,
        server_url=settings.server_url,
        idle_lock_minutes=settings.idle_lock_minutes,
        clock=clock,
    )
    sign_in = SignInController(bridge, session, server_url=settings.server_url, open_url=open_url)
    return access, AccessPageWidget(access, SignInWidget(sign_in))


def _watch_network(sync: SyncController) -> None:
    """Sync soon after the network comes back, where the OS tells us (else backoff does)."""
    if not QNetworkInformation.loadDefaultBackend():
        logger.info("no network-information backend; relying on retry backoff")
        return
    info = QNetworkInformation.instance()

    def changed(reachability: QNetworkInformation.Reachability) -> None:
        if reachability == QNetworkInformation.Reachability.Online:
            sync.reconnected()

    info.reachabilityChanged.connect(changed)


def run_app(
    settings: Settings,
    *,
    today: Callable[[], date] = date.today,
    before_show: Callable[[ClinicStore], object] | None = None,
    extend_window: Callable[[MainWindow], object] | None = None,
) -> int:
    """Open the main window on the profile's store; returns the process exit code.

    `before_show` runs on the store worker before the window loads (the demo signs in and
    syncs with it); `extend_window` runs once the window exists (the demo adds its menu).
    """
    _require_display()
    sys.setswitchinterval(GIL_SWITCH_S)
    app = _application()
    install_translators(app, settings.language)
    install_qt_message_handler()
    # Qt objects must only ever be destroyed on the main thread: collect cycles there.
    collector = MainThreadGarbageCollector()
    keychain = SystemKeychain()
    try:
        worker: StoreWorker[ClinicStore] = StoreWorker(
            lambda: open_store(settings.profile, keychain), lambda store: store.close()
        )
    except OutpostError as exc:
        logger.warning("store could not be opened: %s", type(exc).__name__)
        QMessageBox.critical(None, "Outpost", str(exc))
        return 1
    if before_show is not None:
        worker.submit(before_show, timeout=60).result()
    runtime = Runtime()
    runtime.start()
    bridge = Bridge(worker, runtime)
    services = worker.submit(lambda store: _services(store, settings, keychain), timeout=30)
    sync_port, review, session = services.result()
    sync = SyncController(bridge, sync_port)
    access, access_page = access_screens(bridge, session, settings)
    calls = visit_calls(settings, keychain, worker)
    runtime.submit(calls.refresh_devices, timeout=30)  # the device menus, off the UI thread
    window = MainWindow(
        bridge,
        autosave_ms=settings.autosave_ms,
        today=today,
        profile_label=str(settings.profile.data_dir),
        sync=sync,
        review=review,
        access=access,
        access_page=access_page,
        calls=calls,
        tech_check=tech_checks(settings, keychain, worker, choice=lambda: calls.choice),
        offer_first_run=not settings.first_run_done,
    )
    remember_first_run(window, settings, worker)
    if extend_window is not None:
        extend_window(window)
    _watch_network(sync)
    _install_crash_handler(window)
    # Ctrl+C in the terminal or a service manager's SIGTERM: quit cleanly, saving the draft.
    # Python runs the handler the next time it gets control (the collector's timer ticks).
    # The quit goes through the event loop: a signal before `exec` starts (the window just
    # shown) would otherwise be lost, `quit()` doing nothing while no loop runs.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, app.quit))
    window.show()
    logger.info("main window shown")
    access.start()
    sync.start()
    try:
        code = app.exec()
    finally:
        sync.stop()
        window.flush()
        worker.submit(lambda _store: sync_port.close(), timeout=30)
        _close_calls(runtime, calls)
        bridge.shutdown()
        runtime.shutdown()
        worker.close()
        collector.stop()
        sys.excepthook = sys.__excepthook__
        logger.info("app stopped")
    return code


def _close_calls(runtime: Runtime, calls: CallService) -> None:
    """Hang up a visit still open (the patient hears a bye) before the runtime stops."""
    try:
        runtime.submit(calls.close, timeout=15).result(timeout=20)
    except Exception as exc:  # noqa: BLE001 - quitting goes on; the runtime cancels the rest
        logger.warning("video visits did not close cleanly: %s", type(exc).__name__)
