"""Pure pieces of the push wire format: batch Bundles, their responses, idempotency keys.

Idempotency keys are content-addressed: the same request body always carries the same key
(so a server that honours `Idempotency-Key` replays a lost answer), and a changed body never
reuses one (an autosave may rewrite a released action's payload under the same mutation id,
and a strict server refuses a key reused for a different body).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from outpost.sync.client import JsonObject, network_error, outcome_text, version_from_etag


def canonical(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def request_key(mutation_id: str, body: JsonObject) -> str:
    """`Idempotency-Key` of a single write: the mutation id and a digest of the body."""
    return f"{mutation_id}.{hashlib.sha256(canonical(body)).hexdigest()[:16]}"


def batch_key(bundle: JsonObject) -> str:
    """`Idempotency-Key` of a batch: a digest of the whole Bundle as sent (its entries'
    mutation ids, resources and preconditions)."""
    return batch_request(bundle)[1]


def batch_request(bundle: JsonObject) -> tuple[bytes, str]:
    """The batch's body, encoded once, and its `Idempotency-Key`: a digest of exactly those
    bytes. The Bundle is built the same way from the same entries (`batch_bundle`), so the
    same batch gives the same bytes and key, and any change to it a new key."""
    body = json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode()
    return body, f"batch.{hashlib.sha256(body).hexdigest()[:40]}"


@dataclass(frozen=True)
class Put:
    """One `PUT Type/id` with an optional `If-Match` version."""

    resource_type: str
    resource_id: str
    resource: JsonObject
    if_match: str | None


def batch_bundle(puts: list[Put]) -> JsonObject:
    entries = []
    for put in puts:
        request: JsonObject = {"method": "PUT", "url": f"{put.resource_type}/{put.resource_id}"}
        if put.if_match is not None:
            request["ifMatch"] = f'W/"{put.if_match}"'
        entries.append({"resource": put.resource, "request": request})
    return {"resourceType": "Bundle", "type": "batch", "entry": entries}


@dataclass(frozen=True)
class EntryResult:
    """One entry of a batch-response; `status` None when the entry could not be read."""

    status: int | None
    resource: JsonObject | None
    version: str | None
    diagnostics: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def parse_batch_response(body: JsonObject, expected: int) -> list[EntryResult]:
    """Entries in request order (FHIR batch-response keeps it). A Bundle that is not a
    batch-response of `expected` entries cannot be trusted at all: a network failure."""
    entries = body.get("entry")
    if (
        body.get("resourceType") != "Bundle"
        or body.get("type") != "batch-response"
        or not isinstance(entries, list)
        or len(entries) != expected
    ):
        raise network_error("The server's answer to a batch could not be read.")
    return [_entry(entry) for entry in entries]


def _entry(entry: Any) -> EntryResult:
    if not isinstance(entry, dict) or not isinstance(entry.get("response"), dict):
        return EntryResult(None, None, None, "unreadable entry")
    response = entry["response"]
    status = _status(response.get("status"))
    resource = entry.get("resource")
    resource = resource if isinstance(resource, dict) else None
    outcome = response.get("outcome")
    if resource is not None and resource.get("resourceType") == "OperationOutcome":
        outcome, resource = resource, None
    etag = response.get("etag")
    version = version_from_etag(etag if isinstance(etag, str) else None)
    diagnostics = outcome_text(outcome if isinstance(outcome, dict) else None, status or 0)
    return EntryResult(status, resource, version, diagnostics)


def _status(value: Any) -> int | None:
    """`"201 Created"` -> 201."""
    if not isinstance(value, str):
        return None
    head = value.strip().split(" ", 1)[0]
    return int(head) if head.isdigit() and len(head) == 3 else None


def instant_text(moment: datetime) -> str:
    """A FHIR instant in UTC with microseconds: `2025-03-10T08:00:00.000000Z`."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_instant(text: str) -> datetime | None:
    """A FHIR instant (any fraction length, `Z` or an offset); None when unreadable."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if "." in value:
        head, _, rest = value.partition(".")
        digits = len(rest) - len(rest.lstrip("0123456789"))
        value = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def last_updated(resource: JsonObject) -> datetime | None:
    meta = resource.get("meta")
    text = meta.get("lastUpdated") if isinstance(meta, dict) else None
    return parse_instant(text) if isinstance(text, str) else None
