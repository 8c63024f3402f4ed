"""The tech check on screen: the camera's preview and the microphone's level on the left,
one row per check on the right (its name, a verdict mark and a sentence that says what to
do), and the actions: play a test sound (then "I heard it" or not), check again, and a
rehearsal call with a test patient. Used by the Help menu's dialog and the first run."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.tech_check import SILENCE_DB, CheckName, Verdict
from outpost.ui.tech_check_controller import TechCheckController
from outpost.ui.tech_check_words import check_title, finding_text, running_text, verdict_text
from outpost.ui.theme import StatusColors, status_colors
from outpost.ui.video_widget import VideoFeed, VideoWidget

LEVEL_MS = 50
LEVEL_FLOOR_DB = -60.0  # the bar's left end; 0 dBFS is its right end
ORDER = (
    CheckName.CAMERA,
    CheckName.MICROPHONE,
    CheckName.SPEAKER,
    CheckName.NETWORK,
    CheckName.TURN,
    CheckName.ECHO,
)


def _style(colors: StatusColors) -> str:
    return (
        f' QLabel[verdict="passed"] {{ color: {colors.ok}; font-weight: bold; }}'
        f' QLabel[verdict="warning"] {{ color: {colors.warning}; font-weight: bold; }}'
        f' QLabel[verdict="failed"] {{ color: {colors.error}; font-weight: bold; }}'
    )


def level_percent(level_db: float) -> int:
    """Where the level bar stands for a loudness in dBFS (0-100)."""
    if level_db <= LEVEL_FLOOR_DB:
        return 0
    return min(100, round(100 * (level_db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB))


class _Row:
    def __init__(self, grid: QGridLayout, row: int, name: CheckName) -> None:
        self.title = QLabel(check_title(name))
        font = QFont(self.title.font())
        font.setBold(True)
        self.title.setFont(font)
        self.mark = QLabel()
        self.mark.setObjectName(f"{name.value}Verdict")
        self.text = QLabel()
        self.text.setObjectName(f"{name.value}Finding")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for column, label in enumerate((self.title, self.mark, self.text)):
            grid.addWidget(label, row, column, Qt.AlignmentFlag.AlignTop)

    def show(self, mark: str, verdict: Verdict | None, text: str) -> None:
        self.mark.setText(mark)
        self.mark.setProperty("verdict", "" if verdict is None else verdict.value)
        self.mark.style().unpolish(self.mark)
        self.mark.style().polish(self.mark)
        self.text.setText(text)
        self.text.setAccessibleName(f"{self.title.text()}: {mark}. {text}")


class TechCheckWidget(QWidget):
    sig_rehearse_requested = Signal()

    def __init__(self, controller: TechCheckController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("techCheck")
        self.setAccessibleName(self.tr("Tech check"))
        self.setStyleSheet(_style(status_colors(self.palette())))
        self.controller = controller
        self._build()
        self._level = QTimer(self)
        self._level.setInterval(LEVEL_MS)
        self._level.timeout.connect(self._on_level_timeout)
        controller.sig_running.connect(self._on_running)
        controller.sig_results.connect(self._show)
        controller.sig_finished.connect(self._on_finished)
        for name in ORDER:
            self._show(name)

    def _build(self) -> None:
        self.summary = QLabel(self.tr("Checks your camera, sound and connection for video visits."))
        self.summary.setObjectName("techCheckSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Tech check summary"))
        self.preview = VideoWidget(self.tr("Your camera's picture appears here."))
        self.preview.setObjectName("cameraPreview")
        self.preview.setAccessibleName(self.tr("Camera preview"))
        self.preview.setMinimumSize(240, 180)
        self.feed = VideoFeed(self.preview, self.controller.port.camera_preview, parent=self)
        self.level = QProgressBar()
        self.level.setObjectName("microphoneLevel")
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setAccessibleName(self.tr("Microphone level"))
        level_label = QLabel(self.tr("Microphone level (speak to see it move):"))
        level_label.setBuddy(self.level)
        left = QVBoxLayout()
        left.addWidget(self.preview, 1)
        left.addWidget(level_label)
        left.addWidget(self.level)

        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        grid.setHorizontalSpacing(12)
        self.rows = {name: _Row(grid, index, name) for index, name in enumerate(ORDER)}

        self.play_button = QPushButton(self.tr("&Play test sound"))
        self.play_button.setAccessibleName(self.tr("Play a test sound on your speaker"))
        self.play_button.clicked.connect(self.controller.play_test_sound)
        self.heard_button = QPushButton(self.tr("&Yes, I heard it"))
        self.heard_button.setAccessibleName(self.tr("I heard the test sound"))
        self.heard_button.clicked.connect(lambda: self.controller.answer_heard(True))
        self.not_heard_button = QPushButton(self.tr("&No sound"))
        self.not_heard_button.setAccessibleName(self.tr("I did not hear the test sound"))
        self.not_heard_button.clicked.connect(lambda: self.controller.answer_heard(False))
        speaker = QHBoxLayout()
        for button in (self.play_button, self.heard_button, self.not_heard_button):
            speaker.addWidget(button)
        speaker.addStretch(1)

        self.again_button = QPushButton(self.tr("Check &again"))
        self.again_button.setAccessibleName(self.tr("Run the checks again"))
        self.again_button.clicked.connect(self.run)
        self.rehearse_button = QPushButton(self.tr("&Rehearsal call with a test patient"))
        self.rehearse_button.setObjectName("rehearseButton")
        self.rehearse_button.setAccessibleName(
            self.tr("Start a rehearsal video visit with a test patient")
        )
        self.rehearse_button.clicked.connect(self.sig_rehearse_requested)
        actions = QHBoxLayout()
        actions.addWidget(self.again_button)
        actions.addStretch(1)
        actions.addWidget(self.rehearse_button)

        right = QVBoxLayout()
        right.addLayout(grid)
        right.addLayout(speaker)
        right.addStretch(1)
        right.addLayout(actions)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addLayout(body, 1)

    # --- public API ------------------------------------------------------------------

    def run(self) -> None:
        """Start (or restart) the checks; the preview and the level bar follow."""
        self.preview.clear()
        self.feed.start()
        self._level.start()
        self.controller.run_all()
        self._update_buttons()

    def stop(self) -> None:
        """Leave the check: stop pulling and release the devices."""
        self.feed.stop()
        self._level.stop()
        self.level.setValue(0)
        self.controller.close()
        self._update_buttons()

    # --- slots -----------------------------------------------------------------------

    def _on_level_timeout(self) -> None:
        level = self.controller.port.microphone_level()
        self.level.setValue(level_percent(level if level > SILENCE_DB else LEVEL_FLOOR_DB))

    def _on_running(self, name: CheckName) -> None:
        self.rows[name].show(self.tr("Checking…"), None, running_text(name))
        self.summary.setText(running_text(name))
        self._update_buttons()

    def _show(self, name: CheckName) -> None:
        results = self.controller.results(name)
        verdict = self.controller.verdict(name)
        if results:
            text = " ".join(finding_text(result) for result in results)
        elif name is CheckName.SPEAKER:
            text = self.tr("Choose Play test sound and say whether you heard it.")
        else:
            text = ""
        self.rows[name].show(verdict_text(verdict), verdict, text)
        if results and not self.controller.busy:
            self.summary.setText(self._summary())
        self._update_buttons()

    def _on_finished(self) -> None:
        self.summary.setText(self._summary())
        self._update_buttons()

    def _summary(self) -> str:
        verdicts = [self.controller.verdict(name) for name in ORDER]
        failed = sum(1 for verdict in verdicts if verdict is Verdict.FAILED)
        if failed:
            return self.tr(
                "%n check(s) need attention before a visit: see what to do below.", "", failed
            )
        if Verdict.WARNING in verdicts:
            return self.tr("Video visits will work, with the limits noted below.")
        if self.controller.verdict(CheckName.SPEAKER) is None:
            return self.tr("All set so far. Play the test sound to check your speaker.")
        return self.tr("All set for video visits.")

    def _update_buttons(self) -> None:
        busy = self.controller.busy
        self.play_button.setEnabled(not busy)
        self.again_button.setEnabled(not busy)
        asking = self.controller.awaiting_answer
        self.heard_button.setVisible(asking)
        self.not_heard_button.setVisible(asking)
