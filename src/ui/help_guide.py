"""The Help menu's guidance: the tech check window, the guided first run, and the
rehearsal call either of them can start. Both windows share one tech check (one camera and
microphone open at a time); the first run is offered once, when the clinician first gets
to their work, and finishing or skipping it is reported so the app stops offering it."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from outpost.core.tech_check import TechCheckPort
from outpost.ui.bridge import Bridge
from outpost.ui.first_run import FirstRunDialog
from outpost.ui.tech_check_controller import TechCheckController
from outpost.ui.tech_check_dialog import TechCheckDialog
from outpost.ui.tech_check_widget import TechCheckWidget


class HelpGuide(QObject):
    sig_rehearse_requested = Signal()
    sig_first_run_done = Signal(bool)  # True: finished, False: skipped

    def __init__(
        self,
        bridge: Bridge,
        port: TechCheckPort,
        window: QWidget,
        *,
        offer_first_run: bool,
    ) -> None:
        super().__init__(window)
        self._bridge = bridge
        self._port = port
        self._window = window
        self._offer = offer_first_run
        self._controller = TechCheckController(bridge, port, self)
        self.tech_check: TechCheckDialog | None = None
        self.first_run: FirstRunDialog | None = None

    def show_tech_check(self) -> TechCheckDialog:
        if self.first_run is not None and self.first_run.isVisible():
            self.first_run.skip()
        if self.tech_check is None:
            self.tech_check = TechCheckDialog(TechCheckWidget(self._controller), self._window)
            self.tech_check.sig_rehearse_requested.connect(self.sig_rehearse_requested)
        self.tech_check.show()
        self.tech_check.raise_()
        self.tech_check.activateWindow()
        return self.tech_check

    def show_first_run(self) -> FirstRunDialog:
        if self.tech_check is not None and self.tech_check.isVisible():
            self.tech_check.reject()
        dialog = FirstRunDialog(TechCheckWidget(self._controller), self._window)
        dialog.sig_done.connect(self._on_first_run_done)
        dialog.sig_rehearse_requested.connect(self.sig_rehearse_requested)
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.first_run = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def work_shown(self) -> None:
        """The clinician reached their work (signed in): offer the first run, once."""
        if self._offer:
            self._offer = False
            QTimer.singleShot(0, self.show_first_run)  # over the window, once it shows

    def close(self) -> None:
        """The window is closing or locking: release the devices."""
        for dialog in (self.tech_check, self.first_run):
            if dialog is not None and dialog.isVisible():
                dialog.reject()
        self._controller.close()

    def _forget(self, dialog: FirstRunDialog) -> None:
        if self.first_run is dialog:
            self.first_run = None
        dialog.deleteLater()

    def _on_first_run_done(self, completed: bool) -> None:
        self._offer = False
        self.sig_first_run_done.emit(completed)
