"""`SyncLedger`: the sync engine's transactional view of the store (DESIGN 3, 4).

The engine claims outbox rows, reports what the server did with each (acknowledged,
transiently failed, rejected, in conflict) and applies pulled pages; every method is one
transaction. It speaks domain values and plain dicts, never FHIR: `outpost.sync` maps.

Rules kept here:
- A row is sent only when the action it depends on is done and no earlier action on its
  record is unfinished, so a conflict or a parked ("needs attention") action holds back
  only its own record (and actions that depend on it).
- The replica changes only with server-confirmed records (acks, pulls, conflicts' server
  copies), never to an older version; the overlay (what the clinician sees) is never
  overwritten by the server and is dropped only when its record has nothing left to send.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from outpost.core.conflicts import (
    Conflict,
    ConflictId,
    Record,
    Resolution,
    ResolutionResult,
)
from outpost.core.domain import (
    Appointment,
    EntityType,
    MutationId,
    Patient,
    VisitNote,
)
from outpost.core.errors import NotFoundError
from outpost.store import codec, conflicts, records, settling
from outpost.store.codec import JsonObject
from outpost.store.connection import transaction
from outpost.store.outbox import UNSENT_STATES, Action, OutboxState
from outpost.store.sqlerrors import translated
from outpost.store.store import Store

__all__ = [
    "Conflict",
    "ConflictId",
    "OutboxItem",
    "Resolution",
    "ResolutionResult",
    "SyncLedger",
]

logger = logging.getLogger(__name__)

LAST_SYNC_KEY = "last_sync_at"
MAX_ERROR_CHARS = 500
_CHUNK = 500
_COLUMNS = (
    "seq, mutation_id, entity_type, entity_id, action, payload, base_version, depends_on,"
    " attempts, state"
)
_ACK_COLUMNS = _COLUMNS.replace(
    "payload", f"CASE action WHEN '{Action.NOTE_AMEND.value}' THEN payload ELSE '{{}}' END"
)
_UNSENT = ", ".join(f"'{state}'" for state in UNSENT_STATES)


@dataclass(frozen=True)
class OutboxItem:
    """One claimed action. `payload` is the codec JSON of the record as the clinician saw it
    right after the action; `base_version` the server version it builds on (None: the
    server has never seen the record)."""

    seq: int
    mutation_id: MutationId
    entity_type: EntityType
    entity_id: str
    action: Action
    payload: dict[str, object]
    base_version: str | None
    depends_on: MutationId | None
    attempts: int

    def record(self) -> VisitNote | Appointment:
        if self.entity_type is EntityType.NOTE:
            return codec.note_from_json(self.payload)
        if self.entity_type is EntityType.APPOINTMENT:
            return codec.appointment_from_json(self.payload)
        raise ValueError(f"outbox row {self.seq} holds a {self.entity_type.value}")


@dataclass(frozen=True)
class _Row:
    item: OutboxItem
    state: OutboxState


def cursor_key(entity_type: EntityType) -> str:
    return f"pull_cursor:{entity_type.value}"


class SyncLedger:
    """Push and pull bookkeeping on a `Store`'s connection. Use it on the store's thread."""

    def __init__(self, store: Store) -> None:
        self._conn = store.connection
        self._clock = store.clock

    # -- push --------------------------------------------------------------------------

    def recover_inflight(self) -> int:
        """Put rows left `inflight` by a stopped or killed process back to `pending`.
        Call once before the first `claim_batch`; a resend is harmless (mutation ids)."""
        with transaction(self._conn):
            count = self._conn.execute(
                "UPDATE outbox SET state = 'pending' WHERE state = 'inflight'"
            ).rowcount
        if count:
            logger.info("outbox: %d in-flight actions back to pending", count)
        return int(count)

    def claim_batch(self, limit: int) -> list[OutboxItem]:
        """Up to `limit` sendable pending actions in `seq` order, now `inflight`."""
        if limit <= 0:
            return []
        with transaction(self._conn):
            found = self._conn.execute(
                f"""
                SELECT {_COLUMNS} FROM outbox AS o
                WHERE o.state = 'pending'
                  AND (o.depends_on IS NULL OR EXISTS (
                        SELECT 1 FROM outbox AS d
                        WHERE d.mutation_id = o.depends_on AND d.state = 'done'))
                  AND NOT EXISTS (
                        SELECT 1 FROM outbox AS e
                        WHERE e.entity_type = o.entity_type AND e.entity_id = o.entity_id
                          AND e.state <> 'done' AND e.seq < o.seq)
                ORDER BY o.seq LIMIT ?
                """,
                (limit,),
            ).fetchall()
            rows = [_row(values) for values in found]
            seqs = [row.item.seq for row in rows]
            for i in range(0, len(seqs), _CHUNK):
                chunk = seqs[i : i + _CHUNK]
                self._conn.execute(
                    "UPDATE outbox SET state = 'inflight', attempts = attempts + 1"
                    f" WHERE seq IN ({', '.join('?' * len(chunk))})",
                    chunk,
                )
        logger.debug("outbox: claimed %d of up to %d", len(rows), limit)
        return [dataclasses.replace(row.item, attempts=row.item.attempts + 1) for row in rows]

    def acknowledge(
        self, mutation_id: MutationId, record: Patient | Appointment | VisitNote, version: str
    ) -> None:
        """The server took the action: `record` at `version` is what it now holds.

        The row becomes `done`, the replica takes the record, actions depending on this one
        now build on `version`, and the overlay goes if the record has nothing left to send
        (else it stays, rebased on `version`). Acknowledging a done row does nothing.
        """
        self.acknowledge_batch([(mutation_id, record, version)])

    def acknowledge_batch(
        self, acks: Sequence[tuple[MutationId, Patient | Appointment | VisitNote, str]]
    ) -> None:
        """`acknowledge` for many actions (a batch response, in `seq` order) in one
        transaction: one durable commit instead of one per action."""
        with transaction(self._conn):
            now = self._clock()
            rows = self._rows([mutation_id for mutation_id, _, _ in acks])
            acked: list[settling.Acked] = []
            for mutation_id, record, version in acks:
                row = rows[mutation_id]
                if row.state is OutboxState.DONE:
                    logger.info("outbox: %s was already acknowledged", mutation_id)
                    continue
                acked.append(_acked(row.item, record, version))
            depends_on = {row.item.seq: row.item.depends_on for row in rows.values()}
            if settling.is_flat(acked, depends_on):
                settling.settle_batch(self._conn, acked, now)
            else:  # several actions on one record, or one building on another: in order
                for mutation_id, record, version in acks:
                    self._acknowledge(mutation_id, record, version, now)
        logger.info("outbox: %d actions acknowledged", len(acks))

    def _acknowledge(
        self, mutation_id: MutationId, record: Record, version: str, now: datetime
    ) -> None:
        row = self._row(mutation_id)
        if row.state is OutboxState.DONE:
            logger.info("outbox: %s was already acknowledged", mutation_id)
            return
        item = row.item
        data = records.checked_json(item.entity_type, record)
        if record.id != item.entity_id:
            raise ValueError(f"acknowledged record {record.id} is not {item.entity_id}")
        self._conn.execute(
            "UPDATE outbox SET state = 'done', last_error = NULL WHERE seq = ?", (item.seq,)
        )
        records.upsert_replica(self._conn, item.entity_type, item.entity_id, version, data, now)
        self._conn.execute(
            "UPDATE outbox SET base_version = ? WHERE depends_on = ? AND state <> 'done'",
            (version, mutation_id),
        )
        settling.settle_overlay(self._conn, item.entity_type, item.entity_id, version)
        if item.action is Action.NOTE_AMEND:
            replaces = item.payload.get("replaces")
            if isinstance(replaces, str):
                settling.settle_superseded(self._conn, replaces, now)
        settling.prune_done(self._conn, item.entity_type, item.entity_id, item.seq)
        logger.debug("outbox: %s done (%s v%s)", mutation_id, item.entity_type.value, version)

    def release(self, mutation_ids: Sequence[MutationId], error: str) -> None:
        """In-flight actions that failed transiently go back to `pending` (attempts kept).
        `error` is a short text without PHI (kept as the row's last error)."""
        ids = list(mutation_ids)
        with transaction(self._conn):
            for i in range(0, len(ids), _CHUNK):
                chunk = ids[i : i + _CHUNK]
                self._conn.execute(
                    "UPDATE outbox SET state = 'pending', last_error = ?"
                    f" WHERE state = 'inflight' AND mutation_id IN ({', '.join('?' * len(chunk))})",
                    (error[:MAX_ERROR_CHARS], *chunk),
                )
        logger.info("outbox: %d actions released after a transient failure", len(ids))

    def reject(self, mutation_id: MutationId, message: str) -> None:
        """The server refused the action (a 4xx other than a version conflict): it is parked
        as `rejected` ("needs attention") with the server's `message`, never dropped."""
        with transaction(self._conn):
            item = self._row(mutation_id).item
            self._conn.execute(
                "UPDATE outbox SET state = 'rejected', last_error = ? WHERE seq = ?",
                (message, item.seq),
            )
            records.audit(
                self._conn,
                self._clock(),
                "outbox.rejected",
                item.entity_type,
                item.entity_id,
                f"mutation {mutation_id} ({item.action.value})",
            )
        logger.warning("outbox: %s rejected by the server", mutation_id)

    def record_conflict(
        self,
        mutation_id: MutationId,
        *,
        server_record: Patient | Appointment | VisitNote | None,
        server_version: str | None,
        reason: str,
    ) -> ConflictId:
        """The action conflicts with the server's record: the row becomes `conflict` and a
        conflict keeps both versions. `server_record` (when read back) also updates the
        replica; the overlay stays, so the clinician's version is never lost. `reason` is
        plain language without PHI."""
        if server_record is not None and server_version is None:
            raise ValueError("a server record needs its version")
        with transaction(self._conn):
            item = self._row(mutation_id).item
            now = self._clock()
            server_data = None
            if server_record is not None and server_version is not None:
                server_data = records.checked_json(item.entity_type, server_record)
                records.upsert_replica(
                    self._conn, item.entity_type, item.entity_id, server_version, server_data, now
                )
            self._conn.execute(
                "UPDATE outbox SET state = 'conflict', last_error = NULL WHERE seq = ?",
                (item.seq,),
            )
            conflict_id = conflicts.record(
                self._conn,
                entity_type=item.entity_type,
                entity_id=item.entity_id,
                mutation_id=mutation_id,
                local=dict(item.payload),
                server=server_data,
                reason=reason,
                now=now,
            )
        logger.warning("outbox: %s in conflict (conflict %s)", mutation_id, conflict_id)
        return conflict_id

    # -- conflicts ---------------------------------------------------------------------

    def list_conflicts(self, include_resolved: bool = False) -> list[Conflict]:
        with translated():
            return conflicts.listed(self._conn, include_resolved=include_resolved)

    def resolve_conflict(self, conflict_id: str, resolution: Resolution) -> ResolutionResult:
        """Settle a conflict as the clinician chose (rules: `outpost.store.conflicts`).
        A refused choice raises `InvalidStateError` and changes nothing."""
        with transaction(self._conn):
            result = conflicts.resolve(self._conn, conflict_id, resolution, self._clock())
        logger.info("conflict %s resolved: %s", conflict_id, resolution.value)
        return result

    # -- pull --------------------------------------------------------------------------

    def apply_pulled(
        self,
        entity_type: EntityType,
        pulled: Sequence[tuple[Patient | Appointment | VisitNote, str]],
        cursor: str | None,
    ) -> int:
        """Apply one pulled page and advance its cursor, all in one transaction.

        Replica rows are written unless they already hold the same or a newer version;
        overlay rows are never touched. Returns how many replica rows changed.
        """
        now = self._clock()
        with transaction(self._conn):
            written = 0
            for record, version in pulled:
                data = records.checked_json(entity_type, record)
                if records.upsert_replica(self._conn, entity_type, record.id, version, data, now):
                    written += 1
            if cursor is not None:
                self._set_state(cursor_key(entity_type), cursor)
        logger.info("pull %s: %d of %d written", entity_type.value, written, len(pulled))
        return written

    def replica_versions(
        self, entity_type: EntityType, entity_ids: Sequence[str]
    ) -> dict[str, str]:
        """The server versions the replica holds for those of `entity_ids` it has."""
        held: dict[str, str] = {}
        wanted = list(dict.fromkeys(entity_ids))
        with translated():
            for i in range(0, len(wanted), _CHUNK):
                chunk = wanted[i : i + _CHUNK]
                for entity_id, version in self._conn.execute(
                    "SELECT entity_id, version_id FROM replica WHERE entity_type = ?"
                    f" AND entity_id IN ({', '.join('?' * len(chunk))})",
                    (entity_type.value, *chunk),
                ):
                    held[str(entity_id)] = str(version)
        return held

    def cursor(self, entity_type: EntityType) -> str | None:
        return self._state(cursor_key(entity_type))

    def set_last_sync(self, at: datetime) -> None:
        with transaction(self._conn):
            self._set_state(LAST_SYNC_KEY, codec.time_to_text(at))

    # -- reads -------------------------------------------------------------------------

    def unsent_records(self) -> set[tuple[EntityType, str]]:
        """Records with actions the server has not taken (pending, in flight, rejected, in
        conflict): the server's copy must not replace what the clinician sees for them."""
        with translated():
            found = self._conn.execute(
                f"SELECT DISTINCT entity_type, entity_id FROM outbox WHERE state IN ({_UNSENT})"
            ).fetchall()
        return {(EntityType(kind), str(entity_id)) for kind, entity_id in found}

    def counts(self) -> dict[str, int]:
        """Outbox rows by state (every state present, zeros included)."""
        totals = {state.value: 0 for state in OutboxState}
        with translated():
            for state, count in self._conn.execute(
                "SELECT state, count(*) FROM outbox GROUP BY state"
            ):
                totals[str(state)] = int(count)
        return totals

    # -- helpers (inside the caller's transaction) -------------------------------------

    def _row(self, mutation_id: MutationId) -> _Row:
        found = self._conn.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE mutation_id = ?", (mutation_id,)
        ).fetchone()
        if found is None:
            raise NotFoundError(f"No queued action {mutation_id} in the local store.")
        return _row(found)

    def _rows(self, mutation_ids: Sequence[MutationId]) -> dict[MutationId, _Row]:
        """The rows of `mutation_ids` as an acknowledgement reads them: the payload only for
        amendments (their `replaces`), `{}` for the rest, as parsing every payload again
        cost more than the statements. `NotFoundError` names the first one missing."""
        found: dict[MutationId, _Row] = {}
        wanted = list(dict.fromkeys(mutation_ids))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            for values in self._conn.execute(
                f"SELECT {_ACK_COLUMNS} FROM outbox"
                f" WHERE mutation_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            ):
                row = _row(values)
                found[row.item.mutation_id] = row
        for mutation_id in wanted:
            if mutation_id not in found:
                raise NotFoundError(f"No queued action {mutation_id} in the local store.")
        return found

    def _state(self, key: str) -> str | None:
        with translated():
            found = self._conn.execute(
                "SELECT value FROM sync_state WHERE key = ?", (key,)
            ).fetchone()
        return None if found is None else str(found[0])

    def _set_state(self, key: str, value: str) -> None:
        self._conn.execute(
            "INSERT INTO sync_state (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _acked(item: OutboxItem, record: Record, version: str) -> settling.Acked:
    data = records.checked_json(item.entity_type, record)
    if record.id != item.entity_id:
        raise ValueError(f"acknowledged record {record.id} is not {item.entity_id}")
    replaces = item.payload.get("replaces") if item.action is Action.NOTE_AMEND else None
    return settling.Acked(
        seq=item.seq,
        mutation_id=item.mutation_id,
        entity_type=item.entity_type,
        entity_id=item.entity_id,
        action=item.action,
        replaces=replaces if isinstance(replaces, str) else None,
        version=version,
        data=data,
    )


def _row(values: tuple[object, ...]) -> _Row:
    seq, mutation_id, kind, entity_id, action, payload, base, depends_on, attempts, state = values
    data: JsonObject = codec.loads(str(payload))
    return _Row(
        OutboxItem(
            seq=int(str(seq)),
            mutation_id=MutationId(str(mutation_id)),
            entity_type=EntityType(kind),
            entity_id=str(entity_id),
            action=Action(action),
            payload=data,
            base_version=None if base is None else str(base),
            depends_on=None if depends_on is None else MutationId(str(depends_on)),
            attempts=int(str(attempts)),
        ),
        OutboxState(state),
    )
