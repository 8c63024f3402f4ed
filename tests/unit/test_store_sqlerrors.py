"""Driver and OS failures map to the known error kinds; everything else stays a bug."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlcipher3 import dbapi2

from outpost.core.errors import StoreFullError, StoreUnavailableError
from outpost.store.sqlerrors import known_error, translated


def _driver_error(kind: type[Exception], message: str, code: int) -> Exception:
    error = kind(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize("kind", [sqlite3.OperationalError, dbapi2.OperationalError])
def test_disk_full_from_either_driver(kind: type[Exception]) -> None:
    assert isinstance(
        known_error(_driver_error(kind, "database or disk is full", 13)), StoreFullError
    )


def test_extended_codes_use_their_primary_code() -> None:
    ioerr_write = 10 | (3 << 8)  # SQLITE_IOERR_WRITE
    error = _driver_error(sqlite3.OperationalError, "disk I/O error", ioerr_write)
    assert isinstance(known_error(error), StoreUnavailableError)


def test_no_space_left_on_device() -> None:
    assert isinstance(known_error(OSError(errno.ENOSPC, "No space left")), StoreFullError)
    assert isinstance(known_error(OSError(errno.EACCES, "Denied")), StoreUnavailableError)


def test_wrong_key_or_damaged_file() -> None:
    error = _driver_error(dbapi2.DatabaseError, "file is not a database", 26)
    assert isinstance(known_error(error), StoreUnavailableError)


def test_constraint_violations_are_bugs() -> None:
    error = _driver_error(sqlite3.IntegrityError, "UNIQUE constraint failed", 19 | (8 << 8))
    assert known_error(error) is None
    with pytest.raises(sqlite3.IntegrityError), translated():
        raise error


def test_translated_chains_the_original() -> None:
    with pytest.raises(StoreFullError) as caught, translated():
        raise OSError(errno.ENOSPC, "No space left")
    assert isinstance(caught.value.__cause__, OSError)
