"""The row under the note: whether it is saved, and the Amend and Sign buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from outpost.core.domain import NoteStatus, VisitNote
from outpost.ui.note_list import local_time
from outpost.ui.theme import error_style


class NoteActionsWidget(QWidget):
    """Buttons are wired by the note editor; this widget only lays them out and words them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.save_label = QLabel()
        self.save_label.setObjectName("saveIndicator")
        self.save_label.setAccessibleName(self.tr("Save status"))
        self.save_label.setWordWrap(True)
        self.save_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sign_button = QPushButton(self.tr("Sign note…"))
        self.sign_button.setObjectName("signNoteButton")
        self.sign_button.setAccessibleName(self.tr("Sign note"))
        self.sign_button.setToolTip(self.tr("Sign this note; it becomes read-only (Ctrl+Return)"))
        self.amend_button = QPushButton(self.tr("Amend…"))
        self.amend_button.setObjectName("amendNoteButton")
        self.amend_button.setAccessibleName(self.tr("Amend signed note"))
        self.amend_button.setToolTip(
            self.tr("Correct a signed note with a reason; the original is kept (Ctrl+Shift+A)")
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.save_label, 1)
        row.addWidget(self.amend_button)
        row.addWidget(self.sign_button)

    def set_indicator(self, text: str, *, error: bool = False) -> None:
        self.save_label.setText(text)
        self.save_label.setStyleSheet(error_style(self.save_label.palette()) if error else "")
        self.save_label.setAccessibleDescription(text)

    def show_note_kind(self, *, editable: bool, signed: bool) -> None:
        """Sign for a draft, Amend for a signed note (not one already replaced)."""
        self.sign_button.setEnabled(editable)
        self.sign_button.setVisible(not signed)
        self.amend_button.setVisible(signed)
        self.amend_button.setEnabled(signed)

    def state_text(self, note: VisitNote | None) -> str:
        """What the note on screen is, in a few words (shown above the text)."""
        if note is None:
            return self.tr("New note — saved automatically as you type")
        if note.status is NoteStatus.SIGNED:
            return self.tr("Signed — read only")
        if note.status is NoteStatus.AMENDED:
            return self.tr("Replaced by an amendment — read only")
        return self.tr("Draft — saved automatically as you type")

    def saved_text(self, note: VisitNote) -> str:
        if note.status is NoteStatus.DRAFT:
            return self.tr("Saved {time}").format(time=local_time(note.updated_at, "%H:%M:%S"))
        return ""
