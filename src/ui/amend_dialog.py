"""Amending a signed note: the corrected text and a reason, signed together.

The signed note itself never changes; the store adds a signed amendment that replaces it
(`ClinicStore.amend_note`), and both stay in the note's history.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import NoteId, NoteStatus, VisitNote
from outpost.ui.bridge import Bridge
from outpost.ui.messages import error_text
from outpost.ui.soap_editor import SoapEditorWidget
from outpost.ui.theme import error_style

AMEND_DIALOG = "amendDialog"


class AmendDialog(QDialog):
    """Window-modal; emits `sig_amend_confirmed(text, reason)` when the clinician signs."""

    sig_amend_confirmed = Signal(str, str)

    def __init__(self, original_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(AMEND_DIALOG)
        self.setWindowTitle(self.tr("Amend signed note"))
        self.setAccessibleName(self.tr("Amend signed note"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(640, 560)
        self._original = original_text

        intro = QLabel(
            self.tr(
                "Correct the note below and say why. The amendment is signed at once and "
                "replaces the note; the original stays in the note's history."
            )
        )
        intro.setWordWrap(True)
        reason_label = QLabel(self.tr("&Reason for the amendment (required)"))
        self.reason = QLineEdit()
        self.reason.setObjectName("amendReason")
        self.reason.setAccessibleName(self.tr("Reason for the amendment"))
        self.reason.setPlaceholderText(self.tr("For example: wrong dose written, corrected"))
        reason_label.setBuddy(self.reason)
        self.text_editor = SoapEditorWidget(object_prefix="amend")
        self.text_editor.set_text(original_text, read_only=False)
        self._problem = QLabel()
        self._problem.setObjectName("amendProblem")
        self._problem.setStyleSheet(error_style(self.palette()))
        self._problem.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton(
            self.tr("Sign amendment"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_button.setObjectName("signAmendmentButton")
        self.sign_button.setAccessibleName(self.tr("Sign amendment"))
        cancel = buttons.addButton(self.tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAccessibleName(self.tr("Cancel"))
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)

        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(reason_label)
        column.addWidget(self.reason)
        column.addWidget(self.text_editor, 1)
        column.addWidget(self._problem)
        column.addWidget(buttons)
        self.reason.setFocus()

    def problem(self) -> str:
        """Why the amendment cannot be signed yet; empty when it can."""
        text = self.text_editor.text()
        if not self.reason.text().strip():
            return self.tr("Say why the note is amended.")
        if not text.strip():
            return self.tr("An amendment cannot be empty.")
        if text == self._original:
            return self.tr("The text is unchanged: correct the note first.")
        return ""

    def _on_buttons_accepted(self) -> None:
        problem = self.problem()
        self._problem.setText(problem)
        self._problem.setAccessibleDescription(problem)
        if problem:
            return
        self.sig_amend_confirmed.emit(self.text_editor.text(), self.reason.text().strip())
        self.accept()


class NoteAmendController(QObject):
    """Asks for the amendment (`AmendDialog`), then has the store sign it."""

    sig_started = Signal()
    sig_amended = Signal(object)  # the new signed VisitNote that replaces the original
    sig_failed = Signal(str)  # plain words; the original is unchanged

    def __init__(self, bridge: Bridge, parent: QWidget) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._window = parent

    def ask(self, note: VisitNote) -> AmendDialog | None:
        """Open the dialog for `note` (signed, not yet replaced); None if it cannot be."""
        if note.status is not NoteStatus.SIGNED:
            return None
        dialog = AmendDialog(note.text, self._window)
        note_id = note.id
        dialog.sig_amend_confirmed.connect(lambda text, why: self._amend(note_id, text, why))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _amend(self, note_id: NoteId, text: str, reason: str) -> None:
        self.sig_started.emit()
        (
            self._bridge.store_op(lambda store: store.amend_note(note_id, text, reason))
            .success(self.sig_amended.emit)
            .failure(lambda error: self.sig_failed.emit(error_text(error)))
            .run()
        )
