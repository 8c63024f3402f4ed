"""The tech check, the guided first run and the rehearsal call on screen, against a real
`outpost server`, the real tech check (test pattern and synthetic voice as camera and
microphone, a JACK sound server as the speaker) and a real synthetic patient."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outpost.core.runtime import Runtime
from outpost.core.settings import Profile
from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict
from outpost.core.visits import VisitState
from outpost.media.call_service import CallService
from outpost.ui.first_run import FirstRunDialog
from outpost.ui.help_guide import HelpGuide
from outpost.ui.main_window import MainWindow
from outpost.ui.tech_check_dialog import TechCheckDialog
from outpost.ui.tech_check_widget import TechCheckWidget, level_percent
from outpost.ui.tech_check_words import finding_text
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.sound_server import running_jack
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory
from tests.ui.test_accessibility import unnamed_controls
from tests.ui.visit_helpers import CallsFactory, TechCheckFactory

CHECKS_MS = 60_000  # the automatic checks take ~10 s here; CI machines are slower


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def _app(
    qtbot: QtBot,
    make_app: AppFactory,
    server: RunningServer,
    tech_check_ports: TechCheckFactory,
    call_ports: CallsFactory | None = None,
    *,
    offer_first_run: bool = False,
) -> AppStack:
    app = make_app(
        server.base_url,
        calls=call_ports,
        tech_check=tech_check_ports,
        offer_first_run=offer_first_run,
    )
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    return app


def _check_of(window: MainWindow) -> TechCheckWidget:
    assert window.help is not None
    dialog = window.help.tech_check
    assert isinstance(dialog, TechCheckDialog)
    return dialog.check


def _finished(check: TechCheckWidget) -> bool:
    controller = check.controller
    return not controller.busy and controller.verdict(CheckName.ECHO) is not None


def test_the_tech_check_shows_the_camera_the_level_and_what_each_check_found(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    tech_check_ports: TechCheckFactory,
) -> None:
    with running_jack():  # the system's default speaker
        app = _app(qtbot, make_app, server, tech_check_ports)
        window = app.window
        QTest.keyClick(
            window,
            Qt.Key.Key_K,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        check = _check_of(window)
        qtbot.waitUntil(lambda: check.preview.pictures >= 5, timeout=CHECKS_MS)
        first = check.preview.serial
        qtbot.waitUntil(lambda: check.preview.serial != first, timeout=5_000)  # it moves
        qtbot.waitUntil(lambda: check.level.value() > 0, timeout=10_000)  # the voice speaks
        qtbot.waitUntil(lambda: _finished(check), timeout=CHECKS_MS)

        rows = check.rows
        assert "test picture" in rows[CheckName.CAMERA].text.text()
        network = check.controller.results(CheckName.NETWORK)
        assert [r.finding for r in network] == [Finding.NETWORK_GOOD]
        assert network[0].figures["rtt_ms"] >= 0
        assert network[0].figures["down_kbps"] > 1000
        assert rows[CheckName.NETWORK].mark.text() == "OK"
        assert rows[CheckName.NETWORK].text.text().startswith("Good for video:")
        assert "No relay server is set" in rows[CheckName.TURN].text.text()
        assert check.controller.verdict(CheckName.TURN) is Verdict.SKIPPED
        assert check.controller.verdict(CheckName.ECHO) is Verdict.SKIPPED
        assert check.summary.text() == (
            "All set so far. Play the test sound to check your speaker."
        )
        assert not check.heard_button.isVisible()

        check.play_button.click()
        qtbot.waitUntil(check.heard_button.isVisible, timeout=15_000)
        assert "Did you hear it?" in rows[CheckName.SPEAKER].text.text()
        QTest.keyClick(check.not_heard_button, Qt.Key.Key_Space)
        assert rows[CheckName.SPEAKER].mark.text() == "Needs attention"
        assert check.summary.text().startswith("1 check(s) need attention")
        assert not check.heard_button.isVisible()
        check.play_button.click()
        qtbot.waitUntil(check.heard_button.isVisible, timeout=15_000)
        check.heard_button.click()
        assert check.summary.text() == "All set for video visits."
        assert unnamed_controls(check) == []

        assert window.help is not None
        assert window.help.tech_check is not None
        window.help.tech_check.reject()  # Close releases the camera and microphone
        qtbot.waitUntil(lambda: check.controller.port.microphone_level() <= -99, timeout=10_000)


def _press_enter() -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    QTest.keyClick(focused, Qt.Key.Key_Return)


def _settings_file(profile: Profile) -> dict[str, object]:
    path = profile.config_file
    return tomllib.loads(path.read_text()) if path.exists() else {}


def _offered_tour(qtbot: QtBot, app: AppStack) -> tuple[HelpGuide, FirstRunDialog]:
    """The guided first run, as it opens by itself after signing in."""
    help_guide = app.window.help
    assert help_guide is not None
    qtbot.waitUntil(lambda: help_guide.first_run is not None)
    tour = help_guide.first_run
    assert tour is not None
    qtbot.waitExposed(tour)
    return help_guide, tour


def test_the_first_run_is_offered_once_and_finishes_by_keyboard(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    tech_check_ports: TechCheckFactory,
    profile: Profile,
) -> None:
    app = _app(qtbot, make_app, server, tech_check_ports, offer_first_run=True)
    help_guide, tour = _offered_tour(qtbot, app)
    assert tour.step.text() == "Step 1 of 4"
    assert unnamed_controls(tour) == []
    _press_enter()
    assert tour.step.text() == "Step 2 of 4"
    qtbot.waitUntil(lambda: _finished(tour.check), timeout=CHECKS_MS)
    assert tour.check.preview.pictures > 0
    for step in ("Step 3 of 4", "Step 4 of 4"):
        _press_enter()
        assert tour.step.text() == step
    assert tour.next_button.text() == "&Finish"
    with qtbot.waitSignal(tour.sig_done) as done:
        _press_enter()
    assert done.args == [True]
    assert not tour.isVisible()
    qtbot.waitUntil(lambda: _settings_file(profile).get("first_run_done") is True)

    # Locking and unlocking does not offer it again.
    app.access.lock()
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    assert help_guide.first_run is None


def test_escape_skips_the_first_run_and_it_is_not_offered_again(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    tech_check_ports: TechCheckFactory,
    profile: Profile,
) -> None:
    app = _app(qtbot, make_app, server, tech_check_ports, offer_first_run=True)
    help_guide, tour = _offered_tour(qtbot, app)
    with qtbot.waitSignal(tour.sig_done) as done:
        QTest.keyClick(tour, Qt.Key.Key_Escape)
    assert done.args == [False]
    qtbot.waitUntil(lambda: _settings_file(profile).get("first_run_done") is True)
    # Help, Guided tour shows it again on demand.
    app.window.action_first_run.trigger()
    assert help_guide.first_run is not None
    assert help_guide.first_run.isVisible()
    help_guide.first_run.skip()


def test_a_rehearsal_call_from_the_visit_menu(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    tech_check_ports: TechCheckFactory,
    call_ports: CallsFactory,
) -> None:
    app = _app(qtbot, make_app, server, tech_check_ports, call_ports)
    visits = app.window.visits
    assert visits is not None
    QTest.keyClick(
        app.window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert visits.room_shown
    assert visits.room.title.text() == "Rehearsal with a test patient"
    assert not visits.room.copy_link_button.isEnabled()
    qtbot.waitUntil(lambda: visits.visit.status.state is VisitState.PATIENT_WAITING, timeout=20_000)
    QTest.keyClick(
        app.window,
        Qt.Key.Key_J,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: visits.room.stage.pictures >= 10, timeout=20_000)
    qtbot.waitUntil(lambda: visits.visit.status.state is VisitState.IN_CALL, timeout=20_000)
    # The tech check would take the camera and microphone the visit is using: not now.
    app.window.action_tech_check.trigger()
    assert app.window.statusBar().currentMessage() == (
        "Finish the visit first, then run the tech check."
    )
    assert app.window.help is not None
    assert app.window.help.tech_check is None
    QTest.keyClick(
        app.window,
        Qt.Key.Key_H,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: not visits.room_shown, timeout=20_000)
    assert "Visit ended after" in app.window.statusBar().currentMessage()


def test_the_visit_rooms_device_menus_say_what_is_used_and_remember_a_pick(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    tech_check_ports: TechCheckFactory,
    call_ports: CallsFactory,
    profile: Profile,
    runtime: Runtime,
) -> None:
    with running_jack() as jack:
        app = _app(qtbot, make_app, server, tech_check_ports, call_ports)
        visits = app.window.visits
        assert visits is not None
        service = visits.visit.port
        assert isinstance(service, CallService)
        runtime.submit(service.refresh_devices, timeout=30).result(
            40
        )  # the JACK card appeared after the start
        visits.rehearse()
        room = visits.room
        assert room.camera_choice.currentText() == "Test camera (moving pattern)"
        assert room.microphone_choice.currentText() == "Test microphone (synthetic voice)"
        assert room.speaker_choice.currentText() == "Test speaker (plays nothing)"
        assert "The patient's voice is not played (test speaker)." in room.devices_note.text()
        names = [room.speaker_choice.itemText(i) for i in range(room.speaker_choice.count())]
        assert jack.speaker.name in names

        room.speaker_choice.setFocus()
        room.speaker_choice.setCurrentIndex(names.index(jack.speaker.name))
        room.speaker_choice.activated.emit(names.index(jack.speaker.name))
        qtbot.waitUntil(lambda: "not played" not in room.devices_note.text(), timeout=10_000)
        assert room.speaker_choice.currentText() == jack.speaker.name
        qtbot.waitUntil(lambda: _settings_file(profile).get("speaker") == jack.speaker.name)
        visits.hang_up()
        qtbot.waitUntil(lambda: not visits.room_shown, timeout=20_000)


@pytest.mark.parametrize("finding", list(Finding))
def test_every_finding_reads_as_a_sentence_with_its_figures(finding: Finding) -> None:
    figures = {"rtt_ms": 42.0, "down_kbps": 2500.0, "up_kbps": 640.0, "ms": 7.0, "erle_db": 31.0}
    result = CheckResult(CheckName.NETWORK, Verdict.PASSED, finding, "Camera 1", figures)
    text = finding_text(result)
    assert text.endswith((".", "?"))
    assert "{" not in text
    if finding is Finding.NETWORK_GOOD:
        assert text == "Good for video: 42 ms round trip, 2.5 Mbit/s down, 640 kbit/s up."


def test_the_level_bar_spans_sixty_decibels() -> None:
    assert [level_percent(db) for db in (-100.0, -60.0, -30.0, -3.0, 0.0, 6.0)] == [
        0,
        0,
        50,
        95,
        100,
        100,
    ]
