"""The outbox: one row per user action, the queue the sync engine drains (DESIGN 3, 4).

Contract with the sync engine:
- Rows are sent in `seq` order. A row whose `depends_on` names a row that is not yet `done`
  waits for it; `depends_on` is the previous action on the same record (for `note.amend`,
  the previous action on the note being amended).
- `payload` is the whole record as the clinician saw it right after the action (the codec's
  JSON); `base_version` is the server version that view was based on, NULL for records the
  server has never seen. `note.amend`'s payload is the new note; its `replaces` names the
  original, whose overlay (now `amended`) is cleared when the amendment is acknowledged.
- Rows move pending -> inflight -> done | rejected | conflict. Only `done` rows may ever be
  deleted; a trigger aborts any other DELETE.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from outpost.core.domain import EntityType, MutationId, OutboxStatus, new_mutation_id
from outpost.store.codec import JsonObject, dumps, time_from_text, time_to_text
from outpost.store.connection import Connection


class Action(enum.Enum):
    NOTE_CREATE = "note.create"
    NOTE_UPDATE = "note.update"
    NOTE_SIGN = "note.sign"
    NOTE_AMEND = "note.amend"
    APPOINTMENT_STATUS = "appointment.status"


class OutboxState(enum.Enum):
    PENDING = "pending"
    INFLIGHT = "inflight"
    DONE = "done"
    REJECTED = "rejected"
    CONFLICT = "conflict"


# States whose rows have not reached the server: what a note's "unsent" count shows.
UNSENT_STATES = ("pending", "inflight", "rejected", "conflict")
DRAFT_ACTIONS = frozenset({Action.NOTE_CREATE, Action.NOTE_UPDATE})


@dataclass(frozen=True)
class OutboxRow:
    """The parts of an outbox row that decide how the next action on its record is queued."""

    seq: int
    mutation_id: MutationId
    action: Action
    state: OutboxState


def coalesces_into(newest: OutboxRow | None) -> bool:
    """Whether a draft save may rewrite `newest` in place instead of appending a row.

    Autosave fires many times a minute; rewriting keeps the queue one row per draft while
    offline. That is safe only while `newest` (the record's latest action) is still
    `pending` (the sync engine has not started sending it) and carries the draft's whole
    text (`note.create` / `note.update`).
    """
    return (
        newest is not None
        and newest.state is OutboxState.PENDING
        and newest.action in DRAFT_ACTIONS
    )


def newest_action(conn: Connection, entity_type: EntityType, entity_id: str) -> OutboxRow | None:
    """The latest queued action on a record, in any state."""
    row = conn.execute(
        "SELECT seq, mutation_id, action, state FROM outbox"
        " WHERE entity_type = ? AND entity_id = ? ORDER BY seq DESC LIMIT 1",
        (entity_type.value, entity_id),
    ).fetchone()
    if row is None:
        return None
    seq, mutation_id, action, state = row
    return OutboxRow(int(seq), MutationId(mutation_id), Action(action), OutboxState(state))


def append(
    conn: Connection,
    *,
    entity_type: EntityType,
    entity_id: str,
    action: Action,
    payload: JsonObject,
    base_version: str | None,
    depends_on: MutationId | None,
    created_at: datetime,
) -> MutationId:
    """Queue one action with a fresh mutation id (the server's idempotency key)."""
    mutation_id = new_mutation_id()
    conn.execute(
        "INSERT INTO outbox (mutation_id, entity_type, entity_id, action, payload,"
        " base_version, depends_on, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            mutation_id,
            entity_type.value,
            entity_id,
            action.value,
            dumps(payload),
            base_version,
            depends_on,
            OutboxState.PENDING.value,
            time_to_text(created_at),
        ),
    )
    return mutation_id


def rewrite_pending(conn: Connection, seq: int, payload: JsonObject) -> bool:
    """Replace a still-pending row's payload, keeping its mutation id; False if the row is
    no longer pending."""
    cursor = conn.execute(
        "UPDATE outbox SET payload = ? WHERE seq = ? AND state = 'pending'",
        (dumps(payload), seq),
    )
    return cursor.rowcount == 1


def status(conn: Connection) -> OutboxStatus:
    """Counts for `outpost status` and the status bar, in one read."""
    pending, rejected, oldest, conflicts, last_sync = conn.execute(
        """
        SELECT
            (SELECT count(*) FROM outbox WHERE state IN ('pending', 'inflight')),
            (SELECT count(*) FROM outbox WHERE state = 'rejected'),
            (SELECT min(created_at) FROM outbox WHERE state IN ('pending', 'inflight')),
            (SELECT count(*) FROM conflict WHERE resolved_at IS NULL),
            (SELECT value FROM sync_state WHERE key = 'last_sync_at')
        """
    ).fetchone()
    return OutboxStatus(
        pending=int(pending),
        conflicts=int(conflicts),
        rejected=int(rejected),
        oldest_pending_at=None if oldest is None else time_from_text(oldest),
        last_sync_at=None if last_sync is None else time_from_text(last_sync),
    )
