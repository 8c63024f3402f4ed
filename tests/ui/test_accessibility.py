"""Screen readers: every control a person can reach has a name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QLabel,
    QMenu,
    QMenuBar,
    QMessageBox,
    QScrollBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from tests.ui.conftest import Session, WindowFactory, seed


def unnamed_controls(root: QWidget) -> list[str]:
    """Widgets that take focus or act on clicks but have no accessibleName."""
    missing = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QScrollBar | QLabel):
            continue  # a scroll bar belongs to its named area; a label's text is its name
        interactive = (
            isinstance(
                widget, QAbstractButton | QAbstractItemView | QAbstractScrollArea | QMenu | QMenuBar
            )
            or widget.focusPolicy() != Qt.FocusPolicy.NoFocus
        )
        if interactive and not widget.accessibleName().strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_an_accessible_name(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session, profile_label="clinic")
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    window.schedule.select_row(0)
    qtbot.waitUntil(lambda: not window.editor.editor.isReadOnly())
    QTest.keyClicks(window.editor.editor, "Reviewed.")
    window.editor.request_sign()  # opens the confirmation, which must be named too
    box = window.findChild(QMessageBox, "signConfirmation")
    assert box is not None
    assert box.isVisible()
    assert unnamed_controls(window) == []
    assert all(action.text() for action in window.actions())


def test_schedule_cells_speak_the_whole_appointment(
    qtbot: QtBot, session: Session, make_window: WindowFactory
) -> None:
    seed(session)
    window = make_window(session)
    qtbot.waitUntil(lambda: window.schedule.model.rowCount() == 4)
    model = window.schedule.model
    spoken = model.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken == "09:00\u201309:30, Amara Okafor, Blood pressure follow-up, Video, Booked"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == spoken
