"""A whole batch response acknowledged at once (set-based) settles every record exactly as
acknowledging its actions one at a time would: records with and without later edits, an
older done row to prune, and batches whose actions build on each other."""

from __future__ import annotations

from outpost.core.conflicts import Record
from outpost.core.domain import MutationId
from outpost.store.connection import Connection
from outpost.store.store import Store
from outpost.store.sync_ledger import OutboxItem, SyncLedger
from tests.integration.store_helpers import APPOINTMENT, rows


def _acks(items: list[OutboxItem], version: str) -> list[tuple[MutationId, Record, str]]:
    return [(item.mutation_id, item.record(), version) for item in items]


def test_a_batch_mixing_records_with_and_without_later_edits(store: Store, raw: Connection) -> None:
    ledger = SyncLedger(store)
    synced = store.create_note(APPOINTMENT.id, "synced v1")
    ledger.acknowledge_batch(_acks(ledger.claim_batch(10), "1"))
    store.save_draft(synced.id, "synced v2")  # an update on top of a done create
    plain = store.create_note(APPOINTMENT.id, "plain")
    edited = store.create_note(APPOINTMENT.id, "edited v1")
    batch = ledger.claim_batch(10)
    assert len(batch) == 3
    store.save_draft(edited.id, "edited v2")  # typed on while the batch was in flight

    versions: dict[str, str] = {synced.id: "2", plain.id: "1", edited.id: "1"}
    ledger.acknowledge_batch(
        [(item.mutation_id, item.record(), versions[item.entity_id]) for item in batch]
    )

    replica = rows(
        raw,
        "SELECT entity_id, version_id, json_extract(data, '$.text') FROM replica"
        " WHERE entity_type = 'DocumentReference' ORDER BY entity_id",
    )
    assert sorted(replica) == sorted(
        [(synced.id, "2", "synced v2"), (plain.id, "1", "plain"), (edited.id, "1", "edited v1")]
    )
    # Only the record with an unsent edit keeps its overlay, rebased on the acknowledged version.
    assert rows(raw, "SELECT entity_id, base_version FROM overlay") == [(edited.id, "1")]
    assert store.get_note(edited.id).text == "edited v2"
    [pending] = ledger.claim_batch(10)
    assert (pending.entity_id, pending.base_version) == (edited.id, "1")  # dependant rebased
    # One done row per record: the synced note's older create was pruned.
    assert rows(
        raw,
        "SELECT entity_id, count(*) FROM outbox WHERE state = 'done' GROUP BY entity_id"
        " ORDER BY entity_id",
    ) == sorted([(synced.id, 1), (plain.id, 1), (edited.id, 1)])
    assert ledger.unsent_records() == {(pending.entity_type, edited.id)}

    before = rows(raw, "SELECT * FROM outbox ORDER BY seq"), rows(raw, "SELECT * FROM replica")
    ledger.acknowledge_batch(
        [(item.mutation_id, item.record(), versions[item.entity_id]) for item in batch]
    )  # a repeated batch changes nothing
    assert (rows(raw, "SELECT * FROM outbox ORDER BY seq"), rows(raw, "SELECT * FROM replica")) == (
        before
    )


def test_a_batch_of_two_actions_on_one_record_settles_in_order(
    store: Store, raw: Connection
) -> None:
    ledger = SyncLedger(store)
    note = store.create_note(APPOINTMENT.id, "v1")
    [create] = ledger.claim_batch(10)
    store.save_draft(note.id, "v2")
    [(update_id,)] = rows(raw, "SELECT mutation_id FROM outbox WHERE state = 'pending'")
    later = store.get_note(note.id)  # the text of the update
    ledger.acknowledge_batch(
        [(create.mutation_id, create.record(), "1"), (MutationId(str(update_id)), later, "2")]
    )

    assert rows(
        raw,
        "SELECT version_id, json_extract(data, '$.text') FROM replica WHERE entity_id = ?",
        note.id,
    ) == [("2", "v2")]
    assert rows(raw, "SELECT count(*) FROM overlay") == [(0,)]
    assert rows(raw, "SELECT mutation_id, state FROM outbox") == [(update_id, "done")]
    assert ledger.unsent_records() == set()
