"""Domain values: patients, appointments and visit notes, with their state rules.

Values are frozen; changes produce new values through the functions below, which enforce
the rules the clinic depends on (a signed note is immutable, appointment statuses follow
the FHIR state machine).
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import NewType

from outpost.core.errors import InvalidStateError

PatientId = NewType("PatientId", str)
AppointmentId = NewType("AppointmentId", str)
NoteId = NewType("NoteId", str)
MutationId = NewType("MutationId", str)


def new_note_id() -> NoteId:
    return NoteId(str(uuid.uuid4()))


def new_mutation_id() -> MutationId:
    return MutationId(str(uuid.uuid4()))


class EntityType(enum.Enum):
    """Record kinds kept in the local store; values are the FHIR resource types."""

    PATIENT = "Patient"
    APPOINTMENT = "Appointment"
    NOTE = "DocumentReference"


@dataclass(frozen=True)
class Patient:
    id: PatientId
    given_name: str
    family_name: str
    birth_date: date
    gender: str  # FHIR administrative gender: male | female | other | unknown

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class AppointmentStatus(enum.Enum):
    """FHIR R4 Appointment.status."""

    PROPOSED = "proposed"
    PENDING = "pending"
    BOOKED = "booked"
    ARRIVED = "arrived"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    NOSHOW = "noshow"
    ENTERED_IN_ERROR = "entered-in-error"
    CHECKED_IN = "checked-in"
    WAITLIST = "waitlist"


_S = AppointmentStatus
APPOINTMENT_TRANSITIONS: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    _S.PROPOSED: frozenset({_S.PENDING, _S.BOOKED, _S.CANCELLED, _S.ENTERED_IN_ERROR}),
    _S.PENDING: frozenset({_S.BOOKED, _S.CANCELLED, _S.ENTERED_IN_ERROR}),
    _S.WAITLIST: frozenset({_S.BOOKED, _S.CANCELLED, _S.ENTERED_IN_ERROR}),
    _S.BOOKED: frozenset({_S.ARRIVED, _S.CHECKED_IN, _S.CANCELLED, _S.NOSHOW, _S.ENTERED_IN_ERROR}),
    _S.ARRIVED: frozenset({_S.FULFILLED, _S.CANCELLED, _S.ENTERED_IN_ERROR}),
    _S.CHECKED_IN: frozenset({_S.FULFILLED, _S.CANCELLED, _S.ENTERED_IN_ERROR}),
    _S.FULFILLED: frozenset({_S.ENTERED_IN_ERROR}),
    _S.CANCELLED: frozenset({_S.ENTERED_IN_ERROR}),
    _S.NOSHOW: frozenset({_S.ENTERED_IN_ERROR}),
    _S.ENTERED_IN_ERROR: frozenset(),
}


class VisitType(enum.Enum):
    VIRTUAL = "virtual"
    IN_PERSON = "in-person"


@dataclass(frozen=True)
class Appointment:
    id: AppointmentId
    patient_id: PatientId
    start: datetime  # timezone-aware
    end: datetime
    status: AppointmentStatus
    reason: str
    visit_type: VisitType
    video_link: str | None = None

    def with_status(self, status: AppointmentStatus) -> Appointment:
        if status not in APPOINTMENT_TRANSITIONS[self.status]:
            raise InvalidStateError(
                f"An appointment that is {self.status.value} cannot become {status.value}."
            )
        return dataclasses.replace(self, status=status)


class NoteStatus(enum.Enum):
    """DRAFT -> SIGNED -> AMENDED. A signed note's text never changes; an amendment is a new
    signed note that `replaces` it, and the original becomes AMENDED."""

    DRAFT = "draft"
    SIGNED = "signed"
    AMENDED = "amended"


@dataclass(frozen=True)
class VisitNote:
    id: NoteId
    appointment_id: AppointmentId
    patient_id: PatientId
    text: str
    status: NoteStatus
    created_at: datetime
    updated_at: datetime
    signed_at: datetime | None = None
    replaces: NoteId | None = None
    amendment_reason: str | None = None
    author: str | None = None  # `Practitioner/<id>` as the server names it; None: not sent yet

    def edited(self, text: str, now: datetime) -> VisitNote:
        if self.status is not NoteStatus.DRAFT:
            raise InvalidStateError("A signed note cannot be edited; amend it instead.")
        return dataclasses.replace(self, text=text, updated_at=now)

    def signed(self, now: datetime) -> VisitNote:
        if self.status is not NoteStatus.DRAFT:
            raise InvalidStateError("This note is already signed.")
        if not self.text.strip():
            raise InvalidStateError("An empty note cannot be signed.")
        return dataclasses.replace(self, status=NoteStatus.SIGNED, signed_at=now, updated_at=now)

    def superseded(self, now: datetime) -> VisitNote:
        if self.status is not NoteStatus.SIGNED:
            raise InvalidStateError("Only a signed note can be amended; edit the draft instead.")
        return dataclasses.replace(self, status=NoteStatus.AMENDED, updated_at=now)

    def amendment(self, text: str, reason: str, now: datetime) -> VisitNote:
        """The signed note that replaces this one."""
        if self.status is not NoteStatus.SIGNED:
            raise InvalidStateError("Only a signed note can be amended; edit the draft instead.")
        if not reason.strip():
            raise InvalidStateError("An amendment needs a reason.")
        if not text.strip():
            raise InvalidStateError("An amendment cannot be empty.")
        return VisitNote(
            id=new_note_id(),
            appointment_id=self.appointment_id,
            patient_id=self.patient_id,
            text=text,
            status=NoteStatus.SIGNED,
            created_at=now,
            updated_at=now,
            signed_at=now,
            replaces=self.id,
            amendment_reason=reason,
        )


@dataclass(frozen=True)
class ScheduleItem:
    """One row of a day's schedule: the appointment and who it is with."""

    appointment: Appointment
    patient: Patient


@dataclass(frozen=True)
class NoteEntry:
    """A note as the clinician sees it, with how many of its changes are not yet sent."""

    note: VisitNote
    unsent_actions: int


@dataclass(frozen=True)
class OutboxStatus:
    """What `outpost status` reports about the offline queue."""

    pending: int
    conflicts: int
    rejected: int
    oldest_pending_at: datetime | None
    last_sync_at: datetime | None
