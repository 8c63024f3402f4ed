"""`SyncReview`: the store's answers for the sync panel and a note's history
(`outpost.core.ports.SyncReviewPort`).

Reads only, except `resolve_conflict`, which goes through `SyncLedger` exactly as
`outpost conflicts resolve` does (one transaction, audited). Use it on the store's thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.core.conflicts import Conflict, Resolution, ResolutionResult
from outpost.core.domain import Appointment, EntityType, MutationId, VisitNote
from outpost.core.review import ChangeKind, NoteSync, NoteSyncState, RefusedChange
from outpost.store import codec, records
from outpost.store.outbox import UNSENT_STATES, OutboxState
from outpost.store.sqlerrors import translated
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger

_CHUNK = 500
_UNSENT = ", ".join(f"'{state}'" for state in UNSENT_STATES)
_WORST = {
    OutboxState.CONFLICT.value: NoteSyncState.CONFLICT,
    OutboxState.REJECTED.value: NoteSyncState.ATTENTION,
    OutboxState.PENDING.value: NoteSyncState.WAITING,
    OutboxState.INFLIGHT.value: NoteSyncState.WAITING,
}
_ORDER = list(NoteSyncState)  # worst first


class SyncReview:
    def __init__(self, store: Store) -> None:
        self._conn = store.connection
        self._ledger = SyncLedger(store)

    def conflicts(self) -> list[Conflict]:
        return self._ledger.list_conflicts()

    def resolve_conflict(self, conflict_id: str, resolution: Resolution) -> ResolutionResult:
        return self._ledger.resolve_conflict(conflict_id, resolution)

    def refused_changes(self) -> list[RefusedChange]:
        with translated():
            rows = self._conn.execute(
                "SELECT mutation_id, entity_type, entity_id, action, payload, last_error,"
                " created_at FROM outbox WHERE state = 'rejected' ORDER BY seq"
            ).fetchall()
        return [_refused(row) for row in rows]

    def note_sync(self, note_ids: Sequence[str]) -> dict[str, NoteSync]:
        wanted = list(dict.fromkeys(note_ids))
        found: dict[str, NoteSync] = {note_id: NoteSync(NoteSyncState.SENT) for note_id in wanted}
        with translated():
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                rows = self._conn.execute(
                    "SELECT entity_id, state, last_error FROM outbox"
                    f" WHERE entity_type = ? AND state IN ({_UNSENT})"
                    f" AND entity_id IN ({', '.join('?' * len(chunk))}) ORDER BY seq",
                    (EntityType.NOTE.value, *chunk),
                ).fetchall()
                for entity_id, state, last_error in rows:
                    current = found[str(entity_id)]
                    candidate = NoteSync(
                        _WORST[str(state)],
                        str(last_error) if state == OutboxState.REJECTED.value else "",
                    )
                    if _ORDER.index(candidate.state) < _ORDER.index(current.state):
                        found[str(entity_id)] = candidate
        return found


def _refused(row: tuple[object, ...]) -> RefusedChange:
    mutation_id, kind, entity_id, action, payload, last_error, created = row
    entity_type = EntityType(str(kind))
    record: VisitNote | Appointment | None = None
    if entity_type in (EntityType.NOTE, EntityType.APPOINTMENT) and payload:
        found = records.from_json(entity_type, codec.loads(str(payload)))
        if isinstance(found, VisitNote | Appointment):
            record = found
    return RefusedChange(
        mutation_id=MutationId(str(mutation_id)),
        entity_type=entity_type,
        entity_id=str(entity_id),
        kind=ChangeKind.of(str(action)),
        message=str(last_error or ""),
        created_at=codec.time_from_text(str(created)),
        record=record,
    )
