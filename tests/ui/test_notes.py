"""Writing visit notes: autosave without any explicit save, reopening, signing, a full disk,
and the keyboard-only path."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from outpost.core.domain import AppointmentId, NoteEntry, NoteStatus
from outpost.ui.main_window import MainWindow
from tests.ui.conftest import PATIENTS, Session, StoreFaults, WindowFactory, seed

FIRST = AppointmentId("a-0900-2026-05-12")  # Amara Okafor, 09:00, first row


def open_first_appointment(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())


def stored(session: Session, appointment_id: AppointmentId = FIRST) -> list[NoteEntry]:
    return session.call(lambda store: store.list_notes(appointment_id))


def stored_texts(session: Session) -> list[str]:
    return [entry.note.text for entry in stored(session)]


def indicator(window: MainWindow) -> str:
    return window.editor._save_label.text()


def test_typing_creates_a_note_and_autosaves_it_without_any_save_action(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=200)
    open_first_appointment(qtbot, window)
    window.editor.editor.setFocus()
    QTest.keyClicks(window.editor.editor, "BP 142/90, repeat in two weeks.")
    assert window.editor.editor.hasFocus()  # no focus-out: the timer does the saving
    qtbot.waitUntil(lambda: stored_texts(session) == ["BP 142/90, repeat in two weeks."])
    qtbot.waitUntil(lambda: re.fullmatch(r"Saved \d\d:\d\d:\d\d", indicator(window)) is not None)
    assert window.editor._state_label.text() == "Draft — saved automatically as you type"
    qtbot.waitUntil(lambda: window.editor._notes_list.count() == 1)
    assert (
        window.editor._notes_list.item(0)
        .text()
        .endswith("Saved on this computer — waiting to sync (1 change)")
    )


def test_continuous_typing_still_saves_every_autosave_interval(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=150)
    open_first_appointment(qtbot, window)
    editor = window.editor.editor
    editor.setFocus()
    typed: list[str] = []
    typist = QTimer()
    typist.setInterval(20)

    def type_one() -> None:
        QTest.keyClicks(editor, "x")
        typed.append("x")
        if len(typed) >= 400:
            typist.stop()

    typist.timeout.connect(type_one)
    typist.start()
    # A debounce (timer restarted on every keystroke) would save nothing until typing
    # stopped; the rule is "at most autosave_ms after the first unsaved keystroke".
    qtbot.waitUntil(lambda: len("".join(stored_texts(session))) >= 20, timeout=5000)
    assert typist.isActive(), "the draft was only saved once typing stopped"
    typist.stop()


def test_the_text_survives_closing_and_reopening_the_app(
    qtbot: QtBot, open_session: Callable[..., Session], make_window: WindowFactory
) -> None:
    first = open_session()
    seed(first)
    window = make_window(first, autosave_ms=5000)  # closing must save, not the timer
    open_first_appointment(qtbot, window)
    QTest.keyClicks(window.editor.editor, "Chest clear. Continue amlodipine.")
    window.close()
    first.close()  # the worker finishes the queued save before the store closes

    second = open_session()
    reopened = make_window(second)
    open_first_appointment(qtbot, reopened)
    assert reopened.editor.editor.toPlainText() == "Chest clear. Continue amlodipine."
    assert reopened.editor._state_label.text() == "Draft — saved automatically as you type"


def test_signing_asks_first_then_makes_the_note_read_only(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    open_first_appointment(qtbot, window)
    QTest.keyClicks(window.editor.editor, "Plan agreed.")
    QTest.mouseClick(window.editor._sign_button, Qt.MouseButton.LeftButton)
    box = window.findChild(QMessageBox, "signConfirmation")
    assert box is not None
    assert box.isVisible()
    keep = next(b for b in box.buttons() if b.text() == "Keep editing")
    QTest.mouseClick(keep, Qt.MouseButton.LeftButton)
    assert not window.editor.editor.isReadOnly()  # "Keep editing" changes nothing

    QTest.mouseClick(window.editor._sign_button, Qt.MouseButton.LeftButton)
    box = next(b for b in window.findChildren(QMessageBox) if b.isVisible())
    sign = next(b for b in box.buttons() if b.text() == "Sign note")
    QTest.mouseClick(sign, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.editor._state_label.text() == "Signed — read only")
    assert window.editor.editor.isReadOnly()
    assert not window.editor._sign_button.isEnabled()
    [entry] = stored(session)
    assert (entry.note.status, entry.note.text) == (NoteStatus.SIGNED, "Plan agreed.")

    QTest.keyClicks(window.editor.editor, "tampering")
    assert window.editor.editor.toPlainText() == "Plan agreed."
    qtbot.waitUntil(
        lambda: (
            window.editor._notes_list.count() == 1
            and "Signed · " in window.editor._notes_list.item(0).text()
        )
    )


def test_a_full_disk_shows_plain_words_and_keeps_the_text(
    qtbot: QtBot, session: Session, faults: StoreFaults, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=100)
    open_first_appointment(qtbot, window)
    QTest.keyClicks(window.editor.editor, "Wound clean")
    qtbot.waitUntil(lambda: stored_texts(session) == ["Wound clean"])

    faults.set_disk_full(True)
    QTest.keyClicks(window.editor.editor, ", dressing changed.")
    qtbot.waitUntil(lambda: indicator(window).startswith("Not saved:"))
    assert "The disk is full. Free up some disk space on this computer." in indicator(window)
    assert "Your text is kept here" in indicator(window)
    assert window.editor.editor.toPlainText() == "Wound clean, dressing changed."
    assert stored_texts(session) == ["Wound clean"]

    faults.set_disk_full(False)  # space freed: the retry saves it without any keystroke
    qtbot.waitUntil(
        lambda: stored_texts(session) == ["Wound clean, dressing changed."], timeout=8000
    )
    qtbot.waitUntil(lambda: indicator(window).startswith("Saved "))


def test_a_draft_that_failed_to_save_after_switching_away_is_not_lost(
    qtbot: QtBot, session: Session, faults: StoreFaults, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=100)
    open_first_appointment(qtbot, window)
    faults.set_disk_full(True)
    QTest.keyClicks(window.editor.editor, "Allergic to penicillin")
    qtbot.waitUntil(lambda: indicator(window).startswith("Not saved:"))
    window.schedule.select_row(1)  # the switch saves once more, and that fails too
    qtbot.waitUntil(lambda: "The disk is full" in window.statusBar().currentMessage())
    assert stored_texts(session) == []

    faults.set_disk_full(False)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: window.editor.editor.toPlainText() == "Allergic to penicillin")
    qtbot.waitUntil(lambda: stored_texts(session) == ["Allergic to penicillin"])


def test_an_empty_note_is_not_offered_for_signing(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    open_first_appointment(qtbot, window)
    assert not window.editor.request_sign()
    assert indicator(window) == "Type the note before signing it."
    assert window.findChild(QMessageBox, "signConfirmation") is None


def test_switching_appointments_saves_the_draft_at_once(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=10_000)
    open_first_appointment(qtbot, window)
    QTest.keyClicks(window.editor.editor, "Started")
    QTest.keyClicks(window.editor.editor, " on ramipril.")
    window.schedule.select_row(1)
    qtbot.waitUntil(lambda: stored_texts(session) == ["Started on ramipril."])
    qtbot.waitUntil(
        lambda: window.editor.editor.toPlainText() == "" and window.editor._controller.active
    )
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: window.editor.editor.toPlainText() == "Started on ramipril.")


def test_reopening_a_draft_shows_its_newest_text_even_with_a_save_still_queued(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, autosave_ms=10_000)
    open_first_appointment(qtbot, window)
    editor = window.editor.editor
    QTest.keyClicks(editor, "one")
    window.editor.flush()
    qtbot.waitUntil(lambda: window.editor._notes_list.count() == 1)
    QTest.keyClicks(editor, " two")  # not saved yet: the timer is far off
    release = threading.Event()
    session.worker.submit(lambda _store: release.wait(5), timeout=10)  # a slow disk
    window.editor.new_note()  # queues the save of "one two" behind the slow job
    window.editor._notes_list.setCurrentRow(0)  # the list still holds "one"
    release.set()
    qtbot.waitUntil(lambda: editor.toPlainText() == "one two" and not editor.isReadOnly())
    QTest.keyClicks(editor, " three")
    window.editor.flush()
    qtbot.waitUntil(lambda: stored_texts(session) == ["one two three"])


def test_keyboard_only_new_note_type_and_sign(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.activateWindow()
    qtbot.waitActive(window)
    table = window.schedule.table
    table.setFocus(Qt.FocusReason.TabFocusReason)  # focus lands on the first row
    QTest.keyClick(table, Qt.Key.Key_Down)
    assert window.header.patient_text == "Tomás Reyes"
    qtbot.waitUntil(lambda: window.editor._new_button.isEnabled())

    QTest.keyClick(table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = window.editor.editor
    assert QApplication.focusWidget() is editor
    QTest.keyClicks(editor, "Knee stable. X-ray not needed.")
    QTest.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox))
    box = QApplication.activeModalWidget()
    assert box is not None
    QTest.keyClick(box.focusWidget() or box, Qt.Key.Key_Return)  # default: "Sign note"
    qtbot.waitUntil(lambda: window.editor._state_label.text() == "Signed — read only")
    [entry] = stored(session, AppointmentId("a-0945-2026-05-12"))
    assert entry.note.status is NoteStatus.SIGNED
    assert entry.note.text == "Knee stable. X-ray not needed."


def test_no_patient_names_or_note_text_in_logs(
    qtbot: QtBot,
    session: Session,
    faults: StoreFaults,
    make_window: WindowFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    seed(session)
    window = make_window(session, autosave_ms=100)
    open_first_appointment(qtbot, window)
    secret = "Discussed zorblatt diagnosis"
    QTest.keyClicks(window.editor.editor, secret)
    qtbot.waitUntil(lambda: stored_texts(session) == [secret])
    faults.set_disk_full(True)
    QTest.keyClicks(window.editor.editor, " again")
    qtbot.waitUntil(lambda: indicator(window).startswith("Not saved:"))
    faults.set_disk_full(False)
    qtbot.waitUntil(lambda: indicator(window).startswith("Saved "), timeout=8000)
    window.close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "zorblatt" not in logged
    for patient in PATIENTS:
        assert patient.family_name not in logged
