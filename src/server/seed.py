"""Demo data for `outpost server --seed demo`, loaded only into an empty database: one
clinic, two clinicians who can sign in, 20 patients, a schedule per clinician and booked
appointments today and on the next two days (server local time), half of them video
visits with an unguessable join link (recorded in `join_links`). All names are invented."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from outpost.server import accounts, join_links, search, storage, validation
from outpost.server.outcome import JsonObject

DEMO_CLINIC = "demo-clinic"
DEMO_PASSWORD = "outpost-demo"  # noqa: S105 (printed for demo sign-in)
VIRTUAL_SERVICE = join_links.VIRTUAL_SERVICE
CLINICIANS = (("dr.rivera", "Ana", "Rivera", "female"), ("dr.okafor", "Chidi", "Okafor", "male"))
PATIENTS = (
    ("Maya", "Lindqvist", "female"),
    ("Tomas", "Herrera", "male"),
    ("Aiko", "Tanaka", "female"),
    ("Samuel", "Osei", "male"),
    ("Ingrid", "Halvorsen", "female"),
    ("Rafael", "Moreno", "male"),
    ("Priya", "Raman", "female"),
    ("Liam", "O'Connell", "male"),
    ("Fatima", "Haddad", "female"),
    ("Jonas", "Becker", "male"),
    ("Grace", "Mwangi", "female"),
    ("Elias", "Novak", "male"),
    ("Sofia", "Castellano", "female"),
    ("Noah", "Whitfield", "male"),
    ("Leila", "Karimi", "female"),
    ("Mateo", "Silva", "male"),
    ("Hannah", "Kowalski", "female"),
    ("Oscar", "Lindgren", "male"),
    ("Amara", "Nwosu", "female"),
    ("Ravi", "Iyer", "other"),
)
REASONS = (
    "Follow-up: blood pressure",
    "Medication review",
    "Diabetes check-in",
    "Post-operative follow-up",
    "Sleep problems",
    "Lab results discussion",
    "Persistent cough",
    "Annual review",
)
VISIT_TIMES = ((9, 0), (10, 0), (11, 0), (13, 30), (14, 30))
VISIT_MINUTES = 30
DAYS = 3


def _name(given: str, family: str) -> list[JsonObject]:
    return [{"use": "official", "family": family, "given": [given]}]


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute).astimezone()


def _appointment(
    origin: str, patient: str, practitioner: str, start: datetime, reason: str, virtual: bool
) -> JsonObject:
    resource: JsonObject = {
        "resourceType": "Appointment",
        "id": str(uuid.uuid4()),
        "status": "booked",
        "description": reason,
        "start": start.isoformat(timespec="seconds"),
        "end": (start + timedelta(minutes=VISIT_MINUTES)).isoformat(timespec="seconds"),
        "minutesDuration": VISIT_MINUTES,
        "participant": [
            {"actor": {"reference": f"Patient/{patient}"}, "status": "accepted"},
            {"actor": {"reference": f"Practitioner/{practitioner}"}, "status": "accepted"},
        ],
    }
    if virtual:
        link = join_links.link_url(origin, join_links.new_token())
        resource["extension"] = [
            {"url": VIRTUAL_SERVICE, "extension": [{"url": "addressUrl", "valueUrl": link}]}
        ]
    return resource


def demo_resources(
    origin: str, organization: str, practitioners: list[str], today: date
) -> list[JsonObject]:
    resources: list[JsonObject] = [
        {
            "resourceType": "Organization",
            "id": organization,
            "active": True,
            "name": "Outpost Demo Clinic",
        }
    ]
    for (_, given, family, gender), practitioner in zip(CLINICIANS, practitioners, strict=True):
        resources.append(
            {
                "resourceType": "Practitioner",
                "id": practitioner,
                "active": True,
                "name": [{**_name(given, family)[0], "prefix": ["Dr."]}],
                "gender": gender,
            }
        )
        resources.append(
            {
                "resourceType": "Schedule",
                "id": str(uuid.uuid4()),
                "active": True,
                "actor": [{"reference": f"Practitioner/{practitioner}"}],
                "planningHorizon": {
                    "start": today.isoformat(),
                    "end": (today + timedelta(days=DAYS - 1)).isoformat(),
                },
                "comment": "Telehealth and clinic visits",
            }
        )
    patients = []
    for number, (given, family, gender) in enumerate(PATIENTS):
        patient_id = str(uuid.uuid4())
        patients.append(patient_id)
        resources.append(
            {
                "resourceType": "Patient",
                "id": patient_id,
                "active": True,
                "name": _name(given, family),
                "gender": gender,
                "birthDate": date(1940 + 3 * number, 1 + number % 12, 1 + number).isoformat(),
                "managingOrganization": {"reference": f"Organization/{organization}"},
            }
        )
    visit = 0
    for day in range(DAYS):
        for clinician, practitioner in enumerate(practitioners):
            for hour, minute in VISIT_TIMES:
                start = _local(today + timedelta(days=day), hour, minute)
                patient = patients[(visit * 7 + clinician) % len(patients)]
                reason = REASONS[visit % len(REASONS)]
                resources.append(
                    _appointment(origin, patient, practitioner, start, reason, visit % 2 == 0)
                )
                visit += 1
    return resources


def seed_demo(
    conn: sqlite3.Connection, origin: str, clock: Callable[[], int], today: date | None = None
) -> bool:
    """Load the demo clinic if the database has no clinic yet; True if it did."""
    if conn.execute("SELECT count(*) FROM clinics").fetchone()[0]:
        return False
    organization = str(uuid.uuid4())
    practitioners = [str(uuid.uuid4()) for _ in CLINICIANS]
    accounts.create_clinic(conn, DEMO_CLINIC, "Outpost Demo Clinic", organization)
    for (username, *_), practitioner in zip(CLINICIANS, practitioners, strict=True):
        accounts.create_user(conn, username, DEMO_PASSWORD, DEMO_CLINIC, practitioner)
    for resource in demo_resources(origin, organization, practitioners, today or date.today()):
        type_ = resource["resourceType"]
        validation.validate(resource, type_, url_id=resource["id"])
        rows = search.index_rows(type_, resource)
        storage.save(conn, DEMO_CLINIC, resource, rows, method="PUT", clock=clock)
        if type_ == "Appointment":
            join_links.record_appointment(conn, DEMO_CLINIC, resource, clock())
    return True


def demo_accounts(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The demo user names (with the demo password) that exist in this database."""
    existing = set(accounts.usernames(conn))
    return [(name, DEMO_PASSWORD) for name, *_ in CLINICIANS if name in existing]
