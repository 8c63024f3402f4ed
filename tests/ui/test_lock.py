"""The idle lock: after the policy's idle minutes the screen hides every patient detail,
the open draft is saved first, and only the same clinician can bring the work back, exactly
where it was. Idle time runs on a fake clock; the lock timer is fired by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from outpost.core.session import AccessState
from outpost.core.sync_state import SyncState, SyncSummary
from tests.integration.sync_helpers import COLLEAGUE, USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory

IDLE_MINUTES = 5


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def visible_text(root: QWidget) -> str:
    """Everything a passer-by could read in the window right now."""
    parts = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
    return "\n".join(parts)


def open_with_draft(qtbot: QtBot, app: AppStack, server: RunningServer) -> str:
    """Sign in, open the first visit, type a SOAP draft that autosave has not saved yet."""
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window = app.window
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 0, timeout=20_000)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
    patient = window.header.patient_text
    boxes = window.editor.text_boxes.boxes
    boxes["free_text"].setFocus()
    QTest.keyClicks(boxes["free_text"], "Video visit.")
    QTest.keyClick(boxes["free_text"], Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is boxes["subjective"]
    QTest.keyClicks(boxes["subjective"], "Dizzy when standing")
    return patient


def state(app: AppStack) -> AccessState:
    return app.access.state


def fire_idle_timer(app: AppStack) -> None:
    assert app.access.idle_timer.isActive()  # the lock is armed while the work shows
    app.access.idle_timer.timeout.emit()


def stored_texts(app: AppStack) -> list[str]:
    appointment = app.window.schedule.model.item(0).appointment.id
    return [e.note.text for e in app.session.call(lambda store: store.list_notes(appointment))]


def test_idle_lock_hides_patient_data_keeps_the_draft_and_unlock_restores_the_visit(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url, idle_lock_minutes=IDLE_MINUTES, autosave_ms=10_000)
    patient = open_with_draft(qtbot, app, server)
    window = app.window
    draft = "Video visit.\n\nSubjective:\nDizzy when standing"
    # Saved when the free text box lost the focus; the Subjective typing is not saved yet.
    assert stored_texts(app) == ["Video visit."]

    app.clock.advance(IDLE_MINUTES * 60 - 1)
    fire_idle_timer(app)
    assert state(app) is AccessState.OPEN  # not yet: a second to go
    app.clock.advance(1)
    fire_idle_timer(app)

    assert state(app) is AccessState.LOCKED
    qtbot.waitUntil(lambda: stored_texts(app) == [draft])  # flushed before the screen went
    assert not window.work.isVisible()
    assert not window.menuBar().isVisible()
    shown = visible_text(window)
    assert "Outpost is locked" in shown
    for secret in (patient, "Dizzy", "Video visit"):
        assert secret not in shown
    assert not any(action.isEnabled() for action in window.actions())
    assert app.sign_in.user.text() == USER
    assert app.sign_in.user.isReadOnly()  # the same clinician, nobody else

    sign_in_with_password(qtbot, app, USER, server.users[USER])

    assert window.work.isVisible()
    assert window.header.patient_text == patient
    assert window.editor.text_boxes.text() == draft
    assert QApplication.focusWidget() is window.editor.text_boxes.boxes["subjective"]
    QTest.keyClicks(window.editor.text_boxes.boxes["subjective"], " for a week")
    window.editor.flush()
    qtbot.waitUntil(lambda: stored_texts(app) == [draft + " for a week"])


def test_typing_and_a_visit_in_progress_keep_the_session_open(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url, idle_lock_minutes=IDLE_MINUTES)
    open_with_draft(qtbot, app, server)
    app.clock.advance(IDLE_MINUTES * 60 - 10)
    QTest.keyClicks(app.window.editor.text_boxes.boxes["subjective"], ".")  # still here
    app.clock.advance(60)
    fire_idle_timer(app)
    assert state(app) is AccessState.OPEN

    app.access.hold_idle_lock(True)  # a video visit: nobody types while talking
    app.clock.advance(3 * IDLE_MINUTES * 60)
    fire_idle_timer(app)
    assert state(app) is AccessState.OPEN
    app.access.hold_idle_lock(False)
    app.clock.advance(IDLE_MINUTES * 60)
    fire_idle_timer(app)
    assert state(app) is AccessState.LOCKED


def test_lock_now_hides_the_sync_panel_and_another_clinician_cannot_unlock(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window = app.window
    window.open_sync_panel()
    panel = window._sync_panel
    assert panel is not None
    qtbot.waitExposed(panel)
    before = app.stored_tokens()

    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert state(app) is AccessState.LOCKED
    assert not panel.isVisible()

    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    form.user.setReadOnly(False)  # even if someone forces the field open
    form.user.setText(COLLEAGUE)
    QTest.keyClicks(form.password, server.users[COLLEAGUE])
    QTest.keyClick(form.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "another clinician" in form.message.text(), timeout=15_000)
    assert state(app) is AccessState.LOCKED
    assert app.stored_tokens() == before  # the colleague's tokens were not kept

    form.user.setText(USER)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    assert panel.isVisible()  # back where the clinician was


def test_an_expired_sign_in_says_how_to_sign_in_again(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window = app.window
    # What the sync layer reports when the server refuses the refresh token.
    app.sync.sig_summary_changed.emit(SyncSummary(state=SyncState.SIGNED_OUT))
    assert "Sign in again" in window.statusBar().currentMessage()
    window.action_sign_in_again.trigger()
    assert state(app) is AccessState.LOCKED
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    assert window.work.isVisible()
