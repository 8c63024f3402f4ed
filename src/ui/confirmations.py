"""Questions put to the user before an action that cannot be undone.

Each opens a window-modal box with `open()` (no nested event loop) and calls back only if
the user confirms; tests find the box by its object name and press its buttons.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

SIGN_CONFIRMATION = "signConfirmation"


def ask_to_sign(parent: QWidget, on_confirmed: Callable[[], None]) -> QMessageBox:
    """ "Sign this note?" with Sign note (the default, so Enter confirms) and Keep editing."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        QCoreApplication.translate("Confirmations", "Sign this note?"),
        QCoreApplication.translate(
            "Confirmations",
            "Once signed, this note can no longer be edited. "
            "Later changes are added as an amendment.",
        ),
        QMessageBox.StandardButton.NoButton,
        parent,
    )
    box.setObjectName(SIGN_CONFIRMATION)
    box.setAccessibleName(QCoreApplication.translate("Confirmations", "Confirm signing"))
    sign = box.addButton(
        QCoreApplication.translate("Confirmations", "Sign note"), QMessageBox.ButtonRole.AcceptRole
    )
    sign.setAccessibleName(QCoreApplication.translate("Confirmations", "Sign note"))
    keep = box.addButton(
        QCoreApplication.translate("Confirmations", "Keep editing"),
        QMessageBox.ButtonRole.RejectRole,
    )
    keep.setAccessibleName(QCoreApplication.translate("Confirmations", "Keep editing"))
    box.setDefaultButton(sign)
    box.setEscapeButton(keep)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def finished(_result: int) -> None:
        confirmed = box.clickedButton() is sign
        box.deleteLater()
        if confirmed:
            on_confirmed()

    box.finished.connect(finished)
    box.open()
    return box
