"""Resource versions in SQLite: read, vread, save a new version, history and search.

Each clinic is its own id space (the primary key is clinic, type, id), so one clinic can
neither see nor overwrite another's records. Versions get a strictly increasing
`lastUpdated` in microseconds, assigned inside the write transaction: sorting by it equals
commit order, and no two versions share a timestamp.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from outpost.server import instants
from outpost.server.outcome import JsonObject, to_json
from outpost.server.search import IndexRow, SearchQuery


@dataclass(frozen=True)
class StoredVersion:
    type: str
    id: str
    version: int
    last_updated: int  # microseconds since the epoch, UTC
    seq: int
    method: str  # how this version was written: PUT or POST
    body: JsonObject
    text: str = field(repr=False, compare=False)  # `body` as stored: JSON text

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'

    @property
    def http_last_modified(self) -> str:
        return instants.http_date(self.last_updated)

    @property
    def instant(self) -> str:
        return instants.format_instant(self.last_updated)


_VERSION_COLUMNS = "v.type, v.id, v.version, v.last_updated, v.seq, v.method, v.body"


def _stored(row: sqlite3.Row) -> StoredVersion:
    return StoredVersion(
        type=row["type"],
        id=row["id"],
        version=row["version"],
        last_updated=row["last_updated"],
        seq=row["seq"],
        method=row["method"],
        body=json.loads(row["body"]),
        text=row["body"],
    )


def current(conn: sqlite3.Connection, clinic: str, type_: str, id_: str) -> StoredVersion | None:
    row = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM resources r JOIN versions v ON v.seq = r.seq "
        "WHERE r.clinic = ? AND r.type = ? AND r.id = ?",
        (clinic, type_, id_),
    ).fetchone()
    return _stored(row) if row else None


def version(
    conn: sqlite3.Connection, clinic: str, type_: str, id_: str, version_id: int
) -> StoredVersion | None:
    row = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM versions v "
        "WHERE v.clinic = ? AND v.type = ? AND v.id = ? AND v.version = ?",
        (clinic, type_, id_, version_id),
    ).fetchone()
    return _stored(row) if row else None


@dataclass(frozen=True)
class Head:
    """What a write needs to know of the current version: its number, time and seq."""

    version: int
    last_updated: int
    seq: int

    @property
    def etag(self) -> str:
        return f'W/"{self.version}"'

    @property
    def http_last_modified(self) -> str:
        return instants.http_date(self.last_updated)


def head(conn: sqlite3.Connection, clinic: str, type_: str, id_: str) -> Head | None:
    """The current version's number, time and seq, without reading its body."""
    row = conn.execute(
        "SELECT version, last_updated, seq FROM resources WHERE clinic = ? AND type = ? AND id = ?",
        (clinic, type_, id_),
    ).fetchone()
    return Head(row[0], row[1], row[2]) if row else None


class Stamps:
    """The `lastUpdated` values of one write transaction, strictly increasing: the newest
    stored one is read once, then each write takes max(clock, previous + 1). A write rolled
    back to its savepoint leaves a gap, never a repeat. Use one per transaction."""

    def __init__(self, clock: Callable[[], int]) -> None:
        self._clock = clock
        self._last: int | None = None

    def next(self, conn: sqlite3.Connection) -> int:
        if self._last is None:
            latest = conn.execute(
                "SELECT last_updated FROM versions ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            self._last = latest[0] if latest else -1
        self._last = max(self._clock(), self._last + 1)
        return self._last


def save(
    conn: sqlite3.Connection,
    clinic: str,
    resource: JsonObject,
    index: Sequence[IndexRow],
    *,
    method: str,
    clock: Callable[[], int],
) -> StoredVersion:
    """Store `resource` (already validated, with its id) as the next version; for writes
    outside a request (seeding, tools). See `write`."""
    existing = head(conn, clinic, resource["resourceType"], resource["id"])
    return write(
        conn,
        clinic,
        resource,
        index,
        method=method,
        previous=existing,
        stamp=Stamps(clock).next(conn),
    )


_INSERT_VERSION = (
    "INSERT INTO versions (clinic, type, id, version, last_updated, method, body) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
_UPSERT_RESOURCE = (
    "INSERT INTO resources (clinic, type, id, version, seq, last_updated) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (clinic, type, id) DO UPDATE SET "
    "version = excluded.version, seq = excluded.seq, last_updated = excluded.last_updated"
)
_INSERT_INDEX = "INSERT INTO search_values (seq, param, value, instant) VALUES (?, ?, ?, ?)"


def write(
    conn: sqlite3.Connection,
    clinic: str,
    resource: JsonObject,
    index: Sequence[IndexRow],
    *,
    method: str,
    previous: Head | None,
    stamp: int,
) -> StoredVersion:
    """Store `resource` (already validated, with its id) as the version after `previous`
    (the current `head`, read in this transaction; None for a new record) at `stamp` (from
    the transaction's `Stamps`). The server owns meta.versionId and meta.lastUpdated; the
    rest of meta (tags included) is kept exactly as sent."""
    type_, id_ = resource["resourceType"], resource["id"]
    number = previous.version + 1 if previous else 1
    meta = dict(resource.get("meta") or {})
    meta["versionId"] = str(number)
    meta["lastUpdated"] = instants.format_instant(stamp)
    body: JsonObject = {"resourceType": type_, "id": id_, "meta": meta}
    for key, value in resource.items():
        if key not in body:
            body[key] = value
    text = to_json(body)
    seq = conn.execute(_INSERT_VERSION, (clinic, type_, id_, number, stamp, method, text)).lastrowid
    assert seq is not None
    conn.execute(_UPSERT_RESOURCE, (clinic, type_, id_, number, seq, stamp))
    if previous is not None:  # only the current version's values are searched
        conn.execute("DELETE FROM search_values WHERE seq = ?", (previous.seq,))
    if index:
        conn.executemany(_INSERT_INDEX, [(seq, r.param, r.value, r.instant) for r in index])
    return StoredVersion(type_, id_, number, stamp, seq, method, body, text)


def history(
    conn: sqlite3.Connection,
    clinic: str,
    type_: str,
    *,
    id_: str | None,
    since: int | None,
    after: tuple[int, int] | None,
    limit: int,
) -> list[StoredVersion]:
    """Versions oldest first (by lastUpdated, then seq), from `since` inclusive and
    strictly after the (last_updated, seq) page cursor `after`."""
    where: list[str] = ["v.clinic = ?", "v.type = ?"]
    args: list[object] = [clinic, type_]
    if id_ is not None:
        where.append("v.id = ?")
        args.append(id_)
    if since is not None:
        where.append("v.last_updated >= ?")
        args.append(since)
    if after is not None:
        where.append("(v.last_updated, v.seq) > (?, ?)")
        args.extend(after)
    rows = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM versions v WHERE {' AND '.join(where)} "
        "ORDER BY v.last_updated, v.seq LIMIT ?",
        (*args, limit),
    ).fetchall()
    return [_stored(row) for row in rows]


def _search_where(clinic: str, query: SearchQuery) -> tuple[list[str], list[object]]:
    where: list[str] = ["r.clinic = ?", "r.type = ?"]
    args: list[object] = [clinic, query.type]
    if query.ids is not None:
        where.append(f"r.id IN ({', '.join('?' * len(query.ids))})")
        args.extend(query.ids)
    exists = "EXISTS (SELECT 1 FROM search_values s WHERE s.seq = r.seq AND s.param = ? AND "
    for match in query.matches:
        where.append(exists + f"s.value IN ({', '.join('?' * len(match.values))}))")
        args.extend([match.param, *match.values])
    for bounds in query.ranges:
        column = "r.last_updated" if bounds.param == "_lastUpdated" else "s.instant"
        checks, values = [], []
        if bounds.low is not None:
            checks.append(f"{column} >= ?")
            values.append(bounds.low)
        if bounds.high is not None:
            checks.append(f"{column} < ?")
            values.append(bounds.high)
        if column == "r.last_updated":
            where.extend(checks)
            args.extend(values)
        else:
            where.append(exists + (" AND ".join(checks) or "1") + ")")
            args.extend([bounds.param, *values])
    return where, args


def search(
    conn: sqlite3.Connection, clinic: str, query: SearchQuery
) -> tuple[list[StoredVersion], int, bool]:
    """The page of current versions matching `query`, the total number of matches, and
    whether another page follows."""
    where, args = _search_where(clinic, query)
    total = conn.execute(
        f"SELECT count(*) FROM resources r WHERE {' AND '.join(where)}", args
    ).fetchone()[0]
    direction = "DESC" if query.descending else "ASC"
    offset = query.offset
    order_args: list[object] = []
    if query.sort == "_lastUpdated":
        order = f"r.seq {direction}"
        offset = 0
        if query.cursor is not None:
            where.append("r.seq < ?" if query.descending else "r.seq > ?")
            args.append(query.cursor)
    elif query.sort == "_id":
        order = f"r.id {direction}"
    else:
        order = (
            "(SELECT min(s.instant) FROM search_values s WHERE s.seq = r.seq AND s.param = ?) "
            f"{direction}, r.id"
        )
        order_args.append(query.sort)
    rows = conn.execute(
        f"SELECT {_VERSION_COLUMNS} FROM resources r JOIN versions v ON v.seq = r.seq "
        f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?",
        (*args, *order_args, query.count + 1, offset),
    ).fetchall()
    return [_stored(r) for r in rows[: query.count]], total, len(rows) > query.count
