"""Conflicts: changes the server could not take as they were, and how the clinician settles
them (DESIGN 4). Values only; the store keeps and resolves them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from outpost.core.domain import (
    Appointment,
    EntityType,
    MutationId,
    NoteId,
    Patient,
    VisitNote,
)

ConflictId = NewType("ConflictId", str)

Record = Patient | Appointment | VisitNote


class Resolution(enum.Enum):
    """What the clinician chose for a conflict.

    - KEEP_BOTH (notes only): the clinician's text becomes a new draft note on the same
      appointment; the conflicting note shows the server's version.
    - KEEP_SERVER: the record shows the server's version; the clinician's version stays in
      the conflict record (audited, listed by `outpost conflicts --json`).
    - KEEP_MINE: the clinician's version is queued again on top of the server's current
      version, where that is allowed (a draft note; a still-legal appointment status).
    """

    KEEP_BOTH = "keep-both"
    KEEP_SERVER = "keep-server"
    KEEP_MINE = "keep-mine"


@dataclass(frozen=True)
class Conflict:
    """One conflict: the clinician's version (`local`) beside the server's (`server`, None
    when the server's copy could not be read)."""

    id: ConflictId
    entity_type: EntityType
    entity_id: str
    mutation_id: MutationId | None
    local: Record
    server: Record | None
    reason: str  # plain language, no PHI
    created_at: datetime
    resolved_at: datetime | None = None
    resolution: Resolution | None = None


@dataclass(frozen=True)
class ResolutionResult:
    """What a resolution did: `queued` is the new outbox action (KEEP_MINE, KEEP_BOTH),
    `new_note_id` the note that now holds the clinician's text (KEEP_BOTH)."""

    conflict_id: ConflictId
    resolution: Resolution
    entity_type: EntityType
    entity_id: str
    queued: MutationId | None
    new_note_id: NoteId | None
    summary: str  # one plain sentence for people; ids only, no PHI
