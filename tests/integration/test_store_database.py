"""open_store's guarantees (DESIGN 3): encryption at rest, key handling that fails closed
and never clobbers an existing file, and connection settings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from pathlib import Path

import keyring
import pytest

from outpost.core.errors import StoreUnavailableError
from outpost.core.ports import ClinicStore
from outpost.core.settings import Profile
from outpost.store.database import PROFILE_ID_FILE, key_name, open_store
from outpost.store.keychain import SERVICE, SystemKeychain
from tests.integration.store_helpers import (
    APPOINTMENT,
    StepClock,
    database_bytes,
    file_hashes,
    is_plain_sqlite,
    raw_connection,
    rows,
    seed,
)

_OPEN_IN_CHILD = """
import sys
from pathlib import Path
from outpost.core.errors import KeychainUnavailableError
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
try:
    open_store(Profile.at(Path(sys.argv[1])), SystemKeychain())
except KeychainUnavailableError as exc:
    print(exc)
    sys.exit(3)
"""


def _profile_id(profile: Profile) -> str:
    return (profile.data_dir / PROFILE_ID_FILE).read_text(encoding="ascii").strip()


def _create(profile: Profile, marker: str = "") -> None:
    store = open_store(profile, SystemKeychain(), clock=StepClock())
    seed(store)
    if marker:
        store.create_note(APPOINTMENT.id, marker)
    store.close()


def test_new_profile_gets_a_keychain_key_and_an_encrypted_database(profile: Profile) -> None:
    store = open_store(profile, SystemKeychain())
    store.close()
    key = SystemKeychain().get(key_name(_profile_id(profile)))
    assert key is not None
    assert len(key) == 64
    assert profile.database.read_bytes()[:16] != b"SQLite format 3\x00"
    assert not is_plain_sqlite(profile.database)
    assert not profile.backup_dir.exists()  # a new database needs no backup


def test_note_text_never_reaches_the_disk_in_plaintext(profile: Profile) -> None:
    marker = f"MARKER-{uuid.uuid4().hex}"
    store = open_store(profile, SystemKeychain(), clock=StepClock())
    seed(store)
    note = store.create_note(APPOINTMENT.id, marker)
    store.save_draft(note.id, marker + " and more")
    files = dict(database_bytes(profile))
    assert "outpost.db-wal" in files  # checked while the log still holds the commits
    for name, data in files.items():
        assert marker.encode() not in data, name
        assert b"Rosalind" not in data, name
    store.close()
    for name, data in database_bytes(profile):
        assert marker.encode() not in data, name


@pytest.mark.parametrize(
    "backend", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"]
)
def test_without_a_usable_keychain_nothing_is_written(profile: Profile, backend: str) -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": backend}
    child = subprocess.run(
        [sys.executable, "-c", _OPEN_IN_CHILD, str(profile.data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 3, child.stderr
    assert "gnome-keyring" in child.stdout
    assert not profile.data_dir.exists()


def test_an_existing_profile_without_a_keychain_is_left_untouched(profile: Profile) -> None:
    _create(profile, "kept")
    before = file_hashes(profile.data_dir)
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    child = subprocess.run(
        [sys.executable, "-c", _OPEN_IN_CHILD, str(profile.data_dir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert child.returncode == 3, child.stderr
    assert file_hashes(profile.data_dir) == before


def test_open_store_gives_a_clinic_store(profile: Profile) -> None:
    store: ClinicStore = open_store(profile, SystemKeychain())  # mypy checks the protocol
    store.close()
    store.close()  # closing twice is harmless
    assert not Path(f"{profile.database}-wal").exists()  # the log was folded in


def test_missing_key_refuses_and_leaves_the_file_untouched(profile: Profile) -> None:
    _create(profile, "kept")
    before = file_hashes(profile.data_dir)
    keyring.delete_password(SERVICE, key_name(_profile_id(profile)))
    with pytest.raises(StoreUnavailableError, match="missing from the keychain"):
        open_store(profile, SystemKeychain())
    assert file_hashes(profile.data_dir) == before


def test_wrong_key_refuses_and_leaves_the_file_untouched(profile: Profile) -> None:
    _create(profile, "kept")
    before = file_hashes(profile.data_dir)
    SystemKeychain().set(key_name(_profile_id(profile)), secrets.token_hex(32))
    with pytest.raises(StoreUnavailableError, match="left untouched"):
        open_store(profile, SystemKeychain())
    assert file_hashes(profile.data_dir) == before


def test_missing_profile_id_refuses_and_never_creates_a_new_database(profile: Profile) -> None:
    _create(profile, "kept")
    (profile.data_dir / PROFILE_ID_FILE).unlink()
    before = file_hashes(profile.data_dir)
    with pytest.raises(StoreUnavailableError, match="profile-id"):
        open_store(profile, SystemKeychain())
    assert file_hashes(profile.data_dir) == before


def test_reopening_keeps_the_data(profile: Profile) -> None:
    _create(profile, "still here")
    store = open_store(profile, SystemKeychain())
    try:
        assert [entry.note.text for entry in store.list_notes()] == ["still here"]
    finally:
        store.close()


def test_connection_runs_with_wal_full_sync_and_foreign_keys(profile: Profile) -> None:
    _create(profile)
    conn = raw_connection(profile)
    try:
        assert rows(conn, "PRAGMA journal_mode") == [("wal",)]
        assert rows(conn, "PRAGMA synchronous") == [(2,)]  # FULL
        assert rows(conn, "PRAGMA foreign_keys") == [(1,)]
        (busy_timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
        assert busy_timeout > 0
        assert rows(conn, "PRAGMA integrity_check") == [("ok",)]
    finally:
        conn.close()


def test_a_second_profile_has_its_own_key(profile: Profile) -> None:
    other = Profile.at(profile.data_dir.parent / "other")
    _create(profile)
    _create(other)
    keychain = SystemKeychain()
    assert keychain.get(key_name(_profile_id(profile))) != keychain.get(
        key_name(_profile_id(other))
    )
