"""Domain values <-> the JSON text kept in the store's `data` and `payload` columns.

Datetimes are stored as fixed-width ISO-8601 UTC strings so that text order is time order
(the schedule's range query relies on it) and come back timezone-aware.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

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

JsonObject = dict[str, Any]


def time_to_text(value: datetime) -> str:
    """`2024-05-01T09:30:00.000000+00:00`: UTC, always with microseconds."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("the store keeps timezone-aware datetimes only")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def time_from_text(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"stored datetime without a timezone: {text!r}")
    return value.astimezone(UTC)


def _optional_time(text: str | None) -> datetime | None:
    return None if text is None else time_from_text(text)


def dumps(obj: JsonObject) -> str:
    """Compact, key-sorted JSON, so equal values give equal text."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> JsonObject:
    obj = json.loads(text)
    if not isinstance(obj, dict):
        raise ValueError("stored record is not a JSON object")
    return obj


def patient_to_json(patient: Patient) -> JsonObject:
    return {
        "id": patient.id,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "birth_date": patient.birth_date.isoformat(),
        "gender": patient.gender,
    }


def patient_from_json(obj: JsonObject) -> Patient:
    return Patient(
        id=PatientId(obj["id"]),
        given_name=obj["given_name"],
        family_name=obj["family_name"],
        birth_date=date.fromisoformat(obj["birth_date"]),
        gender=obj["gender"],
    )


def appointment_to_json(appointment: Appointment) -> JsonObject:
    return {
        "id": appointment.id,
        "patient_id": appointment.patient_id,
        "start": time_to_text(appointment.start),
        "end": time_to_text(appointment.end),
        "status": appointment.status.value,
        "reason": appointment.reason,
        "visit_type": appointment.visit_type.value,
        "video_link": appointment.video_link,
    }


def appointment_from_json(obj: JsonObject) -> Appointment:
    return Appointment(
        id=AppointmentId(obj["id"]),
        patient_id=PatientId(obj["patient_id"]),
        start=time_from_text(obj["start"]),
        end=time_from_text(obj["end"]),
        status=AppointmentStatus(obj["status"]),
        reason=obj["reason"],
        visit_type=VisitType(obj["visit_type"]),
        video_link=obj.get("video_link"),
    )


def note_to_json(note: VisitNote) -> JsonObject:
    data: JsonObject = {
        "id": note.id,
        "appointment_id": note.appointment_id,
        "patient_id": note.patient_id,
        "text": note.text,
        "status": note.status.value,
        "created_at": time_to_text(note.created_at),
        "updated_at": time_to_text(note.updated_at),
        "signed_at": None if note.signed_at is None else time_to_text(note.signed_at),
        "replaces": note.replaces,
        "amendment_reason": note.amendment_reason,
    }
    if note.author is not None:  # only when known, so notes without one keep their text
        data["author"] = note.author
    return data


def note_from_json(obj: JsonObject) -> VisitNote:
    replaces = obj.get("replaces")
    return VisitNote(
        id=NoteId(obj["id"]),
        appointment_id=AppointmentId(obj["appointment_id"]),
        patient_id=PatientId(obj["patient_id"]),
        text=obj["text"],
        status=NoteStatus(obj["status"]),
        created_at=time_from_text(obj["created_at"]),
        updated_at=time_from_text(obj["updated_at"]),
        signed_at=_optional_time(obj.get("signed_at")),
        replaces=None if replaces is None else NoteId(replaces),
        amendment_reason=obj.get("amendment_reason"),
        author=obj.get("author"),
    )
