"""Table-level helpers shared by the sync ledger and conflict resolution: records as JSON by
kind, server versions, and the `replica`, `overlay` and `audit` rows of one record.

All functions run inside a transaction the caller holds.
"""

from __future__ import annotations

from datetime import datetime

from outpost.core.conflicts import Record
from outpost.core.domain import Appointment, EntityType, Patient
from outpost.store import codec, outbox
from outpost.store.codec import JsonObject
from outpost.store.connection import Connection

_UNSENT = ", ".join(f"'{state}'" for state in outbox.UNSENT_STATES)


def entity_type_of(record: Record) -> EntityType:
    if isinstance(record, Patient):
        return EntityType.PATIENT
    if isinstance(record, Appointment):
        return EntityType.APPOINTMENT
    return EntityType.NOTE


def to_json(record: Record) -> JsonObject:
    if isinstance(record, Patient):
        return codec.patient_to_json(record)
    if isinstance(record, Appointment):
        return codec.appointment_to_json(record)
    return codec.note_to_json(record)


def from_json(entity_type: EntityType, data: JsonObject) -> Record:
    if entity_type is EntityType.PATIENT:
        return codec.patient_from_json(data)
    if entity_type is EntityType.APPOINTMENT:
        return codec.appointment_from_json(data)
    return codec.note_from_json(data)


def checked_json(entity_type: EntityType, record: Record) -> JsonObject:
    """`record`'s JSON, refusing a record of another kind than `entity_type` (a bug)."""
    actual = entity_type_of(record)
    if actual is not entity_type:
        raise ValueError(f"a {actual.value} record given where {entity_type.value} was expected")
    return to_json(record)


def is_newer(new: str, old: str | None) -> bool:
    """Whether server version `new` should replace `old`: numerically when both are digits
    (FHIR servers number versions), otherwise whenever they differ."""
    if old is None:
        return True
    if new.isdigit() and old.isdigit():
        return int(new) > int(old)
    return new != old


def replica_row(
    conn: Connection, entity_type: EntityType, entity_id: str
) -> tuple[JsonObject, str] | None:
    row = conn.execute(
        "SELECT data, version_id FROM replica WHERE entity_type = ? AND entity_id = ?",
        (entity_type.value, entity_id),
    ).fetchone()
    return None if row is None else (codec.loads(row[0]), str(row[1]))


def upsert_replica(
    conn: Connection,
    entity_type: EntityType,
    entity_id: str,
    version: str,
    data: JsonObject,
    now: datetime,
) -> bool:
    """Write a server-confirmed record unless the replica already holds the same or a newer
    version; returns whether a row was written. Overlay rows are never touched."""
    current = conn.execute(
        "SELECT version_id FROM replica WHERE entity_type = ? AND entity_id = ?",
        (entity_type.value, entity_id),
    ).fetchone()
    if current is not None and not is_newer(version, str(current[0])):
        return False
    conn.execute(
        """
        INSERT INTO replica (entity_type, entity_id, version_id, data, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (entity_type, entity_id) DO UPDATE SET
            version_id = excluded.version_id,
            data = excluded.data,
            updated_at = excluded.updated_at
        """,
        (entity_type.value, entity_id, version, codec.dumps(data), codec.time_to_text(now)),
    )
    return True


def overlay_data(conn: Connection, entity_type: EntityType, entity_id: str) -> JsonObject | None:
    row = conn.execute(
        "SELECT data FROM overlay WHERE entity_type = ? AND entity_id = ?",
        (entity_type.value, entity_id),
    ).fetchone()
    return None if row is None else codec.loads(row[0])


def write_overlay(
    conn: Connection,
    entity_type: EntityType,
    entity_id: str,
    data: JsonObject,
    base_version: str | None,
    now: datetime,
) -> None:
    """Make `data` what the clinician sees, based on server version `base_version`."""
    conn.execute(
        """
        INSERT INTO overlay (entity_type, entity_id, base_version, data, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (entity_type, entity_id) DO UPDATE SET
            base_version = excluded.base_version,
            data = excluded.data,
            updated_at = excluded.updated_at
        """,
        (entity_type.value, entity_id, base_version, codec.dumps(data), codec.time_to_text(now)),
    )


def drop_overlay(conn: Connection, entity_type: EntityType, entity_id: str) -> None:
    conn.execute(
        "DELETE FROM overlay WHERE entity_type = ? AND entity_id = ?",
        (entity_type.value, entity_id),
    )


def unsent_count(
    conn: Connection, entity_type: EntityType, entity_id: str, *, except_seq: int | None = None
) -> int:
    (count,) = conn.execute(
        f"SELECT count(*) FROM outbox WHERE entity_type = ? AND entity_id = ?"
        f" AND state IN ({_UNSENT}) AND seq IS NOT ?",
        (entity_type.value, entity_id, except_seq),
    ).fetchone()
    return int(count)


def audit(
    conn: Connection,
    at: datetime,
    kind: str,
    entity_type: EntityType | None,
    entity_id: str | None,
    detail: str,
) -> None:
    """One audit row. `detail` carries ids, states and choices only: never PHI."""
    conn.execute(
        "INSERT INTO audit (at, kind, entity_type, entity_id, detail) VALUES (?, ?, ?, ?, ?)",
        (
            codec.time_to_text(at),
            kind,
            None if entity_type is None else entity_type.value,
            entity_id,
            detail,
        ),
    )
