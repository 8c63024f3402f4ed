"""The outbox's guarantees: unsent rows cannot be deleted, status counts, and a full disk
loses nothing and half-writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlcipher3 import dbapi2

from outpost.core.domain import OutboxStatus
from outpost.core.errors import StoreFullError
from outpost.store.connection import Connection
from outpost.store.outbox import OutboxState
from outpost.store.store import Store
from tests.integration.store_helpers import (
    APPOINTMENT,
    T0,
    rows,
    snapshot,
)


@pytest.mark.parametrize("state", [s.value for s in OutboxState if s is not OutboxState.DONE])
def test_unsent_rows_cannot_be_deleted(store: Store, raw: Connection, state: str) -> None:
    note = store.create_note(APPOINTMENT.id, "keep me")
    raw.execute("UPDATE outbox SET state = ? WHERE entity_id = ?", (state, note.id))
    with pytest.raises(dbapi2.IntegrityError, match="unsent outbox rows are never deleted"):
        raw.execute("DELETE FROM outbox")
    with pytest.raises(dbapi2.IntegrityError, match="never deleted"):
        raw.execute("DELETE FROM outbox WHERE entity_id = ?", (note.id,))
    assert rows(raw, "SELECT count(*) FROM outbox") == [(1,)]


def test_done_rows_can_be_pruned(store: Store, raw: Connection) -> None:
    sent = store.create_note(APPOINTMENT.id, "sent")
    store.create_note(APPOINTMENT.id, "unsent")
    raw.execute("UPDATE outbox SET state = 'done' WHERE entity_id = ?", (sent.id,))
    raw.execute("DELETE FROM outbox WHERE state = 'done'")
    assert rows(raw, "SELECT count(*) FROM outbox") == [(1,)]


def test_status_counts(store: Store, raw: Connection) -> None:
    assert store.outbox_status() == OutboxStatus(0, 0, 0, None, None)
    notes = [store.create_note(APPOINTMENT.id, f"n{i}") for i in range(5)]
    states = ["inflight", "done", "rejected", "conflict", "pending"]
    for note, state in zip(notes, states, strict=True):
        raw.execute("UPDATE outbox SET state = ? WHERE entity_id = ?", (state, note.id))
    raw.execute(
        "INSERT INTO conflict (entity_type, entity_id, reason, created_at, resolved_at)"
        " VALUES ('DocumentReference', ?, 'version', ?, NULL),"
        "        ('DocumentReference', ?, 'version', ?, ?)",
        (notes[3].id, T0.isoformat(), notes[2].id, T0.isoformat(), T0.isoformat()),
    )
    last_sync = T0 + timedelta(minutes=5)
    raw.execute(
        "INSERT INTO sync_state (key, value) VALUES ('last_sync_at', ?)", (last_sync.isoformat(),)
    )
    status = store.outbox_status()
    assert status.pending == 2  # inflight + pending
    assert status.rejected == 1
    assert status.conflicts == 1  # the resolved one does not count
    assert status.oldest_pending_at == notes[0].created_at  # the in-flight one is oldest
    assert status.oldest_pending_at is not None
    assert status.oldest_pending_at.tzinfo is not None
    assert status.last_sync_at == last_sync


def test_a_full_disk_saves_nothing_and_loses_nothing(store: Store, raw: Connection) -> None:
    kept = store.create_note(APPOINTMENT.id, "kept")
    (pages,) = raw.execute("PRAGMA page_count").fetchone()
    # The store's own connection: cap the file at its current size, as a full disk would.
    store._conn.execute(f"PRAGMA max_page_count = {pages}")
    before = snapshot(raw)
    big = "x" * 200_000
    with pytest.raises(StoreFullError):
        store.create_note(APPOINTMENT.id, big)
    with pytest.raises(StoreFullError):
        store.save_draft(kept.id, big)
    assert snapshot(raw) == before
    store._conn.execute("PRAGMA max_page_count = 1073741823")
    assert store.save_draft(kept.id, big).text == big
    assert rows(raw, "PRAGMA integrity_check") == [("ok",)]
