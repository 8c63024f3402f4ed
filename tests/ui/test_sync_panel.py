"""The sync panel against a real server: counts and times of what waits, "Sync now", a real
conflict (one draft edited on two workstations) shown side by side and settled with the
safe default from the keyboard, audited like `outpost conflicts resolve`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from outpost.core.domain import NoteStatus, VisitNote
from outpost.core.ports import ClinicStore
from outpost.store.store import Store
from outpost.sync.rules import DRAFT_CHANGED_ELSEWHERE
from outpost.ui.sync_panel import SyncPanelDialog, SyncPanelWidget
from outpost.ui.sync_words import age_words
from tests.integration.sync_helpers import USER, note_text, server_notes, workstation
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


def open_panel(qtbot: QtBot, app: AppStack) -> SyncPanelWidget:
    app.window.activateWindow()
    QTest.keyClick(
        app.window,
        Qt.Key.Key_Y,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = app.window.findChild(SyncPanelDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog.panel


def create_note(appointment_id: str, text: str, store: ClinicStore) -> VisitNote:
    return store.create_note(appointment_id, text)


def audit_events(store: ClinicStore) -> list[str]:
    assert isinstance(store, Store)
    rows = store.connection.execute("SELECT kind FROM audit ORDER BY id").fetchall()
    return [str(row[0]) for row in rows]


def test_the_panel_counts_what_waits_and_sync_now_sends_it(
    qtbot: QtBot, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    qtbot.waitUntil(lambda: app.window.schedule.model.rowCount() > 0, timeout=20_000)
    qtbot.waitUntil(lambda: app.window.connection_summary.startswith("Synced at"), timeout=20_000)
    appointment = app.window.schedule.model.item(0).appointment.id
    for text in ("one", "two"):
        app.session.call(partial(create_note, appointment, text))

    panel = open_panel(qtbot, app)
    qtbot.waitUntil(lambda: panel.waiting.text() == "2 changes")
    assert panel.connection.text() == "Online"
    assert panel.oldest.text() == "less than a minute ago"
    assert panel.last_sync.text().endswith("(server time)")
    assert panel.attention.count() == 0

    QTest.mouseClick(panel.sync_now, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.waiting.text() == "nothing", timeout=20_000)
    assert panel.oldest.text() == "none"
    assert sorted(note_text(n) for n in server_notes(server)) == ["one", "two"]


def test_age_words_read_naturally() -> None:
    assert age_words(timedelta(seconds=20)) == "less than a minute"
    assert age_words(timedelta(minutes=7)) == "7 min"
    assert age_words(timedelta(hours=2, minutes=10)) == "2 h 10 min"
    assert age_words(timedelta(days=3, hours=1)) == "3 days"
    assert age_words(datetime(2026, 1, 2, tzinfo=UTC) - datetime(2026, 1, 1, tzinfo=UTC)) == (
        "24 h 0 min"
    )


def test_a_draft_edited_on_two_workstations_is_shown_side_by_side_and_both_are_kept(
    qtbot: QtBot, tmp_path: Path, server: RunningServer, make_app: AppFactory
) -> None:
    app = make_app(server.base_url)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    qtbot.waitUntil(lambda: app.window.connection_summary.startswith("Synced at"), timeout=20_000)

    with workstation(tmp_path / "a", server) as other:
        other.sync()
        note = other.store.create_note(other.first_appointment(), "draft from A")
        other.sync()
        app.sync.sync_now()  # this computer gets the draft
        qtbot.waitUntil(
            lambda: app.session.call(lambda store: store.list_notes()) != [], timeout=20_000
        )
        other.store.save_draft(note.id, "A's edit")  # the other computer edits and sends
        assert other.sync().acknowledged == 1
    app.session.call(lambda store: store.save_draft(note.id, "B's edit"))  # edited here
    app.sync.sync_now()
    qtbot.waitUntil(lambda: "need your attention" in app.window.connection_summary, timeout=20_000)

    panel = open_panel(qtbot, app)
    qtbot.waitUntil(lambda: panel.attention.count() == 1)
    patient = app.session.call(
        lambda store: store.get_patient(store.get_appointment(note.appointment_id).patient_id)
    )
    line = panel.attention.item(0).text()
    assert line.startswith(f"Conflict · {patient.display_name}, visit ")  # which visit it is
    assert " · note · found " in line
    view = panel.conflict_view
    assert view.isVisible()
    assert view.visit.text().startswith(f"{patient.display_name}, visit ")
    assert view.reason.text() == DRAFT_CHANGED_ELSEWHERE
    assert view.mine.toPlainText() == "B's edit"
    assert view.server.toPlainText() == "A's edit"
    assert view.mine_meta.text().startswith("draft, changed by you at ")
    assert view.server_meta.text().startswith("draft, last changed ")
    assert view.server_meta.text().endswith("by you (on another computer)")
    assert view.keep_both.isDefault()
    assert view.keep_mine.isEnabled()  # both are drafts: the rules allow it
    assert view.keep_server.isEnabled()

    QTest.keyClick(view.keep_both, Qt.Key.Key_Space)  # the default, from the keyboard

    qtbot.waitUntil(lambda: panel.attention.count() == 0)
    assert panel.result.text().startswith("Kept both: your text is now a new draft note")
    entries = app.session.call(lambda store: store.list_notes())
    texts = {entry.note.id: entry.note.text for entry in entries}
    assert texts[note.id] == "A's edit"  # the conflicting note shows the server's version
    [copy] = [e.note for e in entries if e.note.id != note.id]
    assert copy.text == "B's edit"  # the clinician's text, exactly, as a new draft
    assert copy.status is NoteStatus.DRAFT
    assert "conflict.resolved" in app.session.call(audit_events)
    qtbot.waitUntil(
        lambda: "B's edit" in [note_text(n) for n in server_notes(server)], timeout=20_000
    )
