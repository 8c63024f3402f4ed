"""The video visit scenes `scripts/screenshots.py` photographs, on the real app with the real
call service against the reference server, and a synthetic patient (`outpost patient-bot`,
the test pattern and voice) joining through a visit's link: Today with someone waiting
(today-waiting.png), the visit room in a call with a note being written beside the video
(visit-room.png), then Help's tech check once its checks are done (tech-check.png) and
the guided first run's welcome page (first-run.png).

Each step waits for something a person would see, then acts; nothing sleeps.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog
from screenshot_scenes import USER, Scenes, Server

from outpost.core.domain import ScheduleItem, VisitType
from outpost.core.tech_check import CheckName
from outpost.core.visits import VisitState
from outpost.demo.children import PatientBot
from outpost.ui.visit_pane import VisitPaneWidget


class VisitScenes(Scenes):
    """The scenes' app (with its call service), on a profile of its own, plus a patient."""

    def __init__(self, home: Path, out: Path, server: Server) -> None:
        super().__init__(home, out, server, profile_name="visit-profile")
        visits = self.window.visits
        assert visits is not None
        self.visits: VisitPaneWidget = visits
        self.patient = PatientBot(home / "patient")
        self.item: ScheduleItem | None = None
        self._pictures = 0

    def run(self) -> int:
        try:
            return super().run()
        finally:
            self.patient.stop()

    # --- the scenes ------------------------------------------------------------------

    def _plan(self) -> None:
        w, form, visits = self.window, self.sign_in, self.visits
        room, banner = visits.room, visits.today.banner
        step = self.steps.append
        step((w.isVisible, w.activateWindow))
        step((w.isActiveWindow, lambda: None))
        step((form.password_box.isVisible, self._sign_in))
        step((lambda: w.schedule.model.rowCount() > 2 and "Synced" in w.connection_summary,
              self._patient_joins))  # fmt: skip
        step((lambda: len(banner.join_buttons) == 1, self._select_waiting_row))
        step((lambda: w.editor._new_button.isEnabled(), self.grab("today-waiting.png")))
        step((lambda: True, lambda: QTest.mouseClick(banner.join_buttons[0], LEFT)))
        step((lambda: room.status.state is VisitState.PATIENT_WAITING,
              lambda: QTest.mouseClick(room.admit_button, LEFT)))  # fmt: skip
        step((lambda: room.status.state is VisitState.IN_CALL and room.stage.pictures > 45,
              self._write_note))  # fmt: skip
        step((lambda: w.editor._save_label.text().startswith("Saved "), self._settle))
        step((lambda: room.stage.pictures > self._pictures + 15, self.grab("visit-room.png")))
        step((lambda: True, lambda: QTest.mouseClick(room.hang_up_button, LEFT)))
        step((lambda: not visits.room_shown, w.action_tech_check.trigger))
        step((self._tech_check_done, self.grab("tech-check.png", self._tech_check)))
        step((lambda: True, lambda: self._tech_check().reject()))
        step((lambda: True, w.action_first_run.trigger))
        step((lambda: self._tour().isVisible(), self.grab("first-run.png", self._tour)))
        step((lambda: True, lambda: self._tour().skip()))

    def _sign_in(self) -> None:
        self.sign_in.user.setText(USER)
        self.sign_in.password.setText(self.server.users[USER])
        QTest.keyClick(self.sign_in.password, Qt.Key.Key_Return)

    def _patient_joins(self) -> None:
        model = self.window.schedule.model
        items = [model.item(row) for row in range(model.rowCount())]
        self.item = next(i for i in items if i.appointment.visit_type is VisitType.VIRTUAL)
        assert self.item.appointment.video_link is not None
        self.patient.start(self.item.appointment.video_link)
        self.visits.waiting.poll_now()

    def _select_waiting_row(self) -> None:
        assert self.item is not None
        row = self.window.schedule.model.row_of(self.item.appointment.id)
        assert row is not None
        self.window.schedule.select_row(row)

    def _write_note(self) -> None:
        editor = self.window.editor
        editor.new_note()
        for part, text in (
            ("free_text", "Video visit from home; picture and sound clear."),
            ("subjective", "Blood pressure readings at home 128-135 over 80-85."),
            ("plan", "Continue the current dose; recheck in 3 months."),
        ):
            box = editor.text_boxes.boxes[part]
            box.setFocus()
            QTest.keyClicks(box, text)
        editor.flush()

    def _tech_check(self) -> QDialog:
        assert self.window.help is not None
        dialog = self.window.help.tech_check
        assert dialog is not None
        return dialog

    def _tech_check_done(self) -> bool:
        assert self.window.help is not None
        dialog = self.window.help.tech_check
        if dialog is None:
            return False
        controller = dialog.check.controller
        return not controller.busy and controller.verdict(CheckName.ECHO) is not None

    def _tour(self) -> QDialog:
        assert self.window.help is not None
        tour = self.window.help.first_run
        assert tour is not None
        return tour

    def _settle(self) -> None:
        self._pictures = self.visits.room.stage.pictures


LEFT = Qt.MouseButton.LeftButton
