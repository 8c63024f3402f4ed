"""The sync engine's view of the store on a real encrypted file: what gets claimed and in
which order, what an acknowledgement, a rejection or a conflict does, pulls that never
overwrite the clinician's view, and conflict resolutions with their audit trail."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest
from sqlcipher3 import dbapi2

from outpost.core.domain import (
    AppointmentStatus,
    EntityType,
    MutationId,
    NoteStatus,
    Patient,
    PatientId,
    VisitNote,
)
from outpost.core.errors import InvalidStateError, NotFoundError
from outpost.core.settings import Profile
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.outbox import Action
from outpost.store.store import Store
from outpost.store.sync_ledger import OutboxItem, Resolution, SyncLedger
from tests.integration.store_helpers import APPOINTMENT, PATIENT, T0, StepClock, rows, snapshot


@pytest.fixture
def ledger(store: Store) -> SyncLedger:
    return SyncLedger(store)


def _ack(ledger: SyncLedger, item: OutboxItem, version: str) -> None:
    ledger.acknowledge(item.mutation_id, item.record(), version)


def _text(item: OutboxItem) -> str:
    record = item.record()
    assert isinstance(record, VisitNote)
    return record.text


def _server_note(store: Store, note_id: str, text: str, **changes: object) -> VisitNote:
    """The note as another device left it on the server."""
    return dataclasses.replace(store.get_note(note_id), text=text, **changes)  # type: ignore[arg-type]


def _synced_draft(store: Store, ledger: SyncLedger, text: str) -> VisitNote:
    """A draft the server has at version 1."""
    note = store.create_note(APPOINTMENT.id, text)
    [item] = ledger.claim_batch(10)
    _ack(ledger, item, "1")
    return note


def _conflict_on_edit(
    store: Store, ledger: SyncLedger, *, server_text: str, server_status: NoteStatus
) -> tuple[VisitNote, str]:
    """A synced draft edited here while someone else changed it on the server (v2)."""
    note = _synced_draft(store, ledger, "first")
    store.save_draft(note.id, "mine")
    [item] = ledger.claim_batch(10)
    theirs = _server_note(store, note.id, server_text, status=server_status)
    conflict_id = ledger.record_conflict(
        item.mutation_id, server_record=theirs, server_version="2", reason="Edited elsewhere."
    )
    return note, conflict_id


# -- claiming ------------------------------------------------------------------------------


def test_claims_in_seq_order_and_waits_for_dependencies(store: Store, ledger: SyncLedger) -> None:
    a = store.create_note(APPOINTMENT.id, "a1")
    store.save_draft(a.id, "a2")  # coalesced into the pending create
    b = store.create_note(APPOINTMENT.id, "b1")
    first = ledger.claim_batch(10)
    assert [(i.entity_id, i.action) for i in first] == [
        (a.id, Action.NOTE_CREATE),
        (b.id, Action.NOTE_CREATE),
    ]
    assert [i.attempts for i in first] == [1, 1]
    assert _text(first[0]) == "a2"
    assert ledger.counts()["inflight"] == 2

    store.save_draft(a.id, "a3")  # appended: the create is in flight
    c = store.create_note(APPOINTMENT.id, "c1")
    assert [i.entity_id for i in ledger.claim_batch(10)] == [c.id]  # a's update waits

    _ack(ledger, first[0], "1")
    [update] = ledger.claim_batch(10)
    assert (update.entity_id, update.action) == (a.id, Action.NOTE_UPDATE)
    assert update.depends_on == first[0].mutation_id
    assert update.base_version == "1"
    assert ledger.claim_batch(10) == []


def test_claim_respects_the_limit(store: Store, ledger: SyncLedger) -> None:
    notes = [store.create_note(APPOINTMENT.id, f"n{i}") for i in range(5)]
    assert [i.entity_id for i in ledger.claim_batch(2)] == [n.id for n in notes[:2]]
    assert [i.entity_id for i in ledger.claim_batch(10)] == [n.id for n in notes[2:]]
    assert ledger.claim_batch(0) == []


@pytest.mark.parametrize("outcome", ["conflict", "rejected"])
def test_a_conflict_or_rejection_holds_back_only_its_record(
    store: Store, ledger: SyncLedger, outcome: str
) -> None:
    a = store.create_note(APPOINTMENT.id, "a")
    b = store.create_note(APPOINTMENT.id, "b")
    a_create, b_create = ledger.claim_batch(10)
    store.sign_note(a.id)
    store.sign_note(b.id)
    if outcome == "conflict":
        ledger.record_conflict(
            a_create.mutation_id, server_record=None, server_version=None, reason="Conflict."
        )
    else:
        ledger.reject(a_create.mutation_id, "Unknown code system")
    _ack(ledger, b_create, "1")

    [b_sign] = ledger.claim_batch(10)
    assert (b_sign.entity_id, b_sign.action) == (b.id, Action.NOTE_SIGN)
    assert ledger.claim_batch(10) == []
    assert ledger.unsent_records() == {(EntityType.NOTE, a.id), (EntityType.NOTE, b.id)}
    status = store.outbox_status()
    assert (status.conflicts, status.rejected) == ((1, 0) if outcome == "conflict" else (0, 1))


def test_an_amendment_waits_for_its_original(store: Store, ledger: SyncLedger) -> None:
    note = store.create_note(APPOINTMENT.id, "signed text", sign=True)
    [create] = ledger.claim_batch(10)
    amendment = store.amend_note(note.id, "corrected", "typo")
    assert ledger.claim_batch(10) == []
    _ack(ledger, create, "1")
    [amend] = ledger.claim_batch(10)
    assert (amend.entity_id, amend.action, amend.base_version) == (
        amendment.id,
        Action.NOTE_AMEND,
        "1",
    )
    ledger.acknowledge(amend.mutation_id, amend.record(), "1")
    assert store.get_note(note.id).status is NoteStatus.AMENDED  # no longer an overlay
    assert store.get_note(amendment.id) == amendment
    assert ledger.unsent_records() == set()


_KILLED_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from outpost.core.settings import Profile
    from outpost.store.database import open_store
    from outpost.store.keychain import SystemKeychain
    from outpost.store.sync_ledger import SyncLedger

    store = open_store(Profile.at(Path(sys.argv[1])), SystemKeychain())
    print(len(SyncLedger(store).claim_batch(100)), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
    """
)


def test_rows_left_in_flight_by_a_killed_process_are_recovered(profile: Profile) -> None:
    store = open_store(profile, SystemKeychain(), clock=StepClock())
    try:
        store.upsert_server_patients([(PATIENT, "1")])
        store.upsert_server_appointments([(APPOINTMENT, "1")])
        notes = [store.create_note(APPOINTMENT.id, f"n{i}") for i in range(3)]
    finally:
        store.close()
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_CHILD, str(profile.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == -9, child.stderr
    assert child.stdout.strip() == "3"

    store = open_store(profile, SystemKeychain())
    try:
        ledger = SyncLedger(store)
        assert ledger.counts()["inflight"] == 3
        assert ledger.claim_batch(10) == []
        assert ledger.recover_inflight() == 3
        again = ledger.claim_batch(10)
        assert [i.entity_id for i in again] == [n.id for n in notes]
        assert [i.attempts for i in again] == [2, 2, 2]
    finally:
        store.close()


def test_release_keeps_attempts_and_the_error(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    store.create_note(APPOINTMENT.id, "x")
    [item] = ledger.claim_batch(10)
    ledger.release([item.mutation_id], "timeout after 30 s")
    assert rows(raw, "SELECT state, attempts, last_error FROM outbox") == [
        ("pending", 1, "timeout after 30 s")
    ]
    assert ledger.claim_batch(10)[0].attempts == 2


def test_reject_keeps_the_row_and_the_message(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    note = store.create_note(APPOINTMENT.id, "x")
    [item] = ledger.claim_batch(10)
    ledger.reject(item.mutation_id, "DocumentReference.type: unknown code")
    assert rows(raw, "SELECT state, last_error FROM outbox") == [
        ("rejected", "DocumentReference.type: unknown code")
    ]
    assert rows(raw, "SELECT kind, entity_id FROM audit") == [("outbox.rejected", note.id)]
    assert store.get_note(note.id).text == "x"
    with pytest.raises(NotFoundError):
        ledger.reject(item.mutation_id.replace("-", "0"), "x")  # type: ignore[arg-type]


# -- acknowledgements ------------------------------------------------------------------------


def test_acknowledge_rebases_dependants_and_clears_the_overlay_last(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    note = store.create_note(APPOINTMENT.id, "v1 text")
    [create] = ledger.claim_batch(10)
    store.save_draft(note.id, "v2 text")
    _ack(ledger, create, "1")

    assert rows(
        raw,
        "SELECT version_id, json_extract(data, '$.text') FROM replica WHERE entity_id = ?",
        note.id,
    ) == [("1", "v1 text")]
    assert rows(raw, "SELECT base_version FROM overlay WHERE entity_id = ?", note.id) == [("1",)]
    assert store.get_note(note.id).text == "v2 text"  # still the clinician's view

    [update] = ledger.claim_batch(10)
    assert update.base_version == "1"
    _ack(ledger, update, "2")
    assert rows(raw, "SELECT count(*) FROM overlay") == [(0,)]
    assert store.get_note(note.id).text == "v2 text"  # now from the replica
    assert rows(raw, "SELECT state FROM outbox") == [("done",)]  # older done rows pruned
    assert store.list_notes()[0].unsent_actions == 0
    _ack(ledger, update, "2")  # a repeated acknowledgement changes nothing


def test_acknowledge_refuses_another_record(store: Store, ledger: SyncLedger) -> None:
    store.create_note(APPOINTMENT.id, "x")
    [item] = ledger.claim_batch(10)
    with pytest.raises(ValueError, match="Appointment record given"):
        ledger.acknowledge(item.mutation_id, APPOINTMENT, "1")


def test_appointment_status_acknowledged(store: Store, ledger: SyncLedger) -> None:
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.CHECKED_IN)
    [item] = ledger.claim_batch(10)
    assert (item.action, item.base_version) == (Action.APPOINTMENT_STATUS, "a-v1")
    ledger.acknowledge(item.mutation_id, item.record(), "a-v2")
    assert store.get_appointment(APPOINTMENT.id).status is AppointmentStatus.CHECKED_IN
    assert ledger.unsent_records() == set()


# -- pulls -----------------------------------------------------------------------------------


def test_pull_never_overwrites_the_clinicians_view(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    note = _synced_draft(store, ledger, "server text")
    store.save_draft(note.id, "my unsent edit")
    theirs = _server_note(store, note.id, "edited elsewhere")
    assert ledger.apply_pulled(EntityType.NOTE, [(theirs, "5")], "c-1") == 1
    assert store.get_note(note.id).text == "my unsent edit"
    assert rows(raw, "SELECT version_id FROM replica WHERE entity_id = ?", note.id) == [("5",)]
    assert ledger.cursor(EntityType.NOTE) == "c-1"
    assert ledger.cursor(EntityType.PATIENT) is None

    older = _server_note(store, note.id, "older")
    assert ledger.apply_pulled(EntityType.NOTE, [(theirs, "5"), (older, "4")], "c-2") == 0
    assert rows(
        raw, "SELECT json_extract(data, '$.text') FROM replica WHERE entity_id = ?", note.id
    ) == [("edited elsewhere",)]
    assert ledger.cursor(EntityType.NOTE) == "c-2"


def test_pull_updates_records_without_unsent_actions(store: Store, ledger: SyncLedger) -> None:
    moved = dataclasses.replace(APPOINTMENT, start=APPOINTMENT.start + timedelta(hours=2))
    assert ledger.apply_pulled(EntityType.APPOINTMENT, [(moved, "a-v2")], None) == 1
    assert store.get_appointment(APPOINTMENT.id) == moved
    with pytest.raises(ValueError, match="Patient record given"):
        ledger.apply_pulled(EntityType.APPOINTMENT, [(PATIENT, "1")], None)


def test_a_page_and_its_cursor_land_together_or_not_at_all(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    def patient(n: str) -> Patient:
        return dataclasses.replace(PATIENT, id=PatientId(n))

    ledger.apply_pulled(EntityType.PATIENT, [(patient("p-0"), "1")], "c-1")
    raw.execute(
        "CREATE TRIGGER injected BEFORE INSERT ON replica WHEN NEW.entity_id = 'p-bad'"
        " BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
    )
    before = rows(raw, "SELECT * FROM replica ORDER BY entity_id")
    page = [(patient("p-1"), "1"), (patient("p-bad"), "1"), (patient("p-2"), "1")]
    with pytest.raises(dbapi2.IntegrityError, match="injected failure"):
        ledger.apply_pulled(EntityType.PATIENT, page, "c-2")
    assert rows(raw, "SELECT * FROM replica ORDER BY entity_id") == before
    assert ledger.cursor(EntityType.PATIENT) == "c-1"


def test_last_sync_time_reaches_the_status(store: Store, ledger: SyncLedger) -> None:
    ledger.set_last_sync(T0)
    assert store.outbox_status().last_sync_at == T0


# -- conflicts -------------------------------------------------------------------------------


def test_a_conflict_keeps_both_versions(store: Store, ledger: SyncLedger, raw: Connection) -> None:
    note, conflict_id = _conflict_on_edit(
        store, ledger, server_text="theirs", server_status=NoteStatus.DRAFT
    )
    store.save_draft(note.id, "mine, edited after the conflict")
    assert store.get_note(note.id).text == "mine, edited after the conflict"
    [conflict] = ledger.list_conflicts()
    assert conflict.id == conflict_id
    assert (conflict.entity_type, conflict.entity_id) == (EntityType.NOTE, note.id)
    assert isinstance(conflict.local, VisitNote)
    assert isinstance(conflict.server, VisitNote)
    assert (conflict.local.text, conflict.server.text) == ("mine", "theirs")
    assert conflict.reason == "Edited elsewhere."
    assert conflict.resolved_at is None
    assert rows(raw, "SELECT version_id FROM replica WHERE entity_id = ?", note.id) == [("2",)]
    assert ledger.claim_batch(10) == []  # the edit after the conflict waits too
    assert store.outbox_status().conflicts == 1


def test_keep_both_makes_the_clinicians_text_a_new_draft(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    note, conflict_id = _conflict_on_edit(
        store, ledger, server_text="theirs", server_status=NoteStatus.DRAFT
    )
    store.save_draft(note.id, "mine\n  exactly, with spaces  ")
    result = ledger.resolve_conflict(conflict_id, Resolution.KEEP_BOTH)

    assert result.new_note_id is not None
    copy = store.get_note(result.new_note_id)
    assert copy.text == "mine\n  exactly, with spaces  "
    assert (copy.status, copy.appointment_id) == (NoteStatus.DRAFT, note.appointment_id)
    assert store.get_note(note.id).text == "theirs"
    [create] = ledger.claim_batch(10)
    assert (create.entity_id, create.action, create.mutation_id) == (
        copy.id,
        Action.NOTE_CREATE,
        result.queued,
    )
    assert store.outbox_status().conflicts == 0
    assert ledger.list_conflicts() == []
    [resolved] = ledger.list_conflicts(include_resolved=True)
    assert resolved.resolution is Resolution.KEEP_BOTH
    assert isinstance(resolved.local, VisitNote)
    assert resolved.local.text == "mine\n  exactly, with spaces  "
    [(kind, detail)] = rows(raw, "SELECT kind, detail FROM audit WHERE kind LIKE 'conflict.res%'")
    assert kind == "conflict.resolved"
    assert "keep-both" in str(detail)
    assert copy.id in str(detail)
    assert "mine" not in str(detail)
    assert rows(raw, "SELECT entity_id, detail FROM audit WHERE kind = 'note.from_conflict'") == [
        (copy.id, f"from conflict {conflict_id} on note {note.id}")
    ]


def test_keep_server_shows_theirs_and_keeps_mine_in_the_record(
    store: Store, ledger: SyncLedger
) -> None:
    note, conflict_id = _conflict_on_edit(
        store, ledger, server_text="theirs", server_status=NoteStatus.DRAFT
    )
    store.save_draft(note.id, "mine, later")
    result = ledger.resolve_conflict(conflict_id, Resolution.KEEP_SERVER)
    assert (result.queued, result.new_note_id) == (None, None)
    assert store.get_note(note.id).text == "theirs"
    assert ledger.unsent_records() == set()
    assert ledger.claim_batch(10) == []
    [resolved] = ledger.list_conflicts(include_resolved=True)
    assert isinstance(resolved.local, VisitNote)
    assert resolved.local.text == "mine, later"
    assert resolved.resolution is Resolution.KEEP_SERVER


def test_keep_mine_requeues_a_draft_on_the_servers_version(
    store: Store, ledger: SyncLedger
) -> None:
    note, conflict_id = _conflict_on_edit(
        store, ledger, server_text="theirs", server_status=NoteStatus.DRAFT
    )
    result = ledger.resolve_conflict(conflict_id, Resolution.KEEP_MINE)
    assert store.get_note(note.id).text == "mine"
    [update] = ledger.claim_batch(10)
    assert (update.mutation_id, update.action, update.base_version) == (
        result.queued,
        Action.NOTE_UPDATE,
        "2",
    )
    assert _text(update) == "mine"


def test_keep_mine_is_refused_for_a_signed_note_and_changes_nothing(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    _, conflict_id = _conflict_on_edit(
        store, ledger, server_text="signed there", server_status=NoteStatus.SIGNED
    )
    before = snapshot(raw)
    with pytest.raises(InvalidStateError, match="signed note cannot be overwritten"):
        ledger.resolve_conflict(conflict_id, Resolution.KEEP_MINE)
    assert snapshot(raw) == before
    assert len(ledger.list_conflicts()) == 1
    assert rows(raw, "SELECT count(*) FROM audit WHERE kind = 'conflict.resolved'") == [(0,)]


def test_resolving_twice_or_an_unknown_conflict_is_refused(
    store: Store, ledger: SyncLedger
) -> None:
    _, conflict_id = _conflict_on_edit(
        store, ledger, server_text="theirs", server_status=NoteStatus.DRAFT
    )
    ledger.resolve_conflict(conflict_id, Resolution.KEEP_SERVER)
    with pytest.raises(InvalidStateError, match="already resolved"):
        ledger.resolve_conflict(conflict_id, Resolution.KEEP_MINE)
    for unknown in ("999", "abc"):
        with pytest.raises(NotFoundError):
            ledger.resolve_conflict(unknown, Resolution.KEEP_SERVER)


def _appointment_conflict(
    store: Store, ledger: SyncLedger, server_status: AppointmentStatus
) -> str:
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.CHECKED_IN)
    [item] = ledger.claim_batch(10)
    theirs = dataclasses.replace(
        APPOINTMENT, start=APPOINTMENT.start + timedelta(hours=3), status=server_status
    )
    return ledger.record_conflict(
        item.mutation_id, server_record=theirs, server_version="a-v2", reason="Changed there."
    )


def test_keep_mine_reapplies_a_legal_status_on_the_rescheduled_appointment(
    store: Store, ledger: SyncLedger
) -> None:
    conflict_id = _appointment_conflict(store, ledger, AppointmentStatus.BOOKED)
    with pytest.raises(InvalidStateError, match="one status"):
        ledger.resolve_conflict(conflict_id, Resolution.KEEP_BOTH)
    ledger.resolve_conflict(conflict_id, Resolution.KEEP_MINE)
    shown = store.get_appointment(APPOINTMENT.id)
    assert shown.status is AppointmentStatus.CHECKED_IN
    assert shown.start == APPOINTMENT.start + timedelta(hours=3)
    [item] = ledger.claim_batch(10)
    assert (item.action, item.base_version) == (Action.APPOINTMENT_STATUS, "a-v2")
    assert item.record() == shown


def test_keep_mine_is_refused_for_an_illegal_status(store: Store, ledger: SyncLedger) -> None:
    conflict_id = _appointment_conflict(store, ledger, AppointmentStatus.CANCELLED)
    with pytest.raises(InvalidStateError, match="now cancelled; it cannot become checked-in"):
        ledger.resolve_conflict(conflict_id, Resolution.KEEP_MINE)
    ledger.resolve_conflict(conflict_id, Resolution.KEEP_SERVER)
    assert store.get_appointment(APPOINTMENT.id).status is AppointmentStatus.CANCELLED
    assert ledger.unsent_records() == set()


def test_a_batch_of_acknowledgements_lands_whole_or_not_at_all(
    store: Store, ledger: SyncLedger, raw: Connection
) -> None:
    a = store.create_note(APPOINTMENT.id, "a")
    b = store.create_note(APPOINTMENT.id, "b")
    items = ledger.claim_batch(10)
    acks = [(i.mutation_id, i.record(), "1") for i in items]
    unknown = (MutationId("not-queued"), items[0].record(), "1")
    with pytest.raises(NotFoundError):
        ledger.acknowledge_batch([*acks, unknown])
    assert ledger.counts() == {
        "pending": 0,
        "inflight": 2,
        "done": 0,
        "rejected": 0,
        "conflict": 0,
    }
    assert rows(raw, "SELECT count(*) FROM replica WHERE entity_type = 'DocumentReference'") == [
        (0,)
    ]
    ledger.acknowledge_batch(acks)
    assert ledger.counts()["done"] == 2
    assert ledger.unsent_records() == set()
    assert {n.note.id for n in store.list_notes()} == {a.id, b.id}
    assert rows(raw, "SELECT count(*) FROM overlay") == [(0,)]
