"""Keyboard only, from the sign-in screen to a signed SOAP note, and a name for every control
of the new screens (sign-in, lock, amendment, sync panel with a conflict)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from outpost.core.domain import NoteStatus
from outpost.core.ports import ClinicStore
from outpost.core.session import AccessState
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.ui.amend_dialog import AMEND_DIALOG, AmendDialog
from outpost.ui.sync_panel import SyncPanelDialog
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory
from tests.ui.test_accessibility import unnamed_controls


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifiers)


def test_keyboard_only_sign_in_open_a_visit_write_and_sign(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    window = app.window
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    form = app.sign_in
    qtbot.waitUntil(lambda: form.password_box.isVisible(), timeout=15_000)
    assert focused() is form.browser_button  # the recommended way is where Enter goes
    press(Qt.Key.Key_Tab)
    assert focused() is form.user
    QTest.keyClicks(focused(), USER)
    press(Qt.Key.Key_Tab)
    assert focused() is form.password
    QTest.keyClicks(focused(), server.users[USER])
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: app.access.state is AccessState.OPEN, timeout=15_000)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 1, timeout=20_000)

    assert focused() is window.schedule.table  # the work starts on the day's schedule
    press(Qt.Key.Key_Down)
    item = window.schedule.selected_item()
    assert item is not None
    qtbot.waitUntil(lambda: window.editor._new_button.isEnabled())
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.editor.editor
    QTest.keyClicks(focused(), "Phone check.")
    press(Qt.Key.Key_Tab)
    QTest.keyClicks(focused(), "No new symptoms.")  # Subjective
    press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box is not None
    QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # "Sign note": the default
    qtbot.waitUntil(lambda: window.editor._state_label.text() == "Signed — read only")
    [entry] = app.session.call(lambda store: store.list_notes(item.appointment.id))
    assert entry.note.status is NoteStatus.SIGNED
    assert entry.note.text == "Phone check.\n\nSubjective:\nNo new symptoms."


def _conflict_on_the_draft(store: ClinicStore) -> None:
    assert isinstance(store, Store)
    ledger = SyncLedger(store)
    claimed = ledger.claim_batch(10)
    [item] = [i for i in claimed if i.payload.get("text") == "draft"]
    ledger.release([i.mutation_id for i in claimed if i is not item], "not this one")
    note = store.get_note(item.entity_id)
    ledger.record_conflict(
        item.mutation_id,
        server_record=dataclasses.replace(note, text="their text"),
        server_version="3",
        reason="This draft was changed on another computer while you were offline.",
    )


def open_window_controls(app: AppStack) -> list[str]:
    return unnamed_controls(app.window)


def test_every_control_of_the_new_screens_has_an_accessible_name(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    qtbot.waitUntil(lambda: app.sign_in.password_box.isVisible(), timeout=15_000)
    assert open_window_controls(app) == []  # the sign-in screen

    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window = app.window
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() > 0, timeout=20_000)
    app.sync.stop()
    appointment = window.schedule.model.item(0).appointment.id
    app.session.call(lambda store: store.create_note(appointment, "mine", sign=True))
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: window.editor._amend_button.isVisible())
    window.editor.request_amend()
    dialog = window.findChild(AmendDialog, AMEND_DIALOG)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert unnamed_controls(dialog) == []
    dialog.reject()

    app.session.call(lambda store: store.create_note(appointment, "draft"))
    app.session.call(_conflict_on_the_draft)
    window.open_sync_panel()
    panel = window.findChild(SyncPanelDialog)
    assert panel is not None
    qtbot.waitUntil(lambda: panel.panel.attention.count() == 1)
    assert panel.panel.conflict_view.isVisible()
    assert unnamed_controls(panel) == []
    assert open_window_controls(app) == []  # the note with its history and SOAP boxes

    app.access.lock()
    qtbot.waitUntil(lambda: app.sign_in.password_box.isVisible(), timeout=15_000)
    assert open_window_controls(app) == []  # the lock screen
