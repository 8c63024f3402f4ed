"""What an acknowledgement does to a record's overlay and its done outbox rows.

The overlay (what the clinician sees) goes once the record has nothing left to send;
until then it stays, rebased on the server's newest version. Runs inside the caller's
transaction. `settle_batch` does all of an acknowledgement for a whole batch response in
a few set-based statements (a temporary table of the acknowledged rows).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from outpost.core.domain import EntityType
from outpost.store import codec, records
from outpost.store.codec import JsonObject
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


# -- a whole batch response at once ------------------------------------------------------


@dataclass(frozen=True)
class Acked:
    """One acknowledged action of a batch: its outbox row and what the server now holds."""

    seq: int
    mutation_id: str
    entity_type: EntityType
    entity_id: str
    action: Action
    replaces: str | None  # a `note.amend`'s original
    version: str
    data: JsonObject


def is_flat(acked: Sequence[Acked], depends_on: Mapping[int, str | None]) -> bool:
    """Whether `settle_batch` may settle these together: one action per record, none
    depending on another of them, no amendment of one of their records. Then nothing one
    acknowledgement does is read by another, and the order within the batch cannot matter
    (a claimed batch always is: a claim takes one action per record, and only actions whose
    dependency is already done). Anything else is settled one by one."""
    records = {(ack.entity_type, ack.entity_id) for ack in acked}
    mutation_ids = {ack.mutation_id for ack in acked}
    return (
        len(records) == len(acked)
        and len(mutation_ids) == len(acked)
        and not any(depends_on.get(ack.seq) in mutation_ids for ack in acked)
        and not any((EntityType.NOTE, ack.replaces) in records for ack in acked if ack.replaces)
    )


def settle_batch(conn: Connection, acked: Sequence[Acked], now: datetime) -> None:
    """Everything `acknowledge` does, for a flat batch (`is_flat`) in a few set-based
    statements: rows done, replica upserted (never to an older version), dependants rebased,
    overlays dropped or rebased, amended originals settled, older done rows pruned."""
    if not acked:
        return
    conn.execute(_ACKED_TABLE)
    conn.execute("DELETE FROM temp.acked")
    conn.executemany(
        "INSERT INTO temp.acked (seq, mutation_id, entity_type, entity_id, version)"
        " VALUES (?, ?, ?, ?, ?)",
        [(a.seq, a.mutation_id, a.entity_type.value, a.entity_id, a.version) for a in acked],
    )
    # Dependants build on the acknowledged version (none of them is in this flat batch).
    conn.execute(
        """
        UPDATE outbox SET base_version = a.version
        FROM temp.acked AS a
        WHERE outbox.depends_on = a.mutation_id AND outbox.state <> 'done'
        """
    )
    conn.execute(
        "UPDATE outbox SET state = 'done', last_error = NULL"
        " WHERE seq IN (SELECT seq FROM temp.acked)"
    )
    _upsert_replicas(conn, acked, now)
    _settle_overlays(conn, acked)
    for ack in acked:
        if ack.action is Action.NOTE_AMEND and ack.replaces is not None:
            settle_superseded(conn, ack.replaces, now)
    conn.execute(
        """
        DELETE FROM outbox
        WHERE seq IN (
              -- CROSS JOIN: from each acknowledged row to its record's rows (outbox_record),
              -- never through every done row
              SELECT o.seq FROM temp.acked AS a
              CROSS JOIN outbox AS o
              WHERE o.entity_type = a.entity_type AND o.entity_id = a.entity_id
                AND o.state = 'done' AND o.seq < a.seq)
          AND mutation_id NOT IN (
              SELECT mutation_id FROM conflict WHERE mutation_id IS NOT NULL)
        """
    )
    conn.execute("DELETE FROM temp.acked")


_ACKED_TABLE = """
    CREATE TEMP TABLE IF NOT EXISTS acked (
        seq INTEGER PRIMARY KEY,
        mutation_id TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        version TEXT NOT NULL,
        keep_overlay INTEGER NOT NULL DEFAULT 0
    )
"""


def _upsert_replicas(conn: Connection, acked: Sequence[Acked], now: datetime) -> None:
    """`records.upsert_replica` for each: written unless the replica holds the same or a
    newer version."""
    held = {
        (str(kind), str(entity_id)): str(version)
        for kind, entity_id, version in conn.execute(
            """
            SELECT r.entity_type, r.entity_id, r.version_id
            FROM temp.acked AS a
            JOIN replica AS r ON r.entity_type = a.entity_type AND r.entity_id = a.entity_id
            """
        )
    }
    stamp = codec.time_to_text(now)
    conn.executemany(
        """
        INSERT INTO replica (entity_type, entity_id, version_id, data, updated_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (entity_type, entity_id) DO UPDATE SET
            version_id = excluded.version_id,
            data = excluded.data,
            updated_at = excluded.updated_at
        """,
        [
            (a.entity_type.value, a.entity_id, a.version, codec.dumps(a.data), stamp)
            for a in acked
            if records.is_newer(a.version, held.get((a.entity_type.value, a.entity_id)))
        ],
    )


def _settle_overlays(conn: Connection, acked: Sequence[Acked]) -> None:
    """`settle_overlay` for each record (after all rows are done): the overlay stays, rebased,
    while the record has unsent actions or awaits its amendment; else it goes."""
    keep = {
        int(seq)
        for (seq,) in conn.execute(
            f"""
            SELECT a.seq FROM temp.acked AS a
            WHERE EXISTS (
                SELECT 1 FROM outbox AS o
                WHERE o.entity_type = a.entity_type AND o.entity_id = a.entity_id
                  AND o.state IN ({_UNSENT}))
            """
        )
    }
    amended = conn.execute(
        """
        SELECT a.seq, a.entity_id FROM temp.acked AS a
        JOIN overlay AS v ON v.entity_type = a.entity_type AND v.entity_id = a.entity_id
        WHERE a.entity_type = ? AND json_extract(v.data, '$.status') = 'amended'
        """,
        (EntityType.NOTE.value,),
    ).fetchall()
    for seq, entity_id in amended:
        if int(seq) not in keep and awaits_amendment(conn, EntityType.NOTE, str(entity_id)):
            keep.add(int(seq))
    if keep:
        conn.executemany(
            "UPDATE temp.acked SET keep_overlay = 1 WHERE seq = ?", [(seq,) for seq in keep]
        )
        conn.execute(
            """
            UPDATE overlay SET base_version = a.version
            FROM temp.acked AS a
            WHERE a.keep_overlay = 1
              AND overlay.entity_type = a.entity_type AND overlay.entity_id = a.entity_id
            """
        )
    conn.execute(
        """
        DELETE FROM overlay
        WHERE (entity_type, entity_id) IN (
            SELECT entity_type, entity_id FROM temp.acked WHERE keep_overlay = 0)
        """
    )
