"""The guided first run: four short pages a clinician finishes in under two minutes, each
skippable. What Outpost does, the tech check, a rehearsal call with a test patient, and
the few shortcuts worth knowing. Finishing or skipping both count as done (the app then
stops offering it); Help, Guided tour… shows it again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outpost.ui.tech_check_widget import TechCheckWidget


class FirstRunDialog(QDialog):
    sig_done = Signal(bool)  # True: finished, False: skipped; both mean "do not offer again"
    sig_rehearse_requested = Signal()

    def __init__(self, check: TechCheckWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRun")
        self.setWindowTitle(self.tr("Welcome to Outpost"))
        self.setAccessibleName(self.tr("Guided first run"))
        self.resize(900, 560)
        self.check = check
        self._reported = False
        self.pages = QStackedWidget()
        self.pages.addWidget(self._welcome_page())
        self.pages.addWidget(self._check_page())
        self.pages.addWidget(self._rehearsal_page())
        self.pages.addWidget(self._ready_page())
        self.step = QLabel()
        self.step.setObjectName("firstRunStep")
        self.skip_button = QPushButton(self.tr("&Skip the tour"))
        self.skip_button.setAccessibleName(self.tr("Skip the guided tour"))
        self.skip_button.clicked.connect(self.skip)
        self.back_button = QPushButton(self.tr("&Back"))
        self.back_button.setAccessibleName(self.tr("Previous step"))
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton(self.tr("&Next"))
        self.next_button.setAccessibleName(self.tr("Next step"))
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.step)
        buttons.addStretch(1)
        for button in (self.skip_button, self.back_button, self.next_button):
            buttons.addWidget(button)
        column = QVBoxLayout(self)
        column.addWidget(self.pages, 1)
        column.addLayout(buttons)
        check.sig_rehearse_requested.connect(self.rehearse)
        self._show_page(0)

    # --- pages -----------------------------------------------------------------------

    def _page(self, title: str, *parts: QWidget | str) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.4)
        heading.setFont(font)
        column.addWidget(heading)
        for part in parts:
            if isinstance(part, str):
                label = QLabel(part)
                label.setWordWrap(True)
                label.setTextFormat(Qt.TextFormat.RichText)
                column.addWidget(label)
            else:
                column.addWidget(part, 1)
        column.addStretch(1)
        return page

    def _welcome_page(self) -> QWidget:
        return self._page(
            self.tr("Welcome to Outpost"),
            self.tr(
                "<p>Three things, in under two minutes:</p><ul>"
                "<li><b>Today</b> shows your schedule and who is in the waiting room now."
                " Join a video visit and admit the patient; they join from their browser,"
                " with nothing to install.</li>"
                "<li>Write the <b>note</b> beside the video. It saves as you type and signs"
                " with Ctrl+Enter.</li>"
                "<li>Everything but the live call works <b>offline</b>: notes and schedule"
                " changes sync by themselves when the connection is back.</li></ul>"
                "<p>Next, a quick check of your camera, sound and connection.</p>"
            ),
        )

    def _check_page(self) -> QWidget:
        return self._page(self.tr("Check your setup"), self.check)

    def _rehearsal_page(self) -> QWidget:
        self.rehearse_button = QPushButton(self.tr("Start a &rehearsal call now"))
        self.rehearse_button.setObjectName("firstRunRehearseButton")
        self.rehearse_button.setAccessibleName(
            self.tr("Start a rehearsal video visit with a test patient")
        )
        self.rehearse_button.clicked.connect(self.rehearse)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.rehearse_button)
        line.addStretch(1)
        return self._page(
            self.tr("Try a visit with a test patient"),
            self.tr(
                "<p>A rehearsal call opens the visit room with a test patient already in"
                " the waiting room: admit them, try mute, camera and the note beside the"
                " video, then hang up. Nothing is recorded in any patient's chart.</p>"
                "<p>You can start one at any time from the Visit menu.</p>"
            ),
            row,
        )

    def _ready_page(self) -> QWidget:
        shortcuts = (
            ("Ctrl+J", self.tr("Join the selected video visit")),
            ("Ctrl+Shift+J", self.tr("Admit the waiting patient")),
            ("Ctrl+D", self.tr("Mute or unmute")),
            ("Ctrl+E", self.tr("Camera off or on")),
            ("Ctrl+Shift+H", self.tr("Hang up")),
            ("Ctrl+Enter", self.tr("Sign the note")),
            ("F5", self.tr("Sync now")),
        )
        rows = "".join(
            f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
            for keys, what in shortcuts
        )
        return self._page(
            self.tr("You are ready"),
            self.tr("<p>Shortcuts worth knowing:</p>") + f"<table>{rows}</table>",
            self.tr(
                "<p>Help, Tech check… runs the checks again; Help, Guided tour… shows this"
                " tour.</p>"
            ),
        )

    # --- navigation ------------------------------------------------------------------

    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def next(self) -> None:
        if self.page == self.pages.count() - 1:
            self._finish(True)
            return
        self._show_page(self.page + 1)

    def back(self) -> None:
        if self.page > 0:
            self._show_page(self.page - 1)

    def skip(self) -> None:
        self._finish(False)

    def rehearse(self) -> None:
        self._finish(True)
        self.sig_rehearse_requested.emit()

    def _show_page(self, index: int) -> None:
        leaving_check = self.pages.currentWidget() is self.pages.widget(1) and index != 1
        if leaving_check:
            self.check.stop()
        self.pages.setCurrentIndex(index)
        if index == 1:
            self.check.run()
        last = index == self.pages.count() - 1
        self.step.setText(
            self.tr("Step {step} of {steps}").format(step=index + 1, steps=self.pages.count())
        )
        self.back_button.setEnabled(index > 0)
        self.skip_button.setVisible(not last)
        self.next_button.setText(self.tr("&Finish") if last else self.tr("&Next"))
        self.next_button.setAccessibleName(
            self.tr("Finish the tour") if last else self.tr("Next step")
        )
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _finish(self, completed: bool) -> None:
        self.check.stop()
        if not self._reported:
            self._reported = True
            self.sig_done.emit(completed)
        self.accept()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._finish(False)  # the window's close button is a skip
        super().closeEvent(event)

    def reject(self) -> None:  # Escape
        self._finish(False)
