"""The note's text boxes: free text on top, then Subjective / Objective / Assessment / Plan.

The boxes compose into one note text (`outpost.core.note_template`), so saving, signing and
sync see a plain note. Tab moves from box to box; Alt + the underlined letter jumps to one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QPalette, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from outpost.core.note_template import ENGLISH, SECTIONS, SoapHeadings, SoapNote, compose, parse


class NoteTextEdit(QPlainTextEdit):
    """One box of the note; tells when it loses focus so the draft is saved at once."""

    sig_focus_lost = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab goes to the next box, as in a form

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.sig_focus_lost.emit()


class SoapEditorWidget(QWidget):
    """Free text plus the four SOAP sections, read and written as one note text."""

    sig_text_changed = Signal()  # the user (not the program) changed a box
    sig_focus_lost = Signal()

    def __init__(self, parent: QWidget | None = None, *, object_prefix: str = "note") -> None:
        super().__init__(parent)
        self._setting = False
        self._headings = self.headings()
        self._labels: dict[str, QLabel] = {}
        self.boxes: dict[str, NoteTextEdit] = {}
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        labels = {
            "free_text": self.tr("Note (&free text)"),
            "subjective": self.tr("S&ubjective — what the patient reports"),
            "objective": self.tr("O&bjective — what you observe and measure"),
            "assessment": self.tr("Assess&ment — your clinical impression"),
            "plan": self.tr("P&lan — treatment, prescriptions, follow-up"),
        }
        names = {
            "free_text": self.tr("Note text"),
            "subjective": self.tr("Subjective"),
            "objective": self.tr("Objective"),
            "assessment": self.tr("Assessment"),
            "plan": self.tr("Plan"),
        }
        for part in ("free_text", *SECTIONS):
            label = QLabel(labels[part])
            box = NoteTextEdit()
            box.setObjectName(
                f"{object_prefix}Editor" if part == "free_text" else f"{object_prefix}_{part}"
            )
            box.setAccessibleName(names[part])
            label.setBuddy(box)
            box.textChanged.connect(self._on_box_text_changed)
            box.sig_focus_lost.connect(self.sig_focus_lost)
            column.addWidget(label)
            column.addWidget(box, 3 if part == "free_text" else 2)
            self._labels[part] = label
            self.boxes[part] = box
        self.free_box.setPlaceholderText(
            self.tr("Type the visit note here. It is saved on this computer as you type.")
        )

    def headings(self) -> SoapHeadings:
        """The section headings written into the note, in the language of the screen."""
        return SoapHeadings(
            subjective=self.tr("Subjective"),
            objective=self.tr("Objective"),
            assessment=self.tr("Assessment"),
            plan=self.tr("Plan"),
        )

    @property
    def free_box(self) -> NoteTextEdit:
        return self.boxes["free_text"]

    def text(self) -> str:
        parts = SoapNote(**{part: box.toPlainText() for part, box in self.boxes.items()})
        return compose(parts, self._headings)

    def set_text(self, text: str, *, read_only: bool) -> None:
        """Show `text` split into its parts (a note that does not split stays whole in the
        free text box). Empty sections of a read-only note are left out."""
        parts, self._headings = parse(text, self._heading_choices())
        self._setting = True
        try:
            for part, box in self.boxes.items():
                box.setPlainText(parts.section(part))
                box.moveCursor(QTextCursor.MoveOperation.End)  # carry on where it ended
        finally:
            self._setting = False
        self.set_read_only(read_only)

    def set_read_only(self, read_only: bool) -> None:
        """Read-only text looks different at a glance: the window's grey, not paper white."""
        source = self.palette()
        role = QPalette.ColorRole.Window if read_only else QPalette.ColorRole.Base
        for part, box in self.boxes.items():
            box.setReadOnly(read_only)
            palette = box.palette()
            palette.setColor(QPalette.ColorRole.Base, source.color(role))
            box.setPalette(palette)
            shown = not read_only or part == "free_text" or bool(box.toPlainText().strip())
            box.setVisible(shown)
            self._labels[part].setVisible(shown)

    def is_read_only(self) -> bool:
        return self.free_box.isReadOnly()

    def focus_first(self) -> None:
        self.free_box.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _heading_choices(self) -> list[SoapHeadings]:
        current = self.headings()
        return [current] if current == ENGLISH else [current, ENGLISH]

    def _on_box_text_changed(self) -> None:
        if not self._setting and not self.is_read_only():
            self.sig_text_changed.emit()
