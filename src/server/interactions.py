"""The FHIR interactions on one database transaction: read, vread, update (creating when
the id is new), create, search and history. HTTP-free: a plain request and a batch entry
both come here, and get an `Answer` or a `FhirError`.
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode

from outpost.server import idempotency, instants, search, storage, validation
from outpost.server.outcome import (
    Answer,
    FhirError,
    Issue,
    JsonObject,
    VersionText,
    bad_request,
    not_found,
)
from outpost.server.storage import StoredVersion

_ETAG = re.compile(r'(?:W/)?"(\d+)"')
HISTORY_PARAMS = ("_since", "_count", "_cursor", "_format")


@dataclass(frozen=True)
class Caller:
    """Who is asking: a signed-in user of one clinic."""

    username: str
    clinic: str
    practitioner_id: str


@dataclass(frozen=True)
class Context:
    conn: sqlite3.Connection
    caller: Caller
    base: str  # the FHIR base URL, e.g. http://127.0.0.1:8080/fhir
    clock: Callable[[], int]
    stamps: storage.Stamps  # lastUpdated values of this transaction

    @classmethod
    def of(
        cls, conn: sqlite3.Connection, caller: Caller, base: str, clock: Callable[[], int]
    ) -> Context:
        """The context of one database transaction."""
        return cls(conn, caller, base, clock, storage.Stamps(clock))


def _version_headers(stored: StoredVersion | storage.Head) -> dict[str, str]:
    return {"ETag": stored.etag, "Last-Modified": stored.http_last_modified}


def read(ctx: Context, type_: str, id_: str) -> Answer:
    validation.check_type(type_)
    validation.check_id(id_)
    stored = storage.current(ctx.conn, ctx.caller.clinic, type_, id_)
    if stored is None:
        raise not_found(f"{type_}/{id_} is not known.")
    return Answer(HTTPStatus.OK, stored.body, _version_headers(stored), stored.text)


def vread(ctx: Context, type_: str, id_: str, version_id: str) -> Answer:
    validation.check_type(type_)
    validation.check_id(id_)
    if not version_id.isdigit():
        raise bad_request("A version id is a whole number.")
    stored = storage.version(ctx.conn, ctx.caller.clinic, type_, id_, int(version_id))
    if stored is None:
        raise not_found(f"{type_}/{id_}/_history/{version_id} is not known.")
    return Answer(HTTPStatus.OK, stored.body, _version_headers(stored), stored.text)


def parse_if_match(value: str) -> int | None:
    """The version number an If-Match names; None for '*' (any current version)."""
    if value.strip() == "*":
        return None
    match = _ETAG.fullmatch(value.strip())
    if match is None:
        raise bad_request('If-Match must be an ETag such as W/"3".', "If-Match")
    return int(match[1])


def _written(ctx: Context, stored: StoredVersion, created: bool) -> Answer:
    headers = _version_headers(stored)
    headers["Location"] = f"{ctx.base}/{stored.type}/{stored.id}/_history/{stored.version}"
    status = HTTPStatus.CREATED if created else HTTPStatus.OK
    parts = (VersionText(stored.seq, stored.text),)
    return Answer(status, stored.body, headers, stored.text, parts=parts)


def update(ctx: Context, type_: str, id_: str, body: object, if_match: str | None) -> Answer:
    validation.check_type(type_)
    validation.check_id(id_)
    resource = validation.validate(body, type_, url_id=id_)
    existing = storage.head(ctx.conn, ctx.caller.clinic, type_, id_)
    if if_match is not None:
        expected = parse_if_match(if_match)
        if existing is None or (expected is not None and existing.version != expected):
            now = f"the current version is {existing.version}" if existing else "it does not exist"
            raise FhirError(
                HTTPStatus.PRECONDITION_FAILED,
                [Issue("conflict", f"If-Match {if_match} is stale: {now}; nothing was changed.")],
                headers=_version_headers(existing) if existing else None,
            )
    stored = _write(ctx, resource, "PUT", existing)
    return _written(ctx, stored, created=existing is None)


def create(ctx: Context, type_: str, body: object, id_: str | None = None) -> Answer:
    """POST: the server assigns the id (any id in the body is ignored), unless a
    transaction already picked one for a urn:uuid entry."""
    validation.check_type(type_)
    if isinstance(body, dict):
        body = {key: value for key, value in body.items() if key != "id"}
    resource = validation.validate(body, type_, url_id=None)
    resource = {**resource, "id": id_ or str(uuid.uuid4())}
    stored = _write(ctx, resource, "POST", None)
    return _written(ctx, stored, created=True)


def _write(
    ctx: Context, resource: JsonObject, method: str, previous: storage.Head | None
) -> StoredVersion:
    index = search.index_rows(resource["resourceType"], resource)
    stamp = ctx.stamps.next(ctx.conn)
    return storage.write(
        ctx.conn, ctx.caller.clinic, resource, index, method=method, previous=previous, stamp=stamp
    )


def idempotent(
    ctx: Context,
    key: str | None,
    request: idempotency.Request,
    run: Callable[[], Answer],
) -> Answer:
    """`run` the write unless this key already recorded it; record its answer if it
    succeeds (in the caller's transaction)."""
    if key is None:
        return run()
    key = idempotency.check_key(key)
    replay = idempotency.lookup(ctx.conn, ctx.caller.username, key, request)
    if replay is not None:
        return dataclasses.replace(
            replay, headers={**replay.headers, idempotency.REPLAYED_HEADER: "true"}
        )
    answer = run()
    idempotency.record(ctx.conn, ctx.caller.username, key, request, answer, ctx.clock())
    return answer


def _bundle(kind: str, links: list[tuple[str, str]], entries: list[JsonObject]) -> JsonObject:
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": instants.format_instant(instants.now_us())},
        "type": kind,
        "link": [{"relation": relation, "url": url} for relation, url in links],
        "entry": entries,
    }


def search_type(ctx: Context, type_: str, items: Sequence[tuple[str, str]]) -> Answer:
    validation.check_type(type_)
    query = search.parse_search(type_, items)
    found, total, more = storage.search(ctx.conn, ctx.caller.clinic, query)
    page = [*query.filters, ("_count", str(query.count))]
    url = f"{ctx.base}/{type_}?"
    links = [("self", url + urlencode([*page, *_page_position(query)]))]
    if more and found:
        if query.sort == "_lastUpdated":
            following = [("_cursor", str(found[-1].seq))]
        else:
            following = [("_offset", str(query.offset + query.count))]
        links.append(("next", url + urlencode([*page, *following])))
    entries = [
        {
            "fullUrl": f"{ctx.base}/{s.type}/{s.id}",
            "resource": s.body,
            "search": {"mode": "match"},
        }
        for s in found
    ]
    bundle = _bundle("searchset", links, entries)
    bundle["total"] = total
    return Answer(HTTPStatus.OK, bundle)


def _page_position(query: search.SearchQuery) -> list[tuple[str, str]]:
    if query.cursor is not None:
        return [("_cursor", str(query.cursor))]
    return [("_offset", str(query.offset))] if query.offset else []


def history(ctx: Context, type_: str, id_: str | None, items: Sequence[tuple[str, str]]) -> Answer:
    """Type or instance history: versions oldest first, `_since` inclusive, paged with an
    opaque `_cursor` in the `next` link."""
    validation.check_type(type_)
    if id_ is not None:
        validation.check_id(id_)
    since: int | None = None
    after: tuple[int, int] | None = None
    count = search.DEFAULT_COUNT
    kept: list[tuple[str, str]] = []
    for name, raw in items:
        if name == "_since":
            try:
                since = instants.parse_start(raw)
            except ValueError as exc:
                raise bad_request(f"_since: {exc}.", "_since") from exc
            kept.append((name, raw))
        elif name == "_count":
            if not raw.isdigit():
                raise bad_request("'_count' must be a whole number.", "_count")
            count = max(1, min(int(raw), search.MAX_COUNT))
        elif name == "_cursor":
            last, _, seq = raw.partition(".")
            if not (last.isdigit() and seq.isdigit()):
                raise bad_request("'_cursor' is not one this server made.", "_cursor")
            after = (int(last), int(seq))
        elif name != "_format":
            raise FhirError.of(
                HTTPStatus.BAD_REQUEST,
                "not-supported",
                f"History parameter '{name}' is not supported "
                f"(supported: {', '.join(HISTORY_PARAMS)}).",
                name,
            )
    found = storage.history(
        ctx.conn, ctx.caller.clinic, type_, id_=id_, since=since, after=after, limit=count + 1
    )
    path = f"{ctx.base}/{type_}" + (f"/{id_}" if id_ else "") + "/_history?"
    page = [*kept, ("_count", str(count))]
    position = [("_cursor", f"{after[0]}.{after[1]}")] if after else []
    links = [("self", path + urlencode([*page, *position]))]
    if len(found) > count:
        found = found[:count]
        tail = found[-1]
        cursor = f"{tail.last_updated}.{tail.seq}"
        links.append(("next", path + urlencode([*page, ("_cursor", cursor)])))
    return Answer(HTTPStatus.OK, _bundle("history", links, [_history_entry(ctx, s) for s in found]))


def _history_entry(ctx: Context, stored: StoredVersion) -> JsonObject:
    created = stored.version == 1
    return {
        "fullUrl": f"{ctx.base}/{stored.type}/{stored.id}",
        "resource": stored.body,
        "request": {
            "method": stored.method,
            "url": stored.type if stored.method == "POST" else f"{stored.type}/{stored.id}",
        },
        "response": {
            "status": "201 Created" if created else "200 OK",
            "etag": stored.etag,
            "lastModified": stored.instant,
        },
    }
