"""Conflicts: changes the server could not take as they were, and how the clinician settles
them (DESIGN 4). Values only; the store keeps and resolves them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import NewType

from outpost.core.domain import (
    APPOINTMENT_TRANSITIONS,
    Appointment,
    EntityType,
    MutationId,
    NoteId,
    NoteStatus,
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


def allowed_resolutions(conflict: Conflict) -> frozenset[Resolution]:
    """The choices the store will accept for `conflict` (its rules: outpost.store.conflicts),
    so a screen can offer only those. The store checks again when one is chosen."""
    server = conflict.server
    if isinstance(conflict.local, VisitNote):
        allowed = {Resolution.KEEP_BOTH}
        if server is not None:
            allowed.add(Resolution.KEEP_SERVER)
        if (
            isinstance(server, VisitNote)
            and conflict.local.status is NoteStatus.DRAFT
            and server.status is NoteStatus.DRAFT
        ):
            allowed.add(Resolution.KEEP_MINE)
        return frozenset(allowed)
    if server is None:
        return frozenset()
    if isinstance(conflict.local, Appointment) and isinstance(server, Appointment):
        wanted = conflict.local.status
        if wanted is server.status or wanted in APPOINTMENT_TRANSITIONS[server.status]:
            return frozenset({Resolution.KEEP_SERVER, Resolution.KEEP_MINE})
    return frozenset({Resolution.KEEP_SERVER})


def safe_default(conflict: Conflict) -> Resolution | None:
    """The choice that loses nothing: keep both texts of a note, else the server's record."""
    allowed = allowed_resolutions(conflict)
    for choice in (Resolution.KEEP_BOTH, Resolution.KEEP_SERVER):
        if choice in allowed:
            return choice
    return None
