"""Search parameters: which ones each type supports, the values a resource indexes for
them, and parsing a search URL's parameters into a `SearchQuery`.

Unknown parameters, modifiers and prefixes are refused with 400 rather than ignored, so a
client never mistakes an unfiltered result for a filtered one.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus
from typing import Any, NamedTuple

from outpost.server import instants
from outpost.server.outcome import FhirError, JsonObject, bad_request

DEFAULT_COUNT = 50
MAX_COUNT = 500


class Kind(enum.Enum):
    TOKEN = "token"  # noqa: S105 (a FHIR search parameter type)
    REFERENCE = "reference"
    DATE = "date"


@dataclass(frozen=True)
class Param:
    name: str
    kind: Kind
    paths: tuple[str, ...]
    doc: str
    target: str | None = None  # references: only those to this resource type


def _ref(name: str, doc: str, *paths: str, target: str | None = None) -> Param:
    return Param(name, Kind.REFERENCE, paths, doc, target)


def _token(name: str, doc: str, *paths: str) -> Param:
    return Param(name, Kind.TOKEN, paths, doc)


def _date(name: str, doc: str, *paths: str) -> Param:
    return Param(name, Kind.DATE, paths, doc)


_STATUS = _token("status", "status code", "status")
_SUBJECT = _ref("patient", "the subject Patient", "subject.reference", target="Patient")

PARAMS: dict[str, tuple[Param, ...]] = {
    "Organization": (),
    "Patient": (),
    "Practitioner": (),
    "Schedule": (_ref("actor", "Schedule.actor (Type/id)", "actor.reference"),),
    "Slot": (
        _ref("schedule", "Slot.schedule", "schedule.reference", target="Schedule"),
        _STATUS,
        _date("start", "Slot.start", "start"),
    ),
    "Appointment": (
        _ref("patient", "a participant Patient", "participant.actor.reference", target="Patient"),
        _ref("actor", "any participant (Type/id)", "participant.actor.reference"),
        _ref(
            "practitioner",
            "a participant Practitioner",
            "participant.actor.reference",
            target="Practitioner",
        ),
        _date("date", "Appointment.start", "start"),
        _STATUS,
    ),
    "Encounter": (
        _SUBJECT,
        _ref(
            "practitioner",
            "a participant Practitioner",
            "participant.individual.reference",
            target="Practitioner",
        ),
        _ref("appointment", "Encounter.appointment", "appointment.reference"),
        _date("date", "Encounter.period.start", "period.start"),
        _STATUS,
    ),
    "DocumentReference": (
        _SUBJECT,
        _ref("encounter", "context.encounter", "context.encounter.reference"),
        _ref("related", "context.related", "context.related.reference"),
        _date("date", "DocumentReference.date", "date"),
        _STATUS,
    ),
    "Provenance": (
        _ref("target", "Provenance.target (Type/id)", "target.reference"),
        _ref("patient", "a target Patient", "target.reference", target="Patient"),
        _ref("agent", "Provenance.agent.who (Type/id)", "agent.who.reference"),
    ),
    "QuestionnaireResponse": (
        _SUBJECT,
        _ref("encounter", "QuestionnaireResponse.encounter", "encounter.reference"),
        _date("authored", "QuestionnaireResponse.authored", "authored"),
        _STATUS,
    ),
    "Observation": (
        _SUBJECT,
        _ref("encounter", "Observation.encounter", "encounter.reference"),
        _date("date", "Observation.effective[x]", "effectiveDateTime", "effectivePeriod.start"),
        _STATUS,
    ),
    "MeasureReport": (
        _SUBJECT,
        _date("date", "MeasureReport.date", "date"),
        _STATUS,
    ),
    "AuditEvent": (
        _date("date", "AuditEvent.recorded", "recorded"),
        _ref("agent", "AuditEvent.agent.who (Type/id)", "agent.who.reference"),
    ),
}
RESOURCE_TYPES = tuple(PARAMS)
RESULT_PARAMS = ("_count", "_sort", "_cursor", "_offset", "_format")


class IndexRow(NamedTuple):
    """One search value of a resource: a token or reference in `value`, a date's start
    in `instant` (microseconds)."""

    param: str
    value: str | None
    instant: int | None


@dataclass(frozen=True)
class Match:
    """The resource has one of `values` for `param` (comma means OR)."""

    param: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Range:
    """`param` (`_lastUpdated` or a date parameter) lies in [low, high) microseconds."""

    param: str
    low: int | None
    high: int | None


@dataclass(frozen=True)
class SearchQuery:
    type: str
    ids: tuple[str, ...] | None
    matches: tuple[Match, ...]
    ranges: tuple[Range, ...]
    sort: str  # "_lastUpdated", "_id" or a date parameter's name
    descending: bool
    count: int
    cursor: int | None  # keyset paging (sorted by _lastUpdated): the last seq shown
    offset: int  # offset paging (other sorts)
    filters: tuple[tuple[str, str], ...]  # the parameters as understood, for links


def _walk(node: Any, parts: Sequence[str]) -> Iterator[Any]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, parts)
        return
    if not parts:
        yield node
        return
    if isinstance(node, dict) and parts[0] in node:
        yield from _walk(node[parts[0]], parts[1:])


def normalize_reference(reference: str) -> str | None:
    """'Patient/1', 'http://host/fhir/Patient/1/_history/2' -> 'Patient/1'; else None."""
    parts = reference.split("/")
    if len(parts) >= 4 and parts[-2] == "_history":
        parts = parts[:-2]
    if len(parts) < 2 or not parts[-2][:1].isupper() or not parts[-1]:
        return None
    return f"{parts[-2]}/{parts[-1]}"


@cache
def _paths(resource_type: str) -> tuple[tuple[Param, tuple[str, ...]], ...]:
    return tuple(
        (param, tuple(path.split("."))) for param in PARAMS[resource_type] for path in param.paths
    )


def _row_order(row: IndexRow) -> tuple[str, str, int]:
    return row.param, row.value or "", row.instant or 0


def index_rows(resource_type: str, resource: JsonObject) -> list[IndexRow]:
    rows: set[IndexRow] = set()
    for param, parts in _paths(resource_type):
        for value in _walk(resource, parts):
            if not isinstance(value, str):
                continue
            if param.kind is Kind.REFERENCE:
                ref = normalize_reference(value)
                if ref and (param.target is None or ref.startswith(param.target + "/")):
                    rows.add(IndexRow(param.name, ref, None))
            elif param.kind is Kind.TOKEN:
                rows.add(IndexRow(param.name, value, None))
            else:
                try:
                    rows.add(IndexRow(param.name, None, instants.parse_start(value)))
                except ValueError:
                    continue
    return sorted(rows, key=_row_order)


def _date_range(name: str, raw: str) -> Range:
    prefix, value = raw[:2], raw[2:]
    if not prefix.isalpha():
        prefix, value = "eq", raw
    try:
        start, end = instants.parse_range(value)
    except ValueError as exc:
        raise bad_request(f"Search parameter '{name}': {exc}.", name) from exc
    bounds = {
        "eq": (start, end),
        "ge": (start, None),
        "gt": (end, None),
        "le": (None, end),
        "lt": (None, start),
    }
    if prefix not in bounds:
        raise bad_request(
            f"Search parameter '{name}': prefix '{prefix}' is not supported "
            "(supported: eq, ge, gt, le, lt).",
            name,
        )
    low, high = bounds[prefix]
    return Range(name, low, high)


def _reference_values(param: Param, raw: str) -> tuple[str, ...]:
    values = []
    for item in raw.split(","):
        ref = normalize_reference(item) if "/" in item else None
        if ref is None and "/" not in item and item and param.target:
            ref = f"{param.target}/{item}"
        if ref is None:
            raise bad_request(
                f"Search parameter '{param.name}': '{item}' is not a reference "
                "(expected Type/id" + (" or id" if param.target else "") + ").",
                param.name,
            )
        values.append(ref)
    return tuple(values)


def _whole(name: str, raw: str, low: int, high: int) -> int:
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise bad_request(f"'{name}' must be a whole number from {low} to {high}.", name)
    return int(raw)


def parse_search(resource_type: str, items: Sequence[tuple[str, str]]) -> SearchQuery:
    """Raises FhirError (400) naming the parameter that is not understood."""
    params = {param.name: param for param in PARAMS[resource_type]}
    ids: tuple[str, ...] | None = None
    matches: list[Match] = []
    ranges: list[Range] = []
    filters: list[tuple[str, str]] = []
    sort, descending, count, cursor, offset = "_lastUpdated", False, DEFAULT_COUNT, None, 0
    for name, raw in items:
        base_name = name.split(":", 1)[0]
        if ":" in name:
            raise bad_request(f"Search modifiers are not supported ('{name}').", base_name)
        if name == "_id":
            ids = tuple(raw.split(","))
        elif name == "_lastUpdated":
            ranges.append(_date_range(name, raw))
        elif name == "_count":
            count = min(_whole(name, raw, 0, 2**31), MAX_COUNT)  # more: fewer per page
            continue
        elif name == "_sort":
            descending = raw.startswith("-")
            sort = raw.lstrip("-")
            dates = [p.name for p in params.values() if p.kind is Kind.DATE]
            if sort not in ("_lastUpdated", "_id", *dates):
                allowed = ", ".join(["_lastUpdated", "_id", *dates])
                raise bad_request(f"'_sort' supports {allowed} (with '-' for descending).", name)
            continue
        elif name == "_cursor":
            cursor = _whole(name, raw, 0, 2**62)
            continue
        elif name == "_offset":
            offset = _whole(name, raw, 0, 2**31)
            continue
        elif name == "_format":
            continue
        elif name in params:
            param = params[name]
            if param.kind is Kind.DATE:
                ranges.append(_date_range(name, raw))
            elif param.kind is Kind.REFERENCE:
                matches.append(Match(name, _reference_values(param, raw)))
            else:
                codes = tuple(item.rsplit("|", 1)[-1] for item in raw.split(","))
                matches.append(Match(name, codes))
        else:
            supported = ", ".join(["_id", "_lastUpdated", *params, *RESULT_PARAMS[:2]])
            raise FhirError.of(
                HTTPStatus.BAD_REQUEST,
                "not-supported",
                f"Search parameter '{name}' is not supported for {resource_type} "
                f"(supported: {supported}).",
                name,
            )
        filters.append((name, raw))
    if sort != "_lastUpdated":
        filters.append(("_sort", ("-" if descending else "") + sort))
    elif descending:
        filters.append(("_sort", "-_lastUpdated"))
    return SearchQuery(
        resource_type,
        ids,
        tuple(matches),
        tuple(ranges),
        sort,
        descending,
        count,
        cursor,
        offset,
        tuple(filters),
    )
