"""Join links in the server's database: what the demo seed records, their default expiry,
and a database made before join links existed getting them on first open."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from outpost.server import database, instants, join_links, seed
from outpost.server.database import Database
from outpost.server.join_links import Lookup


def _seeded(data_dir: Path) -> list[tuple[str, str, str]]:
    """Seed the demo clinic; (appointment id, start, join link) of its video visits."""
    db = Database.open(data_dir)
    try:

        def job(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
            seed.seed_demo(conn, "http://127.0.0.1:9", instants.now_us)
            rows = conn.execute(
                "SELECT v.body FROM resources r JOIN versions v ON v.seq = r.seq "
                "WHERE r.type = 'Appointment'"
            ).fetchall()
            found = []
            for row in rows:
                resource = json.loads(row["body"])
                link = join_links.appointment_link(resource)
                if link is not None:
                    found.append((resource["id"], resource["start"], link))
            return found

        return db.run_sync(job)
    finally:
        db.close()


def _lookup(data_dir: Path, link: str, now: int) -> tuple[Lookup, join_links.JoinLink | None]:
    token = join_links.token_of(link)
    assert token is not None
    db = Database.open(data_dir)
    try:
        return db.run_sync(lambda conn: join_links.lookup(conn, token, now), write=False)
    finally:
        db.close()


def test_the_demo_seed_records_each_link_until_a_day_after_its_day(tmp_path: Path) -> None:
    visits = _seeded(tmp_path)
    assert len(visits) == 15
    for appointment, start, link in visits:
        assert link.startswith("http://127.0.0.1:9/join/")
        assert len(link.rsplit("/", 1)[1]) == 32  # 192 bits, URL-safe
        expires = join_links.default_expiry(datetime.fromisoformat(start))
        found, recorded = _lookup(tmp_path, link, expires - 1)
        assert found is Lookup.VALID
        assert recorded == join_links.JoinLink(seed.DEMO_CLINIC, appointment, expires)
        assert _lookup(tmp_path, link, expires)[0] is Lookup.EXPIRED
    assert _lookup(tmp_path, "http://127.0.0.1:9/join/" + "A" * 32, 0)[0] is Lookup.UNKNOWN
    raw = sqlite3.connect(tmp_path / database.DATABASE_FILE)
    try:
        stored = {row[0] for row in raw.execute("SELECT token_hash FROM join_links")}
    finally:
        raw.close()
    tokens = {link.rsplit("/", 1)[1] for _, _, link in visits}
    assert stored == {join_links.digest(token) for token in tokens}
    assert not stored & tokens  # only digests are kept


def test_default_expiry_is_the_end_of_the_utc_day_plus_24_hours() -> None:
    late_evening = datetime.fromisoformat("2026-03-10T23:30:00-05:00")  # 04:30 UTC on the 11th
    assert instants.from_us(join_links.default_expiry(late_evening)) == datetime(
        2026, 3, 13, tzinfo=UTC
    )
    morning = datetime.fromisoformat("2026-03-10T09:00:00+00:00")
    assert instants.from_us(join_links.default_expiry(morning)) == datetime(2026, 3, 12, tzinfo=UTC)


def test_a_database_from_before_join_links_gets_them_on_open(tmp_path: Path) -> None:
    visits = _seeded(tmp_path)
    raw = sqlite3.connect(tmp_path / database.DATABASE_FILE, isolation_level=None)
    try:
        raw.execute("DROP TABLE join_links")
        raw.execute("PRAGMA user_version = 1")
    finally:
        raw.close()
    appointment, start, link = visits[0]
    found, recorded = _lookup(tmp_path, link, instants.to_us(datetime.fromisoformat(start)))
    assert found is Lookup.VALID
    assert recorded is not None
    assert recorded.appointment_id == appointment
    raw = sqlite3.connect(tmp_path / database.DATABASE_FILE)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == database.SCHEMA_VERSION
        assert raw.execute("SELECT count(*) FROM join_links").fetchone()[0] == 15
    finally:
        raw.close()
