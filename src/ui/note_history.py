"""The open note's history: its versions and amendments, who and when, and where each
stands with the server (sent, waiting, needs attention, conflict)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from outpost.core.domain import AppointmentId, NoteEntry, NoteStatus, VisitNote
from outpost.core.ports import ClinicStore, SyncReviewPort
from outpost.core.review import NoteSync, NoteSyncState
from outpost.ui.note_list import fit_rows, local_time
from outpost.ui.theme import error_color

Loaded = tuple[list[NoteEntry], dict[str, NoteSync]]


def notes_with_sync(
    store: ClinicStore, review: SyncReviewPort | None, appointment_id: AppointmentId
) -> Loaded:
    """Store worker: the appointment's notes and where each stands with the server."""
    entries = store.list_notes(appointment_id)
    if review is not None:
        return entries, review.note_sync([entry.note.id for entry in entries])
    waiting = NoteSync(NoteSyncState.WAITING)
    return entries, {e.note.id: waiting for e in entries if e.unsent_actions}


class NoteHistoryWidget(QListWidget):
    """One line per version, oldest first; the one on screen is selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteHistory")
        self.setAccessibleName(self.tr("History of this note"))
        self.setWordWrap(True)
        self._me: str | None = None

    def set_me(self, practitioner_reference: str | None) -> None:
        """Who "you" is: notes by this practitioner (or not sent yet) read "by you"."""
        self._me = practitioner_reference

    def show_chain(
        self, chain: Sequence[VisitNote], sync: Mapping[str, NoteSync], shown: str | None
    ) -> None:
        self.clear()
        for number, note in enumerate(chain):
            state = sync.get(note.id, NoteSync(NoteSyncState.SENT))
            item = QListWidgetItem(self.line(note, number, state))
            if state.state in (NoteSyncState.ATTENTION, NoteSyncState.CONFLICT):
                item.setForeground(error_color(self.palette()))
            if state.message:
                item.setToolTip(state.message)
            self.addItem(item)
            if note.id == shown:
                self.setCurrentItem(item)
        fit_rows(self, 4)
        self.setVisible(bool(chain))

    def line(self, note: VisitNote, number: int, sync: NoteSync) -> str:
        parts = [self._version(note, number), self._when(note), self._who(note)]
        if note.amendment_reason:
            parts.append(self.tr("reason: {reason}").format(reason=note.amendment_reason))
        parts.append(self.sync_words(sync))
        return " · ".join(parts)

    def _version(self, note: VisitNote, number: int) -> str:
        if note.replaces is not None:
            return self.tr("Amendment {number}").format(number=number)
        if note.status is NoteStatus.DRAFT:
            return self.tr("Draft")
        return self.tr("Original note")

    def _when(self, note: VisitNote) -> str:
        if note.status is NoteStatus.DRAFT:
            return self.tr("saved {time}").format(time=local_time(note.updated_at, "%H:%M"))
        signed = note.signed_at or note.updated_at
        return self.tr("signed {time}").format(time=local_time(signed, "%d %b %H:%M"))

    def _who(self, note: VisitNote) -> str:
        if note.author is None or note.author == self._me:
            return self.tr("by you")
        return self.tr("by another clinician")

    def sync_words(self, sync: NoteSync) -> str:
        if sync.state is NoteSyncState.CONFLICT:
            return self.tr("Conflict: the server has another version (see Sync panel)")
        if sync.state is NoteSyncState.ATTENTION:
            if sync.message:
                return self.tr("Needs attention: {message}").format(message=sync.message)
            return self.tr("Needs attention (see Sync panel)")
        if sync.state is NoteSyncState.WAITING:
            return self.tr("Waiting to sync")
        return self.tr("Synced")
