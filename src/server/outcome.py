"""OperationOutcome helpers and `FhirError`, the one exception FHIR handlers raise.

A `FhirError` carries the HTTP status and the issues; the REST layer turns it into a
response, a batch turns it into a failed entry. Diagnostics describe the request (field
paths, what was expected), never echo resource content.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class Issue:
    """One OperationOutcome.issue: `code` is a FHIR IssueType (invalid, not-found, ...)."""

    code: str
    diagnostics: str
    expression: tuple[str, ...] = ()
    severity: str = "error"

    def to_json(self) -> JsonObject:
        issue: JsonObject = {
            "severity": self.severity,
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue


def operation_outcome(issues: Sequence[Issue]) -> JsonObject:
    return {"resourceType": "OperationOutcome", "issue": [issue.to_json() for issue in issues]}


def information(diagnostics: str) -> JsonObject:
    return operation_outcome([Issue("informational", diagnostics, severity="information")])


class VersionText(NamedTuple):
    """The JSON text of the stored version `seq`."""

    seq: int
    text: str


Piece = str | VersionText


@dataclass(frozen=True)
class Answer:
    """A FHIR answer apart from HTTP: status, headers (ETag, Last-Modified, Location) and
    body. The REST layer sends it; a batch puts it in a response entry. `encoded` is the
    same body as JSON text when it is already at hand (a stored version's text), so a
    body is encoded once however many places send or record it; `parts` says which
    stretches of it are stored versions' texts."""

    status: int
    body: JsonObject | None
    headers: dict[str, str] = field(default_factory=dict)
    encoded: str | None = field(default=None, repr=False, compare=False)
    # The text in pieces: literal text, and stored versions' texts (which never change),
    # so that a record of the answer can refer to the versions instead of copying them.
    parts: tuple[Piece, ...] | None = field(default=None, repr=False, compare=False)

    def text(self) -> str | None:
        """The body as JSON text (None without a body)."""
        if self.encoded is not None or self.body is None:
            return self.encoded
        if self.parts is not None:
            return "".join(p if isinstance(p, str) else p.text for p in self.parts)
        return to_json(self.body)


def to_json(value: object) -> str:
    """Compact JSON text, UTF-8 characters kept as they are."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class FhirError(Exception):
    """A request the server refuses; `status` is the HTTP status to answer with."""

    def __init__(
        self,
        status: HTTPStatus,
        issues: Sequence[Issue],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(issues[0].diagnostics if issues else status.phrase)
        self.status = status
        self.issues = tuple(issues)
        self.headers = dict(headers or {})

    @classmethod
    def of(cls, status: HTTPStatus, code: str, diagnostics: str, *expression: str) -> FhirError:
        return cls(status, [Issue(code, diagnostics, tuple(expression))])

    def outcome(self) -> JsonObject:
        return operation_outcome(self.issues)


def bad_request(diagnostics: str, *expression: str) -> FhirError:
    return FhirError.of(HTTPStatus.BAD_REQUEST, "invalid", diagnostics, *expression)


def not_found(diagnostics: str) -> FhirError:
    return FhirError.of(HTTPStatus.NOT_FOUND, "not-found", diagnostics)


def not_supported(status: HTTPStatus, diagnostics: str) -> FhirError:
    return FhirError.of(status, "not-supported", diagnostics)


def status_line(status: int) -> str:
    """'201 Created': the form Bundle.entry.response.status uses."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
