"""The day's schedule as a read-only Qt table, one appointment per row, in time order,
with who is in a video visit's waiting room now and for how long."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from outpost.core.domain import AppointmentStatus, ScheduleItem, VisitType
from outpost.core.visits import WaitingState
from outpost.ui.visit_words import waited_text

_Index = QModelIndex | QPersistentModelIndex


class ScheduleColumn(enum.IntEnum):
    TIME = 0
    PATIENT = 1
    REASON = 2
    STATUS = 3
    VISIT_TYPE = 4
    WAITING = 5  # the video visit's waiting room


def local_hhmm(moment: datetime) -> str:
    """A timezone-aware moment as the clinician's local wall-clock time, e.g. 09:30."""
    return moment.astimezone().strftime("%H:%M")


class ScheduleModel(QAbstractTableModel):
    """Rows are `ScheduleItem`s sorted by start; `item(row)` gives one back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[ScheduleItem] = []
        self._waiting: dict[str, tuple[WaitingState, float]] = {}

    # --- data in and out -------------------------------------------------------------

    def set_items(self, items: Sequence[ScheduleItem]) -> None:
        self.beginResetModel()
        self._items = sorted(items, key=lambda item: (item.appointment.start, item.appointment.id))
        self.endResetModel()

    def set_waiting(self, waiting: dict[str, tuple[WaitingState, float]]) -> None:
        """Who is in a waiting room: appointment id -> (state, seconds in it)."""
        if waiting == self._waiting:
            return
        self._waiting = dict(waiting)
        if self._items:
            column = ScheduleColumn.WAITING
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._items) - 1, column))

    def waiting(self, appointment_id: str) -> tuple[WaitingState, float] | None:
        return self._waiting.get(appointment_id)

    def item(self, row: int) -> ScheduleItem:
        return self._items[row]

    def items(self) -> list[ScheduleItem]:
        return list(self._items)

    def row_of(self, appointment_id: str) -> int | None:
        for row, item in enumerate(self._items):
            if item.appointment.id == appointment_id:
                return row
        return None

    # --- words -----------------------------------------------------------------------

    def status_text(self, status: AppointmentStatus) -> str:
        words = {
            AppointmentStatus.PROPOSED: self.tr("Proposed"),
            AppointmentStatus.PENDING: self.tr("Pending"),
            AppointmentStatus.BOOKED: self.tr("Booked"),
            AppointmentStatus.ARRIVED: self.tr("Arrived"),
            AppointmentStatus.FULFILLED: self.tr("Completed"),
            AppointmentStatus.CANCELLED: self.tr("Cancelled"),
            AppointmentStatus.NOSHOW: self.tr("No-show"),
            AppointmentStatus.ENTERED_IN_ERROR: self.tr("Entered in error"),
            AppointmentStatus.CHECKED_IN: self.tr("Checked in"),
            AppointmentStatus.WAITLIST: self.tr("Waitlist"),
        }
        return words[status]

    def visit_type_text(self, visit_type: VisitType) -> str:
        if visit_type is VisitType.VIRTUAL:
            return self.tr("Video")
        return self.tr("In person")

    def waiting_text(self, appointment_id: str) -> str:
        found = self._waiting.get(appointment_id)
        if found is None:
            return ""
        state, seconds = found
        if state is WaitingState.WAITING:
            return self.tr("Waiting {time}").format(time=waited_text(seconds))
        if state is WaitingState.ADMITTED:
            return self.tr("Admitted")
        return self.tr("In a call")

    def time_range_text(self, item: ScheduleItem) -> str:
        appointment = item.appointment
        return self.tr("{start}\u2013{end}").format(
            start=local_hhmm(appointment.start), end=local_hhmm(appointment.end)
        )

    def summary_text(self, item: ScheduleItem) -> str:
        """The whole row in one sentence, for screen readers and tooltips."""
        appointment = item.appointment
        text = self.tr("{time}, {patient}, {reason}, {visit_type}, {status}").format(
            time=self.time_range_text(item),
            patient=item.patient.display_name,
            reason=appointment.reason or self.tr("no reason given"),
            visit_type=self.visit_type_text(appointment.visit_type),
            status=self.status_text(appointment.status),
        )
        waiting = self.waiting_text(appointment.id)
        return f"{text}, {waiting}" if waiting else text

    def _cell_text(self, item: ScheduleItem, column: int) -> str:
        appointment = item.appointment
        if column == ScheduleColumn.TIME:
            return local_hhmm(appointment.start)
        if column == ScheduleColumn.PATIENT:
            return item.patient.display_name
        if column == ScheduleColumn.REASON:
            return appointment.reason
        if column == ScheduleColumn.STATUS:
            return self.status_text(appointment.status)
        if column == ScheduleColumn.WAITING:
            return self.waiting_text(appointment.id)
        return self.visit_type_text(appointment.visit_type)

    # --- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ScheduleColumn)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_text(item, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.summary_text(item)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if index.column() == ScheduleColumn.TIME:
                return self.summary_text(item)
            return self._cell_text(item, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return item.appointment.id
        if role == Qt.ItemDataRole.FontRole and index.column() == ScheduleColumn.WAITING:
            found = self._waiting.get(item.appointment.id)
            if found is not None and found[0] is WaitingState.WAITING:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return None
        titles = {
            ScheduleColumn.TIME: self.tr("Time"),
            ScheduleColumn.PATIENT: self.tr("Patient"),
            ScheduleColumn.REASON: self.tr("Reason"),
            ScheduleColumn.STATUS: self.tr("Status"),
            ScheduleColumn.VISIT_TYPE: self.tr("Visit type"),
            ScheduleColumn.WAITING: self.tr("Waiting room"),
        }
        try:
            return titles[ScheduleColumn(section)]
        except ValueError:
            return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
