"""Notes on the SOAP template: typed box by box with the keyboard, kept as one headed text,
signed after a confirmation, amended with a reason, and the note's history with where each
version stands with the server (sent, waiting, needs attention, conflict)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from outpost.core.domain import AppointmentId, NoteStatus, VisitNote
from outpost.core.ports import ClinicStore
from outpost.store.review import SyncReview
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.ui.amend_dialog import AMEND_DIALOG, AmendDialog
from outpost.ui.main_window import MainWindow
from outpost.ui.note_editor import NoteEditorWidget
from tests.ui.conftest import DAY, Session, seed

FIRST = AppointmentId("a-0900-2026-05-12")
SOAP_TEXT = (
    "Video visit, daughter present.\n\n"
    "Subjective:\nDizzy when standing up, 3 days.\n\n"
    "Objective:\nBP 104/62 sitting.\n\n"
    "Assessment:\nOrthostatic hypotension.\n\n"
    "Plan:\nHold amlodipine; recheck in 1 week."
)


def review_window(qtbot: QtBot, session: Session) -> MainWindow:
    review = session.call(lambda store: SyncReview(_store(store)))
    window = MainWindow(session.bridge, autosave_ms=200, today=lambda: DAY, review=review)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def _store(store: ClinicStore) -> Store:
    assert isinstance(store, Store)
    return store


def notes(session: Session) -> list[VisitNote]:
    entries = session.call(lambda store: store.list_notes(FIRST))
    return sorted((e.note for e in entries), key=lambda note: note.created_at)


def type_soap_note(qtbot: QtBot, window: MainWindow) -> None:
    """Keyboard only: the free text box, then Tab from section to section."""
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
    window.editor.editor.setFocus()
    parts = [
        "Video visit, daughter present.",
        "Dizzy when standing up, 3 days.",
        "BP 104/62 sitting.",
        "Orthostatic hypotension.",
        "Hold amlodipine; recheck in 1 week.",
    ]
    for number, text in enumerate(parts):
        box = QApplication.focusWidget()
        assert box is not None
        QTest.keyClicks(box, text)
        if number < len(parts) - 1:
            QTest.keyClick(box, Qt.Key.Key_Tab)


def confirm_sign(qtbot: QtBot, window: MainWindow) -> None:
    QTest.keyClick(
        QApplication.focusWidget() or window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box is not None
    QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # default: "Sign note"


def test_a_soap_note_is_one_headed_text_signed_and_amended_with_a_reason(
    qtbot: QtBot, open_session: Callable[..., Session]
) -> None:
    session = open_session()
    seed(session)
    window = review_window(qtbot, session)
    type_soap_note(qtbot, window)
    qtbot.waitUntil(lambda: [n.text for n in notes(session)] == [SOAP_TEXT])

    confirm_sign(qtbot, window)
    qtbot.waitUntil(lambda: window.editor._state_label.text() == "Signed — read only")
    assert window.editor.text_boxes.boxes["plan"].isReadOnly()
    assert window.editor.text_boxes.boxes["plan"].toPlainText() == (
        "Hold amlodipine; recheck in 1 week."
    )
    history = window.editor.history
    qtbot.waitUntil(lambda: history.count() == 1)
    assert history.item(0).text().startswith("Original note · signed ")
    assert history.item(0).text().endswith(" · by you · Waiting to sync")

    amend = window.editor._amend_button
    assert amend.isVisible()
    # The offscreen platform does not give the focus back after a dialog: a desktop does.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    QTest.keyClick(
        window,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.findChild(AmendDialog, AMEND_DIALOG)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    assert dialog.text_editor.text() == SOAP_TEXT  # starts from the signed text
    QTest.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # no reason yet: nothing signed
    assert dialog.problem() == "Say why the note is amended."
    QTest.keyClicks(dialog.reason, "Wrong drug named in the plan")
    plan = dialog.text_editor.boxes["plan"]
    plan.selectAll()
    QTest.keyClicks(plan, "Hold lisinopril; recheck in 1 week.")
    QTest.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: len(notes(session)) == 2)
    original, amendment = notes(session)
    assert original.status is NoteStatus.AMENDED
    assert original.text == SOAP_TEXT  # the signed text never changes
    assert amendment.status is NoteStatus.SIGNED
    assert amendment.replaces == original.id
    assert amendment.amendment_reason == "Wrong drug named in the plan"
    assert amendment.text == SOAP_TEXT.replace("Hold amlodipine", "Hold lisinopril")
    qtbot.waitUntil(lambda: history.count() == 2)
    assert history.item(0).text().startswith("Original note · signed ")
    assert history.item(1).text().startswith("Amendment 1 · signed ")
    assert "reason: Wrong drug named in the plan · Waiting to sync" in history.item(1).text()
    assert window.editor.text_boxes.boxes["plan"].toPlainText() == (
        "Hold lisinopril; recheck in 1 week."
    )


def _create(text: str, store: ClinicStore) -> VisitNote:
    return store.create_note(FIRST, text)


def _history_ends_with(editor: NoteEditorWidget, words: str) -> bool:
    history = editor.history
    return history.count() == 1 and history.item(0).text().endswith(words)


def _settle(store: ClinicStore, *, how: str, note_id: str) -> None:
    """What a sync would have done with the note's queued action (real ledger calls)."""
    store = _store(store)
    ledger = SyncLedger(store)
    [item] = [i for i in ledger.claim_batch(50) if i.entity_id == note_id]
    note = store.get_note(note_id)
    if how == "sent":
        ledger.acknowledge(item.mutation_id, note, "1")
    elif how == "refused":
        ledger.reject(item.mutation_id, "Appointment is not in this clinic")
    elif how == "conflict":
        theirs = dataclasses.replace(note, text="their text")
        ledger.record_conflict(
            item.mutation_id, server_record=theirs, server_version="2", reason="changed"
        )


def test_the_history_says_where_each_note_stands_with_the_server(
    qtbot: QtBot, open_session: Callable[..., Session]
) -> None:
    session = open_session()
    seed(session)
    for how in ("sent", "refused", "conflict", "waiting"):
        note = session.call(partial(_create, f"note {how}"))
        if how != "waiting":
            session.call(partial(_settle, how=how, note_id=note.id))
    window = review_window(qtbot, session)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    editor = window.editor
    qtbot.waitUntil(lambda: editor._notes_list.count() == 4)
    expected = {
        "sent": "Synced",
        "refused": "Needs attention: Appointment is not in this clinic",
        "conflict": "Conflict: the server has another version (see Sync panel)",
        "waiting": "Waiting to sync",
    }
    for row, how in enumerate(("sent", "refused", "conflict", "waiting")):
        editor._notes_list.setCurrentRow(row)
        qtbot.waitUntil(partial(_history_ends_with, editor, expected[how]))
