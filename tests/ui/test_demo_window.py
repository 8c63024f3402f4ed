"""The windowed demo's walkthrough (README): a demo server and a test patient are started,
the demo clinician is signed in and synced before the window shows, the patient waits in
Today's band; the Demo menu takes the server away (offline, work kept) and brings it back
(synced at once)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from outpost.core.ports import ClinicStore
from outpost.core.settings import Profile
from outpost.demo.children import DemoServer, PatientBot
from outpost.demo.window import DemoWindowSession
from tests.ui.conftest import AppFactory, Session
from tests.ui.visit_helpers import CallsFactory


def running(server: DemoServer) -> bool:
    return server.running


@pytest.fixture
def demo_children(tmp_path: Path) -> Iterator[tuple[DemoServer, PatientBot]]:
    server = DemoServer(tmp_path / "demo-server")
    bot = PatientBot(tmp_path / "demo-server")
    server.start()
    yield server, bot
    bot.stop()
    server.stop()


def test_the_demo_walkthrough_patient_waiting_offline_and_back(
    qtbot: QtBot,
    profile: Profile,
    open_session: Callable[..., Session],
    make_app: AppFactory,
    call_ports: CallsFactory,
    demo_children: tuple[DemoServer, PatientBot],
) -> None:
    server, bot = demo_children
    demo = DemoWindowSession(profile, server, bot)
    setup = open_session()

    def before_show(store: ClinicStore) -> None:
        demo.before_show(store)

    setup.worker.submit(before_show, timeout=60).result(90)  # signs in, syncs, sends patient
    assert bot.running
    assert server.info is not None
    app = make_app(server.info.base_url, calls=call_ports)
    window = app.window
    demo.extend_window(window)
    assert window.windowTitle() == "Outpost — demo"
    waiting = demo.waiting_for
    assert waiting is not None
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(f"Demo: {waiting.patient.display_name} is waiting for the")
    )
    visits = window.visits
    assert visits is not None
    banner = visits.today.banner
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 0, timeout=20_000)
    visits.waiting.poll_now()
    qtbot.waitUntil(lambda: len(banner.join_buttons) == 1, timeout=15_000)
    assert banner.entry_texts()[0].startswith(f"{waiting.patient.display_name} is waiting")

    demo.offline()
    assert not running(server)
    assert demo.action_online.isEnabled()
    visits.waiting.poll_now()
    qtbot.waitUntil(lambda: banner.message.startswith("Offline:"), timeout=15_000)
    item = window.schedule.model.item(0)
    app.session.call(lambda store: store.create_note(item.appointment.id, "Offline.", sign=True))
    app.sync.sync_now()
    qtbot.waitUntil(lambda: window.connection_summary.startswith("Offline"), timeout=20_000)

    demo.online()
    assert running(server)
    qtbot.waitUntil(
        lambda: (
            window.sync_summary == "All changes synced"
            and window.connection_summary.startswith("Synced at")
        ),
        timeout=30_000,
    )
