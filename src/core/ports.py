"""Seams owned by the core: what upper layers may ask of the local store and the sync layer.

`outpost.store.Store` implements `ClinicStore` and `outpost.store.review.SyncReview`
implements `SyncReviewPort`; `outpost.sync.service.SyncService` implements `SyncPort` and
`outpost.sync.session.SessionService` implements `SessionPort`. The UI is written against
these protocols so it never imports the database driver, the network or the keychain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from outpost.core.conflicts import Conflict, Resolution, ResolutionResult
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
from outpost.core.review import NoteSync, RefusedChange
from outpost.core.session import BrowserSignIn, Identity, SignInOptions
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


class SyncReviewPort(Protocol):
    """What waits on this computer, for the sync panel and a note's history. Every method
    runs on the store worker thread."""

    def conflicts(self) -> list[Conflict]: ...

    def resolve_conflict(self, conflict_id: str, resolution: Resolution) -> ResolutionResult:
        """Settle a conflict as the clinician chose; audited like `outpost conflicts
        resolve`. A choice the rules refuse raises `InvalidStateError` and changes nothing."""
        ...

    def refused_changes(self) -> list[RefusedChange]: ...

    def note_sync(self, note_ids: Sequence[str]) -> dict[str, NoteSync]:
        """Where each note stands with the server (notes without unsent changes: SENT)."""
        ...


class SessionPort(Protocol):
    """Signing in and out of the configured server. Tokens stay in the sync layer and the
    keychain; only `Identity` values come out.

    Every method but `browser_redirect` blocks briefly on the network or the keychain and
    runs on the store worker; `browser_redirect` waits for the browser and is awaited on the
    runtime thread, so neither the UI nor the store worker waits for a person.
    """

    def signed_in(self) -> Identity | None:
        """Who is signed in, from the keychain (no network)."""
        ...

    def sign_in_options(self, server_url: str) -> SignInOptions:
        """Ask the server how one signs in (its SMART configuration)."""
        ...

    def sign_in_with_password(
        self, server_url: str, user: str, password: str, *, same_person_as: Identity | None
    ) -> Identity:
        """Sign in with the password grant; tokens go to the keychain. With
        `same_person_as`, someone else's sign-in is refused and nothing is kept."""
        ...

    def offline_unlock_available(self, same_person_as: Identity | None) -> bool:
        """Whether this computer can check the password of `same_person_as` (any clinician
        when None) without the server: a password sign-in was kept. Keychain only."""
        ...

    def unlock_offline(self, user: str, password: str, *, same_person_as: Identity) -> Identity:
        """Unlock without the server by checking the password kept at the last password
        sign-in; `OfflineUnlockError` when there is none or the password is wrong (five
        wrong in a row drop it), `OtherClinicianError` for another user name. Tokens in the
        keychain stay as they are."""
        ...

    def start_browser_sign_in(self, server_url: str) -> BrowserSignIn:
        """Listen on a loopback port and build the authorization address to open."""
        ...

    async def browser_redirect(self, attempt: BrowserSignIn) -> None:
        """Wait until the browser comes back to the loopback address with a code."""
        ...

    def finish_browser_sign_in(
        self, attempt: BrowserSignIn, *, same_person_as: Identity | None
    ) -> Identity:
        """Exchange the code (PKCE) for tokens and keep them in the keychain."""
        ...

    def cancel_browser_sign_in(self, attempt: BrowserSignIn) -> None: ...

    def sign_out(self) -> bool:
        """Forget the sign-in (revoked on the server when it can be reached, best effort).
        Unsent work is never touched. False if nobody was signed in."""
        ...
