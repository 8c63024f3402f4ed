"""Domain rules: signed notes are immutable; appointment statuses follow FHIR's machine."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    NoteStatus,
    PatientId,
    VisitNote,
    VisitType,
    new_note_id,
)
from outpost.core.errors import InvalidStateError

NOW = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def _draft(text: str = "S: cough") -> VisitNote:
    return VisitNote(
        id=new_note_id(),
        appointment_id=AppointmentId("a1"),
        patient_id=PatientId("p1"),
        text=text,
        status=NoteStatus.DRAFT,
        created_at=NOW,
        updated_at=NOW,
    )


def test_draft_can_be_edited_then_signed_then_not_edited() -> None:
    later = NOW + timedelta(minutes=5)
    note = _draft().edited("S: cough for 3 days", later)
    assert note.text == "S: cough for 3 days"
    signed = note.signed(later)
    assert signed.status is NoteStatus.SIGNED
    assert signed.signed_at == later
    with pytest.raises(InvalidStateError, match="cannot be edited"):
        signed.edited("changed", later)
    with pytest.raises(InvalidStateError, match="already signed"):
        signed.signed(later)


def test_empty_draft_cannot_be_signed() -> None:
    with pytest.raises(InvalidStateError, match="empty"):
        _draft("   ").signed(NOW)


def test_amendment_replaces_a_signed_note_and_keeps_its_text() -> None:
    original = _draft().signed(NOW)
    amendment = original.amendment("S: cough, no fever", "Fever status added", NOW)
    assert amendment.replaces == original.id
    assert amendment.status is NoteStatus.SIGNED
    assert amendment.amendment_reason == "Fever status added"
    superseded = original.superseded(NOW)
    assert superseded.status is NoteStatus.AMENDED
    assert superseded.text == original.text
    with pytest.raises(InvalidStateError, match="needs a reason"):
        original.amendment("text", " ", NOW)
    with pytest.raises(InvalidStateError, match="Only a signed note"):
        _draft().amendment("text", "reason", NOW)


def _appointment(status: AppointmentStatus) -> Appointment:
    return Appointment(
        id=AppointmentId("a1"),
        patient_id=PatientId("p1"),
        start=datetime.combine(date(2026, 12, 1), datetime.min.time(), UTC),
        end=datetime.combine(date(2026, 12, 1), datetime.min.time(), UTC),
        status=status,
        reason="Follow-up",
        visit_type=VisitType.VIRTUAL,
    )


def test_booked_appointment_can_be_checked_in_and_fulfilled() -> None:
    checked_in = _appointment(AppointmentStatus.BOOKED).with_status(AppointmentStatus.CHECKED_IN)
    assert checked_in.with_status(AppointmentStatus.FULFILLED).status is AppointmentStatus.FULFILLED


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (AppointmentStatus.CANCELLED, AppointmentStatus.CHECKED_IN),
        (AppointmentStatus.FULFILLED, AppointmentStatus.BOOKED),
        (AppointmentStatus.NOSHOW, AppointmentStatus.ARRIVED),
        (AppointmentStatus.ENTERED_IN_ERROR, AppointmentStatus.BOOKED),
    ],
)
def test_illegal_status_change_says_why(
    start: AppointmentStatus, target: AppointmentStatus
) -> None:
    with pytest.raises(InvalidStateError, match=f"{start.value} cannot become {target.value}"):
        _appointment(start).with_status(target)
