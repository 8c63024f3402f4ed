"""Shared pieces of the store's integration tests: seed records, a stepping clock, and raw
access to a profile's encrypted database (for inspecting tables and file bytes)."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    Patient,
    PatientId,
    VisitType,
)
from outpost.core.settings import Profile
from outpost.store.connection import Connection, configure, connect_encrypted
from outpost.store.database import PROFILE_ID_FILE, key_name
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store

T0 = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)

PATIENT = Patient(PatientId("pat-1"), "Rosalind", "Quimby", date(1961, 4, 2), "female")
APPOINTMENT = Appointment(
    id=AppointmentId("appt-1"),
    patient_id=PATIENT.id,
    start=T0 + timedelta(hours=1),
    end=T0 + timedelta(hours=1, minutes=20),
    status=AppointmentStatus.BOOKED,
    reason="Follow-up",
    visit_type=VisitType.VIRTUAL,
)


class StepClock:
    """A clock that moves 1 ms per reading, so every timestamp is distinct and ordered."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now


def seed(store: Store) -> None:
    store.upsert_server_patients([(PATIENT, "p-v1")])
    store.upsert_server_appointments([(APPOINTMENT, "a-v1")])


def profile_key(profile: Profile) -> str:
    profile_id = (profile.data_dir / PROFILE_ID_FILE).read_text(encoding="ascii").strip()
    key = SystemKeychain().get(key_name(profile_id))
    assert key is not None
    return key


def raw_connection(profile: Profile) -> Connection:
    """A second, configured connection to the profile's database (key from the keychain)."""
    conn = connect_encrypted(profile.database, profile_key(profile), create=False)
    configure(conn)
    return conn


def rows(conn: Connection, sql: str, *params: object) -> list[tuple[object, ...]]:
    return [tuple(row) for row in conn.execute(sql, params).fetchall()]


def snapshot(conn: Connection) -> dict[str, list[tuple[object, ...]]]:
    """Everything a user action may write."""
    return {
        "overlay": rows(conn, "SELECT * FROM overlay ORDER BY entity_type, entity_id"),
        "outbox": rows(conn, "SELECT * FROM outbox ORDER BY seq"),
    }


def file_hashes(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def database_bytes(profile: Profile) -> Iterator[tuple[str, bytes]]:
    for suffix in ("", "-wal"):
        path = Path(f"{profile.database}{suffix}")
        if path.exists():
            yield path.name, path.read_bytes()


def is_plain_sqlite(path: Path) -> bool:
    """Whether the stdlib (no SQLCipher) can read the file."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return True
