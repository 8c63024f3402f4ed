"""The server's SQLite database: one connection, owned by one worker thread.

Every job runs as one transaction on that thread (`BEGIN IMMEDIATE` for writes), so the
event loop never blocks on SQLite and writes are serialized: the order in which versions
get their timestamps is the order in which they commit. WAL with `synchronous=FULL`: an
acknowledged write survives a power cut. The schema version is `PRAGMA user_version`;
opening an older database runs the missing steps in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from outpost.core.errors import OutpostError
from outpost.server import idempotency, instants, join_links

logger = logging.getLogger(__name__)

T = TypeVar("T")

DATABASE_FILE = "outpost-server.sqlite3"
SLOW_JOB_MS = 250

_SCHEMA = """
CREATE TABLE clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organization_id TEXT NOT NULL
);
CREATE TABLE users (
    username TEXT PRIMARY KEY,
    clinic TEXT NOT NULL REFERENCES clinics (id),
    practitioner_id TEXT NOT NULL,
    salt BLOB NOT NULL,
    password_hash BLOB NOT NULL
);
-- Every version of every resource; seq orders them (and equals lastUpdated order).
CREATE TABLE versions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    method TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (clinic, type, id, version)
);
CREATE INDEX versions_history ON versions (clinic, type, last_updated, seq);
-- The current version of each resource.
CREATE TABLE resources (
    clinic TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL REFERENCES versions (seq),
    last_updated INTEGER NOT NULL,
    PRIMARY KEY (clinic, type, id)
) WITHOUT ROWID;
CREATE INDEX resources_updated ON resources (clinic, type, seq);
-- Search parameter values of current versions: tokens and references in value,
-- dates in instant (microseconds). Replaced by search_values in version 3.
CREATE TABLE search_index (
    clinic TEXT NOT NULL,
    type TEXT NOT NULL,
    id TEXT NOT NULL,
    param TEXT NOT NULL,
    value TEXT,
    instant INTEGER
);
CREATE INDEX search_by_value ON search_index (clinic, type, param, value);
CREATE INDEX search_by_instant ON search_index (clinic, type, param, instant);
CREATE INDEX search_by_resource ON search_index (clinic, type, id);
CREATE TABLE idempotency (
    username TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NOT NULL,
    created INTEGER NOT NULL,
    PRIMARY KEY (username, key)
) WITHOUT ROWID;
CREATE TABLE auth_codes (
    code_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    client_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    challenge TEXT NOT NULL,
    scope TEXT NOT NULL,
    expires INTEGER NOT NULL,
    chain TEXT
);
CREATE TABLE token_chains (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users (username),
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    created INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    chain TEXT NOT NULL REFERENCES token_chains (id),
    expires INTEGER NOT NULL,
    used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    chain TEXT NOT NULL REFERENCES token_chains (id),
    expires INTEGER NOT NULL
);
"""


def _statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return [statement for statement in "\n".join(lines).split(";") if statement.strip()]


def _create_base(conn: sqlite3.Connection) -> None:
    """Version 1: clinics, users, resources and their versions, search index, sign-in."""
    for statement in _statements(_SCHEMA):
        conn.execute(statement)


def _add_join_links(conn: sqlite3.Connection) -> None:
    """Version 2: patients' join links, backfilled from the Appointments already stored."""
    for statement in _statements(join_links.SCHEMA):
        conn.execute(statement)
    rows = conn.execute(
        "SELECT r.clinic, v.body FROM resources r JOIN versions v ON v.seq = r.seq "
        "WHERE r.type = 'Appointment'"
    ).fetchall()
    now = instants.now_us()
    for row in rows:
        join_links.record_appointment(conn, row["clinic"], json.loads(row["body"]), now)


_SEARCH_VALUES = """
-- Search parameter values of each current version, by its seq (a write deletes those of
-- the version it replaces): tokens and references in value, dates in instant
-- (microseconds). Rows of one version are written together, so the table only grows
-- at its end; searches probe it per candidate resource (r.seq).
CREATE TABLE IF NOT EXISTS search_values (
    seq INTEGER NOT NULL,
    param TEXT NOT NULL,
    value TEXT,
    instant INTEGER
);
CREATE INDEX IF NOT EXISTS search_values_by_version ON search_values (seq, param, value, instant);
"""


def _index_by_version(conn: sqlite3.Connection) -> None:
    """Version 3: search values keyed by the version they belong to, replacing
    `search_index` (keyed by clinic, type and id, with three indexes: writes cost more
    than the searches, which probe by resource, gained)."""
    for statement in _statements(_SEARCH_VALUES):
        conn.execute(statement)
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'search_index'"
    ).fetchone()
    if found:
        conn.execute(
            "INSERT INTO search_values (seq, param, value, instant) "
            "SELECT r.seq, s.param, s.value, s.instant FROM search_index s JOIN resources r "
            "ON r.clinic = s.clinic AND r.type = s.type AND r.id = s.id ORDER BY r.seq"
        )
        conn.execute("DROP TABLE search_index")


def _idempotency_requests(conn: sqlite3.Connection) -> None:
    """Version 4: idempotency records keep the request as sent and the answer in pieces."""
    columns = {row["name"] for row in conn.execute("PRAGMA table_info(idempotency)")}
    if "request" not in columns:  # (a database told it is older than it is has them)
        for statement in _statements(idempotency.SCHEMA):
            conn.execute(statement)


# Step n brings a database from version n - 1 to n; a new database gets them all.
_STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _create_base,
    2: _add_join_links,
    3: _index_by_version,
    4: _idempotency_requests,
}
SCHEMA_VERSION = max(_STEPS)


def _migrate(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        found = conn.execute("PRAGMA user_version").fetchone()[0]
        for step in range(found + 1, SCHEMA_VERSION + 1):
            _STEPS[step](conn)
            if found:
                logger.info("server database migrated to version %d", step)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def connect(path: Path) -> sqlite3.Connection:
    """Open (and on first use create, or bring up to date) the database at `path`, in
    autocommit mode: callers begin their own transactions."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        conn.close()
        raise OutpostError(
            f"The server database has schema version {found}; this build knows up to "
            f"{SCHEMA_VERSION}. Use a matching Outpost version."
        )
    if found < SCHEMA_VERSION:
        _migrate(conn)
    return conn


def transact(conn: sqlite3.Connection, job: Callable[[sqlite3.Connection], T], write: bool) -> T:
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        result = job(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result


@contextlib.contextmanager
def savepoint(conn: sqlite3.Connection, name: str = "entry") -> Iterator[None]:
    """A nested transaction: undone alone if the block raises."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


class Database:
    """Runs jobs, each one transaction, on the single thread that owns the connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="server-db")
        self._conn: sqlite3.Connection | None = None
        try:
            self._executor.submit(self._open).result()
        except BaseException:
            self._executor.shutdown(wait=True)
            raise

    @classmethod
    def open(cls, data_dir: Path) -> Database:
        try:
            data_dir.mkdir(parents=True, exist_ok=True)
            return cls(data_dir / DATABASE_FILE)
        except (OSError, sqlite3.Error) as exc:
            raise OutpostError(f"Cannot open the server database in {data_dir}: {exc}") from exc

    def _open(self) -> None:
        self._conn = connect(self.path)

    def _run(self, job: Callable[[sqlite3.Connection], T], write: bool) -> T:
        assert self._conn is not None, "database is closed"
        started = time.perf_counter()
        try:
            return transact(self._conn, job, write)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            if elapsed_ms > SLOW_JOB_MS:
                logger.warning("slow database job: %.0f ms (write=%s)", elapsed_ms, write)

    async def read(self, job: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, job, False)

    async def write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, job, True)

    def run_sync(self, job: Callable[[sqlite3.Connection], T], *, write: bool = True) -> T:
        """For start-up work (seeding) and tools, outside the event loop."""
        return self._executor.submit(self._run, job, write).result()

    def close(self) -> None:
        def close_connection() -> None:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

        self._executor.submit(close_connection).result()
        self._executor.shutdown(wait=True)
