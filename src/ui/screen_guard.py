"""Hides every other window of the app while patient data must not show (locked, signed
out) and brings them back, with the keyboard focus, when the clinician is back."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget


class ScreenGuard:
    def __init__(self, window: QWidget) -> None:
        self._window = window
        self._hidden: list[QWidget] = []
        self._focus: QWidget | None = None
        self.covered = False

    def cover(self) -> None:
        """Hide the app's other visible windows (dialogs, the sync panel)."""
        if self.covered:
            return
        self.covered = True
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and self._window.isAncestorOf(focus) else None
        self._hidden = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self._window and widget.isVisible() and widget.isWindow()
        ]
        for widget in self._hidden:
            widget.hide()

    def uncover(self) -> bool:
        """Show what `cover` hid and put the focus back where it was; False if there was
        no focus to give back."""
        if not self.covered:
            return False
        self.covered = False
        hidden, self._hidden = self._hidden, []
        for widget in hidden:
            if shiboken6.isValid(widget):
                widget.show()
        focus, self._focus = self._focus, None
        if focus is not None and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return False
