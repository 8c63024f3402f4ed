"""The left side of the main window: one day's schedule with day navigation.

Shows exactly one of four states: the table, "no appointments", loading, or an error that
says what to do (with a Try again button).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QItemSelection, QLocale, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import ScheduleItem
from outpost.ui.bridge import Bridge, Job
from outpost.ui.messages import error_text
from outpost.ui.schedule_model import ScheduleColumn, ScheduleModel


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """Start and end of `day` on this computer's clock, as UTC instants (DST-safe)."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return start.astimezone(UTC), end.astimezone(UTC)


class SchedulePanelWidget(QWidget):
    """A day's appointments; emits the selected one (or None)."""

    sig_appointment_selected = Signal(object)  # ScheduleItem | None
    sig_day_loaded = Signal(int)  # number of appointments shown

    PAGE_TABLE, PAGE_EMPTY, PAGE_LOADING, PAGE_ERROR = range(4)

    def __init__(
        self, bridge: Bridge, *, today: Callable[[], date], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._today = today
        self._day = today()
        self._shown_day: date | None = None  # the day whose schedule is on screen
        self._loads = 0
        self._job: Job | None = None
        self._selected: ScheduleItem | None = None
        self.model = ScheduleModel(self)
        self._build()

    def _build(self) -> None:
        self._previous = self._button(self.tr("◀ Previous"), self.tr("Previous day"), "Alt+Left")
        self._today_button = self._button(self.tr("Today"), self.tr("Go to today"), "Ctrl+T")
        self._next = self._button(self.tr("Next ▶"), self.tr("Next day"), "Alt+Right")
        self._previous.clicked.connect(self.previous_day)
        self._today_button.clicked.connect(self.go_today)
        self._next.clicked.connect(self.next_day)
        self._date_label = QLabel()
        self._date_label.setObjectName("dateLabel")
        font = QFont(self._date_label.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self._date_label.setFont(font)

        self._count_label = QLabel()
        self._count_label.setObjectName("appointmentCount")

        nav = QHBoxLayout()
        nav.addWidget(self._previous)
        nav.addWidget(self._today_button)
        nav.addWidget(self._next)
        nav.addStretch(1)

        self.table = QTableView()
        self.table.setObjectName("scheduleTable")
        self.table.setAccessibleName(self.tr("Appointments of the day"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setCornerButtonEnabled(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setAccessibleName(self.tr("Row numbers"))
        corner = self.table.findChild(QAbstractButton, "qt_tableview_cornerbutton")
        if corner is not None:
            corner.setAccessibleName(self.tr("Select all appointments"))
        header = self.table.horizontalHeader()
        header.setAccessibleName(self.tr("Columns"))
        header.setStretchLastSection(False)
        for section in ScheduleColumn:
            mode = (
                QHeaderView.ResizeMode.Stretch
                if section == ScheduleColumn.REASON
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(section, mode)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

        self._empty = self._state_label(self.tr("No appointments on this day."))
        self._loading = self._state_label(self.tr("Loading the schedule…"))
        self._error = self._state_label("")
        self._error.setObjectName("scheduleError")
        self._retry = QPushButton(self.tr("Try again"))
        self._retry.setAccessibleName(self.tr("Try loading the schedule again"))
        self._retry.clicked.connect(self.reload)
        error_page = QWidget()
        error_column = QVBoxLayout(error_page)
        error_column.addStretch(1)
        error_column.addWidget(self._error)
        error_column.addWidget(self._retry, 0, Qt.AlignmentFlag.AlignHCenter)
        error_column.addStretch(1)

        self._pages = QStackedWidget()
        self._pages.addWidget(self.table)
        self._pages.addWidget(self._empty)
        self._pages.addWidget(self._loading)
        self._pages.addWidget(error_page)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(nav)
        title = QHBoxLayout()
        title.addWidget(self._date_label)
        title.addStretch(1)
        title.addWidget(self._count_label)
        column.addLayout(title)
        column.addWidget(self._pages, 1)

    def _button(self, text: str, name: str, keys: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(self.tr("{action} ({keys})").format(action=name, keys=keys))
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        return button

    def _count_text(self, count: int) -> str:
        if count == 0:
            return ""
        if count == 1:
            return self.tr("1 appointment")
        return self.tr("{count} appointments").format(count=count)

    def _state_label(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        return label

    # --- public API ------------------------------------------------------------------

    @property
    def day(self) -> date:
        return self._day

    @property
    def page(self) -> int:
        """Which state is shown: PAGE_TABLE, PAGE_EMPTY, PAGE_LOADING or PAGE_ERROR."""
        return self._pages.currentIndex()

    @property
    def error_text(self) -> str:
        return self._error.text()

    def show_day(self, day: date) -> None:
        if day != self._day:
            self.model.set_items([])
            self._announce(None)
        self._day = day
        self.reload()

    def previous_day(self) -> None:
        self.show_day(self._day - timedelta(days=1))

    def next_day(self) -> None:
        self.show_day(self._day + timedelta(days=1))

    def go_today(self) -> None:
        self.show_day(self._today())

    def reload(self) -> None:
        """Load the shown day again (keeps the selected appointment if it is still there)."""
        if self._job is not None:
            self._job.cancel()
        self._loads += 1
        token = self._loads
        text = QLocale().toString(
            QDate(self._day.year, self._day.month, self._day.day), QLocale.FormatType.LongFormat
        )
        if self._day == self._today():
            text = self.tr("Today, {date}").format(date=text)
        self._date_label.setText(text)
        self._date_label.setAccessibleName(text)
        if self._day != self._shown_day or self._pages.currentIndex() != self.PAGE_TABLE:
            # A refresh of the day on screen (after a sync) keeps the table where it is:
            # no flicker, and the keyboard focus stays in it.
            self._pages.setCurrentIndex(self.PAGE_LOADING)
            self._count_label.setText("")
        start, end = local_day_bounds(self._day)
        self._job = (
            self._bridge.store_op(lambda store: store.schedule(start, end))
            .success(lambda items: self._on_schedule_loaded(token, items))
            .failure(lambda error: self._on_schedule_failed(token, error))
            .run()
        )

    def selected_item(self) -> ScheduleItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    # --- slots -----------------------------------------------------------------------

    def _on_schedule_loaded(self, token: int, items: list[ScheduleItem]) -> None:
        if token != self._loads:
            return
        self._job = None
        keep = None if self._selected is None else self._selected.appointment.id
        self.model.set_items(items)  # clears the selection
        row = None if keep is None else self.model.row_of(keep)
        self._pages.setCurrentIndex(self.PAGE_TABLE if items else self.PAGE_EMPTY)
        self._shown_day = self._day
        self._count_label.setText(self._count_text(len(items)))
        if row is not None:
            self.select_row(row)
        else:
            self._announce(None)
        self.sig_day_loaded.emit(len(items))

    def _on_schedule_failed(self, token: int, error: Exception) -> None:
        if token != self._loads:
            return
        self._job = None
        self._error.setText(
            self.tr("The schedule could not be loaded. {reason} Then press Try again.").format(
                reason=error_text(error)
            )
        )
        self._pages.setCurrentIndex(self.PAGE_ERROR)
        self._shown_day = None
        self._announce(None)

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._announce(self.selected_item())

    def _announce(self, item: ScheduleItem | None) -> None:
        if item == self._selected:
            return
        self._selected = item
        self.sig_appointment_selected.emit(item)
