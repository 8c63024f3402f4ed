"""Validation of incoming resources with the `fhir.resources.R4B` models.

Failures become 400 answers whose OperationOutcome names each bad element as a FHIRPath
(`Patient.name[0].given`) with what was expected. The models do not check required
code bindings, so the status-like codes the clinic workflow depends on are checked here.
"""

from __future__ import annotations

import re
from functools import cache
from http import HTTPStatus

from fhir.resources.R4B import get_fhir_model_class
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

from outpost.core.domain import AppointmentStatus
from outpost.server.outcome import FhirError, Issue, JsonObject, bad_request
from outpost.server.search import RESOURCE_TYPES
from outpost.server.shapes import ShapeCache, shape_of

ID_PATTERN = re.compile(r"[A-Za-z0-9\-.]{1,64}")
MAX_ISSUES = 20

_GENDER = frozenset({"male", "female", "other", "unknown"})
REQUIRED_CODES: dict[tuple[str, str], frozenset[str]] = {
    ("Appointment", "status"): frozenset(status.value for status in AppointmentStatus),
    ("DocumentReference", "status"): frozenset({"current", "superseded", "entered-in-error"}),
    ("DocumentReference", "docStatus"): frozenset(
        {"preliminary", "final", "amended", "entered-in-error"}
    ),
    ("Encounter", "status"): frozenset(
        {
            "planned",
            "arrived",
            "triaged",
            "in-progress",
            "onleave",
            "finished",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("Observation", "status"): frozenset(
        {
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        }
    ),
    ("Slot", "status"): frozenset(
        {"busy", "free", "busy-unavailable", "busy-tentative", "entered-in-error"}
    ),
    ("QuestionnaireResponse", "status"): frozenset(
        {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
    ),
    ("MeasureReport", "status"): frozenset({"complete", "pending", "error"}),
    ("Patient", "gender"): _GENDER,
    ("Practitioner", "gender"): _GENDER,
}


# Shapes of resources the models accepted: later ones of the same shape need only their
# values checked (see `shapes`). A memo of a pure function, like `model_class`.
_SHAPES = ShapeCache()


@cache
def _required_codes(resource_type: str) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((e, codes) for (t, e), codes in REQUIRED_CODES.items() if t == resource_type)


@cache
def model_class(resource_type: str) -> type[FHIRAbstractModel]:
    return get_fhir_model_class(resource_type)


def warm_up() -> None:
    """Load every model class once, so the first request of a type is not slow."""
    for resource_type in RESOURCE_TYPES:
        try:
            model_class(resource_type).model_validate({"resourceType": resource_type})
        except ValidationError:
            continue  # required elements are missing; loading the model was the point


def check_type(resource_type: str) -> None:
    if resource_type not in RESOURCE_TYPES:
        raise FhirError.of(
            HTTPStatus.NOT_FOUND,
            "not-supported",
            f"Resource type '{resource_type}' is not supported by this server.",
        )


def check_id(id_: str) -> None:
    if not ID_PATTERN.fullmatch(id_):
        raise bad_request("A resource id is 1-64 characters: letters, digits, '-' and '.'.")


def _path(resource_type: str, loc: tuple[int | str, ...]) -> str:
    path = resource_type
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate(resource: object, resource_type: str, *, url_id: str | None) -> JsonObject:
    """The resource if it is a valid R4B `resource_type` whose id equals `url_id` (for
    update); for create (`url_id` None) any id in the body is ignored by the caller."""
    if not isinstance(resource, dict):
        raise bad_request("The body must be a JSON object: a FHIR resource.")
    found = resource.get("resourceType")
    if found is None:
        raise bad_request("The resource has no 'resourceType'.", "resourceType")
    if found != resource_type:
        raise bad_request(
            f"resourceType '{found}' does not match the type in the URL ('{resource_type}').",
            "resourceType",
        )
    if url_id is not None:
        body_id = resource.get("id")
        if body_id is None:
            raise bad_request(
                f"{resource_type}.id is missing; it must equal the id in the URL.",
                f"{resource_type}.id",
            )
        if body_id != url_id:
            raise bad_request(
                f"{resource_type}.id '{body_id}' does not match the id in the URL ('{url_id}').",
                f"{resource_type}.id",
            )
    shape, leaves = shape_of(resource)
    if not _SHAPES.passes(resource_type, shape, leaves):
        _validate_fully(resource, resource_type)
        _SHAPES.learn(model_class(resource_type), resource, shape)
    for element, codes in _required_codes(resource_type):
        value = resource.get(element)
        if value is not None and value not in codes:
            path = f"{resource_type}.{element}"
            raise FhirError.of(
                HTTPStatus.BAD_REQUEST,
                "code-invalid",
                f"{path}: '{value}' is not one of {', '.join(sorted(codes))}.",
                path,
            )
    return resource


def _validate_fully(resource: JsonObject, resource_type: str) -> None:
    """The `fhir.resources` models' verdict; FhirError (400) naming each bad element."""
    try:
        model_class(resource_type).model_validate(resource)
    except ValidationError as exc:
        issues = []
        for error in exc.errors()[:MAX_ISSUES]:
            path = _path(resource_type, error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            issues.append(Issue("structure", f"{path}: {message}", (path,)))
        raise FhirError(HTTPStatus.BAD_REQUEST, issues) from exc
