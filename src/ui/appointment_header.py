"""Who and what the selected appointment is: patient, time, visit type, status, reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, QLocale
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from outpost.core.domain import ScheduleItem
from outpost.ui.schedule_model import ScheduleModel


def age_in_years(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


class AppointmentHeaderWidget(QWidget):
    """A few labels above the note editor; empty when nothing is selected."""

    def __init__(
        self,
        words: ScheduleModel,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._words = words  # the schedule model knows how statuses and times read
        self._today = today
        self._patient = QLabel()
        self._patient.setObjectName("headerPatient")
        font = QFont(self._patient.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        self._patient.setFont(font)
        self._details = QLabel()
        self._details.setObjectName("headerDetails")
        self._reason = QLabel()
        self._reason.setObjectName("headerReason")
        self._reason.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(self._patient)
        column.addWidget(self._details)
        column.addWidget(self._reason)
        self.show_item(None)

    def show_item(self, item: ScheduleItem | None) -> None:
        if item is None:
            self._patient.setText(self.tr("No appointment selected"))
            self._details.setText("")
            self._reason.setText("")
            self.setAccessibleName(self.tr("No appointment selected"))
            return
        appointment = item.appointment
        patient = item.patient
        born = patient.birth_date
        self._patient.setText(patient.display_name)
        self._details.setText(
            self.tr("{time} · {visit_type} · {status} · Born {birth_date} ({age} years)").format(
                time=self._words.time_range_text(item),
                visit_type=self._words.visit_type_text(appointment.visit_type),
                status=self._words.status_text(appointment.status),
                # Day, month name, year: never ambiguous between 06/07 and 07/06.
                birth_date=QLocale().toString(QDate(born.year, born.month, born.day), "d MMM yyyy"),
                age=age_in_years(born, self._today()),
            )
        )
        self._reason.setText(
            self.tr("Reason: {reason}").format(reason=appointment.reason or self.tr("not given"))
        )
        self.setAccessibleName(self._words.summary_text(item))

    @property
    def patient_text(self) -> str:
        return self._patient.text()

    @property
    def details_text(self) -> str:
        return self._details.text()
