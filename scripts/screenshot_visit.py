"""The video visit scenes `scripts/screenshots.py` photographs, on the real app with the real
call service against the reference server, and a synthetic patient (`outpost patient-bot`,
the test pattern and voice) joining through a visit's link: Today with someone waiting
(today-waiting.png) and the visit room in a call with a note being written beside the video
(visit-room.png).

Each step waits for something a person would see, then acts; nothing sleeps.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from screenshot_scenes import SIZE, USER, Server, _services

from outpost.app import access_screens, visit_calls
from outpost.core.domain import ScheduleItem, VisitType
from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.core.settings import Profile, Settings
from outpost.core.visits import VisitState
from outpost.core.worker import StoreWorker
from outpost.demo.children import PatientBot
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.ui.bridge import Bridge
from outpost.ui.garbage import MainThreadGarbageCollector
from outpost.ui.main_window import MainWindow
from outpost.ui.sync_controller import SyncController
from outpost.ui.visit_pane import VisitPaneWidget

Step = tuple[Callable[[], bool], Callable[[], None]]


class VisitScenes:
    def __init__(self, home: Path, out: Path, server: Server) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication), "screenshot_scenes makes the application"
        self.app = app
        self.out = out
        self.server = server
        self.collector = MainThreadGarbageCollector()
        profile = Profile.at(home / "visit-profile")
        keychain = SystemKeychain()
        self.worker: StoreWorker[ClinicStore] = StoreWorker(
            lambda: open_store(profile, keychain), lambda store: store.close()
        )
        sync_port, review, session = self.worker.submit(
            lambda store: _services(store, profile), timeout=30
        ).result()
        self.sync_port = sync_port
        self.runtime = Runtime()
        self.runtime.start()
        self.bridge = Bridge(self.worker, self.runtime)
        settings = Settings(profile=profile, server_url=server.base_url, idle_lock_minutes=10)
        self.calls = visit_calls(settings, keychain, self.worker)
        self.sync = SyncController(self.bridge, sync_port)
        self.access, page = access_screens(
            self.bridge, session, settings, open_url=lambda _url: True
        )
        self.sign_in = page.sign_in
        self.window = MainWindow(
            self.bridge,
            autosave_ms=1000,
            profile_label="Demo clinic",
            sync=self.sync,
            review=review,
            access=self.access,
            access_page=page,
            calls=self.calls,
        )
        self.window.resize(*SIZE)
        visits = self.window.visits
        assert visits is not None
        self.visits: VisitPaneWidget = visits
        self.patient = PatientBot(home / "patient")
        self.item: ScheduleItem | None = None
        self._pictures = 0
        self.failed: list[str] = []
        self.steps: list[Step] = []
        self.written: list[str] = []

    def run(self) -> int:
        self.window.show()
        self.access.start()
        self.sync.start()
        self._plan()
        QTimer.singleShot(0, self._next)
        QTimer.singleShot(120_000, self._give_up)
        self.app.exec()
        self.sync.stop()
        self.runtime.submit(self.calls.close, timeout=15).result(20)
        self.patient.stop()
        self.window.close()
        self.worker.submit(lambda _store: self.sync_port.close(), timeout=30)
        self.bridge.shutdown()
        self.runtime.shutdown()
        self.worker.close()
        self.collector.stop()
        if self.failed:
            print("screenshots: failed:", ", ".join(self.failed), file=sys.stderr)
            return 1
        print("screenshots: wrote", ", ".join(self.written))
        return 0

    def _next(self) -> None:
        if not self.steps:
            self.app.quit()
            return
        ready, action = self.steps[0]
        if ready():
            self.steps.pop(0)
            action()
        QTimer.singleShot(20, self._next)

    def _give_up(self) -> None:
        self.failed.append(f"visit scenes timed out with {len(self.steps)} steps to go")
        self.app.quit()

    def grab(self, name: str, widget: QWidget | None = None) -> Callable[[], None]:
        def save() -> None:
            self.out.mkdir(parents=True, exist_ok=True)
            target = self.out / name
            if (widget or self.window).grab().save(str(target)):
                self.written.append(str(target))
            else:
                self.failed.append(str(target))

        return save

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
        step((lambda: not visits.room_shown, lambda: None))

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

    def _settle(self) -> None:
        self._pictures = self.visits.room.stage.pictures


LEFT = Qt.MouseButton.LeftButton
