"""Server records, the schedule and appointment statuses: the replica never overwrites
what the clinician sees, and the schedule is an indexed range query."""

from __future__ import annotations

import dataclasses
from datetime import timedelta, timezone

import pytest

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    Patient,
    PatientId,
)
from outpost.core.errors import InvalidStateError, NotFoundError
from outpost.store.connection import Connection
from outpost.store.store import Store
from tests.integration.store_helpers import (
    APPOINTMENT,
    PATIENT,
    T0,
    rows,
    snapshot,
)


def _appointment(number: int, hours: float, patient: PatientId = PATIENT.id) -> Appointment:
    return dataclasses.replace(
        APPOINTMENT,
        id=AppointmentId(f"appt-{number}"),
        patient_id=patient,
        start=T0 + timedelta(hours=hours),
        end=T0 + timedelta(hours=hours, minutes=30),
    )


def test_upsert_counts_only_changed_records(store: Store) -> None:
    renamed = dataclasses.replace(PATIENT, family_name="Quimby-Hart")
    other = dataclasses.replace(PATIENT, id=PatientId("pat-2"))
    assert store.upsert_server_patients([(PATIENT, "p-v1")]) == 0  # already there
    assert store.upsert_server_patients([(renamed, "p-v2"), (other, "o-v1")]) == 2
    assert store.get_patient(PATIENT.id) == renamed
    with pytest.raises(NotFoundError, match="No patient pat-404 in the local store"):
        store.get_patient("pat-404")


def test_server_updates_never_touch_an_overlay(store: Store, raw: Connection) -> None:
    arrived = store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.ARRIVED)
    overlay_before = snapshot(raw)["overlay"]
    from_server = dataclasses.replace(APPOINTMENT, reason="Changed on the server")
    assert store.upsert_server_appointments([(from_server, "a-v2")]) == 1
    assert snapshot(raw)["overlay"] == overlay_before
    assert store.get_appointment(APPOINTMENT.id) == arrived  # the clinician's version
    assert rows(raw, "SELECT version_id FROM replica WHERE entity_id = ?", APPOINTMENT.id) == [
        ("a-v2",)
    ]


def test_server_notes_do_not_replace_local_edits(store: Store) -> None:
    note = store.create_note(APPOINTMENT.id, "local")
    server_copy = dataclasses.replace(note, text="server")
    assert store.upsert_server_notes([(server_copy, "n-v1")]) == 1
    assert store.get_note(note.id).text == "local"


def test_status_actions_record_the_version_the_clinician_saw(store: Store, raw: Connection) -> None:
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.ARRIVED)
    store.upsert_server_appointments([(dataclasses.replace(APPOINTMENT, reason="x"), "a-v2")])
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.FULFILLED)
    (first, second) = rows(
        raw,
        "SELECT action, base_version, mutation_id, depends_on FROM outbox ORDER BY seq",
    )
    assert first[:2] == ("appointment.status", "a-v1")
    assert first[3] is None
    # Still based on a-v1: that is what the overlay shows, whatever the server has since.
    assert second[:2] == ("appointment.status", "a-v1")
    assert second[3] == first[2]


def test_appointment_status_follows_the_state_machine(store: Store, raw: Connection) -> None:
    assert store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.CHECKED_IN).status is (
        AppointmentStatus.CHECKED_IN
    )
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.FULFILLED)
    before = snapshot(raw)
    with pytest.raises(InvalidStateError):
        store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.BOOKED)
    assert snapshot(raw) == before
    assert store.get_appointment(APPOINTMENT.id).status is AppointmentStatus.FULFILLED
    with pytest.raises(NotFoundError):
        store.set_appointment_status(AppointmentId("appt-404"), AppointmentStatus.ARRIVED)


def test_schedule_is_the_range_by_start_time(store: Store) -> None:
    later, earlier, next_day = _appointment(2, 5), _appointment(3, 3), _appointment(4, 25)
    store.upsert_server_appointments([(later, "1"), (earlier, "1"), (next_day, "1")])
    day_start = T0 - timedelta(hours=8)
    items = store.schedule(day_start, day_start + timedelta(days=1))
    assert [item.appointment.id for item in items] == [APPOINTMENT.id, earlier.id, later.id]
    assert all(item.patient == PATIENT for item in items)
    assert all(item.appointment.start.tzinfo is not None for item in items)
    # [start, end): an appointment starting exactly at `end` belongs to the next range.
    assert store.schedule(T0, APPOINTMENT.start) == []


def test_schedule_accepts_any_timezone(store: Store) -> None:
    tz = timezone(timedelta(hours=-5))
    start = APPOINTMENT.start.astimezone(tz)
    (item,) = store.schedule(start, start + timedelta(minutes=1))
    assert item.appointment.id == APPOINTMENT.id


def test_schedule_shows_local_changes(store: Store) -> None:
    store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.ARRIVED)
    (item,) = store.schedule(T0, T0 + timedelta(days=1))
    assert item.appointment.status is AppointmentStatus.ARRIVED


def test_schedule_leaves_out_appointments_whose_patient_is_not_pulled_yet(
    store: Store,
) -> None:
    orphan = _appointment(5, 2, patient=PatientId("pat-later"))
    store.upsert_server_appointments([(orphan, "1")])
    items = store.schedule(T0, T0 + timedelta(days=1))
    assert [item.appointment.id for item in items] == [APPOINTMENT.id]
    store.upsert_server_patients(
        [(Patient(PatientId("pat-later"), "A", "B", T0.date(), "other"), "1")]
    )
    assert len(store.schedule(T0, T0 + timedelta(days=1))) == 2


def test_schedule_query_uses_the_start_indexes(raw: Connection) -> None:
    plan = " ".join(
        str(row[-1])
        for row in raw.execute(
            "EXPLAIN QUERY PLAN SELECT data FROM visible"
            " WHERE entity_type = ? AND start_at >= ? AND start_at < ? ORDER BY start_at",
            ("Appointment", "a", "b"),
        )
    )
    assert "USING INDEX replica_start" in plan
    assert "USING INDEX overlay_start" in plan
