"""`batch` and `transaction` Bundles posted to the FHIR base.

batch: entries run in the order given, each in its own savepoint; a failed entry changes
nothing and answers with its status and an OperationOutcome; the Bundle answers 200.
transaction: POST entries, then PUT, then GET (FHIR's order), all in one database
transaction; the first failure undoes everything and the whole request fails with that
entry's status. `urn:uuid:` fullUrls of POST entries are resolved to the new ids in every
reference of the Bundle. Entries may carry an idempotency key as an extension of
`entry.request` (url `urn:outpost:idempotency-key`, `valueString`).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from outpost.server import interactions
from outpost.server.database import savepoint
from outpost.server.idempotency import ENTRY_EXTENSION, Request
from outpost.server.interactions import Context
from outpost.server.outcome import (
    Answer,
    FhirError,
    Issue,
    JsonObject,
    Piece,
    bad_request,
    not_supported,
    status_line,
    to_json,
)

MAX_ENTRIES = 1000
_TRANSACTION_ORDER = {"POST": 0, "PUT": 1, "GET": 2}


@dataclass(frozen=True)
class EntryRequest:
    method: str
    path: str  # relative to the base, without the query: "Patient/1"
    segments: tuple[str, ...]
    query: tuple[tuple[str, str], ...]
    if_match: str | None
    key: str | None
    resource: object
    full_url: str | None


def _entry_request(ctx: Context, entry: object, index: int) -> EntryRequest:
    where = f"Bundle.entry[{index}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("request"), dict):
        raise bad_request(f"{where}.request is missing.", f"{where}.request")
    request: dict[str, Any] = entry["request"]
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str) or not url:
        raise bad_request(f"{where}.request needs a method and a url.", f"{where}.request")
    if url.startswith(ctx.base + "/"):
        url = url[len(ctx.base) + 1 :]
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise bad_request(f"{where}.request.url must be relative to this server's base.")
    for unsupported in ("ifNoneExist", "ifNoneMatch", "ifModifiedSince"):
        if unsupported in request:
            raise not_supported(
                HTTPStatus.BAD_REQUEST, f"{where}.request.{unsupported} is not supported."
            )
    key = None
    for extension in request.get("extension") or []:
        if isinstance(extension, dict) and extension.get("url") == ENTRY_EXTENSION:
            key = extension.get("valueString")
            if not isinstance(key, str):
                raise bad_request(f"{where}: the idempotency key needs a valueString.")
    if_match = request.get("ifMatch")
    full_url = entry.get("fullUrl")
    return EntryRequest(
        method=method.upper(),
        path=parts.path.strip("/"),
        segments=tuple(parts.path.strip("/").split("/")),
        query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
        if_match=if_match if isinstance(if_match, str) else None,
        key=key,
        resource=entry.get("resource"),
        full_url=full_url if isinstance(full_url, str) else None,
    )


def _dispatch(ctx: Context, request: EntryRequest, new_id: str | None) -> Answer:
    seg = request.segments
    if request.method == "GET":
        if len(seg) == 1:
            return interactions.search_type(ctx, seg[0], request.query)
        if len(seg) == 2 and seg[1] == "_history":
            return interactions.history(ctx, seg[0], None, request.query)
        if len(seg) == 2:
            return interactions.read(ctx, seg[0], seg[1])
        if len(seg) == 3 and seg[2] == "_history":
            return interactions.history(ctx, seg[0], seg[1], request.query)
        if len(seg) == 4 and seg[2] == "_history":
            return interactions.vread(ctx, seg[0], seg[1], seg[3])
    elif request.method == "PUT" and len(seg) == 2:
        type_, id_ = seg

        def put() -> Answer:
            return interactions.update(ctx, type_, id_, request.resource, request.if_match)

        same = Request("PUT", request.path, request.resource)
        return interactions.idempotent(ctx, request.key, same, put)
    elif request.method == "POST" and len(seg) == 1:
        if request.if_match is not None:
            raise bad_request("ifMatch makes no sense on a create (POST).")

        def post() -> Answer:
            return interactions.create(ctx, seg[0], request.resource, new_id)

        same = Request("POST", request.path, request.resource)
        return interactions.idempotent(ctx, request.key, same, post)
    elif request.method in ("DELETE", "PATCH", "HEAD"):
        raise not_supported(
            HTTPStatus.METHOD_NOT_ALLOWED, f"{request.method} is not supported by this server."
        )
    raise bad_request(f"{request.method} {request.path} is not an interaction this server has.")


def _response_entry(ctx: Context, answer: Answer) -> tuple[JsonObject, list[Piece]]:
    """The entry of a successful answer, and its JSON text in pieces (the resource's own
    text spliced in, not encoded again)."""
    response: JsonObject = {"status": status_line(answer.status)}
    if "ETag" in answer.headers:
        response["etag"] = answer.headers["ETag"]
    location = answer.headers.get("Location")
    if location:
        response["location"] = location.removeprefix(ctx.base + "/")
    body = answer.body or {}
    last_updated = (body.get("meta") or {}).get("lastUpdated")
    if last_updated and body.get("resourceType") != "Bundle":
        response["lastModified"] = last_updated
    entry: JsonObject = {}
    parts: list[Piece] = ["{"]
    if body.get("resourceType") not in (None, "Bundle") and "id" in body:
        entry["fullUrl"] = f"{ctx.base}/{body['resourceType']}/{body['id']}"
        parts.append(f'"fullUrl":{to_json(entry["fullUrl"])},')
    if answer.body is not None:
        entry["resource"] = answer.body
        parts.append('"resource":')
        parts.extend(answer.parts or [answer.text() or "null"])
        parts.append(",")
    entry["response"] = response
    parts.append(f'"response":{to_json(response)}}}')
    return entry, parts


def _failed_entry(error: FhirError) -> tuple[JsonObject, list[Piece]]:
    entry = {"response": {"status": status_line(error.status), "outcome": error.outcome()}}
    return entry, [to_json(entry)]


def _resolve_references(node: Any, ids: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: ids.get(value, value)
            if key == "reference" and isinstance(value, str)
            else _resolve_references(value, ids)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_resolve_references(item, ids) for item in node]
    return node


def _entries(body: object) -> tuple[str, list[object]]:
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise bad_request("POST to the FHIR base takes a Bundle (type batch or transaction).")
    kind = body.get("type")
    if kind not in ("batch", "transaction"):
        raise bad_request("Bundle.type must be 'batch' or 'transaction'.", "Bundle.type")
    entries = body.get("entry", [])
    if not isinstance(entries, list):
        raise bad_request("Bundle.entry must be a list.", "Bundle.entry")
    if len(entries) > MAX_ENTRIES:
        raise FhirError.of(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "too-costly",
            f"A Bundle may hold at most {MAX_ENTRIES} entries; this one has {len(entries)}.",
        )
    return str(kind), entries


def process(ctx: Context, body: object) -> Answer:
    """Run a batch or transaction Bundle in the caller's database transaction."""
    kind, entries = _entries(body)
    if kind == "batch":
        return _batch(ctx, entries)
    return _transaction(ctx, entries)


def _batch(ctx: Context, entries: list[object]) -> Answer:
    results: list[tuple[JsonObject, list[Piece]]] = []
    for index, entry in enumerate(entries):
        try:
            with savepoint(ctx.conn):
                request = _entry_request(ctx, entry, index)
                results.append(_response_entry(ctx, _dispatch(ctx, request, None)))
        except FhirError as error:
            results.append(_failed_entry(error))
    return _response_bundle("batch-response", results)


def _transaction(ctx: Context, entries: list[object]) -> Answer:
    requests = [_entry_request(ctx, entry, index) for index, entry in enumerate(entries)]
    new_ids: dict[int, str] = {}
    references: dict[str, str] = {}
    for index, request in enumerate(requests):
        if request.method == "POST" and (request.full_url or "").startswith("urn:uuid:"):
            new_ids[index] = str(uuid.uuid4())
            references[str(request.full_url)] = f"{request.segments[0]}/{new_ids[index]}"
    if references:
        requests = [
            dataclasses.replace(r, resource=_resolve_references(r.resource, references))
            for r in requests
        ]
    order = sorted(
        range(len(requests)), key=lambda i: _TRANSACTION_ORDER.get(requests[i].method, 3)
    )
    results: dict[int, tuple[JsonObject, list[Piece]]] = {}
    for index in order:
        try:
            answer = _dispatch(ctx, requests[index], new_ids.get(index))
        except FhirError as error:
            where = f"Bundle.entry[{index}]"
            note = Issue("processing", f"{where} failed, so the transaction changed nothing.")
            raise FhirError(error.status, [note, *error.issues]) from error
        results[index] = _response_entry(ctx, answer)
    ordered = [results[index] for index in range(len(requests))]
    return _response_bundle("transaction-response", ordered)


def _response_bundle(kind: str, entries: list[tuple[JsonObject, list[Piece]]]) -> Answer:
    id_ = str(uuid.uuid4())
    body = {
        "resourceType": "Bundle",
        "id": id_,
        "type": kind,
        "entry": [entry for entry, _ in entries],
    }
    pieces: list[Piece] = [f'{{"resourceType":"Bundle","id":"{id_}","type":"{kind}","entry":[']
    for number, (_, parts) in enumerate(entries):
        if number:
            pieces.append(",")
        pieces.extend(parts)
    pieces.append("]}")
    return Answer(HTTPStatus.OK, body, parts=_merged(pieces))


def _merged(pieces: list[Piece]) -> tuple[Piece, ...]:
    """Adjacent literal pieces joined."""
    merged: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return tuple(merged)
