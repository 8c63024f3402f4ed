"""Visit notes in the store: each action writes overlay + outbox together, drafts coalesce,
signed notes are immutable and amendments replace them."""

from __future__ import annotations

import json
import logging
from datetime import datetime

import pytest
from sqlcipher3 import dbapi2

from outpost.core.domain import (
    AppointmentId,
    AppointmentStatus,
    EntityType,
    MutationId,
    NoteId,
    NoteStatus,
)
from outpost.core.errors import InvalidStateError, NotFoundError
from outpost.core.settings import Profile
from outpost.store.codec import JsonObject
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.outbox import Action
from outpost.store.store import Store
from tests.integration.store_helpers import (
    APPOINTMENT,
    PATIENT,
    StepClock,
    raw_connection,
    rows,
    seed,
    snapshot,
)


def _outbox(raw: Connection, note_id: str) -> list[tuple[object, ...]]:
    return rows(
        raw,
        "SELECT action, state, mutation_id, depends_on, base_version, payload FROM outbox"
        " WHERE entity_id = ? ORDER BY seq",
        note_id,
    )


def test_create_note_writes_overlay_and_one_outbox_row(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "Chest clear.")
    assert note.status is NoteStatus.DRAFT
    assert note.patient_id == PATIENT.id
    assert note.created_at.tzinfo is not None
    assert store.get_note(note.id) == note
    ((action, state, _, depends_on, base, payload),) = _outbox(raw, note.id)
    assert (action, state, depends_on, base) == ("note.create", "pending", None, None)
    assert json.loads(str(payload))["text"] == "Chest clear."
    assert rows(raw, "SELECT count(*) FROM overlay WHERE entity_id = ?", note.id) == [(1,)]


def test_create_note_needs_an_appointment_in_the_store(store: Store, raw: Connection) -> None:
    before = snapshot(raw)
    with pytest.raises(NotFoundError, match=r"No appointment appt-404 in the local store\."):
        store.create_note("appt-404", "text")
    assert snapshot(raw) == before


def test_create_signed_note_in_one_action(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "Signed at once.", sign=True)
    assert note.status is NoteStatus.SIGNED
    assert note.signed_at is not None
    ((action, _, _, _, _, payload),) = _outbox(raw, note.id)
    assert action == "note.create"
    assert json.loads(str(payload))["status"] == "signed"


def test_an_empty_note_cannot_be_created_signed(store: Store, raw: Connection) -> None:
    before = snapshot(raw)
    with pytest.raises(InvalidStateError):
        store.create_note(APPOINTMENT.id, "   ", sign=True)
    assert snapshot(raw) == before


def test_autosave_coalesces_into_the_pending_create(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "v0")
    for i in range(1, 60):
        store.save_draft(note.id, f"v{i}")
    ((action, state, _, _, _, payload),) = _outbox(raw, note.id)
    assert (action, state) == ("note.create", "pending")
    assert json.loads(str(payload))["text"] == "v59"
    assert store.get_note(note.id).text == "v59"


def test_autosave_appends_once_the_row_is_in_flight(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "v0")
    raw.execute("UPDATE outbox SET state = 'inflight' WHERE entity_id = ?", (note.id,))
    store.save_draft(note.id, "v1")
    store.save_draft(note.id, "v2")  # coalesces into the new pending update
    create, update = _outbox(raw, note.id)
    assert create[0] == "note.create"
    assert update[:2] == ("note.update", "pending")
    assert update[3] == create[2]  # depends_on the in-flight create
    assert json.loads(str(update[5]))["text"] == "v2"


def test_saving_unchanged_text_writes_nothing(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "same")
    before = snapshot(raw)
    assert store.save_draft(note.id, "same") == note
    assert snapshot(raw) == before


def test_actions_chain_through_depends_on(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "draft")
    raw.execute("UPDATE outbox SET state = 'inflight' WHERE entity_id = ?", (note.id,))
    store.save_draft(note.id, "final text")
    store.sign_note(note.id)
    create, update, sign = _outbox(raw, note.id)
    assert [create[0], update[0], sign[0]] == ["note.create", "note.update", "note.sign"]
    assert create[3] is None
    assert update[3] == create[2]
    assert sign[3] == update[2]
    assert len({create[2], update[2], sign[2]}) == 3


def test_a_signed_note_is_immutable(store: Store, raw: Connection) -> None:
    note = store.create_note(APPOINTMENT.id, "Final.")
    signed = store.sign_note(note.id)
    assert signed.status is NoteStatus.SIGNED
    before = snapshot(raw)
    with pytest.raises(InvalidStateError):
        store.save_draft(note.id, "Changed.")
    with pytest.raises(InvalidStateError):
        store.sign_note(note.id)
    assert snapshot(raw) == before
    assert store.get_note(note.id).text == "Final."


def test_amendment_replaces_a_signed_note(store: Store, raw: Connection) -> None:
    original = store.create_note(APPOINTMENT.id, "BP 120/80.", sign=True)
    amendment = store.amend_note(original.id, "BP 130/80.", "Transcription error")
    assert amendment.id != original.id
    assert amendment.status is NoteStatus.SIGNED
    assert amendment.replaces == original.id
    assert amendment.amendment_reason == "Transcription error"
    kept = store.get_note(original.id)
    assert kept.status is NoteStatus.AMENDED
    assert kept.text == "BP 120/80."
    entries = store.list_notes(AppointmentId(APPOINTMENT.id))
    assert [e.note.id for e in entries] == [amendment.id, original.id]  # newest first
    ((action, _, _, depends_on, _, payload),) = _outbox(raw, amendment.id)
    assert action == "note.amend"
    assert depends_on == _outbox(raw, original.id)[-1][2]
    assert json.loads(str(payload))["replaces"] == original.id


def test_only_a_signed_note_can_be_amended(store: Store, raw: Connection) -> None:
    draft = store.create_note(APPOINTMENT.id, "draft")
    before = snapshot(raw)
    with pytest.raises(InvalidStateError):
        store.amend_note(draft.id, "other", "reason")
    assert snapshot(raw) == before


def test_unknown_note_is_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="No note nope"):
        store.save_draft(NoteId("nope"), "x")


def test_list_notes_counts_unsent_actions(store: Store, raw: Connection) -> None:
    first = store.create_note(APPOINTMENT.id, "one")
    raw.execute("UPDATE outbox SET state = 'done' WHERE entity_id = ?", (first.id,))
    second = store.create_note(APPOINTMENT.id, "two")
    store.sign_note(second.id)
    entries = store.list_notes()
    assert [(e.note.id, e.unsent_actions) for e in entries] == [(second.id, 2), (first.id, 0)]
    assert store.list_notes(AppointmentId("appt-other")) == []


class _CrashBeforeQueue(Store):
    """Fails between the overlay write and the outbox write, as a crash there would."""

    def _queue(
        self,
        entity_type: EntityType,
        entity_id: str,
        action: Action,
        payload: JsonObject,
        base_version: str | None,
        now: datetime,
        *,
        depends_on: MutationId | None = None,
    ) -> MutationId:
        raise RuntimeError("simulated failure after the overlay write")


@pytest.fixture
def two_notes(profile: Profile) -> tuple[NoteId, NoteId]:
    """A draft and a signed note in a closed store."""
    seeded = open_store(profile, SystemKeychain(), clock=StepClock())
    seed(seeded)
    draft = seeded.create_note(APPOINTMENT.id, "draft")
    signed = seeded.create_note(APPOINTMENT.id, "signed", sign=True)
    seeded.close()
    return draft.id, signed.id


def _act(store: Store, action: str, draft: NoteId, signed: NoteId) -> object:
    if action == "create":
        return store.create_note(APPOINTMENT.id, "lost")
    if action == "save":
        return store.save_draft(draft, "lost")
    if action == "sign":
        return store.sign_note(draft)
    if action == "amend":
        return store.amend_note(signed, "lost", "reason")
    return store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.ARRIVED)


ACTIONS = ["create", "save", "sign", "amend", "status"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_failure_after_the_overlay_write_leaves_nothing(
    profile: Profile, two_notes: tuple[NoteId, NoteId], action: str
) -> None:
    conn = raw_connection(profile)
    if action == "save":
        # In flight, so the save appends; the refused-write test below covers the
        # in-place rewrite of a pending row.
        conn.execute("UPDATE outbox SET state = 'inflight' WHERE entity_id = ?", two_notes[:1])
    crashing = _CrashBeforeQueue(conn, StepClock())
    before = snapshot(conn)
    try:
        with pytest.raises(RuntimeError, match="simulated"):
            _act(crashing, action, *two_notes)
        assert snapshot(conn) == before
        assert not conn.in_transaction
    finally:
        crashing.close()


@pytest.mark.parametrize("action", ACTIONS)
def test_a_refused_outbox_insert_rolls_back_the_overlay(
    profile: Profile, two_notes: tuple[NoteId, NoteId], action: str
) -> None:
    conn = raw_connection(profile)
    # A real constraint failure inside SQLite, raised by the outbox INSERT itself.
    conn.execute(
        "CREATE TEMP TRIGGER refuse_outbox BEFORE INSERT ON main.outbox"
        " BEGIN SELECT RAISE(ABORT, 'outbox refused'); END"
    )
    conn.execute(
        "CREATE TEMP TRIGGER refuse_rewrite BEFORE UPDATE OF payload ON main.outbox"
        " BEGIN SELECT RAISE(ABORT, 'outbox refused'); END"
    )
    store = Store(conn, StepClock())
    before = snapshot(conn)
    try:
        with pytest.raises(dbapi2.IntegrityError, match="outbox refused"):
            _act(store, action, *two_notes)
        assert snapshot(conn) == before
    finally:
        store.close()


def test_logs_carry_no_note_text_or_names(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="outpost")
    note = store.create_note(APPOINTMENT.id, "SECRET-TEXT-1")
    store.save_draft(note.id, "SECRET-TEXT-2")
    store.sign_note(note.id)
    store.amend_note(note.id, "SECRET-TEXT-3", "SECRET-REASON")
    store.list_notes()
    assert caplog.records  # the actions are logged...
    for secret in ("SECRET", PATIENT.given_name, PATIENT.family_name):
        assert secret not in caplog.text  # ...by id only
