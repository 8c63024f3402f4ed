"""Validation by shape (`outpost.server.shapes`) gives the full `fhir.resources` models'
verdict: for every scalar of a learned shape, swapped for good and bad values of the same
JSON type, the shape check accepts exactly what the models accept."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from outpost.core.domain import AppointmentId, NoteId, NoteStatus, PatientId, VisitNote
from outpost.server import validation
from outpost.server.outcome import FhirError
from outpost.server.shapes import ShapeCache, shape_of
from outpost.sync.fhir_map import note_to_fhir

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
STRINGS = (
    "",
    " ",
    "x",
    " padded ",
    "two  spaces",
    "line\nbreak",
    "2026-05-01",
    "2026-05-01T09:30:00Z",
    "2026-05-01T09:30:00",
    "2026-13-01T09:30:00Z",
    "2026-05-01T24:00:00Z",
    "2016-12-31T23:59:60Z",
    "2026",
    "2026-02",
    "not-a-date",
    "Patient/1",
    "http://loinc.org",
    "urn:oid:1.2.3",
    "aGVsbG8=",
    "not base64!",
    "abc",
    "id.with-dots",
    "has space",
    "a" * 65,
    "ünïcödé",
    "true",
    "12",
)
NUMBERS: tuple[object, ...] = (0, 1, -1, 2**40, 1.5, True, False)


def note(*, signed: bool, amends: str | None = None) -> dict[str, Any]:
    record = VisitNote(
        id=NoteId(str(uuid.uuid4())),
        appointment_id=AppointmentId("appt-1"),
        patient_id=PatientId("pat-1"),
        text="Subjective: better. Objective: afebrile.",
        status=NoteStatus.SIGNED if signed else NoteStatus.DRAFT,
        created_at=NOW,
        updated_at=NOW,
        signed_at=NOW if signed else None,
        replaces=NoteId(amends) if amends else None,
        amendment_reason="typo" if amends else None,
    )
    return note_to_fhir(record, mutation_id=str(uuid.uuid4()), author="Practitioner/p1")


def appointment() -> dict[str, Any]:
    return {
        "resourceType": "Appointment",
        "id": "appt-1",
        "status": "booked",
        "description": "Cough",
        "start": "2026-05-01T09:30:00Z",
        "end": "2026-05-01T09:45:00Z",
        "minutesDuration": 15,
        "participant": [
            {"actor": {"reference": "Patient/pat-1"}, "status": "accepted"},
            {
                "actor": {"reference": "Practitioner/p1"},
                "status": "accepted",
                "required": "required",
            },
        ],
        "extension": [
            {
                "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.virtualService",
                "extension": [{"url": "addressUrl", "valueUrl": "http://127.0.0.1/join/abc"}],
            }
        ],
    }


def patient() -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": "pat-1",
        "active": True,
        "name": [{"given": ["Ada", "M."], "family": "Lovelace"}],
        "birthDate": "1815-12-10",
        "gender": "female",
        "multipleBirthInteger": 2,
    }


def paths(node: object, at: tuple[object, ...] = ()) -> Iterator[tuple[object, ...]]:
    """The path of every scalar but the root `resourceType`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if at or key != "resourceType":
                yield from paths(value, (*at, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from paths(item, (*at, index))
    else:
        yield at


def replaced(resource: dict[str, Any], path: tuple[object, ...], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(resource)
    node: Any = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


def models_accept(resource: dict[str, Any]) -> bool:
    try:
        validation.model_class(resource["resourceType"]).model_validate(resource)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize(
    "resource",
    [
        note(signed=False),
        note(signed=True),
        note(signed=True, amends="n0"),
        appointment(),
        patient(),
    ],
    ids=["draft note", "signed note", "amendment", "appointment", "patient"],
)
def test_a_learned_shape_accepts_exactly_what_the_models_accept(resource: dict[str, Any]) -> None:
    shapes = ShapeCache()
    assert models_accept(resource)
    shapes.learn(validation.model_class(resource["resourceType"]), resource, shape_of(resource)[0])
    compared = disagreements = 0
    for path in paths(resource):
        current: Any = resource
        for step in path:
            current = current[step]
        candidates = STRINGS if isinstance(current, str) else NUMBERS
        for value in candidates:
            if type(value) is not type(current):
                continue  # another JSON type is another shape
            changed = replaced(resource, path, value)
            shape, leaves = shape_of(changed)
            assert shape == shape_of(resource)[0]
            fast = shapes.passes(resource["resourceType"], shape, leaves)
            compared += 1
            if fast != models_accept(changed):
                disagreements += 1
                print(f"disagree at {path} = {value!r}: shape says {fast}")
    assert compared > 20
    assert disagreements == 0


def test_another_shape_is_left_to_the_models() -> None:
    shapes = ShapeCache()
    good = note(signed=False)
    shapes.learn(validation.model_class("DocumentReference"), good, shape_of(good)[0])
    for changed in (
        {**good, "colour": "red"},  # unknown element
        {key: value for key, value in good.items() if key != "content"},  # required element
        {**good, "status": ["current"]},  # a list where one value goes
        {**good, "subject": "Patient/pat-1"},  # a string where an object goes
        {**good, "content": [None]},  # a null in a list of objects
    ):
        assert not shapes.passes("DocumentReference", *shape_of(changed))
        assert not models_accept(changed)


def test_a_bad_value_in_a_known_shape_is_refused_naming_the_element() -> None:
    good = note(signed=True)
    validation.validate(good, "DocumentReference", url_id=good["id"])  # learns the shape
    bad = replaced(good, ("date",), "2026-05-01T25:00:00Z")
    with pytest.raises(FhirError) as refused:
        validation.validate(bad, "DocumentReference", url_id=bad["id"])
    assert refused.value.status == 400
    assert refused.value.issues[0].expression == ("DocumentReference.date",)


def test_shapes_that_use_elements_with_their_own_rules_are_not_planned() -> None:
    """`_status` (a primitive's extension) has a validator of its own: never planned."""
    shapes = ShapeCache()
    resource = {**note(signed=False), "_status": {"extension": [{"url": "x", "valueString": "y"}]}}
    assert models_accept(resource)
    shape, leaves = shape_of(resource)
    shapes.learn(validation.model_class("DocumentReference"), resource, shape)
    assert not shapes.passes("DocumentReference", shape, leaves)


def test_the_cache_forgets_the_least_recently_used_shape() -> None:
    shapes = ShapeCache(limit=2)
    model = validation.model_class("Patient")
    one, two, three = patient(), {**patient(), "gender": "male", "active": False}, dict(patient())
    two.pop("multipleBirthInteger")
    three.pop("active")
    for resource in (one, two):
        shapes.learn(model, resource, shape_of(resource)[0])
    assert shapes.passes("Patient", *shape_of(one))  # one is now the most recent
    shapes.learn(model, three, shape_of(three)[0])
    assert shapes.passes("Patient", *shape_of(one))
    assert shapes.passes("Patient", *shape_of(three))
    assert not shapes.passes("Patient", *shape_of(two))
