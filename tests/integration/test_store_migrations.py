"""Schema migrations: encrypted backup first, version advances only when a migration
lands whole, and a database from a newer Outpost is refused untouched."""

from __future__ import annotations

import uuid

import pytest
from sqlcipher3 import dbapi2

from outpost.core.errors import StoreUnavailableError
from outpost.core.settings import Profile
from outpost.store.connection import connect_encrypted
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.migrations import MIGRATIONS, Migration
from tests.integration.store_helpers import (
    APPOINTMENT,
    StepClock,
    file_hashes,
    is_plain_sqlite,
    profile_key,
    raw_connection,
    rows,
    seed,
)

NEXT = len(MIGRATIONS) + 1
ADD_TABLE = Migration(NEXT, "example table", ("CREATE TABLE example (x TEXT)",))
BROKEN = Migration(
    NEXT, "broken", ("CREATE TABLE example (x TEXT)", "ALTER TABLE no_such_table ADD y TEXT")
)


def _create_current(profile: Profile, marker: str) -> None:
    store = open_store(profile, SystemKeychain(), clock=StepClock())
    seed(store)
    store.create_note(APPOINTMENT.id, marker)
    store.close()


def _user_version(profile: Profile) -> int:
    conn = raw_connection(profile)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        return int(version)
    finally:
        conn.close()


def test_a_new_database_is_at_the_latest_version(profile: Profile) -> None:
    open_store(profile, SystemKeychain()).close()
    assert _user_version(profile) == len(MIGRATIONS)


def test_migrating_takes_an_encrypted_backup_and_advances_the_version(
    profile: Profile,
) -> None:
    marker = f"MARKER-{uuid.uuid4().hex}"
    _create_current(profile, marker)

    store = open_store(profile, SystemKeychain(), migrations=(*MIGRATIONS, ADD_TABLE))
    try:
        assert [entry.note.text for entry in store.list_notes()] == [marker]
    finally:
        store.close()
    assert _user_version(profile) == NEXT

    backups = sorted(profile.backup_dir.iterdir())
    assert len(backups) == 1
    backup = backups[0]
    assert backup.name.startswith(f"outpost-v{len(MIGRATIONS)}-")
    assert backup.suffix == ".db"
    assert marker.encode() not in backup.read_bytes()
    assert not is_plain_sqlite(backup)

    conn = connect_encrypted(backup, profile_key(profile), create=False)
    try:
        assert rows(conn, "PRAGMA user_version") == [(len(MIGRATIONS),)]
        assert rows(conn, "SELECT count(*) FROM outbox") == [(1,)]
        assert rows(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'example'") == [(0,)]
    finally:
        conn.close()


def test_the_backup_does_not_open_with_another_key(profile: Profile) -> None:
    _create_current(profile, "x")
    open_store(profile, SystemKeychain(), migrations=(*MIGRATIONS, ADD_TABLE)).close()
    (backup,) = profile.backup_dir.iterdir()
    with pytest.raises(StoreUnavailableError):
        connect_encrypted(backup, "ab" * 32, create=False)


def test_a_failing_migration_changes_nothing_but_leaves_its_backup(profile: Profile) -> None:
    _create_current(profile, "kept")
    with pytest.raises(dbapi2.OperationalError, match="no_such_table"):
        open_store(profile, SystemKeychain(), migrations=(*MIGRATIONS, BROKEN))
    assert _user_version(profile) == len(MIGRATIONS)
    conn = raw_connection(profile)
    try:
        assert rows(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'example'") == [(0,)]
    finally:
        conn.close()
    assert len(list(profile.backup_dir.iterdir())) == 1
    store = open_store(profile, SystemKeychain())
    try:
        assert [entry.note.text for entry in store.list_notes()] == ["kept"]
    finally:
        store.close()


def test_a_database_from_a_newer_outpost_is_refused_untouched(profile: Profile) -> None:
    _create_current(profile, "kept")
    open_store(profile, SystemKeychain(), migrations=(*MIGRATIONS, ADD_TABLE)).close()
    before = file_hashes(profile.data_dir)
    with pytest.raises(StoreUnavailableError, match="newer version"):
        open_store(profile, SystemKeychain())
    assert file_hashes(profile.data_dir) == before


def test_migration_2_adds_the_audit_table_after_a_backup_of_a_v1_store(profile: Profile) -> None:
    store = open_store(profile, SystemKeychain(), migrations=MIGRATIONS[:1], clock=StepClock())
    seed(store)
    store.create_note(APPOINTMENT.id, "written under v1")
    store.close()
    assert _user_version(profile) == 1

    store = open_store(profile, SystemKeychain())
    try:
        assert [entry.note.text for entry in store.list_notes()] == ["written under v1"]
    finally:
        store.close()
    assert _user_version(profile) >= 2
    (backup,) = profile.backup_dir.iterdir()
    assert backup.name.startswith("outpost-v1-")
    conn = raw_connection(profile)
    try:
        assert rows(conn, "SELECT count(*) FROM audit") == [(0,)]
        assert rows(conn, "SELECT count(*) FROM outbox") == [(1,)]
    finally:
        conn.close()
    conn = connect_encrypted(backup, profile_key(profile), create=False)
    try:
        assert rows(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'audit'") == [(0,)]
    finally:
        conn.close()
