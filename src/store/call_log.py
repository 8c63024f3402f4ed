"""`CallLog`: video visits' quality records in the local store (schema migration 4).

A call gets its `call_summary` row with its first batch of quality samples (about one a
second, in `call_quality`), more samples in batches as they come, and its summary and
events (renegotiations, ladder steps) when it ends; a call cut short by a crash keeps the
samples written so far.
Values are JSON objects of counts, rates, states and ids only: the media layer's record
as `CallRecord.to_json` gives it, never a name, a note or an address. Samples older than
`SAMPLE_RETENTION_DAYS` are pruned when a new call begins (a 30-minute call is about 1
MB of samples); summaries are kept. Use it on the store's thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from outpost.store import codec
from outpost.store.codec import JsonObject
from outpost.store.connection import transaction
from outpost.store.sqlerrors import translated
from outpost.store.store import Store

SAMPLE_RETENTION_DAYS = 30


@dataclass(frozen=True)
class CallEntry:
    """One call as the store holds it; `summary` is None until the call has ended."""

    call_id: str
    appointment_id: str | None
    role: str
    started_at: str
    ended_at: str | None
    summary: JsonObject | None
    samples: int


@dataclass(frozen=True)
class QualityRow:
    seq: int  # the sample's place in the call, from 0
    t_s: float  # seconds since the admission
    sample: JsonObject


class CallLog:
    def __init__(self, store: Store) -> None:
        self._conn = store.connection
        self._clock = store.clock

    def begin(self, call_id: str, appointment_id: str | None, role: str) -> int:
        """Record a call as started (again is harmless); prunes old samples, returns how
        many rows that removed."""
        started = codec.time_to_text(self._clock())
        cutoff = codec.time_to_text(self._clock() - timedelta(days=SAMPLE_RETENTION_DAYS))
        with transaction(self._conn):
            self._conn.execute(
                "INSERT OR IGNORE INTO call_summary (call_id, appointment_id, role, started_at)"
                " VALUES (?, ?, ?, ?)",
                (call_id, appointment_id, role, started),
            )
            pruned = self._conn.execute(
                "DELETE FROM call_quality WHERE call_id IN"
                " (SELECT call_id FROM call_summary WHERE started_at < ?)",
                (cutoff,),
            ).rowcount
        return int(pruned)

    def add_samples(
        self, call_id: str, appointment_id: str | None, rows: Sequence[QualityRow]
    ) -> None:
        """One batch of samples in one transaction (a sample rewritten by its seq)."""
        if not rows:
            return
        with transaction(self._conn):
            self._conn.executemany(
                "INSERT OR REPLACE INTO call_quality (call_id, seq, t_s, appointment_id, sample)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (call_id, row.seq, row.t_s, appointment_id, codec.dumps(row.sample))
                    for row in rows
                ],
            )

    def finish(self, call_id: str, summary: JsonObject, events: JsonObject) -> None:
        ended = codec.time_to_text(self._clock())
        with transaction(self._conn):
            self._conn.execute(
                "UPDATE call_summary SET ended_at = ?, summary = ?, events = ? WHERE call_id = ?",
                (ended, codec.dumps(summary), codec.dumps(events), call_id),
            )

    def recent(self, limit: int = 10) -> list[CallEntry]:
        """The last `limit` calls, newest first."""
        with translated():
            rows = self._conn.execute(
                "SELECT s.call_id, s.appointment_id, s.role, s.started_at, s.ended_at,"
                " s.summary, (SELECT count(*) FROM call_quality AS q WHERE q.call_id = s.call_id)"
                " FROM call_summary AS s ORDER BY s.started_at DESC, s.rowid DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            CallEntry(
                call_id=row[0],
                appointment_id=row[1],
                role=row[2],
                started_at=row[3],
                ended_at=row[4],
                summary=codec.loads(row[5]) if row[5] is not None else None,
                samples=int(row[6]),
            )
            for row in rows
        ]

    def samples(self, call_id: str) -> list[QualityRow]:
        with translated():
            rows = self._conn.execute(
                "SELECT seq, t_s, sample FROM call_quality WHERE call_id = ? ORDER BY seq",
                (call_id,),
            ).fetchall()
        return [QualityRow(int(seq), float(t_s), codec.loads(text)) for seq, t_s, text in rows]
