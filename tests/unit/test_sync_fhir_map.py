"""Domain <-> FHIR R4 mapping: what Outpost writes validates as R4B, what it reads from a
server round-trips, and a malformed resource is a plain PROTOCOL error."""

from __future__ import annotations

import base64
import copy
import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.patient import Patient as FhirPatient

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
from outpost.core.errors import SyncError, SyncErrorKind
from outpost.sync import fhir_map
from outpost.sync.fhir_map import (
    MUTATION_TAG_SYSTEM,
    VIRTUAL_SERVICE_URL,
    appointment_from_fhir,
    appointment_status_update,
    appointment_to_fhir,
    mutation_ids,
    note_from_fhir,
    note_to_fhir,
    patient_from_fhir,
    patient_to_fhir,
    version_of,
)

T0 = datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
PATIENT = Patient(PatientId("pat-1"), "Rosalind Ann", "Quimby", date(1961, 4, 2), "female")
VIRTUAL = Appointment(
    id=AppointmentId("appt-1"),
    patient_id=PATIENT.id,
    start=T0,
    end=T0 + timedelta(minutes=20),
    status=AppointmentStatus.BOOKED,
    reason="Follow-up",
    visit_type=VisitType.VIRTUAL,
    video_link="https://video.example/join/abc",
)
DRAFT = VisitNote(
    id=NoteId("note-1"),
    appointment_id=VIRTUAL.id,
    patient_id=PATIENT.id,
    text="S: better.\nO: ok — ünïcode ✓",
    status=NoteStatus.DRAFT,
    created_at=T0,
    updated_at=T0 + timedelta(minutes=5),
)
SIGNED = VisitNote(
    id=DRAFT.id,
    appointment_id=DRAFT.appointment_id,
    patient_id=DRAFT.patient_id,
    text=DRAFT.text,
    status=NoteStatus.SIGNED,
    created_at=T0,
    updated_at=T0 + timedelta(minutes=6),
    signed_at=T0 + timedelta(minutes=6),
)
AUTHOR = "Practitioner/prac-1"


def _served(resource: dict[str, Any], version: str = "3") -> dict[str, Any]:
    """`resource` as a server returns it: with meta.versionId and lastUpdated."""
    served = copy.deepcopy(resource)
    served.setdefault("meta", {}).update(
        {"versionId": version, "lastUpdated": "2025-03-10T10:00:00.000Z"}
    )
    return served


def test_patient_round_trip_and_validates() -> None:
    resource = patient_to_fhir(PATIENT)
    FhirPatient.model_validate(resource)
    assert patient_from_fhir(_served(resource)) == PATIENT


def test_a_patient_named_only_by_text() -> None:
    resource = patient_to_fhir(PATIENT)
    resource["name"] = [{"text": "Rosalind Quimby"}]
    del resource["gender"]
    read = patient_from_fhir(resource)
    assert (read.given_name, read.family_name, read.gender) == ("Rosalind Quimby", "", "unknown")
    resource["name"] = [{"use": "official"}]
    with pytest.raises(SyncError, match=r"Patient/pat-1 has no usable 'name.text'"):
        patient_from_fhir(resource)


def test_virtual_appointment_reads_link_patient_and_reason() -> None:
    resource = appointment_to_fhir(VIRTUAL, practitioner=AUTHOR)
    FhirAppointment.model_validate(resource)
    assert resource["extension"][0]["url"] == VIRTUAL_SERVICE_URL
    assert appointment_from_fhir(_served(resource)) == VIRTUAL


def test_in_person_appointment_and_reason_code() -> None:
    resource = appointment_to_fhir(VIRTUAL)
    del resource["extension"]
    del resource["description"]
    resource["reasonCode"] = [{"text": "Knee pain"}]
    resource["participant"].insert(0, {"actor": {"reference": AUTHOR}, "status": "accepted"})
    FhirAppointment.model_validate(resource)
    read = appointment_from_fhir(resource)
    assert read.visit_type is VisitType.IN_PERSON
    assert read.video_link is None
    assert read.reason == "Knee pain"
    assert read.patient_id == PATIENT.id


def test_status_update_keeps_the_servers_reschedule_and_tags() -> None:
    current = _served(appointment_to_fhir(VIRTUAL))
    current["start"] = "2025-03-10T15:00:00Z"  # rescheduled on the server
    current["meta"]["tag"] = [
        {"system": MUTATION_TAG_SYSTEM, "code": "old"},
        {"system": "urn:other", "code": "x"},
    ]
    body = appointment_status_update(current, AppointmentStatus.CHECKED_IN, mutation_id="m-2")
    FhirAppointment.model_validate(body)
    assert body["status"] == "checked-in"
    assert body["start"] == "2025-03-10T15:00:00Z"
    assert mutation_ids(body) == {"m-2"}
    assert {"system": "urn:other", "code": "x"} in body["meta"]["tag"]
    assert "versionId" not in body["meta"]
    assert current["status"] == "booked"  # the input is not changed
    without_status = {k: v for k, v in body.items() if k not in ("status", "meta")}
    assert without_status == {k: v for k, v in current.items() if k not in ("status", "meta")}


@pytest.mark.parametrize(
    ("note", "doc_status", "status"),
    [(DRAFT, "preliminary", "current"), (SIGNED, "final", "current")],
)
def test_note_to_fhir_validates_and_round_trips(
    note: VisitNote, doc_status: str, status: str
) -> None:
    resource = note_to_fhir(note, mutation_id="m-1", author=AUTHOR)
    DocumentReference.model_validate(resource)
    assert resource["docStatus"] == doc_status
    assert resource["status"] == status
    assert resource["type"]["coding"][0]["code"] == "11506-3"
    assert resource["context"]["related"] == [{"reference": "Appointment/appt-1"}]
    assert resource["author"] == [{"reference": AUTHOR}]
    assert mutation_ids(resource) == {"m-1"}
    assert base64.b64decode(resource["content"][0]["attachment"]["data"]).decode() == note.text
    # The server's copy names its author; everything else comes back as it was sent.
    assert note_from_fhir(_served(resource)) == dataclasses.replace(note, author=AUTHOR)


def test_amendment_and_superseded_original() -> None:
    now = T0 + timedelta(hours=1)
    amendment = SIGNED.amendment("corrected text", "wrong dose", now)
    resource = note_to_fhir(amendment, mutation_id="m-3", author=None)
    DocumentReference.model_validate(resource)
    assert resource["docStatus"] == "amended"
    assert resource["relatesTo"] == [
        {"code": "replaces", "target": {"reference": f"DocumentReference/{SIGNED.id}"}}
    ]
    assert resource["description"] == "wrong dose"
    assert "author" not in resource
    assert note_from_fhir(resource) == amendment

    original = note_to_fhir(SIGNED.superseded(now), mutation_id="m-4", author=AUTHOR)
    DocumentReference.model_validate(original)
    assert original["status"] == "superseded"
    assert note_from_fhir(original).status is NoteStatus.AMENDED


def test_a_server_note_without_our_extensions_reads() -> None:
    resource = note_to_fhir(SIGNED, mutation_id="m", author=AUTHOR)
    del resource["extension"], resource["date"], resource["content"][0]["attachment"]["creation"]
    read = note_from_fhir(_served(resource))
    stamp = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)
    assert (read.created_at, read.updated_at, read.signed_at) == (stamp, stamp, stamp)


def test_versions_and_tags() -> None:
    assert version_of({"resourceType": "Patient", "id": "p", "meta": {"versionId": "7"}}) == "7"
    assert mutation_ids({"resourceType": "Patient"}) == set()
    assert mutation_ids({"meta": {"tag": "junk"}}) == set()


def _broken(kind: str) -> dict[str, Any]:
    if kind == "Patient":
        return patient_to_fhir(PATIENT)
    if kind == "Appointment":
        return appointment_to_fhir(VIRTUAL)
    return note_to_fhir(DRAFT, mutation_id="m", author=None)


_READERS = {
    "Patient": patient_from_fhir,
    "Appointment": appointment_from_fhir,
    "DocumentReference": note_from_fhir,
}


@pytest.mark.parametrize(
    ("kind", "path", "named"),
    [
        ("Patient", ("birthDate",), "birthDate"),
        ("Patient", ("name",), "name"),
        ("Patient", ("id",), "id"),
        ("Appointment", ("start",), "start"),
        ("Appointment", ("status",), "status"),
        ("Appointment", ("participant",), "participant"),
        ("DocumentReference", ("docStatus",), "docStatus"),
        ("DocumentReference", ("subject",), "subject"),
        ("DocumentReference", ("context",), "context.related"),
        ("DocumentReference", ("content",), "content.attachment"),
    ],
)
def test_missing_fields_are_protocol_errors_naming_the_field(
    kind: str, path: tuple[str, ...], named: str
) -> None:
    resource = _broken(kind)
    del resource[path[0]]
    with pytest.raises(SyncError) as caught:
        _READERS[kind](resource)
    assert caught.value.kind is SyncErrorKind.PROTOCOL
    assert named in str(caught.value)
    assert kind in str(caught.value)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda r: r.update(resourceType="Patient"),
        lambda r: r.update(docStatus="bogus"),
        lambda r: r["content"][0]["attachment"].update(data="%%%not base64"),
        lambda r: r["content"][0]["attachment"].update(data=base64.b64encode(b"\xff").decode()),
        lambda r: r.update(date="2025-03-10T09:00:00"),  # no time zone
        lambda r: r.update(relatesTo="junk"),
        lambda r: r.update(subject={"reference": "Group/1"}),
    ],
)
def test_malformed_notes_are_protocol_errors(mutate: Any) -> None:
    resource = note_to_fhir(DRAFT, mutation_id="m", author=None)
    mutate(resource)
    with pytest.raises(SyncError) as caught:
        note_from_fhir(resource)
    assert caught.value.kind is SyncErrorKind.PROTOCOL


def test_version_of_without_meta_is_a_protocol_error() -> None:
    with pytest.raises(SyncError, match=r"Appointment/appt-1.*meta.versionId"):
        version_of(appointment_to_fhir(VIRTUAL))
    with pytest.raises(SyncError, match="of type Appointment"):
        appointment_status_update(
            patient_to_fhir(PATIENT), AppointmentStatus.CANCELLED, mutation_id="m"
        )
    with pytest.raises(SyncError, match="Expected"):
        fhir_map.patient_from_fhir([])  # type: ignore[arg-type]
