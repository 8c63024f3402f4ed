"""Opening, keying and configuring a store connection, and its transaction helper.

The same helpers serve SQLCipher (production) and plain `sqlite3` (the benchmark's
baseline); only `connect_encrypted` is SQLCipher-specific.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal, TypeAlias

from sqlcipher3 import dbapi2

from outpost.core.errors import StoreUnavailableError
from outpost.store.sqlerrors import (
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    DriverError,
    known_error,
    primary_code,
    translated,
)

logger = logging.getLogger(__name__)

# sqlcipher3's connection is a fork of the stdlib's and has the same interface; it ships no
# type stubs, so the stdlib class stands for both.
Connection: TypeAlias = sqlite3.Connection
Synchronous = Literal["FULL", "NORMAL"]

BUSY_TIMEOUT_MS = 5000
_KEY_PATTERN = re.compile(r"[0-9a-f]{64}")

WRONG_KEY_MESSAGE = (
    "The local store cannot be opened with the encryption key kept in this computer's "
    "keychain: the key is wrong or the file is damaged. The file was left untouched."
)


def is_valid_key(key_hex: str) -> bool:
    """A raw SQLCipher key as Outpost stores it: 256 bits as 64 lower-case hex digits."""
    return _KEY_PATTERN.fullmatch(key_hex) is not None


def connect_encrypted(path: Path, key_hex: str, *, create: bool) -> Connection:
    """Open `path` with SQLCipher and prove `key_hex` decrypts it.

    With `create=False` the file must already exist (SQLite will not create one), so a
    wrong path or a vanished file can never turn into a fresh, empty store.
    """
    if not is_valid_key(key_hex):
        raise StoreUnavailableError(WRONG_KEY_MESSAGE)
    mode = "rwc" if create else "rw"
    with translated():
        conn: Connection = dbapi2.connect(
            f"{path.resolve().as_uri()}?mode={mode}", uri=True, isolation_level=None
        )
    try:
        # We report a wrong key ourselves; SQLCipher would also print it on stderr.
        conn.execute("PRAGMA cipher_log_level = NONE")
        # Raw-key form: the key is already random, so SQLCipher skips its PBKDF2 step.
        conn.execute(f"PRAGMA key = \"x'{key_hex}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DriverError as exc:
        conn.close()
        if primary_code(exc) in (SQLITE_NOTADB, SQLITE_CORRUPT):
            raise StoreUnavailableError(WRONG_KEY_MESSAGE) from exc
        known = known_error(exc)
        if known is not None:
            raise known from exc
        raise
    return conn


def configure(conn: Connection, *, synchronous: Synchronous = "FULL") -> None:
    """The connection settings every store runs with (DESIGN 3).

    WAL so readers never block the writer; `synchronous=FULL` so a committed note survives
    power loss, not just a crash; `temp_store=MEMORY` so sorts never spill plaintext to
    temporary files. `synchronous` is a parameter only for the benchmark.
    """
    if synchronous not in ("FULL", "NORMAL"):
        raise ValueError(f"unsupported synchronous mode {synchronous!r}")
    conn.isolation_level = None
    with translated():
        (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
        if str(mode).lower() != "wal":
            raise StoreUnavailableError(
                "The local store's folder does not support the database's write-ahead log "
                "(is it on a network drive?). Move the profile to a local disk."
            )
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA temp_store = MEMORY")
        if sys.platform == "darwin":
            # macOS fsync() does not reach the platter; F_FULLFSYNC does.
            conn.execute("PRAGMA fullfsync = ON")
            conn.execute("PRAGMA checkpoint_fullfsync = ON")


@contextmanager
def transaction(conn: Connection) -> Iterator[None]:
    """One write transaction: everything inside commits together or not at all.

    BEGIN IMMEDIATE takes the write lock up front, so the reads an action makes (the
    version the user saw, the newest outbox row) cannot change before its writes land.
    Storage failures surface as `StoreFullError` / `StoreUnavailableError`.
    """
    with translated():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (disk full) leaves the transaction open; SQLite asks for an
            # explicit ROLLBACK then.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
