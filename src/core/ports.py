"""Seams owned by the core: what upper layers may ask of the local store.

`outpost.store.Store` implements `ClinicStore`; the UI and CLI are written against this
protocol so they never import the database driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    NoteEntry,
    NoteId,
    OutboxStatus,
    Patient,
    ScheduleItem,
    VisitNote,
)
from outpost.core.sync_state import SyncSummary, SyncTrigger


class ClinicStore(Protocol):
    """The clinician's local, encrypted view of patients, schedule and notes.

    Every method that changes something writes the visible change and its outbox row in one
    transaction. Methods are blocking: call them on the store worker.
    """

    def upsert_server_patients(self, patients: Sequence[tuple[Patient, str]]) -> int: ...

    def upsert_server_appointments(
        self, appointments: Sequence[tuple[Appointment, str]]
    ) -> int: ...

    def get_patient(self, patient_id: str) -> Patient: ...

    def get_appointment(self, appointment_id: str) -> Appointment: ...

    def schedule(self, start: datetime, end: datetime) -> list[ScheduleItem]: ...

    def set_appointment_status(
        self, appointment_id: AppointmentId, status: AppointmentStatus
    ) -> Appointment: ...

    def list_notes(self, appointment_id: AppointmentId | None = None) -> list[NoteEntry]: ...

    def get_note(self, note_id: str) -> VisitNote: ...

    def create_note(self, appointment_id: str, text: str, *, sign: bool = False) -> VisitNote: ...

    def save_draft(self, note_id: NoteId, text: str) -> VisitNote: ...

    def sign_note(self, note_id: NoteId) -> VisitNote: ...

    def amend_note(self, note_id: NoteId, text: str, reason: str) -> VisitNote: ...

    def outbox_status(self) -> OutboxStatus: ...

    def close(self) -> None: ...


class SyncPort(Protocol):
    """Syncing as the app drives it. Every method runs on the store worker thread."""

    def request(self, trigger: SyncTrigger) -> None:
        """Note why a sync is wanted; the scheduler decides when."""
        ...

    def run_if_due(self) -> SyncSummary | None:
        """Run one sync if one is due; None when nothing was due."""
        ...

    def seconds_until_due(self) -> float | None:
        """When the next sync is due, or None while paused (signed out)."""
        ...

    def close(self) -> None: ...
