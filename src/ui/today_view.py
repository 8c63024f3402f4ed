"""Today: the day's schedule with who is waiting for a video visit now, and the actions on
the selected appointment: Join (video visits), Check in, and copy the patient's link.

The waiting list comes from `WaitingRoomController`; this widget shows it in the banner
and the schedule's Waiting room column, and names patients from the local store.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from outpost.core.domain import AppointmentStatus, ScheduleItem, VisitType
from outpost.core.errors import NotFoundError
from outpost.core.ports import ClinicStore
from outpost.ui.bridge import Bridge
from outpost.ui.messages import error_text
from outpost.ui.schedule_panel import SchedulePanelWidget
from outpost.ui.waiting_banner import WaitingBannerWidget
from outpost.ui.waiting_room import WaitingPhase, WaitingView


def can_join(item: ScheduleItem | None) -> bool:
    if item is None or item.appointment.visit_type is not VisitType.VIRTUAL:
        return False
    return item.appointment.status not in (
        AppointmentStatus.CANCELLED,
        AppointmentStatus.ENTERED_IN_ERROR,
        AppointmentStatus.NOSHOW,
    )


def can_check_in(item: ScheduleItem | None) -> bool:
    return item is not None and item.appointment.status is AppointmentStatus.BOOKED


def _scheduled(store: ClinicStore, appointment_id: str) -> ScheduleItem | None:
    try:
        appointment = store.get_appointment(appointment_id)
        return ScheduleItem(appointment, store.get_patient(appointment.patient_id))
    except NotFoundError:
        return None


class TodayViewWidget(QWidget):
    sig_join_requested = Signal(object)  # ScheduleItem
    sig_checked_in = Signal(object)  # the Appointment, now checked in
    sig_message = Signal(str)  # a line for the status bar

    def __init__(
        self,
        bridge: Bridge,
        schedule: SchedulePanelWidget,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self.schedule = schedule
        self._clock = clock
        self._known: dict[str, ScheduleItem | None] = {}  # appointments off the shown day
        self._asked: set[str] = set()
        self._view = WaitingView(WaitingPhase.OFF)
        self.banner = WaitingBannerWidget(self.lookup)
        self.banner.sig_join_requested.connect(self._on_banner_join_requested)
        self.join_button = self._button(
            self.tr("Join video visit"), self.tr("Open the visit room"), "Ctrl+J"
        )
        self.join_button.setObjectName("joinVisitButton")
        self.join_button.clicked.connect(self.join_selected)
        self.check_in_button = self._button(
            self.tr("Check in"), self.tr("Mark the patient as checked in"), "Ctrl+Shift+I"
        )
        self.check_in_button.setObjectName("checkInButton")
        self.check_in_button.clicked.connect(self.check_in_selected)
        self.copy_link_button = self._button(
            self.tr("Copy patient's link"),
            self.tr("Copy the patient's video visit link to send by text or email"),
            "Ctrl+Shift+C",
        )
        self.copy_link_button.setObjectName("copyLinkButton")
        self.copy_link_button.clicked.connect(self.copy_selected_link)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.join_button)
        actions.addWidget(self.check_in_button)
        actions.addWidget(self.copy_link_button)
        actions.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(schedule, 1)
        column.addLayout(actions)
        schedule.sig_appointment_selected.connect(self._on_schedule_appointment_selected)
        schedule.sig_day_loaded.connect(self._on_schedule_day_loaded)
        self._on_schedule_appointment_selected(None)

    def _button(self, text: str, name: str, keys: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        button.setToolTip(self.tr("{action} ({keys})").format(action=name, keys=keys))
        return button

    # --- public API ------------------------------------------------------------------

    def lookup(self, appointment_id: str) -> ScheduleItem | None:
        """The appointment and patient, from the shown day or the local store (loaded in
        the background the first time; None until then, or if it is not on this computer)."""
        row = self.schedule.model.row_of(appointment_id)
        if row is not None:
            return self.schedule.model.item(row)
        if appointment_id not in self._asked:
            self._asked.add(appointment_id)
            (
                self._bridge.store_op(lambda store: _scheduled(store, appointment_id))
                .success(lambda item: self._on_lookup_loaded(appointment_id, item))
                .failure(lambda _error: None)
                .run()
            )
        return self._known.get(appointment_id)

    def show_waiting(self, view: WaitingView) -> None:
        self._view = view
        self._show_waiting()

    def join_selected(self) -> bool:
        """Join the selected video visit; with none selected, the patient who has waited
        longest (Ctrl+J works from anywhere when someone is waiting)."""
        item = self.schedule.selected_item()
        if can_join(item):
            self.sig_join_requested.emit(item)
            return True
        waiting = self.banner.waiting_entries()
        if waiting:
            self._on_banner_join_requested(waiting[0].appointment_id)
            return True
        self.sig_message.emit(self.tr("Select a video visit first, then join it."))
        return False

    def check_in_selected(self) -> bool:
        item = self.schedule.selected_item()
        if item is None or not can_check_in(item):
            self.sig_message.emit(self.tr("Only a booked appointment can be checked in."))
            return False
        appointment_id = item.appointment.id
        self.check_in_button.setEnabled(False)
        (
            self._bridge.store_op(
                lambda store: store.set_appointment_status(
                    appointment_id, AppointmentStatus.CHECKED_IN
                )
            )
            .success(self._on_checked_in)
            .failure(self._on_check_in_failed)
            .run()
        )
        return True

    def copy_selected_link(self) -> bool:
        item = self.schedule.selected_item()
        return self.copy_link(item)

    def copy_link(self, item: ScheduleItem | None) -> bool:
        link = None if item is None else item.appointment.video_link
        if not link:
            self.sig_message.emit(self.tr("This appointment has no video visit link."))
            return False
        QGuiApplication.clipboard().setText(link)
        self.sig_message.emit(
            self.tr("The patient's link is copied: paste it into a text message or an email.")
        )
        return True

    # --- slots -----------------------------------------------------------------------

    def _show_waiting(self) -> None:
        view = self._view
        now = self._clock()
        waits = {
            entry.appointment_id: (entry.state, view.waited_s(entry, now)) for entry in view.entries
        }
        self.schedule.model.set_waiting(waits if view.phase is WaitingPhase.READY else {})
        self.banner.show_view(view, now)

    def _on_schedule_day_loaded(self, _count: int) -> None:
        self._asked.clear()  # after a sync, a visit unknown before may be here now
        self._show_waiting()

    def _on_lookup_loaded(self, appointment_id: str, item: ScheduleItem | None) -> None:
        self._known[appointment_id] = item
        self._show_waiting()

    def _on_banner_join_requested(self, appointment_id: str) -> None:
        item = self.lookup(appointment_id)
        if item is None:
            self.sig_message.emit(
                self.tr("This visit is not on this computer yet. Sync (F5), then join it.")
            )
            return
        row = self.schedule.model.row_of(appointment_id)
        if row is not None:
            self.schedule.select_row(row)
        self.sig_join_requested.emit(item)

    def _on_schedule_appointment_selected(self, item: ScheduleItem | None) -> None:
        self.join_button.setEnabled(can_join(item))
        self.check_in_button.setEnabled(can_check_in(item))
        self.copy_link_button.setEnabled(item is not None and bool(item.appointment.video_link))

    def _on_checked_in(self, appointment: object) -> None:
        self.schedule.reload()
        self.sig_checked_in.emit(appointment)
        self.sig_message.emit(self.tr("Checked in."))

    def _on_check_in_failed(self, error: Exception) -> None:
        self._on_schedule_appointment_selected(self.schedule.selected_item())
        self.sig_message.emit(self.tr("Not checked in: {reason}").format(reason=error_text(error)))
