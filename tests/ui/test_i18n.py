"""Spanish ships with the app: the translation loads from the package, changes what the
clinician reads (and the SOAP headings written into notes), and covers every UI string."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outpost.core.conflicts import Conflict, ConflictId, Record
from outpost.core.domain import (
    Appointment,
    AppointmentStatus,
    EntityType,
    NoteId,
    NoteStatus,
    VisitNote,
)
from outpost.sync.rules import (
    DRAFT_CHANGED_ELSEWHERE,
    NOTE_SIGNED_ELSEWHERE,
    NOTE_UNREADABLE,
    appointment_reason,
)
from outpost.ui.conflict_words import NOTE_REASONS, conflict_reason_text
from outpost.ui.translations import install_translators, language_code
from tests.ui.conftest import DAY, Session, WindowFactory, day_appointments, seed

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[None]:
    translators = install_translators(qapp, "es")
    assert translators, "outpost_es.qm is not in the package (run scripts/translations.sh)"
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def test_the_language_follows_the_setting_else_the_system() -> None:
    assert language_code("es", QLocale("en_US")) == "es"
    assert language_code("", QLocale("es_MX")) == "es"
    assert language_code("", QLocale("en_GB")) == "en"
    assert install_translators(QApplication.instance(), "en") == []  # type: ignore[arg-type]


@pytest.mark.usefixtures("spanish")
def test_spanish_changes_the_visible_text_and_the_note_headings(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles[:2] == ["&Nota", "&Día"]
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
    assert window.editor._sign_button.text() == "Firmar nota…"
    boxes = window.editor.text_boxes.boxes
    assert boxes["subjective"].accessibleName() == "Subjetivo"
    QTest.keyClicks(boxes["free_text"], "Consulta por video.")
    QTest.keyClicks(boxes["plan"], "Control en una semana.")
    window.editor.flush()

    def stored() -> list[str]:
        return [e.note.text for e in session.call(lambda store: store.list_notes())]

    qtbot.waitUntil(lambda: stored() == ["Consulta por video.\n\nPlan:\nControl en una semana."])
    QTest.keyClicks(boxes["subjective"], "Mareo")
    window.editor.flush()
    qtbot.waitUntil(lambda: "\n\nSubjetivo:\nMareo\n\n" in stored()[0])


def test_every_ui_string_has_a_spanish_translation(tmp_path: Path) -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        lupdate = Path(shutil.which("pyside6-lupdate") or "pyside6-lupdate")
    fresh = tmp_path / "outpost_es.ts"
    shutil.copy(ROOT / "resources" / "i18n" / "outpost_es.ts", fresh)
    sources = [str(ROOT / "src" / "app.py"), *map(str, sorted((ROOT / "src" / "ui").glob("*.py")))]
    subprocess.run(
        [str(lupdate), "-no-obsolete", "-locations", "none", *sources, "-ts", str(fresh)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    untranslated = [
        message.findtext("source")
        for message in ET.parse(fresh).getroot().iter("message")
        if message.find("translation") is None
        or message.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert untranslated == [], "translate these in resources/i18n/outpost_es.ts"
    # The shipped .qm is the compiled .ts (scripts/translations.sh was run after editing).
    rebuilt = tmp_path / "outpost_es.qm"
    subprocess.run(
        [str(lupdate.parent / "pyside6-lrelease"), "-silent", str(fresh), "-qm", str(rebuilt)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert rebuilt.read_bytes() == (ROOT / "resources" / "outpost_es.qm").read_bytes()


def _conflict(local: Record, server: Record | None, reason: str) -> Conflict:
    kind = EntityType.APPOINTMENT if isinstance(local, Appointment) else EntityType.NOTE
    return Conflict(ConflictId("c-1"), kind, "x", None, local, server, reason, datetime.now(UTC))


def test_conflict_reasons_read_in_spanish(spanish: None) -> None:
    """The sync layer's English reasons are found by their text (the same as the UI's
    copies), and an appointment's reason is said again from its two states."""
    assert set(NOTE_REASONS) == {NOTE_SIGNED_ELSEWHERE, DRAFT_CHANGED_ELSEWHERE, NOTE_UNREADABLE}
    appointment = day_appointments(DAY)[0]
    now = datetime.now(UTC)
    note = VisitNote(
        NoteId("n-1"), appointment.id, appointment.patient_id, "texto", NoteStatus.DRAFT, now, now
    )
    drafted = _conflict(note, note, DRAFT_CHANGED_ELSEWHERE)
    assert conflict_reason_text(drafted) == (
        "Este borrador se cambió en otro equipo mientras usted estaba sin conexión; se"
        " conservan las dos versiones."
    )
    wanted = dataclasses.replace(appointment, status=AppointmentStatus.CHECKED_IN)
    cancelled = dataclasses.replace(appointment, status=AppointmentStatus.CANCELLED)
    english = appointment_reason(AppointmentStatus.CANCELLED, AppointmentStatus.CHECKED_IN)
    assert conflict_reason_text(_conflict(wanted, cancelled, english)) == (
        "En el servidor, la cita se canceló, así que no se puede registrar la llegada."
    )
