"""Migration bookkeeping on an in-memory plain SQLite database (no files, no keys)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.errors import StoreUnavailableError
from outpost.store.migrations import MIGRATIONS, Migration, migrate, refuse_newer

ADD_TABLE = Migration(len(MIGRATIONS) + 1, "example table", ("CREATE TABLE example (x TEXT)",))


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    yield connection
    connection.close()


def test_migrations_must_be_numbered_in_order(conn: sqlite3.Connection, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=f"number {len(MIGRATIONS) + 1}"):
        migrate(conn, tmp_path, key_hex=None, migrations=(*MIGRATIONS, *MIGRATIONS))


def test_a_new_database_needs_no_key_and_no_backup(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    assert migrate(conn, tmp_path / "backups", key_hex=None) == len(MIGRATIONS)
    assert not (tmp_path / "backups").exists()
    assert migrate(conn, tmp_path / "backups", key_hex=None) == len(MIGRATIONS)  # idempotent


def test_an_existing_database_is_never_migrated_without_a_key(
    conn: sqlite3.Connection, tmp_path: Path
) -> None:
    migrate(conn, tmp_path, key_hex=None)
    with pytest.raises(ValueError, match="key"):
        migrate(conn, tmp_path, key_hex=None, migrations=(*MIGRATIONS, ADD_TABLE))
    assert conn.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)


def test_a_newer_schema_is_refused(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA user_version = 7")
    with pytest.raises(StoreUnavailableError, match="schema 7"):
        refuse_newer(conn)
