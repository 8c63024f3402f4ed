"""The visit room: the patient's video large and the clinician's own small in its corner,
what is happening in plain words, the connection's quality, and the controls (admit, mute,
camera, copy the link, hang up, devices). The note editor sits beside it in the window.

It only shows a `CallStatus` and emits what the clinician asked for; `VisitPaneWidget`
passes those requests to the `VisitController`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import ScheduleItem
from outpost.core.visits import CallStatus, DeviceKind, LinkQuality, MediaDevice, VisitState
from outpost.ui.schedule_model import local_hhmm
from outpost.ui.video_widget import VideoWidget
from outpost.ui.visit_words import (
    clock_text,
    device_notes,
    device_text,
    end_text,
    quality_text,
    state_text,
)

_QUALITY_STYLE = (
    "#qualityIndicator { border-radius: 9px; padding: 2px 10px; font-weight: bold; }"
    ' #qualityIndicator[level="good"] { background: #1e7a3a; color: white; }'
    ' #qualityIndicator[level="warn"] { background: #a15c00; color: white; }'
    ' #qualityIndicator[level="bad"] { background: #b3261e; color: white; }'
)
_HANG_UP_STYLE = "#hangUpButton { background: #b3261e; color: white; padding: 4px 14px; }"
SELF_VIEW_SHARE = 0.24  # of the video's width


class VideoStageWidget(VideoWidget):
    """The patient's video with the self-view in its lower right corner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.self_view = VideoWidget("", self, border=True)
        self.self_view.setMinimumSize(96, 72)
        self.self_view.setObjectName("selfView")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = max(int(self.width() * SELF_VIEW_SHARE), 96)
        height = width * 3 // 4
        margin = 10
        self.self_view.setGeometry(
            QRect(self.width() - width - margin, self.height() - height - margin, width, height)
        )


class VisitRoomWidget(QWidget):
    sig_admit_requested = Signal()
    sig_mute_toggled = Signal(bool)
    sig_camera_toggled = Signal(bool)  # True: camera off
    sig_hang_up_requested = Signal()
    sig_close_requested = Signal()  # back to the schedule (the visit is over)
    sig_retry_requested = Signal()
    sig_copy_link_requested = Signal()
    sig_device_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitRoom")
        self.setAccessibleName(self.tr("Visit room"))
        self.setStyleSheet(_QUALITY_STYLE + _HANG_UP_STYLE)
        self._status = CallStatus()
        self._build()
        self.show_status(CallStatus())

    def _build(self) -> None:
        self.title = QLabel()
        self.title.setObjectName("visitTitle")
        font = QFont(self.title.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title.setFont(font)
        self.quality = QLabel()
        self.quality.setObjectName("qualityIndicator")
        self.quality.setAccessibleName(self.tr("Connection quality"))
        self.state_line = QLabel()
        self.state_line.setObjectName("visitState")
        self.state_line.setWordWrap(True)
        self.state_line.setAccessibleName(self.tr("Visit status"))
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.quality)

        self.stage = VideoStageWidget()
        self.stage.setObjectName("patientVideo")
        self.stage.setAccessibleName(self.tr("Patient's video"))
        self.stage.self_view.setAccessibleName(self.tr("Your camera"))

        self.admit_button = self._button(self.tr("Admit patient"), self.tr("Admit the patient"))
        self.admit_button.setObjectName("admitButton")
        self.admit_button.clicked.connect(self.sig_admit_requested)
        self.mute_button = self._button(self.tr("Mute"), self.tr("Mute your microphone"))
        self.mute_button.setObjectName("muteButton")
        self.mute_button.setCheckable(True)
        self.mute_button.toggled.connect(self._on_mute_button_toggled)
        self.camera_button = self._button(self.tr("Camera off"), self.tr("Turn your camera off"))
        self.camera_button.setObjectName("cameraButton")
        self.camera_button.setCheckable(True)
        self.camera_button.toggled.connect(self._on_camera_button_toggled)
        self.copy_link_button = self._button(
            self.tr("Copy patient's link"), self.tr("Copy the patient's link")
        )
        self.copy_link_button.clicked.connect(self.sig_copy_link_requested)
        self.retry_button = self._button(self.tr("Try again"), self.tr("Open the visit room again"))
        self.retry_button.clicked.connect(self.sig_retry_requested)
        self.hang_up_button = self._button(self.tr("Hang up"), self.tr("End the visit"))
        self.hang_up_button.setObjectName("hangUpButton")
        self.hang_up_button.clicked.connect(self.sig_hang_up_requested)
        self.back_button = self._button(
            self.tr("Back to schedule"), self.tr("Close the visit room")
        )
        self.back_button.setObjectName("backToScheduleButton")
        self.back_button.clicked.connect(self.sig_close_requested)
        controls = QHBoxLayout()
        for button in (self.admit_button, self.mute_button, self.camera_button):
            controls.addWidget(button)
        controls.addWidget(self.copy_link_button)
        controls.addStretch(1)
        for button in (self.retry_button, self.back_button, self.hang_up_button):
            controls.addWidget(button)

        self.camera_choice = self._combo(self.tr("Camera"))
        self.microphone_choice = self._combo(self.tr("Microphone"))
        self.speaker_choice = self._combo(self.tr("Speaker"))
        self._choices = {
            DeviceKind.CAMERA: self.camera_choice,
            DeviceKind.MICROPHONE: self.microphone_choice,
            DeviceKind.SPEAKER: self.speaker_choice,
        }
        for combo in self._choices.values():
            combo.activated.connect(lambda index, combo=combo: self._on_device_activated(combo))
        devices = QFormLayout()
        devices.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        devices.addRow(self._buddy(self.tr("&Camera:"), self.camera_choice), self.camera_choice)
        devices.addRow(
            self._buddy(self.tr("M&icrophone:"), self.microphone_choice), self.microphone_choice
        )
        devices.addRow(self._buddy(self.tr("S&peaker:"), self.speaker_choice), self.speaker_choice)
        self.devices_note = QLabel()
        self.devices_note.setWordWrap(True)
        self.devices_note.setObjectName("devicesNote")
        self.devices_note.setAccessibleName(self.tr("Devices"))

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.state_line)
        column.addWidget(self.stage, 1)
        column.addLayout(controls)
        column.addLayout(devices)
        column.addWidget(self.devices_note)

    def _button(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        return button

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        combo.view().setAccessibleName(self.tr("{device} choices").format(device=name))
        return combo

    def _buddy(self, text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    # --- public API ------------------------------------------------------------------

    def set_shortcut_hints(self, hints: dict[QPushButton, str]) -> None:
        for button, keys in hints.items():
            button.setToolTip(
                self.tr("{action} ({keys})").format(action=button.accessibleName(), keys=keys)
            )

    def set_devices(self, devices: Sequence[MediaDevice], status: CallStatus) -> None:
        """Fill the device menus (hardware, then the test sources) and mark those in use."""
        for kind, combo in self._choices.items():
            combo.clear()
            for device in devices:
                if device.kind is kind:
                    combo.addItem(device_text(device), device.device_id)
        self._show_devices(status)

    def open_for(self, item: ScheduleItem) -> None:
        """A new visit with `item`'s patient: clear the last one's pictures and words."""
        self._open(
            self.tr("{patient} · {time} video visit").format(
                patient=item.patient.display_name, time=local_hhmm(item.appointment.start)
            ),
            has_link=bool(item.appointment.video_link),
        )

    def open_rehearsal(self) -> None:
        """A rehearsal with a test patient (no appointment, no chart, no link to copy)."""
        self._open(self.tr("Rehearsal with a test patient"), has_link=False)

    def _open(self, title: str, *, has_link: bool) -> None:
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.copy_link_button.setEnabled(has_link)
        self.stage.clear()
        self.stage.self_view.clear()
        self.show_status(CallStatus(state=VisitState.CONNECTING))

    def show_status(self, status: CallStatus, summary_text: str | None = None) -> None:
        self._status = status
        state = status.state
        words = state_text(state)
        if state is VisitState.ENDED and status.ended is not None:
            words = summary_text or end_text(status.ended, status.in_call_s)
        elif state is VisitState.IN_CALL:
            words = self.tr("In the visit · {elapsed}").format(elapsed=clock_text(status.in_call_s))
        self.state_line.setText(words)
        self._show_quality(status)
        is_open = state.open
        self.admit_button.setVisible(state is VisitState.PATIENT_WAITING)
        self.admit_button.setEnabled(state is VisitState.PATIENT_WAITING)
        for button in (self.mute_button, self.camera_button):
            button.setEnabled(is_open)
        self._set_checked(self.mute_button, status.muted)
        self._set_checked(self.camera_button, status.camera_off)
        self.mute_button.setText(self.tr("Unmute") if status.muted else self.tr("Mute"))
        self.camera_button.setText(
            self.tr("Camera on") if status.camera_off else self.tr("Camera off")
        )
        self.hang_up_button.setVisible(is_open)
        self.back_button.setVisible(not is_open)
        self.retry_button.setVisible(state is VisitState.FAILED)
        self.stage.set_placeholder(self._placeholder(state))
        self.stage.self_view.set_placeholder(
            self.tr("Camera off") if status.camera_off else self.tr("Your camera")
        )
        self.stage.self_view.set_caption(self.tr("Muted") if status.muted else "")
        self._show_devices(status)

    def _show_devices(self, status: CallStatus) -> None:
        in_use = {
            DeviceKind.CAMERA: status.camera,
            DeviceKind.MICROPHONE: status.microphone,
            DeviceKind.SPEAKER: status.speaker,
        }
        for kind, combo in self._choices.items():
            index = combo.findData(in_use[kind])
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)
        notes = device_notes(status)
        self.devices_note.setText(" ".join(notes))
        self.devices_note.setVisible(bool(notes))

    def show_error(self, text: str) -> None:
        """The room could not open, or an action failed: say why, in place."""
        self.state_line.setText(text)

    @property
    def status(self) -> CallStatus:
        return self._status

    def stale_caption(self) -> str:
        if self._status.state is VisitState.RECONNECTING:
            return self.tr("Reconnecting… the last picture is shown.")
        if self._status.state is not VisitState.IN_CALL:
            return ""
        return self.tr("The patient's video has paused; the last picture is shown.")

    # --- helpers and slots -----------------------------------------------------------

    def _placeholder(self, state: VisitState) -> str:
        if state in (VisitState.CONNECTING, VisitState.WAITING_FOR_PATIENT):
            return self.tr("The patient's video appears here once they join and you admit them.")
        if state is VisitState.PATIENT_WAITING:
            return self.tr("The patient is waiting. Admit them to see and hear them.")
        if state in (VisitState.CONNECTING_MEDIA, VisitState.RECONNECTING):
            return self.tr("Connecting the video…")
        if state is VisitState.IN_CALL:
            return self.tr("No video from the patient yet; you can still talk.")
        return ""

    def _show_quality(self, status: CallStatus) -> None:
        text = quality_text(status.quality, status.state)
        if status.state is VisitState.RECONNECTING or status.quality is LinkQuality.AUDIO_ONLY:
            level = "bad"
        elif status.quality is LinkQuality.GOOD:
            level = "good"
        else:
            level = "warn"
        self.quality.setText(text)
        self.quality.setVisible(bool(text))
        self.quality.setAccessibleDescription(text)
        self.quality.setProperty("level", level)
        self.quality.style().unpolish(self.quality)
        self.quality.style().polish(self.quality)

    @staticmethod
    def _set_checked(button: QPushButton, checked: bool) -> None:
        if button.isChecked() != checked:
            button.blockSignals(True)
            button.setChecked(checked)
            button.blockSignals(False)

    def _on_mute_button_toggled(self, checked: bool) -> None:
        self.sig_mute_toggled.emit(checked)

    def _on_camera_button_toggled(self, checked: bool) -> None:
        self.sig_camera_toggled.emit(checked)

    def _on_device_activated(self, combo: QComboBox) -> None:
        device_id = combo.currentData()
        if isinstance(device_id, str):
            self.sig_device_chosen.emit(device_id)
