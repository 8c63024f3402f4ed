"""The notes of one appointment as a short list: status, time and sync state of each."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from outpost.core.domain import NoteEntry, NoteId, NoteStatus

_NOTE_ROLE = Qt.ItemDataRole.UserRole


def local_time(moment: datetime, pattern: str) -> str:
    """A timezone-aware moment on this computer's clock, formatted with `pattern`."""
    return moment.astimezone().strftime(pattern)


def fit_rows(view: QListWidget, at_most: int) -> None:
    """As tall as its rows (one at least, `at_most` at most), so the note keeps the room."""
    rows = min(max(view.count(), 1), at_most)
    row = view.sizeHintForRow(0) if view.count() else view.fontMetrics().height() + 4
    view.setFixedHeight(rows * row + 2 * view.frameWidth() + 8)


class NoteListWidget(QListWidget):
    """Emits the note the user picks; rebuilding the list never emits."""

    sig_note_chosen = Signal(object)  # VisitNote

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notesList")
        self.setAccessibleName(self.tr("Notes for this visit"))
        self.currentItemChanged.connect(self._on_current_item_changed)

    def set_entries(self, entries: Sequence[NoteEntry], selected: NoteId | None) -> None:
        self.blockSignals(True)
        try:
            self.clear()
            for entry in entries:
                item = QListWidgetItem(self.entry_text(entry))
                item.setData(_NOTE_ROLE, entry.note)
                item.setToolTip(entry.note.text[:300])
                self.addItem(item)
                if entry.note.id == selected:
                    self.setCurrentItem(item)
            if selected is None:
                self.setCurrentRow(-1)
        finally:
            self.blockSignals(False)
        fit_rows(self, 4)

    def entry_text(self, entry: NoteEntry) -> str:
        note = entry.note
        status = {
            NoteStatus.DRAFT: self.tr("Draft"),
            NoteStatus.SIGNED: self.tr("Signed"),
            NoteStatus.AMENDED: self.tr("Original (amended)"),
        }[note.status]
        if note.status is NoteStatus.SIGNED and note.replaces is not None:
            status = self.tr("Amendment")
        if entry.unsent_actions == 1:
            sync = self.tr("Saved on this computer — waiting to sync (1 change)")
        elif entry.unsent_actions > 1:
            sync = self.tr("Saved on this computer — waiting to sync ({count} changes)").format(
                count=entry.unsent_actions
            )
        else:
            sync = self.tr("Synced")
        return self.tr("{status} · {time} · {sync}").format(
            status=status, time=local_time(note.updated_at, "%H:%M"), sync=sync
        )

    def _on_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        if current is not None:
            self.sig_note_chosen.emit(current.data(_NOTE_ROLE))
