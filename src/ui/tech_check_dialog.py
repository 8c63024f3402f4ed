"""The tech check in its own window (Help, Tech check…): the checks start when it opens
and the camera and microphone are released when it closes."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from outpost.ui.tech_check_widget import TechCheckWidget


class TechCheckDialog(QDialog):
    sig_rehearse_requested = Signal()

    def __init__(self, check: TechCheckWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("techCheckDialog")
        self.setWindowTitle(self.tr("Tech check"))
        self.setAccessibleName(self.tr("Tech check"))
        self.resize(900, 520)
        self.check = check
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(check, 1)
        column.addWidget(buttons)
        check.sig_rehearse_requested.connect(self._on_rehearse_requested)
        self.finished.connect(lambda _result: check.stop())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.check.run()
            self.check.play_button.setFocus()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.check.stop()
        super().closeEvent(event)

    def _on_rehearse_requested(self) -> None:
        self.accept()  # releases the devices first: the rehearsal opens them again
        self.sig_rehearse_requested.emit()
