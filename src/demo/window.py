"""`outpost demo` with a window: the app on the demo server, signed in and synced before it
shows, a test patient waiting for the next video visit, and a Demo menu to take the server
away and bring it back (offline and online, on one computer).

The test patient joins again after each visit (the next video visit of the day, in turn),
so a newcomer can try as often as they like.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from outpost.core.domain import ScheduleItem
from outpost.core.ports import ClinicStore
from outpost.core.settings import Profile
from outpost.demo.children import DemoServer, PatientBot
from outpost.demo.clinic import sign_in, sync_now, video_visits
from outpost.ui.main_window import MainWindow

logger = logging.getLogger(__name__)

WATCH_MS = 2000


class DemoWindowSession:
    """The demo's children around the app: started before the window, watched while it
    runs (the caller stops them when the app has quit)."""

    def __init__(self, profile: Profile, server: DemoServer, bot: PatientBot) -> None:
        self._profile = profile
        self._server = server
        self._bot = bot
        self._visits: list[ScheduleItem] = []
        self._turn = 0
        self._window: MainWindow | None = None

    def before_show(self, store: ClinicStore) -> None:
        """On the store worker: sign in, sync, and send the test patient in."""
        info = self._server.info
        assert info is not None
        sign_in(self._profile, info)
        sync_now(store, self._profile)
        self._visits = video_visits(store, datetime.now().astimezone())
        self._send_patient()

    def extend_window(self, window: MainWindow) -> None:
        self._window = window
        window.setWindowTitle(window.tr("Outpost — demo"))
        menu = window.menuBar().addMenu("De&mo")
        menu.setAccessibleName("Demo menu")
        self.action_offline = self._add(menu, "Go &offline (stop the demo server)", self.offline)
        self.action_online = self._add(menu, "Back o&nline (start the demo server)", self.online)
        self.action_online.setEnabled(False)
        self._add(menu, "Send the test &patient again", self.resend_patient)
        self._watch = QTimer(window)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self._on_watch_timeout)
        self._watch.start()
        item = self.waiting_for
        if item is not None:
            when = item.appointment.start.astimezone().strftime("%H:%M")
            window.show_error(
                f"Demo: {item.patient.display_name} is waiting for the {when} video visit."
                " Press Join (Ctrl+J), then Admit (Ctrl+Shift+J)."
            )

    @property
    def waiting_for(self) -> ScheduleItem | None:
        if not self._visits:
            return None
        return self._visits[(self._turn - 1) % len(self._visits)]

    def offline(self) -> None:
        self._server.stop()
        self.action_offline.setEnabled(False)
        self.action_online.setEnabled(True)
        self._say("Demo server stopped: Outpost is offline. Notes are kept on this computer.")

    def online(self) -> None:
        try:
            self._server.start()
        except Exception as exc:  # noqa: BLE001 - the menu stays usable to try again
            logger.warning("demo server did not restart: %s", type(exc).__name__)
            self._say("The demo server did not start again; try once more.")
            return
        self.action_offline.setEnabled(True)
        self.action_online.setEnabled(False)
        self._say("Demo server back: syncing now (F5 syncs at any time).")
        window = self._window
        if window is not None and hasattr(window, "action_sync_now"):
            window.action_sync_now.trigger()

    def resend_patient(self) -> None:
        if self._server.running:
            self._turn -= 1  # the same visit again
            self._send_patient()

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
        assert self._window is not None
        action = QAction(text, self._window)
        action.triggered.connect(slot)
        self._window.addAction(action)
        menu.addAction(action)
        return action

    def _send_patient(self) -> None:
        if not self._visits:
            logger.info("demo: no video visit for the test patient")
            return
        item = self._visits[self._turn % len(self._visits)]
        self._turn += 1
        link = item.appointment.video_link
        if link:
            self._bot.start(link)

    def _on_watch_timeout(self) -> None:
        if self._server.running and not self._bot.running and self._visits:
            self._send_patient()  # the last visit ended: the next patient comes in
            item = self.waiting_for
            if item is not None:
                self._say(f"Demo: {item.patient.display_name} is now in a waiting room.")

    def _say(self, text: str) -> None:
        if self._window is not None:
            self._window.show_error(text)
