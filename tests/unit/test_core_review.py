"""Pure rules behind the app's screens: a note's versions, which conflict choices the store
will take (and the safe default), and who counts as the same clinician for an unlock."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from outpost.core.conflicts import (
    Conflict,
    ConflictId,
    Resolution,
    allowed_resolutions,
    safe_default,
)
from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    EntityType,
    NoteId,
    NoteStatus,
    PatientId,
    VisitNote,
    VisitType,
)
from outpost.core.review import note_chain
from outpost.core.session import Identity

T0 = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
DRAFT = VisitNote(
    NoteId("n-1"), AppointmentId("a-1"), PatientId("p-1"), "text", NoteStatus.DRAFT, T0, T0
)
SIGNED = DRAFT.signed(T0)
VISIT = Appointment(
    AppointmentId("a-1"),
    PatientId("p-1"),
    T0,
    T0 + timedelta(minutes=30),
    AppointmentStatus.BOOKED,
    "Review",
    VisitType.VIRTUAL,
)


def conflict(local: VisitNote | Appointment, server: VisitNote | Appointment | None) -> Conflict:
    kind = EntityType.NOTE if isinstance(local, VisitNote) else EntityType.APPOINTMENT
    return Conflict(ConflictId("1"), kind, local.id, None, local, server, "why", T0)


def test_a_notes_chain_runs_from_the_original_through_its_amendments() -> None:
    first = SIGNED.amendment("second", "typo", T0 + timedelta(hours=1))
    second = first.amendment("third", "dose", T0 + timedelta(hours=2))
    original = SIGNED.superseded(T0 + timedelta(hours=1))
    other = dataclasses.replace(DRAFT, id=NoteId("n-2"))
    notes = [second, other, original, dataclasses.replace(first, status=NoteStatus.AMENDED)]
    for start in (original.id, first.id, second.id):
        assert [n.id for n in note_chain(notes, start)] == [original.id, first.id, second.id]
    assert note_chain(notes, other.id) == [other]
    assert note_chain(notes, NoteId("unknown")) == []


def test_note_conflicts_offer_keep_both_first_and_keep_mine_only_between_drafts() -> None:
    both_drafts = conflict(DRAFT, dataclasses.replace(DRAFT, text="theirs"))
    assert allowed_resolutions(both_drafts) == set(Resolution)
    assert safe_default(both_drafts) is Resolution.KEEP_BOTH
    signed_there = conflict(DRAFT, SIGNED)
    assert allowed_resolutions(signed_there) == {Resolution.KEEP_BOTH, Resolution.KEEP_SERVER}
    unreadable = conflict(DRAFT, None)
    assert allowed_resolutions(unreadable) == {Resolution.KEEP_BOTH}


def test_appointment_conflicts_keep_mine_only_where_the_status_may_still_change() -> None:
    cancelled = dataclasses.replace(VISIT, status=AppointmentStatus.CANCELLED)
    checked_in = dataclasses.replace(VISIT, status=AppointmentStatus.CHECKED_IN)
    stuck = conflict(checked_in, cancelled)
    assert allowed_resolutions(stuck) == {Resolution.KEEP_SERVER}
    assert safe_default(stuck) is Resolution.KEEP_SERVER
    legal = conflict(checked_in, VISIT)
    assert allowed_resolutions(legal) == {Resolution.KEEP_SERVER, Resolution.KEEP_MINE}
    assert allowed_resolutions(conflict(checked_in, None)) == frozenset()
    assert safe_default(conflict(checked_in, None)) is None


def test_the_same_clinician_is_matched_by_practitioner_then_by_user_name() -> None:
    me = Identity("https://clinic.example/fhir", "dr.rivera", "prac-1")
    assert me.same_person(Identity("https://clinic.example/fhir/", "DR.RIVERA", "prac-1"))
    assert not me.same_person(Identity("https://clinic.example/fhir", "dr.rivera", "prac-2"))
    assert not me.same_person(Identity("https://other.example/fhir", "dr.rivera", "prac-1"))
    assert me.same_person(Identity("https://clinic.example/fhir", "dr.rivera", None))
    assert not me.same_person(Identity("https://clinic.example/fhir", "dr.okafor", None))
    assert me.practitioner_reference == "Practitioner/prac-1"
