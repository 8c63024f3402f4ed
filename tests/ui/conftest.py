"""UI test fixtures: real threads (runtime + store worker) over a real encrypted store.

Every window gets the same stack the app builds: `open_store` with the system keychain on a
fresh profile, a `StoreWorker`, a `Runtime` and one `Bridge`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    NoteEntry,
    NoteId,
    OutboxStatus,
    Patient,
    PatientId,
    ScheduleItem,
    VisitNote,
    VisitType,
)
from outpost.core.errors import StoreFullError, StoreUnavailableError
from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.core.settings import Profile
from outpost.core.tech_check import TechCheckPort
from outpost.core.visits import CallPort
from outpost.core.worker import StoreWorker
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.ui.bridge import Bridge
from outpost.ui.garbage import MainThreadGarbageCollector
from outpost.ui.main_window import MainWindow
from tests.ui.app_stack import AppStack, build_app
from tests.ui.visit_helpers import (  # noqa: F401 - fixtures
    call_ports,
    synthetic_patient,
    tech_check_ports,
)

R = TypeVar("R")

DAY = date(2026, 5, 12)  # "today" for every UI test


def at(day: date, hour: int, minute: int) -> datetime:
    """A wall-clock time on this computer, timezone-aware."""
    return datetime.combine(day, time(hour, minute)).astimezone()


class StoreFaults:
    """Switches that make the real store fail as it would on a full disk or a damaged file.

    Set from the test (main thread), read by jobs on the store worker.
    """

    def __init__(self) -> None:
        self._disk_full = threading.Event()
        self._unreadable = threading.Event()

    def set_disk_full(self, on: bool) -> None:
        _switch(self._disk_full, on)

    def set_unreadable(self, on: bool) -> None:
        _switch(self._unreadable, on)

    def check_write(self) -> None:
        if self._disk_full.is_set():
            raise StoreFullError("The disk holding the local store is full.")

    def check_read(self) -> None:
        if self._unreadable.is_set():
            raise StoreUnavailableError("The local store cannot be read.")


def _switch(event: threading.Event, on: bool) -> None:
    if on:
        event.set()
    else:
        event.clear()


class FaultyStore:
    """The real store, failing on demand through `StoreFaults`; otherwise it just delegates."""

    def __init__(self, store: ClinicStore, faults: StoreFaults) -> None:
        self._store = store
        self._faults = faults

    def upsert_server_patients(self, patients: Sequence[tuple[Patient, str]]) -> int:
        return self._store.upsert_server_patients(patients)

    def upsert_server_appointments(self, appointments: Sequence[tuple[Appointment, str]]) -> int:
        return self._store.upsert_server_appointments(appointments)

    def get_patient(self, patient_id: str) -> Patient:
        return self._store.get_patient(patient_id)

    def get_appointment(self, appointment_id: str) -> Appointment:
        return self._store.get_appointment(appointment_id)

    def schedule(self, start: datetime, end: datetime) -> list[ScheduleItem]:
        self._faults.check_read()
        return self._store.schedule(start, end)

    def set_appointment_status(
        self, appointment_id: AppointmentId, status: AppointmentStatus
    ) -> Appointment:
        return self._store.set_appointment_status(appointment_id, status)

    def list_notes(self, appointment_id: AppointmentId | None = None) -> list[NoteEntry]:
        self._faults.check_read()
        return self._store.list_notes(appointment_id)

    def get_note(self, note_id: str) -> VisitNote:
        return self._store.get_note(note_id)

    def create_note(self, appointment_id: str, text: str, *, sign: bool = False) -> VisitNote:
        self._faults.check_write()
        return self._store.create_note(appointment_id, text, sign=sign)

    def save_draft(self, note_id: NoteId, text: str) -> VisitNote:
        self._faults.check_write()
        return self._store.save_draft(note_id, text)

    def sign_note(self, note_id: NoteId) -> VisitNote:
        self._faults.check_write()
        return self._store.sign_note(note_id)

    def amend_note(self, note_id: NoteId, text: str, reason: str) -> VisitNote:
        self._faults.check_write()
        return self._store.amend_note(note_id, text, reason)

    def outbox_status(self) -> OutboxStatus:
        return self._store.outbox_status()

    def close(self) -> None:
        self._store.close()


class Session:
    """One app's worth of background machinery over a profile's store."""

    def __init__(self, profile: Profile, runtime: Runtime, faults: StoreFaults | None) -> None:
        keychain = SystemKeychain()

        def open_resource() -> ClinicStore:
            store: ClinicStore = open_store(profile, keychain)
            return store if faults is None else FaultyStore(store, faults)

        self.worker: StoreWorker[ClinicStore] = StoreWorker(open_resource, _close)
        self.bridge = Bridge(self.worker, runtime)
        self._closed = False

    def call(self, job: Callable[[ClinicStore], R]) -> R:
        """Run `job` on the store worker and wait for it (test code only, never the UI)."""
        return self.worker.submit(job, timeout=10).result(timeout=15)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.bridge.shutdown()
            self.worker.close()


def _close(store: ClinicStore) -> None:
    store.close()


PATIENTS = [
    Patient(PatientId("p-okafor"), "Amara", "Okafor", date(1958, 3, 14), "female"),
    Patient(PatientId("p-reyes"), "Tomás", "Reyes", date(1990, 11, 2), "male"),
    Patient(PatientId("p-chen"), "Mei Lin", "Chen", date(1975, 7, 30), "female"),
    Patient(PatientId("p-haddad"), "Yusuf", "Haddad", date(2012, 1, 9), "male"),
]


def day_appointments(day: date) -> list[Appointment]:
    """Four appointments on `day`, deliberately not in time order."""
    specs = [
        (
            "a-1100",
            "p-chen",
            (11, 0),
            AppointmentStatus.CHECKED_IN,
            VisitType.IN_PERSON,
            "Diabetes review and foot check",
        ),
        (
            "a-0900",
            "p-okafor",
            (9, 0),
            AppointmentStatus.BOOKED,
            VisitType.VIRTUAL,
            "Blood pressure follow-up",
        ),
        (
            "a-1430",
            "p-haddad",
            (14, 30),
            AppointmentStatus.BOOKED,
            VisitType.VIRTUAL,
            "Asthma action plan",
        ),
        (
            "a-0945",
            "p-reyes",
            (9, 45),
            AppointmentStatus.ARRIVED,
            VisitType.IN_PERSON,
            "Knee pain after fall",
        ),
    ]
    appointments = []
    for suffix, patient, (hour, minute), status, visit_type, reason in specs:
        start = at(day, hour, minute)
        appointments.append(
            Appointment(
                id=AppointmentId(f"{suffix}-{day.isoformat()}"),
                patient_id=PatientId(patient),
                start=start,
                end=start + timedelta(minutes=30),
                status=status,
                reason=reason,
                visit_type=visit_type,
                video_link="https://clinic.example/visit"
                if visit_type is VisitType.VIRTUAL
                else None,
            )
        )
    return appointments


def seed(session: Session, days: Sequence[date] = (DAY,)) -> list[Appointment]:
    appointments = [a for day in days for a in day_appointments(day)]

    def job(store: ClinicStore) -> None:
        store.upsert_server_patients([(p, "1") for p in PATIENTS])
        store.upsert_server_appointments([(a, "1") for a in appointments])

    session.call(job)
    return appointments


@pytest.fixture(autouse=True)
def main_thread_gc(qapp: QApplication) -> Iterator[MainThreadGarbageCollector]:
    """As in the app: cycles holding Qt objects are collected on the main thread only, never
    on the store worker or runtime thread (that crashes Qt). Set up first, torn down last."""
    collector = MainThreadGarbageCollector()
    yield collector
    collector.stop()


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    runtime = Runtime()
    runtime.start()
    yield runtime
    runtime.shutdown()


@pytest.fixture
def open_session(profile: Profile, runtime: Runtime) -> Iterator[Callable[..., Session]]:
    """Open a Session on the test's profile (several in turn = restarting the app)."""
    sessions: list[Session] = []

    def make(faults: StoreFaults | None = None) -> Session:
        session = Session(profile, runtime, faults)
        sessions.append(session)
        return session

    yield make
    for session in reversed(sessions):
        session.close()


@pytest.fixture
def faults() -> StoreFaults:
    return StoreFaults()


@pytest.fixture
def session(open_session: Callable[..., Session], faults: StoreFaults) -> Session:
    """The real store on the test's profile, with switches to make it fail on demand."""
    return open_session(faults)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Build shown main windows; they are closed (flushing drafts) before sessions close."""
    windows: list[MainWindow] = []

    def make(session: Session, *, autosave_ms: int = 200, profile_label: str = "") -> MainWindow:
        window = MainWindow(
            session.bridge,
            autosave_ms=autosave_ms,
            today=lambda: DAY,
            profile_label=profile_label,
        )
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        window.close()


AppFactory = Callable[..., AppStack]


@pytest.fixture
def make_app(
    qtbot: QtBot, profile: Profile, open_session: Callable[..., Session]
) -> Iterator[AppFactory]:
    """The whole app on the test's profile, configured for `server_url` (see app_stack)."""
    made: list[AppStack] = []

    def make(
        server_url: str,
        *,
        idle_lock_minutes: int = 10,
        autosave_ms: int = 200,
        calls: Callable[[Session], CallPort] | None = None,
        tech_check: Callable[[Session, str], TechCheckPort] | None = None,
        offer_first_run: bool = False,
    ) -> AppStack:
        session = open_session()
        app = build_app(
            qtbot,
            session,
            profile,
            server_url,
            idle_lock_minutes=idle_lock_minutes,
            autosave_ms=autosave_ms,
            calls=None if calls is None else calls(session),
            tech_check=None if tech_check is None else tech_check(session, server_url),
            offer_first_run=offer_first_run,
        )
        made.append(app)
        return app

    yield make
    for app in made:
        app.close()


# The offscreen platform plugin warns on every window with size limits, and when a window
# is raised (the sync panel); it is not our bug.
OFFSCREEN_NOISE = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(
                pytest.mark.qt_log_ignore("|".join(re.escape(text) for text in OFFSCREEN_NOISE))
            )
