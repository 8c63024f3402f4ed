"""`open_store`: the only way production code gets a `Store` (DESIGN 3).

Each profile has a random 256-bit key in the OS keychain, filed under the profile's random
id (kept, not secret, in `<data_dir>/profile-id`). The order of checks guarantees: no
usable keychain -> no file is written; an existing database is never replaced by a new one,
and a missing or wrong key leaves it untouched.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from outpost.core.errors import StoreUnavailableError
from outpost.core.settings import Profile
from outpost.store.connection import Connection, configure, connect_encrypted, is_valid_key
from outpost.store.keychain import Keychain
from outpost.store.migrations import MIGRATIONS, Migration, migrate, refuse_newer
from outpost.store.sqlerrors import translated
from outpost.store.store import Store, utc_now

logger = logging.getLogger(__name__)

PROFILE_ID_FILE = "profile-id"

MISSING_KEY_MESSAGE = (
    "The encryption key for this profile is missing from the keychain, so its local store "
    "cannot be opened. Restore the keychain (or sign in to the account that created the "
    "profile); the file was left untouched."
)
MISSING_ID_MESSAGE = (
    "This profile's id file (profile-id) is missing, so its encryption key cannot be found "
    "in the keychain. Restore the file from a backup; the local store was left untouched."
)


def key_name(profile_id: str) -> str:
    """The keychain entry holding a profile's store key."""
    return f"store-key:{profile_id}"


def open_store(
    profile: Profile,
    keychain: Keychain,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    clock: Callable[[], datetime] = utc_now,
) -> Store:
    """Open (or, for a new profile, create) the profile's encrypted store, migrated to the
    current schema.

    Raises `KeychainUnavailableError` (no usable keychain), `StoreUnavailableError` (key
    missing or wrong, file damaged, database from a newer Outpost) or `StoreFullError`.
    `migrations` is a parameter so tests can prove the migration path.
    """
    started = time.monotonic()
    if profile.database.exists():
        profile_id, key_hex = _existing_key(profile, keychain)
        conn = connect_encrypted(profile.database, key_hex, create=False)
    else:
        profile_id, key_hex = _new_key(profile, keychain)
        conn = connect_encrypted(profile.database, key_hex, create=True)
    try:
        _prepare(conn, profile.backup_dir, key_hex, migrations, clock)
    except BaseException:
        conn.close()
        raise
    logger.info(
        "store opened: profile %s, schema v%d, %.0f ms",
        profile_id,
        len(migrations),
        (time.monotonic() - started) * 1000,
    )
    return Store(conn, clock)


def _prepare(
    conn: Connection,
    backup_dir: Path,
    key_hex: str,
    migrations: Sequence[Migration],
    clock: Callable[[], datetime],
) -> None:
    # Refuse a newer schema before `configure` could touch the file's header.
    refuse_newer(conn, migrations)
    configure(conn)
    migrate(conn, backup_dir, key_hex=key_hex, migrations=migrations, clock=clock)


def _existing_key(profile: Profile, keychain: Keychain) -> tuple[str, str]:
    profile_id = _read_profile_id(profile)
    if profile_id is None:
        raise StoreUnavailableError(MISSING_ID_MESSAGE)
    key_hex = keychain.get(key_name(profile_id))
    if key_hex is None:
        logger.warning("store key for profile %s is not in the keychain", profile_id)
        raise StoreUnavailableError(MISSING_KEY_MESSAGE)
    if not is_valid_key(key_hex):
        logger.warning("store key for profile %s in the keychain is malformed", profile_id)
        raise StoreUnavailableError(MISSING_KEY_MESSAGE)
    return profile_id, key_hex


def _new_key(profile: Profile, keychain: Keychain) -> tuple[str, str]:
    """Key for a profile without a database: the keychain is asked first, so without one
    nothing at all is written."""
    profile_id = _read_profile_id(profile) or uuid.uuid4().hex
    name = key_name(profile_id)
    key_hex = keychain.get(name)  # raises KeychainUnavailableError before any file exists
    if key_hex is None or not is_valid_key(key_hex):
        key_hex = secrets.token_hex(32)
        keychain.set(name, key_hex)  # reads back to verify
        logger.info("new store key filed in the keychain for profile %s", profile_id)
    with translated():
        profile.data_dir.mkdir(parents=True, exist_ok=True)
        _write_profile_id(profile, profile_id)
    return profile_id, key_hex


def _read_profile_id(profile: Profile) -> str | None:
    path = profile.data_dir / PROFILE_ID_FILE
    with translated():
        try:
            text = path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
    return text or None


def _write_profile_id(profile: Profile, profile_id: str) -> None:
    path = profile.data_dir / PROFILE_ID_FILE
    if path.exists():
        return
    partial = path.with_name(PROFILE_ID_FILE + ".partial")
    with partial.open("w", encoding="ascii") as handle:
        handle.write(profile_id + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, path)
