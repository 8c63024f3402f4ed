"""Video visits on screen, against a real `outpost server` with a real aiortc patient:
Today shows who is waiting and for how long, Join opens the visit room beside the notes,
Admit starts the call and the patient's pictures change in the video widget, mute, camera,
the quality indicator following the engine's ladder, hang-up; a whole visit by keyboard;
check-in, the patient's link, and the waiting list offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from outpost.core.domain import AppointmentStatus, NoteStatus, ScheduleItem, VisitType
from outpost.core.runtime import Runtime
from outpost.core.session import AccessState
from outpost.core.visits import VisitState
from outpost.media.call_record import EndReason
from outpost.media.call_service import CallService
from outpost.media.link_pressure import LinkSample
from outpost.ui.schedule_model import ScheduleColumn
from outpost.ui.visit_pane import VisitPaneWidget
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory
from tests.ui.test_accessibility import unnamed_controls
from tests.ui.test_keyboard_access import focused, press
from tests.ui.visit_helpers import CallsFactory, SyntheticPatient, on_runtime

CALL_S = 20_000  # ms: a call comes up in well under a second here; CI machines are slower


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def signed_in(
    qtbot: QtBot, make_app: AppFactory, call_ports: CallsFactory, server: RunningServer
) -> tuple[AppStack, VisitPaneWidget]:
    app = make_app(server.base_url, calls=call_ports)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    qtbot.waitUntil(lambda: app.window.schedule.model.rowCount() > 0, timeout=20_000)
    visits = app.window.visits
    assert visits is not None
    return app, visits


def video_visit(app: AppStack, index: int = 0) -> tuple[int, ScheduleItem]:
    model = app.window.schedule.model
    rows = [
        (row, model.item(row))
        for row in range(model.rowCount())
        if model.item(row).appointment.visit_type is VisitType.VIRTUAL
    ]
    return rows[index]


def access_state(app: AppStack) -> AccessState:
    return app.access.state


def call_service(visits: VisitPaneWidget) -> CallService:
    port = visits.visit.port
    assert isinstance(port, CallService)
    return port


def test_join_admit_see_the_patient_mute_camera_quality_and_hang_up(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    call_ports: CallsFactory,
    synthetic_patient: SyntheticPatient,
    runtime: Runtime,
) -> None:
    app, visits = signed_in(qtbot, make_app, call_ports, server)
    window, banner, room = app.window, visits.today.banner, visits.room
    qtbot.waitUntil(lambda: banner.message == "Nobody is in a waiting room right now.")
    row, item = video_visit(app)
    assert item.appointment.video_link is not None

    synthetic_patient.join(item.appointment.video_link)
    visits.waiting.poll_now()  # instead of waiting up to 5 s for the next poll
    qtbot.waitUntil(lambda: len(banner.join_buttons) == 1, timeout=10_000)
    [entry] = banner.entry_texts()
    assert entry.startswith(f"{item.patient.display_name} is waiting · just now")
    waiting_cell = window.schedule.model.index(row, ScheduleColumn.WAITING).data()
    assert waiting_cell == "Waiting just now"

    QTest.mouseClick(banner.join_buttons[0], Qt.MouseButton.LeftButton)
    assert visits.room_shown
    assert window.editor.appointment_id == item.appointment.id  # the notes beside the video
    assert room.title.text().startswith(item.patient.display_name)
    qtbot.waitUntil(lambda: room.admit_button.isVisible(), timeout=10_000)
    assert room.state_line.text() == "The patient is in the waiting room. Admit them to start."
    assert unnamed_controls(window) == []

    QTest.mouseClick(room.admit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: room.status.state is VisitState.IN_CALL, timeout=CALL_S)
    assert not room.admit_button.isVisible()
    assert room.quality.text() == "Good connection"
    app.clock.advance(11 * 60)  # no keyboard or mouse for longer than the idle lock's 10 min
    app.access.check_idle()
    assert access_state(app) is AccessState.OPEN  # talking to a patient is not being idle
    # The patient's pictures reach the widget, and they move.
    qtbot.waitUntil(lambda: room.stage.pictures >= 3, timeout=10_000)
    first = room.stage.image()
    shown = room.stage.pictures
    qtbot.waitUntil(lambda: room.stage.pictures >= shown + 10, timeout=10_000)
    later = room.stage.image()
    assert first is not None
    assert later is not None
    assert first.size() == later.size()
    assert first != later
    assert room.stage.self_view.image() is not None

    # The engine steps down the ladder: the indicator says so in plain words.
    session = call_service(visits).session
    assert session is not None
    steps = session.steps
    assert steps is not None

    def thin_link() -> None:  # a full link (400 ms queued) that carries 100 kbit/s
        for _ in range(2):
            sample = LinkSample(at=runtime.loop.time(), delivered_kbps=100, queue_ms=400)
            steps.ladder.feed(sample)

    on_runtime(runtime, thin_link)
    qtbot.waitUntil(
        lambda: (
            room.quality.text()
            == "Weak connection: audio only; video resumes when the link improves"
        ),
        timeout=5000,
    )

    QTest.mouseClick(room.mute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: room.status.muted)
    assert room.mute_button.text() == "Unmute"
    QTest.mouseClick(room.camera_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: room.status.camera_off)
    assert room.stage.self_view.image() is None
    assert room.stage.self_view.caption == "Camera off"

    QTest.mouseClick(room.hang_up_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not visits.room_shown, timeout=15_000)
    assert window.statusBar().currentMessage().startswith("Visit ended after")
    assert synthetic_patient.record().summary.ended is EndReason.REMOTE_BYE
    app.clock.advance(11 * 60)
    app.access.check_idle()
    assert access_state(app) is AccessState.LOCKED  # the visit is over: idleness locks again


def test_a_whole_visit_by_keyboard_join_admit_write_sign_hang_up(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    call_ports: CallsFactory,
    synthetic_patient: SyntheticPatient,
) -> None:
    app, visits = signed_in(qtbot, make_app, call_ports, server)
    window = app.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    row, item = video_visit(app, 1)
    assert item.appointment.video_link is not None
    synthetic_patient.join(item.appointment.video_link)
    banner = visits.today.banner
    visits.waiting.poll_now()
    qtbot.waitUntil(lambda: len(banner.join_buttons) == 1, timeout=10_000)

    # Nothing selected: Ctrl+J joins whoever has waited longest. Leaving again before
    # admitting (Ctrl+Shift+H) keeps the patient in the waiting room.
    assert window.schedule.selected_item() is None
    press(Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert visits.room_shown
    assert window.editor.appointment_id == item.appointment.id
    qtbot.waitUntil(lambda: focused() is visits.room.admit_button, timeout=10_000)
    press(Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not visits.room_shown, timeout=10_000)
    visits.waiting.poll_now()
    qtbot.waitUntil(lambda: len(banner.join_buttons) == 1, timeout=10_000)

    assert focused() is window.schedule.table
    press(Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)  # the day's first visit
    for _ in range(row):  # down the schedule to the video visit
        press(Qt.Key.Key_Down)
    assert window.schedule.selected_item() == item
    press(Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)  # Join
    assert visits.room_shown
    qtbot.waitUntil(lambda: focused() is visits.room.admit_button, timeout=10_000)
    press(Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: visits.room.status.state is VisitState.IN_CALL, timeout=CALL_S)

    qtbot.waitUntil(lambda: window.editor._new_button.isEnabled())
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # a note, beside the video
    assert focused() is window.editor.editor
    QTest.keyClicks(focused(), "Seen by video; the picture was clear.")
    press(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)  # mute while typing
    qtbot.waitUntil(lambda: visits.room.status.muted)
    assert focused() is window.editor.editor
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # sign
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box is not None
    QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.editor._state_label.text() == "Signed — read only")
    window.activateWindow()  # as a window manager does once the modal question closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert focused() is window.editor.editor

    press(Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: not visits.room_shown, timeout=15_000)
    assert focused() is window.schedule.table
    [entry] = app.session.call(lambda store: store.list_notes(item.appointment.id))
    assert entry.note.status is NoteStatus.SIGNED
    assert entry.note.text == "Seen by video; the picture was clear."
    record = synthetic_patient.record()
    assert record.summary.ended is EndReason.REMOTE_BYE
    assert record.summary.video_frames_received > 0


def test_check_in_copy_the_link_and_the_waiting_room_offline(
    qtbot: QtBot, tmp_path: Path, make_app: AppFactory, call_ports: CallsFactory
) -> None:
    with running_server(tmp_path, seed="demo") as server:
        app, visits = signed_in(qtbot, make_app, call_ports, server)
        window, today = app.window, visits.today
        banner = today.banner
        qtbot.waitUntil(lambda: banner.message == "Nobody is in a waiting room right now.")
        row, item = video_visit(app)
        window.schedule.select_row(row)
        QTest.mouseClick(today.copy_link_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == item.appointment.video_link

        app.sync.stop()  # the check-in stays on this computer until the next sync
        qtbot.waitUntil(lambda: app.window.connection_summary.startswith("Synced"), timeout=20_000)
        before = app.session.call(lambda store: store.outbox_status().pending)
        assert item.appointment.status is AppointmentStatus.BOOKED
        assert today.check_in_button.isEnabled()
        QTest.mouseClick(today.check_in_button, Qt.MouseButton.LeftButton)
        model = window.schedule.model
        qtbot.waitUntil(
            lambda: model.index(row, ScheduleColumn.STATUS).data() == "Checked in", timeout=5000
        )
        assert not today.check_in_button.isEnabled()
        pending = app.session.call(lambda store: store.outbox_status().pending)
        assert pending == before + 1  # the check-in waits to sync like any change
    # The server is gone: the waiting room says so once; the schedule stays usable.
    assert window.statusBar().currentMessage() == "Checked in."
    window.statusBar().clearMessage()
    visits.waiting.poll_now()
    qtbot.waitUntil(lambda: banner.message.startswith("Offline:"), timeout=15_000)
    assert banner.join_buttons == []
    assert model.rowCount() > 0
    visits.waiting.poll_now()
    assert window.statusBar().currentMessage() == ""  # offline is no error: nothing popped up

    QTest.mouseClick(today.join_button, Qt.MouseButton.LeftButton)
    room = visits.room
    # Told at once (about 1.5 s here), not after the 15 s wait for the room's welcome.
    qtbot.waitUntil(lambda: room.retry_button.isVisible(), timeout=8_000)
    assert room.state_line.text().startswith("The visit room could not be opened.")
    assert not room.hang_up_button.isVisible()
    QTest.mouseClick(room.back_button, Qt.MouseButton.LeftButton)
    assert not visits.room_shown
