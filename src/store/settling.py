"""What an acknowledgement does to a record's overlay and its done outbox rows.

The overlay (what the clinician sees) goes once the record has nothing left to send;
until then it stays, rebased on the server's newest version. Runs inside the caller's
transaction.
"""

from __future__ import annotations

from datetime import datetime

from outpost.core.domain import EntityType
from outpost.store import codec, records
from outpost.store.connection import Connection
from outpost.store.outbox import UNSENT_STATES, Action

_UNSENT = ", ".join(f"'{state}'" for state in UNSENT_STATES)


def settle_overlay(conn: Connection, entity_type: EntityType, entity_id: str, version: str) -> None:
    if records.unsent_count(conn, entity_type, entity_id) == 0 and not awaits_amendment(
        conn, entity_type, entity_id
    ):
        records.drop_overlay(conn, entity_type, entity_id)
    else:
        conn.execute(
            "UPDATE overlay SET base_version = ? WHERE entity_type = ? AND entity_id = ?",
            (version, entity_type.value, entity_id),
        )


def awaits_amendment(conn: Connection, entity_type: EntityType, entity_id: str) -> bool:
    """Whether the record is a note shown as `amended` by an amendment not yet
    acknowledged: its overlay stays until then (looked up only for such overlays)."""
    if entity_type is not EntityType.NOTE:
        return False
    overlay = records.overlay_data(conn, entity_type, entity_id)
    if overlay is None or overlay.get("status") != "amended":
        return False
    (waiting,) = conn.execute(
        f"SELECT count(*) FROM outbox WHERE state IN ({_UNSENT}) AND action = ?"
        " AND json_extract(payload, '$.replaces') = ?",
        (Action.NOTE_AMEND.value, entity_id),
    ).fetchone()
    return int(waiting) > 0


def settle_superseded(conn: Connection, original_id: str, now: datetime) -> None:
    """After an amendment is acknowledged, the original (shown as `amended`) has nothing
    left to send: its overlay becomes the replica's data at the replica's version, so it
    keeps showing `amended` until a pull brings the server's newer (superseded) copy."""
    kind = EntityType.NOTE
    if records.unsent_count(conn, kind, original_id):
        return
    overlay = records.overlay_data(conn, kind, original_id)
    if overlay is None or records.replica_row(conn, kind, original_id) is None:
        return
    conn.execute(
        "UPDATE replica SET data = ?, updated_at = ? WHERE entity_type = ? AND entity_id = ?",
        (codec.dumps(overlay), codec.time_to_text(now), kind.value, original_id),
    )
    records.drop_overlay(conn, kind, original_id)


def prune_done(conn: Connection, entity_type: EntityType, entity_id: str, seq: int) -> None:
    """Keep one done row per record (the newest, which later actions may depend on); rows a
    conflict names are kept for its audit trail."""
    conn.execute(
        """
        DELETE FROM outbox
        WHERE entity_type = ? AND entity_id = ? AND state = 'done' AND seq < ?
          AND mutation_id NOT IN (
              SELECT mutation_id FROM conflict WHERE mutation_id IS NOT NULL)
        """,
        (entity_type.value, entity_id, seq),
    )
