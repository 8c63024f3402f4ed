"""The `conflict` table and the rules for settling a conflict (DESIGN 4, docs/store.md).

The clinician's version is the record's overlay when there is one (it includes edits made
after the conflicting action), else the conflict's stored copy; the server's version is the
replica. Resolving settles every unsent action of the record (they become `done`, noted as
settled by the conflict; nothing is deleted), records the clinician's version in the
conflict row and writes an audit row. Rules:

- notes, KEEP_BOTH: the clinician's text, exactly, becomes a new draft note on the same
  appointment, queued as `note.create`; the conflicting note shows the server's version.
- notes, KEEP_SERVER: the note shows the server's version; the clinician's text stays in
  the conflict row (listed by `outpost conflicts --json`). Refused when the server's version
  is not known locally.
- notes, KEEP_MINE: only when both versions are drafts: the clinician's text is queued as
  `note.update` on top of the server's current version (the server keeps the other text in
  its history; the conflict row keeps it too). Refused for signed notes.
- appointments, KEEP_SERVER: shows the server's record.
- appointments, KEEP_MINE: the clinician's status is queued again on the server's current
  record (so a reschedule there stands), if that is a legal transition from the server's
  status; refused otherwise. If the server already has that status, nothing is queued.
- appointments, KEEP_BOTH: refused (an appointment has one status).
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

from outpost.core.conflicts import (
    Conflict,
    ConflictId,
    Resolution,
    ResolutionResult,
)
from outpost.core.domain import (
    Appointment,
    EntityType,
    MutationId,
    NoteId,
    NoteStatus,
    VisitNote,
    new_note_id,
)
from outpost.core.errors import InvalidStateError, NotFoundError
from outpost.store import codec, outbox, records
from outpost.store.codec import JsonObject
from outpost.store.connection import Connection
from outpost.store.outbox import Action

logger = logging.getLogger(__name__)

_COLUMNS = (
    "id, entity_type, entity_id, mutation_id, local, server, reason, created_at,"
    " resolved_at, resolution"
)
_SETTLED_STATES = ("pending", "rejected", "conflict")


def record(
    conn: Connection,
    *,
    entity_type: EntityType,
    entity_id: str,
    mutation_id: MutationId | None,
    local: JsonObject,
    server: JsonObject | None,
    reason: str,
    now: datetime,
) -> ConflictId:
    cursor = conn.execute(
        "INSERT INTO conflict (entity_type, entity_id, mutation_id, local, server, reason,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            entity_type.value,
            entity_id,
            mutation_id,
            codec.dumps(local),
            None if server is None else codec.dumps(server),
            reason,
            codec.time_to_text(now),
        ),
    )
    conflict_id = ConflictId(str(cursor.lastrowid))
    detail = f"conflict {conflict_id}; mutation {mutation_id}"
    records.audit(conn, now, "conflict.recorded", entity_type, entity_id, detail)
    return conflict_id


def listed(conn: Connection, *, include_resolved: bool) -> list[Conflict]:
    where = "" if include_resolved else " WHERE resolved_at IS NULL"
    found = conn.execute(f"SELECT {_COLUMNS} FROM conflict{where} ORDER BY id").fetchall()
    result = []
    for values in found:
        conflict = _conflict(conn, values)
        if conflict is not None:
            result.append(conflict)
    return result


def _conflict(conn: Connection, values: tuple[object, ...]) -> Conflict | None:
    cid, kind, entity_id, mutation_id, local, server, reason, created, resolved, how = values
    entity_type = EntityType(kind)
    local_data = None if local is None else codec.loads(str(local))
    if local_data is None:  # written by hand or an older version: show the current view
        local_data = records.overlay_data(conn, entity_type, str(entity_id))
    if local_data is None:
        logger.warning("conflict %s has no local version; not listed", cid)
        return None
    return Conflict(
        id=ConflictId(str(cid)),
        entity_type=entity_type,
        entity_id=str(entity_id),
        mutation_id=None if mutation_id is None else MutationId(str(mutation_id)),
        local=records.from_json(entity_type, local_data),
        server=None if server is None else records.from_json(entity_type, codec.loads(str(server))),
        reason=str(reason),
        created_at=codec.time_from_text(str(created)),
        resolved_at=None if resolved is None else codec.time_from_text(str(resolved)),
        resolution=None if how is None else Resolution(how),
    )


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What a resolution writes for the conflicting record."""

    show: JsonObject | None  # new overlay data; None: show the server's version
    base_version: str | None
    queue: Action | None
    summary: str


def resolve(
    conn: Connection, conflict_id: str, resolution: Resolution, now: datetime
) -> ResolutionResult:
    conflict = _open_conflict(conn, conflict_id)
    kind, entity_id = conflict.entity_type, conflict.entity_id
    mine_data = records.overlay_data(conn, kind, entity_id) or records.to_json(conflict.local)
    mine = records.from_json(kind, mine_data)
    server = records.replica_row(conn, kind, entity_id)
    new_note: VisitNote | None = None
    if isinstance(mine, VisitNote):
        plan, new_note = _note_plan(mine, server, resolution, now)
    elif isinstance(mine, Appointment):
        plan = _appointment_plan(mine, server, resolution)
    else:
        if resolution is not Resolution.KEEP_SERVER or server is None:
            raise InvalidStateError("Patient records are only taken from the server.")
        plan = _Plan(None, None, None, "The record shows the server's version.")

    settled = conn.execute(
        f"UPDATE outbox SET state = 'done', last_error = ?"
        f" WHERE entity_type = ? AND entity_id = ?"
        f" AND state IN ({', '.join(repr(s) for s in _SETTLED_STATES)})",
        (f"settled by conflict {conflict.id} ({resolution.value})", kind.value, entity_id),
    ).rowcount
    queued: MutationId | None = None
    if plan.show is None:
        records.drop_overlay(conn, kind, entity_id)
        if isinstance(mine, VisitNote) and server is None and mine.replaces is not None:
            _restore_original(conn, mine.replaces)
    else:
        records.write_overlay(conn, kind, entity_id, plan.show, plan.base_version, now)
        if plan.queue is not None:
            queued = _queue(conn, kind, entity_id, plan.queue, plan.show, plan.base_version, now)
    new_note_id: NoteId | None = None
    if new_note is not None:
        data = codec.note_to_json(new_note)
        records.write_overlay(conn, EntityType.NOTE, new_note.id, data, None, now)
        queued = _queue(conn, EntityType.NOTE, new_note.id, Action.NOTE_CREATE, data, None, now)
        new_note_id = new_note.id
        origin = f"from conflict {conflict.id} on note {entity_id}"
        records.audit(conn, now, "note.from_conflict", EntityType.NOTE, new_note_id, origin)
    conn.execute(
        "UPDATE conflict SET resolved_at = ?, resolution = ?, local = ? WHERE id = ?",
        (codec.time_to_text(now), resolution.value, codec.dumps(mine_data), int(conflict.id)),
    )
    detail = (
        f"conflict {conflict.id}: {resolution.value}; {settled} actions settled"
        f"; queued {queued or '-'}; new note {new_note_id or '-'}"
    )
    records.audit(conn, now, "conflict.resolved", kind, entity_id, detail)
    return ResolutionResult(
        conflict_id=conflict.id,
        resolution=resolution,
        entity_type=kind,
        entity_id=entity_id,
        queued=queued,
        new_note_id=new_note_id,
        summary=plan.summary,
    )


def _open_conflict(conn: Connection, conflict_id: str) -> Conflict:
    found = None
    if conflict_id.isdigit():
        found = conn.execute(
            f"SELECT {_COLUMNS} FROM conflict WHERE id = ?", (int(conflict_id),)
        ).fetchone()
    conflict = None if found is None else _conflict(conn, found)
    if conflict is None:
        raise NotFoundError(f"No conflict {conflict_id} in the local store.")
    if conflict.resolved_at is not None:
        raise InvalidStateError(f"Conflict {conflict_id} is already resolved.")
    return conflict


def _note_plan(
    mine: VisitNote,
    server: tuple[JsonObject, str] | None,
    resolution: Resolution,
    now: datetime,
) -> tuple[_Plan, VisitNote | None]:
    if resolution is Resolution.KEEP_BOTH:
        copy = VisitNote(
            id=new_note_id(),
            appointment_id=mine.appointment_id,
            patient_id=mine.patient_id,
            text=mine.text,
            status=NoteStatus.DRAFT,
            created_at=now,
            updated_at=now,
        )
        shown = "the server's version" if server is not None else "nothing (the server has none)"
        summary = (
            f"Kept both: your text is now draft note {copy.id}, queued to send; "
            f"note {mine.id} shows {shown}."
        )
        return _Plan(None, None, None, summary), copy
    if server is None:
        raise InvalidStateError(
            "The server's version of this note is not known here yet; sync first, or keep both."
        )
    server_data, version = server
    if resolution is Resolution.KEEP_SERVER:
        summary = (
            f"Note {mine.id} shows the server's version; your text is kept in conflict "
            "record (see 'outpost conflicts --json')."
        )
        return _Plan(None, None, None, summary), None
    theirs = codec.note_from_json(server_data)
    if mine.status is not NoteStatus.DRAFT or theirs.status is not NoteStatus.DRAFT:
        raise InvalidStateError(
            "A signed note cannot be overwritten; keep both instead (your text becomes a "
            "new draft)."
        )
    summary = f"Your text is queued to replace the server's draft of note {mine.id}."
    return _Plan(codec.note_to_json(mine), version, Action.NOTE_UPDATE, summary), None


def _appointment_plan(
    mine: Appointment, server: tuple[JsonObject, str] | None, resolution: Resolution
) -> _Plan:
    if resolution is Resolution.KEEP_BOTH:
        raise InvalidStateError(
            "An appointment has one status: keep the server's or yours, not both."
        )
    if server is None:
        raise InvalidStateError(
            "The server's version of this appointment is not known here yet; sync first."
        )
    server_data, version = server
    if resolution is Resolution.KEEP_SERVER:
        return _Plan(None, None, None, f"Appointment {mine.id} shows the server's version.")
    theirs = codec.appointment_from_json(server_data)
    if theirs.status is mine.status:
        summary = f"The server already has appointment {mine.id} as {mine.status.value}."
        return _Plan(None, None, None, summary)
    try:
        wanted = theirs.with_status(mine.status)
    except InvalidStateError as exc:
        raise InvalidStateError(
            f"On the server this appointment is now {theirs.status.value}; it cannot become "
            f"{mine.status.value}. Keep the server's version instead."
        ) from exc
    summary = (
        f"Appointment {mine.id}: {mine.status.value} is queued again on the server's "
        "current record."
    )
    return _Plan(codec.appointment_to_json(wanted), version, Action.APPOINTMENT_STATUS, summary)


def _restore_original(conn: Connection, original_id: NoteId) -> None:
    """An amendment the server never had was dropped: its original shows as before."""
    if records.unsent_count(conn, EntityType.NOTE, original_id) == 0:
        records.drop_overlay(conn, EntityType.NOTE, original_id)


def _queue(
    conn: Connection,
    kind: EntityType,
    entity_id: str,
    action: Action,
    payload: JsonObject,
    base_version: str | None,
    now: datetime,
) -> MutationId:
    return outbox.append(
        conn,
        entity_type=kind,
        entity_id=entity_id,
        action=action,
        payload=payload,
        base_version=base_version,
        depends_on=None,
        created_at=now,
    )
