"""Turns driver and file-system failures into Outpost's known error kinds.

Disk full, a damaged or wrongly keyed file and a locked database are environment problems
the user can act on, so they become `StoreFullError` / `StoreUnavailableError`. Anything
else (a constraint violation, bad SQL) is a bug and propagates unchanged.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlcipher3 import dbapi2

from outpost.core.errors import OutpostError, StoreFullError, StoreUnavailableError

# Primary result codes (https://sqlite.org/rescode.html); drivers report extended codes,
# whose low byte is the primary code.
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})

FULL_MESSAGE = (
    "The disk holding the local store is full, so the last change was not saved. "
    "Free some disk space and try again."
)
UNREADABLE_MESSAGE = (
    "The local store cannot be read: the file is damaged or was encrypted with a different "
    "key. The file was left untouched."
)
_MESSAGES = {
    SQLITE_NOTADB: UNREADABLE_MESSAGE,
    SQLITE_CORRUPT: UNREADABLE_MESSAGE,
    SQLITE_BUSY: "The local store is in use by another Outpost window; close it and try again.",
    SQLITE_LOCKED: "The local store is in use by another Outpost window; close it and try again.",
    SQLITE_PERM: "The local store's folder cannot be written; check its permissions.",
    SQLITE_READONLY: "The local store's folder cannot be written; check its permissions.",
    SQLITE_CANTOPEN: "The local store's file cannot be opened; check its folder's permissions.",
    SQLITE_IOERR: "The disk holding the local store reported a read or write error.",
}

DriverError = (sqlite3.Error, dbapi2.Error)
_CAUGHT = (*DriverError, OSError)


def primary_code(exc: BaseException) -> int | None:
    """The SQLite primary result code of a driver exception, or None."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def known_error(exc: BaseException) -> OutpostError | None:
    """The Outpost error kind for `exc`, or None when `exc` is a bug to propagate."""
    if isinstance(exc, DriverError):
        code = primary_code(exc)
        if code == SQLITE_FULL or "database or disk is full" in str(exc):
            return StoreFullError(FULL_MESSAGE)
        message = _MESSAGES.get(code) if code is not None else None
        return StoreUnavailableError(message) if message else None
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return StoreFullError(FULL_MESSAGE)
        return StoreUnavailableError(
            f"The local store's folder cannot be used: {exc.strerror or 'unknown error'}."
        )
    return None


@contextmanager
def translated() -> Iterator[None]:
    """Re-raise known storage failures inside the block as Outpost error kinds."""
    try:
        yield
    except _CAUGHT as exc:
        known = known_error(exc)
        if known is None:
            raise
        raise known from exc
