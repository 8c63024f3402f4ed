"""The schedule table model on its own: order, plain words, roles."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from outpost.core.domain import AppointmentStatus, ScheduleItem
from outpost.ui.schedule_model import ScheduleColumn, ScheduleModel
from tests.ui.conftest import DAY, PATIENTS, day_appointments


def items() -> list[ScheduleItem]:
    patients = {p.id: p for p in PATIENTS}
    return [ScheduleItem(a, patients[a.patient_id]) for a in day_appointments(DAY)]


def test_rows_are_sorted_by_start_whatever_order_they_arrive_in(qtbot: QtBot) -> None:
    model = ScheduleModel()
    model.set_items(list(reversed(items())))
    assert [model.index(r, ScheduleColumn.TIME).data() for r in range(4)] == [
        "09:00",
        "09:45",
        "11:00",
        "14:30",
    ]
    assert model.columnCount() == 6
    assert model.rowCount(model.index(0, 0)) == 0  # a table, not a tree
    assert model.row_of("a-1100-2026-05-12") == 2
    assert model.item(2).patient.display_name == "Mei Lin Chen"


def test_headers_and_words_are_for_people(qtbot: QtBot) -> None:
    model = ScheduleModel()
    model.set_items(items())
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        for c in range(5)
    ]
    assert headers == ["Time", "Patient", "Reason", "Status", "Visit type"]
    words = {model.status_text(status) for status in AppointmentStatus}
    assert len(words) == len(AppointmentStatus)  # every status has its own words
    assert not any("-" in w and w.islower() for w in words)  # no raw FHIR codes
    assert model.data(QModelIndex()) is None
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsSelectable
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
