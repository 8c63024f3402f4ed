"""`outpost demo`: a demo profile with sample patients and appointments.

The sample data is synthetic. Appointments are laid out on today and the next two days
relative to the local clock, with stable ids, so running the demo again on another day
adds that day's schedule and keeps every note written before.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

import platformdirs

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    Patient,
    PatientId,
    VisitType,
)
from outpost.core.ports import ClinicStore
from outpost.core.settings import APP_NAME, Profile, Settings
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain

logger = logging.getLogger(__name__)

_NAMESPACE = uuid.UUID("6f1d7c2e-8a52-4c1e-9a43-0d5d3c7b9e10")
_PEOPLE = [
    ("Ana", "Morales", "1958-03-14", "female"),
    ("Ben", "Okafor", "1971-11-02", "male"),
    ("Chloe", "Nguyen", "1990-06-21", "female"),
    ("Dev", "Raman", "1984-01-30", "male"),
    ("Elena", "Petrova", "1946-09-09", "female"),
    ("Farid", "Haddad", "2001-12-17", "male"),
    ("Grace", "Whitehorse", "1966-04-05", "female"),
    ("Hiro", "Tanaka", "1978-08-28", "male"),
    ("Imani", "Brooks", "1995-02-11", "female"),
    ("Jonas", "Lindqvist", "1939-07-19", "male"),
    ("Kaya", "Running Deer", "2012-05-03", "female"),
    ("Luis", "Fernandez", "1963-10-25", "male"),
]
_REASONS = [
    "Diabetes follow-up",
    "Blood pressure review",
    "Medication refill",
    "Post-operative check",
    "Anxiety follow-up",
    "Rash",
    "COPD review",
    "Lab results",
]
_SLOTS = [(9, 0), (9, 30), (10, 15), (11, 0), (13, 30), (14, 15), (15, 0), (16, 0)]


def demo_patients() -> list[Patient]:
    return [
        Patient(
            id=PatientId(str(uuid.uuid5(_NAMESPACE, f"patient-{index}"))),
            given_name=given,
            family_name=family,
            birth_date=date.fromisoformat(born),
            gender=gender,
        )
        for index, (given, family, born, gender) in enumerate(_PEOPLE)
    ]


def demo_appointments(
    first_day: date, days: int = 3, zone: tzinfo | None = None
) -> list[Appointment]:
    """Eight appointments a day, most of them video visits, in the local time zone."""
    zone = zone or datetime.now().astimezone().tzinfo
    patients = demo_patients()
    appointments = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for slot, (hour, minute) in enumerate(_SLOTS):
            start = datetime.combine(day, time(hour, minute), zone).astimezone(UTC)
            key = f"appointment-{day.isoformat()}-{slot}"
            virtual = slot % 4 != 3
            appointments.append(
                Appointment(
                    id=AppointmentId(str(uuid.uuid5(_NAMESPACE, key))),
                    patient_id=patients[(slot + 3 * offset) % len(patients)].id,
                    start=start,
                    end=start + timedelta(minutes=20),
                    status=AppointmentStatus.BOOKED,
                    reason=_REASONS[(slot + offset) % len(_REASONS)],
                    visit_type=VisitType.VIRTUAL if virtual else VisitType.IN_PERSON,
                )
            )
    return appointments


def seed(store: ClinicStore, today: date) -> tuple[int, int]:
    """Put the demo schedule into the store as server-confirmed records."""
    patients = store.upsert_server_patients([(patient, "1") for patient in demo_patients()])
    appointments = store.upsert_server_appointments(
        [(appointment, "1") for appointment in demo_appointments(today)]
    )
    logger.info("demo seeded: patients=%d appointments=%d", patients, appointments)
    return patients, appointments


def demo_profile(settings: Settings) -> Profile:
    """The demo's own profile, kept apart from the clinician's real one unless --home."""
    if settings.profile != Profile.platform_default():
        return settings.profile
    return Profile.at(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo")


def run_headless(settings: Settings, today: date, out: Callable[[str], None] = print) -> int:
    profile = demo_profile(settings)
    store = open_store(profile, SystemKeychain())
    try:
        patients, appointments = seed(store, today)
        out(f"Demo profile: {profile.data_dir}")
        out(
            f"Demo data: {len(demo_patients())} patients, {len(demo_appointments(today))} "
            f"appointments over 3 days ({patients + appointments} records added or updated)."
        )
        zone = datetime.now().astimezone().tzinfo
        start = datetime.combine(today, time(0), zone)
        items = store.schedule(start, start + timedelta(days=1))
        out(f"Today's schedule ({today.isoformat()}): {len(items)} appointments")
        for item in items:
            when = item.appointment.start.astimezone(zone).strftime("%H:%M")
            kind = "video" if item.appointment.visit_type is VisitType.VIRTUAL else "in person"
            out(f"  {when}  {item.patient.display_name:<20} {item.appointment.reason} ({kind})")
        first = items[0].appointment
        note = store.create_note(first.id, "S: Feels better since the last visit.")
        note = store.save_draft(note.id, note.text + "\nO: BP 128/82.\nA: Improving.\nP: Continue.")
        store.sign_note(note.id)
        out(f"Wrote and signed a visit note for the {first.start.astimezone(zone):%H:%M} visit.")
        status = store.outbox_status()
        out(
            f"Offline queue: {status.pending} changes waiting to sync, "
            f"{status.conflicts} conflicts, {status.rejected} needing attention."
        )
    finally:
        store.close()
    return 0


def run_demo(settings: Settings, *, headless: bool, today: date | None = None) -> int:
    day = today or date.today()
    if headless:
        return run_headless(settings, day)
    from outpost.app import run_app

    profile = demo_profile(settings)
    demo_settings = dataclasses.replace(settings, profile=profile)
    return run_app(demo_settings, today=lambda: day, before_show=lambda store: seed(store, day))
