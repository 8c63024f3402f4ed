"""Numbered schema migrations on `PRAGMA user_version`, each after an encrypted backup.

Migration N takes the schema from version N-1 to N in one transaction. Before migrating a
database that already holds data (version >= 1), a full SQLCipher copy, encrypted with the
same key, is written to the profile's backup folder. A database from a newer Outpost is
refused and left untouched.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from outpost.core.errors import StoreUnavailableError
from outpost.store.connection import Connection, transaction
from outpost.store.schema import SCHEMA_V1, SCHEMA_V2, SCHEMA_V3, SCHEMA_V4
from outpost.store.sqlerrors import translated

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    """The statements that take the schema from `version - 1` to `version`."""

    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", SCHEMA_V1),
    Migration(2, "audit trail", SCHEMA_V2),
    Migration(3, "outbox queue index", SCHEMA_V3),
    Migration(4, "call quality records", SCHEMA_V4),
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def schema_version(conn: Connection) -> int:
    with translated():
        (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


def _check_numbering(migrations: Sequence[Migration]) -> None:
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise ValueError(f"migration {migration.name!r} must be number {expected}")


def refuse_newer(conn: Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The database's schema version; `StoreUnavailableError` if this app is too old for it."""
    version = schema_version(conn)
    if version > len(migrations):
        raise StoreUnavailableError(
            f"This local store was written by a newer version of Outpost (schema {version}; "
            f"this version knows up to {len(migrations)}). Install the newer version. "
            "The file was left untouched."
        )
    return version


def backup(conn: Connection, backup_dir: Path, *, key_hex: str, version: int, at: datetime) -> Path:
    """Write an encrypted copy of the whole database, readable only with `key_hex`.

    The copy is written under a temporary name and renamed when complete, so a file named
    `outpost-v<N>-<time>.db` is always a whole backup.
    """
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = backup_dir / f"outpost-v{version}-{at.astimezone(UTC):%Y%m%dT%H%M%S%fZ}.db"
    partial = final.with_name(final.name + ".partial")
    partial.unlink(missing_ok=True)  # left by a crash during an earlier attempt
    with translated():
        conn.execute("ATTACH DATABASE ? AS backup KEY ?", (str(partial), f"x'{key_hex}'"))
        try:
            conn.execute("SELECT sqlcipher_export('backup')").fetchone()
            # sqlcipher_export copies tables, not the header's schema version.
            conn.execute(f"PRAGMA backup.user_version = {int(version)}")
        finally:
            conn.execute("DETACH DATABASE backup")
        os.replace(partial, final)
        _sync_directory(backup_dir)
    return final


def _sync_directory(path: Path) -> None:
    """Make a rename durable; a no-op where directories cannot be opened (Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def migrate(
    conn: Connection,
    backup_dir: Path,
    *,
    key_hex: str | None,
    migrations: Sequence[Migration] = MIGRATIONS,
    clock: Callable[[], datetime] = _utc_now,
) -> int:
    """Bring the schema to `len(migrations)`; returns the version reached.

    `key_hex` encrypts the pre-migration backup; it may be None only for a new (empty)
    database, which needs no backup, because Outpost never writes a plaintext copy.
    """
    _check_numbering(migrations)
    current = refuse_newer(conn, migrations)
    target = len(migrations)
    if current == target:
        return current
    if current >= 1:
        if key_hex is None:
            raise ValueError("an existing database is only migrated with a key for its backup")
        path = backup(conn, backup_dir, key_hex=key_hex, version=current, at=clock())
        logger.info("store backup before migration from v%d written: %s", current, path.name)
    for migration in migrations[current:]:
        with transaction(conn):
            for statement in migration.statements:
                conn.execute(statement)
            # Inside the transaction, so the version moves only if the statements all landed.
            conn.execute(f"PRAGMA user_version = {migration.version}")
        logger.info("store migrated to v%d (%s)", migration.version, migration.name)
    return target
