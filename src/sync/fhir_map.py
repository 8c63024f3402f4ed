"""Outpost records <-> FHIR R4 JSON, as docs/sync-protocol.md "Records on the wire" states.

Pure functions on plain dicts (no I/O). A server resource missing something Outpost needs
raises `SyncError(PROTOCOL)` naming the resource and the field, never a `KeyError`.
"""

from __future__ import annotations

import base64
import binascii
import copy
from collections.abc import Mapping
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
from outpost.core.errors import SyncError, SyncErrorKind

MUTATION_TAG_SYSTEM = "urn:outpost:mutation-id"
VIRTUAL_SERVICE_URL = (
    "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.virtualService"
)
# R5 DocumentReference.attester as a cross-version extension: who signed, and when.
ATTESTER_URL = "http://hl7.org/fhir/5.0/StructureDefinition/extension-DocumentReference.attester"
LOINC = "http://loinc.org"
PROGRESS_NOTE_CODE = "11506-3"
TEXT_PLAIN = "text/plain; charset=utf-8"

Resource = dict[str, Any]

_DOC_STATUS = {NoteStatus.DRAFT: "preliminary", NoteStatus.SIGNED: "final"}


class _Reader:
    """Field access on one server resource that fails with a plain PROTOCOL error."""

    def __init__(self, resource: Mapping[str, Any], expected_type: str) -> None:
        if not isinstance(resource, Mapping):
            raise _protocol(
                f"Expected a resource of type {expected_type}, got {type(resource).__name__}."
            )
        kind = resource.get("resourceType")
        if kind != expected_type:
            raise _protocol(
                f"Expected a resource of type {expected_type}, got {kind or 'no type'}."
            )
        self.resource = resource
        self.name = f"{expected_type}/{resource.get('id') or '?'}"
        self.id = self.text("id")

    def missing(self, field: str) -> SyncError:
        return _protocol(f"The server's {self.name} has no usable '{field}'.")

    def text(self, field: str, source: Mapping[str, Any] | None = None) -> str:
        value = (self.resource if source is None else source).get(field)
        if not isinstance(value, str) or not value:
            raise self.missing(field)
        return value

    def optional_text(self, field: str, source: Mapping[str, Any] | None = None) -> str | None:
        value = (self.resource if source is None else source).get(field)
        return value if isinstance(value, str) and value else None

    def objects(self, field: str, source: Mapping[str, Any] | None = None) -> list[Any]:
        value = (self.resource if source is None else source).get(field, [])
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            raise self.missing(field)
        return value

    def instant(self, field: str, text: str | None) -> datetime:
        if text is None:
            raise self.missing(field)
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise self.missing(field) from None
        if value.tzinfo is None or value.utcoffset() is None:
            raise _protocol(f"The server's {self.name} has '{field}' without a time zone.")
        return value.astimezone(UTC)

    def reference_id(self, reference: Any, target_type: str) -> str | None:
        """`<id>` of a `{"reference": "<target_type>/<id>"}` (a trailing `/_history/n` or a
        full URL before the type are accepted)."""
        if not isinstance(reference, Mapping):
            return None
        value = reference.get("reference")
        if not isinstance(value, str):
            return None
        parts = value.split("/")
        if "_history" in parts:
            parts = parts[: parts.index("_history")]
        if len(parts) >= 2 and parts[-2] == target_type and parts[-1]:
            return parts[-1]
        return None


def _protocol(message: str) -> SyncError:
    return SyncError(SyncErrorKind.PROTOCOL, message)


def _instant(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _tagged(resource: Resource, mutation_id: str) -> Resource:
    """Set our mutation tag (replacing an earlier one of ours, keeping other tags); drop the
    server-assigned `versionId` / `lastUpdated`."""
    meta = dict(resource.get("meta") or {})
    meta.pop("versionId", None)
    meta.pop("lastUpdated", None)
    tags = [
        t
        for t in meta.get("tag", [])
        if not (isinstance(t, Mapping) and t.get("system") == MUTATION_TAG_SYSTEM)
    ]
    meta["tag"] = [*tags, {"system": MUTATION_TAG_SYSTEM, "code": mutation_id}]
    resource["meta"] = meta
    return resource


def mutation_ids(resource: Mapping[str, Any]) -> set[str]:
    """The Outpost mutation ids stamped on a resource (servers may keep earlier tags)."""
    meta = resource.get("meta")
    if not isinstance(meta, Mapping):
        return set()
    tags = meta.get("tag")
    if not isinstance(tags, list):
        return set()
    return {
        t["code"]
        for t in tags
        if isinstance(t, Mapping)
        and t.get("system") == MUTATION_TAG_SYSTEM
        and isinstance(t.get("code"), str)
    }


def version_of(resource: Mapping[str, Any]) -> str:
    """`meta.versionId`: the version a later `If-Match` names."""
    kind = resource.get("resourceType") if isinstance(resource, Mapping) else None
    name = f"{kind or 'resource'}/{resource.get('id') or '?'}"
    meta = resource.get("meta")
    version = meta.get("versionId") if isinstance(meta, Mapping) else None
    if not isinstance(version, str) or not version:
        raise _protocol(f"The server's {name} has no usable 'meta.versionId'.")
    return version


# -- Patient -------------------------------------------------------------------------------


def patient_from_fhir(resource: Mapping[str, Any]) -> Patient:
    r = _Reader(resource, "Patient")
    names = r.objects("name")
    if not names:
        raise r.missing("name")
    name = names[0]
    given = name.get("given", [])
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        raise r.missing("name.given")
    try:
        birth = date.fromisoformat(r.text("birthDate"))
    except ValueError:
        raise r.missing("birthDate") from None
    family = r.optional_text("family", name)
    if not given and family is None:
        text = r.optional_text("text", name)
        if text is None:
            raise r.missing("name.text")
        given = [text]
    return Patient(
        id=PatientId(r.id),
        given_name=" ".join(given),
        family_name=family or "",
        birth_date=birth,
        gender=r.optional_text("gender") or "unknown",
    )


def patient_to_fhir(patient: Patient) -> Resource:
    return {
        "resourceType": "Patient",
        "id": patient.id,
        "name": [{"given": patient.given_name.split(), "family": patient.family_name}],
        "birthDate": patient.birth_date.isoformat(),
        "gender": patient.gender,
    }


# -- Appointment ---------------------------------------------------------------------------


def appointment_from_fhir(resource: Mapping[str, Any]) -> Appointment:
    r = _Reader(resource, "Appointment")
    try:
        status = AppointmentStatus(r.text("status"))
    except ValueError:
        raise r.missing("status") from None
    patient_id = None
    for participant in r.objects("participant"):
        patient_id = patient_id or r.reference_id(participant.get("actor"), "Patient")
    if patient_id is None:
        raise r.missing("participant (Patient)")
    reason = r.optional_text("description")
    if reason is None:
        for concept in r.objects("reasonCode"):
            reason = reason or r.optional_text("text", concept)
    link = None
    virtual = False
    for extension in r.objects("extension"):
        if extension.get("url") != VIRTUAL_SERVICE_URL:
            continue
        virtual = True
        for sub in r.objects("extension", extension):
            if sub.get("url") == "addressUrl":
                link = link or r.optional_text("valueUrl", sub)
    return Appointment(
        id=AppointmentId(r.id),
        patient_id=PatientId(patient_id),
        start=r.instant("start", r.optional_text("start")),
        end=r.instant("end", r.optional_text("end")),
        status=status,
        reason=reason or "",
        visit_type=VisitType.VIRTUAL if virtual else VisitType.IN_PERSON,
        video_link=link,
    )


def appointment_to_fhir(appointment: Appointment, *, practitioner: str | None = None) -> Resource:
    """An Appointment as a server would hold it (tests, demo data); `practitioner` is a
    `Practitioner/<id>` reference."""
    participants: list[Resource] = [
        {"actor": {"reference": f"Patient/{appointment.patient_id}"}, "status": "accepted"}
    ]
    if practitioner is not None:
        participants.append({"actor": {"reference": practitioner}, "status": "accepted"})
    resource: Resource = {
        "resourceType": "Appointment",
        "id": appointment.id,
        "status": appointment.status.value,
        "description": appointment.reason,
        "start": _instant(appointment.start),
        "end": _instant(appointment.end),
        "participant": participants,
    }
    if appointment.visit_type is VisitType.VIRTUAL:
        service: Resource = {"url": VIRTUAL_SERVICE_URL, "extension": []}
        if appointment.video_link is not None:
            service["extension"].append({"url": "addressUrl", "valueUrl": appointment.video_link})
        else:  # an extension needs a value or sub-extensions
            service["extension"].append({"url": "channelType", "valueCoding": {"code": "video"}})
        resource["extension"] = [service]
    return resource


def appointment_status_update(
    current: Mapping[str, Any], status: AppointmentStatus, *, mutation_id: str
) -> Resource:
    """The body of a status change: the server's current Appointment with only `status`
    changed and our mutation tag set, so whatever else changed there (a reschedule) stands."""
    _Reader(current, "Appointment")
    updated: Resource = copy.deepcopy(dict(current))
    updated["status"] = status.value
    return _tagged(updated, mutation_id)


# -- DocumentReference (visit note) --------------------------------------------------------


def note_to_fhir(note: VisitNote, *, mutation_id: str, author: str | None) -> Resource:
    """A visit note as a DocumentReference; `author` is a `Practitioner/<id>` reference."""
    doc_status = "amended" if note.replaces is not None else _DOC_STATUS.get(note.status, "final")
    resource: Resource = {
        "resourceType": "DocumentReference",
        "id": note.id,
        "status": "superseded" if note.status is NoteStatus.AMENDED else "current",
        "docStatus": doc_status,
        "type": {
            "coding": [{"system": LOINC, "code": PROGRESS_NOTE_CODE, "display": "Progress note"}]
        },
        "subject": {"reference": f"Patient/{note.patient_id}"},
        "date": _instant(note.updated_at),
        "content": [
            {
                "attachment": {
                    "contentType": TEXT_PLAIN,
                    "data": base64.b64encode(note.text.encode("utf-8")).decode("ascii"),
                    "creation": _instant(note.created_at),
                }
            }
        ],
        "context": {"related": [{"reference": f"Appointment/{note.appointment_id}"}]},
    }
    if author is not None:
        resource["author"] = [{"reference": author}]
    if note.signed_at is not None:
        attester: list[Resource] = [
            {"url": "mode", "valueCodeableConcept": {"coding": [{"code": "legal"}]}},
            {"url": "time", "valueDateTime": _instant(note.signed_at)},
        ]
        if author is not None:
            attester.append({"url": "party", "valueReference": {"reference": author}})
        resource["extension"] = [{"url": ATTESTER_URL, "extension": attester}]
    if note.replaces is not None:
        resource["relatesTo"] = [
            {"code": "replaces", "target": {"reference": f"DocumentReference/{note.replaces}"}}
        ]
        if note.amendment_reason is not None:
            resource["description"] = note.amendment_reason
    return _tagged(resource, mutation_id)


def note_from_fhir(resource: Mapping[str, Any]) -> VisitNote:
    r = _Reader(resource, "DocumentReference")
    doc_status = r.text("docStatus")
    if r.optional_text("status") == "superseded":
        status = NoteStatus.AMENDED
    elif doc_status == "preliminary":
        status = NoteStatus.DRAFT
    elif doc_status in ("final", "amended"):
        status = NoteStatus.SIGNED
    else:
        raise r.missing("docStatus")
    subject = r.reference_id(resource.get("subject"), "Patient")
    if subject is None:
        raise r.missing("subject")
    context = resource.get("context")
    appointment_id = None
    if isinstance(context, Mapping):
        for related in r.objects("related", context):
            appointment_id = appointment_id or r.reference_id(related, "Appointment")
    if appointment_id is None:
        raise r.missing("context.related (Appointment)")
    contents = r.objects("content")
    attachment = contents[0].get("attachment") if contents else None
    if not isinstance(attachment, Mapping):
        raise r.missing("content.attachment")
    try:
        text = base64.b64decode(r.text("data", attachment), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise r.missing("content.attachment.data") from None
    meta = resource.get("meta") if isinstance(resource.get("meta"), Mapping) else {}
    updated_text = r.optional_text("date") or r.optional_text("lastUpdated", meta)
    updated = r.instant("date", updated_text)
    created = r.instant(
        "content.attachment.creation", r.optional_text("creation", attachment) or updated_text
    )
    replaces = None
    for relation in r.objects("relatesTo"):
        if relation.get("code") == "replaces":
            replaces = replaces or r.reference_id(relation.get("target"), "DocumentReference")
    signed_at = _attested_at(r) if status is not NoteStatus.DRAFT else None
    if status is not NoteStatus.DRAFT and signed_at is None:
        signed_at = updated
    return VisitNote(
        id=NoteId(r.id),
        appointment_id=AppointmentId(appointment_id),
        patient_id=PatientId(subject),
        text=text,
        status=status,
        created_at=created,
        updated_at=updated,
        signed_at=signed_at,
        replaces=None if replaces is None else NoteId(replaces),
        amendment_reason=r.optional_text("description") if replaces is not None else None,
        author=_author(resource),
    )


def _author(resource: Mapping[str, Any]) -> str | None:
    """The first `Practitioner/<id>` among `author`, or None (authors are optional)."""
    authors = resource.get("author")
    if not isinstance(authors, list):
        return None
    for item in authors:
        reference = item.get("reference") if isinstance(item, Mapping) else None
        if isinstance(reference, str) and "Practitioner/" in reference:
            practitioner = reference.rsplit("Practitioner/", 1)[1].split("/")[0]
            if practitioner:
                return f"Practitioner/{practitioner}"
    return None


def _attested_at(r: _Reader) -> datetime | None:
    for extension in r.objects("extension"):
        if extension.get("url") != ATTESTER_URL:
            continue
        for sub in r.objects("extension", extension):
            if sub.get("url") == "time":
                return r.instant("attester.time", r.optional_text("valueDateTime", sub))
    return None
