"""Domain values survive the trip through the store's JSON, with aware UTC datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    NoteId,
    NoteStatus,
    Patient,
    PatientId,
    VisitNote,
    VisitType,
)
from outpost.store import codec

EST = timezone(timedelta(hours=-5))
WHEN = datetime(2025, 3, 10, 9, 30, tzinfo=EST)


def test_patient_round_trip() -> None:
    patient = Patient(PatientId("p"), "Zoë", "Ngũgĩ", date(1950, 12, 31), "unknown")
    text = codec.dumps(codec.patient_to_json(patient))
    assert codec.patient_from_json(codec.loads(text)) == patient


@pytest.mark.parametrize("link", [None, "https://clinic.example/v/1"])
def test_appointment_round_trip(link: str | None) -> None:
    appointment = Appointment(
        AppointmentId("a"),
        PatientId("p"),
        WHEN,
        WHEN + timedelta(minutes=15),
        AppointmentStatus.CHECKED_IN,
        "Review",
        VisitType.IN_PERSON,
        link,
    )
    back = codec.appointment_from_json(
        codec.loads(codec.dumps(codec.appointment_to_json(appointment)))
    )
    assert back == appointment
    assert back.start.tzinfo is UTC


def test_amendment_note_round_trip() -> None:
    note = VisitNote(
        NoteId("n2"),
        AppointmentId("a"),
        PatientId("p"),
        'text \u2028 with "quotes"',
        NoteStatus.SIGNED,
        WHEN,
        WHEN,
        signed_at=WHEN,
        replaces=NoteId("n1"),
        amendment_reason="typo",
    )
    assert codec.note_from_json(codec.loads(codec.dumps(codec.note_to_json(note)))) == note


def test_draft_note_round_trip_keeps_the_optional_fields_empty() -> None:
    note = VisitNote(
        NoteId("n"), AppointmentId("a"), PatientId("p"), "", NoteStatus.DRAFT, WHEN, WHEN
    )
    back = codec.note_from_json(codec.loads(codec.dumps(codec.note_to_json(note))))
    assert back == note
    assert back.signed_at is None
    assert back.replaces is None


def test_times_are_fixed_width_utc_so_text_order_is_time_order() -> None:
    times = [
        datetime(2025, 1, 1, 0, 0, tzinfo=UTC),
        datetime(2025, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
        datetime(2024, 12, 31, 20, 0, 0, 500_000, tzinfo=EST),  # 01:00:00.5 UTC
        datetime(2025, 1, 1, 1, 0, 1, tzinfo=UTC),
    ]
    texts = [codec.time_to_text(t) for t in times]
    assert len({len(t) for t in texts}) == 1
    assert sorted(texts) == texts
    assert texts[2] == "2025-01-01T01:00:00.500000+00:00"
    assert [codec.time_from_text(t) for t in texts] == times


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        codec.time_to_text(datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="without a timezone"):
        codec.time_from_text("2025-01-01T00:00:00")


def test_dumps_is_canonical() -> None:
    assert codec.dumps({"b": 1, "a": "é"}) == '{"a":"é","b":1}'
    with pytest.raises(ValueError, match="not a JSON object"):
        codec.loads("[1]")
