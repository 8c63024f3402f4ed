"""The left side of the main window once video visits are on: Today (the schedule with who
is waiting) and, during a visit, the visit room in its place, so the note editor on the
right stays beside the video. It wires the waiting list, the visit controller, the video
feeds and the Visit menu's actions (Join, Admit, Mute, Camera, Hang up, ...)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QWidget

from outpost.core.domain import ScheduleItem
from outpost.core.visits import CallPort, CallStatus, VisitState, VisitSummary
from outpost.ui.bridge import Bridge, Job
from outpost.ui.schedule_panel import SchedulePanelWidget
from outpost.ui.today_view import TodayViewWidget
from outpost.ui.video_widget import VideoFeed
from outpost.ui.visit_controller import VisitController
from outpost.ui.visit_room import VisitRoomWidget
from outpost.ui.visit_words import call_error_text, end_text
from outpost.ui.waiting_room import WaitingRoomController

logger = logging.getLogger(__name__)

SELF_VIEW_MS = 100
REHEARSAL_TIMEOUT_S = 30.0


class VisitPaneWidget(QStackedWidget):
    sig_message = Signal(str)  # a line for the status bar
    sig_visit_opened = Signal(object)  # ScheduleItem: show its notes beside the video
    sig_visit_open_changed = Signal(bool)  # a visit is under way (hold the idle lock)
    sig_room_shown = Signal(bool)
    sig_checked_in = Signal()

    def __init__(
        self,
        bridge: Bridge,
        port: CallPort,
        schedule: SchedulePanelWidget,
        *,
        waiting_interval_ms: int = 5000,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("visitPane")
        self._port = port
        self._bridge = bridge
        self._item: ScheduleItem | None = None
        self._rehearsal: Job | None = None  # asking the server for a rehearsal room
        self._open = False
        self.today = TodayViewWidget(bridge, schedule)
        self.room = VisitRoomWidget()
        self.addWidget(self.today)
        self.addWidget(self.room)
        self.waiting = WaitingRoomController(bridge, port, interval_ms=waiting_interval_ms)
        self.visit = VisitController(bridge, port, self)
        self.remote_feed = VideoFeed(
            self.room.stage, port.remote_video, stale_caption=self.room.stale_caption, parent=self
        )
        # The self-view is small and only reassures: 10 pictures a second leave the main
        # thread's time (and the interpreter's lock) to the patient's video.
        self.local_feed = VideoFeed(
            self.room.stage.self_view, port.local_video, interval_ms=SELF_VIEW_MS, parent=self
        )
        self._make_actions()
        self._connect()

    def _connect(self) -> None:
        self.waiting.sig_changed.connect(self.today.show_waiting)
        self.today.sig_join_requested.connect(self.join)
        self.today.sig_message.connect(self.sig_message)
        self.today.sig_checked_in.connect(lambda _appointment: self.sig_checked_in.emit())
        self.visit.sig_status_changed.connect(self._on_visit_status_changed)
        self.visit.sig_join_failed.connect(self._on_visit_join_failed)
        self.visit.sig_action_failed.connect(self._on_visit_action_failed)
        self.visit.sig_left.connect(self._on_visit_left)
        room = self.room
        room.sig_admit_requested.connect(self.admit)
        room.sig_mute_toggled.connect(self.visit.set_muted)
        room.sig_camera_toggled.connect(self.visit.set_camera_off)
        room.sig_hang_up_requested.connect(self.hang_up)
        room.sig_close_requested.connect(self.close_room)
        room.sig_retry_requested.connect(self._on_room_retry_requested)
        room.sig_copy_link_requested.connect(lambda: self.today.copy_link(self._item))
        room.sig_device_chosen.connect(self.visit.use_device)

    def _make_actions(self) -> None:
        self.action_join = self._action(self.tr("&Join video visit"), "Ctrl+J", self.join_selected)
        self.action_admit = self._action(self.tr("&Admit patient"), "Ctrl+Shift+J", self.admit)
        self.action_mute = self._action(self.tr("&Mute or unmute"), "Ctrl+D", self.toggle_mute)
        self.action_camera = self._action(
            self.tr("&Camera off or on"), "Ctrl+E", self.toggle_camera
        )
        self.action_hang_up = self._action(self.tr("&Hang up"), "Ctrl+Shift+H", self.hang_up)
        self.action_copy_link = self._action(
            self.tr("Copy patient's &link"), "Ctrl+Shift+C", self.copy_link
        )
        self.action_check_in = self._action(
            self.tr("Check &in"), "Ctrl+Shift+I", self.today.check_in_selected
        )
        self.action_rehearse = self._action(
            self.tr("&Rehearsal call with a test patient"), "Ctrl+Shift+R", self.rehearse
        )
        room = self.room
        room.set_shortcut_hints(
            {
                room.admit_button: "Ctrl+Shift+J",
                room.mute_button: "Ctrl+D",
                room.camera_button: "Ctrl+E",
                room.hang_up_button: "Ctrl+Shift+H",
                room.back_button: "Ctrl+Shift+H",
                room.copy_link_button: "Ctrl+Shift+C",
            }
        )

    def _action(self, text: str, keys: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        return action

    # --- public API ------------------------------------------------------------------

    @property
    def menu_actions(self) -> list[QAction]:
        """For the window's Visit menu (and its shortcuts)."""
        return [
            self.action_join,
            self.action_admit,
            self.action_mute,
            self.action_camera,
            self.action_hang_up,
            self.action_copy_link,
            self.action_check_in,
            self.action_rehearse,
        ]

    @property
    def room_shown(self) -> bool:
        return self.currentWidget() is self.room

    def set_active(self, active: bool) -> None:
        """Signed in with the work on screen: poll who is waiting; otherwise stop."""
        if active:
            self.waiting.start()
        else:
            self.waiting.stop()

    def sign_out(self) -> None:
        """Signing out ends any visit."""
        self.waiting.stop()
        self.visit.hang_up()

    def join_selected(self) -> bool:
        if self.room_shown:
            return False
        return self.today.join_selected()

    def join(self, item: ScheduleItem) -> bool:
        if self.visit.busy:
            if self._item is not None and self._item.appointment.id == item.appointment.id:
                self._show_room(True)
                return True
            self.sig_message.emit(self.tr("Finish the open visit first (Hang up), then join."))
            return False
        self._item = item
        self.room.open_for(item)
        self._enter_room(item)
        self.visit.join(item.appointment.id)
        return True

    def rehearse(self) -> bool:
        """A rehearsal call: the server opens a room with a test patient waiting in it."""
        if self.visit.busy or self._rehearsal is not None:
            self.sig_message.emit(self.tr("Finish the open visit first (Hang up), then join."))
            return False
        self._item = None
        self.room.open_rehearsal()
        self._enter_room(None)
        port = self._port
        self._rehearsal = (
            self._bridge.async_op(port.rehearse, timeout=REHEARSAL_TIMEOUT_S)
            .success(self._on_rehearsal_ready)
            .failure(self._on_rehearsal_failed)
            .run()
        )
        return True

    def _enter_room(self, item: ScheduleItem | None) -> None:
        self.room.set_devices(self._port.devices(), self.visit.status)
        self._show_room(True)
        self.sig_visit_opened.emit(item)
        self._set_open(True)
        self.remote_feed.start()
        self.local_feed.start()
        self.room.hang_up_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def admit(self) -> bool:
        if self.visit.admit():
            return True
        self.sig_message.emit(self.tr("Nobody is waiting to be admitted in an open visit."))
        return False

    def toggle_mute(self) -> None:
        if self.visit.status.state.open:
            self.visit.set_muted(not self.visit.status.muted)

    def toggle_camera(self) -> None:
        if self.visit.status.state.open:
            self.visit.set_camera_off(not self.visit.status.camera_off)

    def hang_up(self) -> None:
        """End the visit; with none under way, close the room (back to the schedule)."""
        if not self.visit.hang_up() and self.room_shown:
            self.close_room()

    def copy_link(self) -> None:
        if self.room_shown:
            self.today.copy_link(self._item)
        else:
            self.today.copy_selected_link()

    def close_room(self) -> None:
        if self.visit.busy:
            return
        if self._rehearsal is not None:  # left before the rehearsal room was ready
            self._rehearsal.cancel()
            self._rehearsal = None
            self._set_open(False)
        self.remote_feed.stop()
        self.local_feed.stop()
        self._show_room(False)
        self.today.schedule.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- slots -----------------------------------------------------------------------

    def _show_room(self, shown: bool) -> None:
        if shown == self.room_shown:
            return
        self.setCurrentWidget(self.room if shown else self.today)
        self.sig_room_shown.emit(shown)

    def _set_open(self, opened: bool) -> None:
        if opened != self._open:
            self._open = opened
            self.sig_visit_open_changed.emit(opened)

    def _on_visit_status_changed(self, status: CallStatus) -> None:
        before = self.room.status.state
        self.room.show_status(status)
        if status.camera_off:
            self.local_feed.stop()
            self.room.stage.self_view.clear()
        elif status.state.open and not self.local_feed.running:
            self.local_feed.start()
        if status.state is VisitState.PATIENT_WAITING and before is not status.state:
            self._offer_admit()
        if status.state in (VisitState.ENDED, VisitState.FAILED):
            self._set_open(False)
            self.local_feed.stop()
            self.remote_feed.stop()  # the last picture stays until the room closes
            if status.state is VisitState.FAILED and status.error is not None:
                self.room.show_error(call_error_text(status.error))

    def _offer_admit(self) -> None:
        """Focus the Admit button, unless the clinician is typing elsewhere (the note)."""
        focused = self.window().focusWidget() if self.window() is not None else None
        if focused is None or focused is self.room or self.room.isAncestorOf(focused):
            self.room.admit_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_visit_join_failed(self, _appointment_id: str, error: Exception) -> None:
        self._set_open(False)
        self.remote_feed.stop()
        self.local_feed.stop()
        self.room.show_status(CallStatus(state=VisitState.FAILED, error=None))
        self.room.show_error(
            self.tr("The visit room could not be opened. {reason}").format(
                reason=call_error_text(error)
            )
        )
        self.room.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_visit_action_failed(self, error: Exception) -> None:
        self.sig_message.emit(call_error_text(error))

    def _on_visit_left(self, summary: VisitSummary | None) -> None:
        self._set_open(False)
        if summary is not None:
            self.sig_message.emit(end_text(summary.ended, summary.duration_s))
        self.close_room()

    def _on_rehearsal_ready(self, room_id: str) -> None:
        self._rehearsal = None
        if self.room_shown:  # still wanted: the clinician did not leave meanwhile
            self.visit.join(room_id)

    def _on_rehearsal_failed(self, error: Exception) -> None:
        self._rehearsal = None
        self._on_visit_join_failed("", error)

    def _on_room_retry_requested(self) -> None:
        if self._item is not None:
            self.join(self._item)
        else:
            self.rehearse()
