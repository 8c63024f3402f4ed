"""The app syncs by itself: the first sync brings the schedule, a signed note reaches the
server without any action, and a dead link shows as offline with the work kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from outpost.core.ports import ClinicStore, SyncPort
from outpost.core.settings import Profile
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.auth import discover, password_login
from outpost.sync.backoff import Backoff, BackoffPolicy
from outpost.sync.scheduler import SchedulePolicy, SyncScheduler
from outpost.sync.service import SyncService, http_session
from outpost.sync.tokens import TokenStore, read_profile_id
from outpost.ui.main_window import MainWindow
from outpost.ui.sync_controller import SyncController
from tests.integration.sync_helpers import USER, note_text, server_notes
from tests.server_process import RunningServer, running_server
from tests.ui.conftest import Session

IMMEDIATE = SchedulePolicy(interval_s=300, after_signed_note_s=0, startup_delay_s=0)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def sign_in(profile: Profile, base_url: str, server: RunningServer) -> None:
    with http_session() as http:
        tokens = password_login(http, discover(http, base_url), USER, server.users[USER])
    TokenStore(SystemKeychain(), read_profile_id(profile.data_dir)).save(tokens)


def sync_port(session: Session, profile: Profile) -> SyncPort:
    def build(store: ClinicStore) -> SyncPort:
        assert isinstance(store, Store)
        tokens = TokenStore(SystemKeychain(), read_profile_id(profile.data_dir))
        scheduler = SyncScheduler(IMMEDIATE, Backoff(BackoffPolicy(base_s=30), draw=lambda: 1.0))
        return SyncService(store, profile, tokens, scheduler=scheduler)

    return session.call(build)


@pytest.fixture
def app_window(
    qtbot: QtBot, profile: Profile, open_session: Callable[..., Session]
) -> Iterator[Callable[[], tuple[MainWindow, SyncController, Session]]]:
    made: list[tuple[MainWindow, SyncController, Session, SyncPort]] = []

    def make() -> tuple[MainWindow, SyncController, Session]:
        session = open_session()
        port = sync_port(session, profile)
        controller = SyncController(session.bridge, port)
        window = MainWindow(session.bridge, autosave_ms=100, today=date.today, sync=controller)
        window.show()
        qtbot.waitExposed(window)
        made.append((window, controller, session, port))
        controller.start()
        return window, controller, session

    yield make
    for window, controller, session, port in made:
        controller.stop()
        window.close()
        session.call(closer(port))


def closer(port: SyncPort) -> Callable[[ClinicStore], None]:
    return lambda _store: port.close()


def sign_on_screen(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
    QTest.keyClicks(window.editor.editor, text)
    QTest.mouseClick(window.editor._sign_button, Qt.MouseButton.LeftButton)
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    sign = next(b for b in box.buttons() if b.text() == "Sign note")
    QTest.mouseClick(sign, Qt.MouseButton.LeftButton)


def test_first_sync_fills_the_schedule_and_a_signed_note_is_sent_by_itself(
    qtbot: QtBot,
    profile: Profile,
    server: RunningServer,
    open_session: Callable[..., Session],
    app_window: Callable[[], tuple[MainWindow, SyncController, Session]],
) -> None:
    open_session().close()  # creates the profile, as the first start of the app does
    sign_in(profile, server.base_url, server)
    window, _, _ = app_window()

    qtbot.waitUntil(lambda: window.connection_summary.startswith("Synced at"), timeout=20_000)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 0)

    sign_on_screen(qtbot, window, "Reviewed labs; plan unchanged.")

    def on_server() -> bool:
        notes = [n for n in server_notes(server) if n.get("docStatus") == "final"]
        return [note_text(n) for n in notes] == ["Reviewed labs; plan unchanged."]

    qtbot.waitUntil(on_server, timeout=20_000)
    qtbot.waitUntil(lambda: window.sync_summary == "All changes synced")


def test_a_dead_link_shows_offline_and_keeps_the_work(
    qtbot: QtBot,
    tmp_path: Path,
    profile: Profile,
    server: RunningServer,
    open_session: Callable[..., Session],
    app_window: Callable[[], tuple[MainWindow, SyncController, Session]],
) -> None:
    open_session().close()
    sign_in(profile, server.base_url, server)
    server.process.terminate()
    server.process.wait(20)
    window, controller, _ = app_window()
    qtbot.waitUntil(
        lambda: window.connection_summary.startswith("Offline: changes are kept"), timeout=20_000
    )
    assert "trying again in" in window.connection_summary

    controller.sync_now()  # on demand: tried at once, even while backing off
    qtbot.waitUntil(lambda: controller.last is not None and controller.last.retry_in_s is not None)
    assert window.connection_summary.startswith("Offline")
