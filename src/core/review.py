"""What the sync panel and a note's history show about unsent work: values only.

The store fills them (`outpost.store.review`); the UI reaches them through
`outpost.core.ports.SyncReviewPort`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from outpost.core.domain import Appointment, EntityType, MutationId, NoteId, VisitNote


class NoteSyncState(enum.Enum):
    """Where one note stands with the server, worst first."""

    CONFLICT = "conflict"  # the server holds another version: the clinician decides
    ATTENTION = "attention"  # the server refused a change: its message says why
    WAITING = "waiting"  # saved on this computer, not yet sent (or being sent)
    SENT = "sent"  # the server has everything


@dataclass(frozen=True)
class NoteSync:
    state: NoteSyncState
    message: str = ""  # the server's words for a refused change; no PHI added by Outpost


class ChangeKind(enum.Enum):
    """What a queued change does (the outbox's action names)."""

    NOTE_CREATE = "note.create"
    NOTE_UPDATE = "note.update"
    NOTE_SIGN = "note.sign"
    NOTE_AMEND = "note.amend"
    APPOINTMENT_STATUS = "appointment.status"
    OTHER = "other"

    @classmethod
    def of(cls, action: str) -> ChangeKind:
        for kind in cls:
            if kind.value == action:
                return kind
        return cls.OTHER


@dataclass(frozen=True)
class RefusedChange:
    """A change the server refused ("needs attention"): kept, never dropped."""

    mutation_id: MutationId
    entity_type: EntityType
    entity_id: str
    kind: ChangeKind
    message: str  # the server's reason
    created_at: datetime  # when the clinician made the change
    record: VisitNote | Appointment | None  # the record as the clinician saw it then


def note_chain(notes: list[VisitNote], note_id: NoteId) -> list[VisitNote]:
    """`note_id`'s versions, oldest first: the notes it replaces and the amendments that
    replace it, following `replaces` links among `notes` (one appointment's notes)."""
    by_id = {note.id: note for note in notes}
    replaced_by = {note.replaces: note for note in notes if note.replaces is not None}
    start = by_id.get(note_id)
    if start is None:
        return []
    chain = [start]
    seen = {start.id}
    while chain[0].replaces is not None and chain[0].replaces in by_id:
        earlier = by_id[chain[0].replaces]
        if earlier.id in seen:
            break
        chain.insert(0, earlier)
        seen.add(earlier.id)
    while chain[-1].id in replaced_by:
        later = replaced_by[chain[-1].id]
        if later.id in seen:
            break
        chain.append(later)
        seen.add(later.id)
    return chain
