"""The server's search values (schema version 3, keyed by the current version): a database
written before them (version 2, `search_index`) opens with the same search answers, and
writes after the upgrade replace a record's values rather than adding to them."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any

from outpost.server import database
from tests.server_process import FhirClient, running_server

QUERIES: list[dict[str, str]] = [
    {"patient": "p-1"},
    {"patient": "p-2"},
    {"status": "current"},
    {"status": "superseded"},
    {"date": "2026-05-01"},
    {"date": "ge2026-05-02"},
    {"related": "Appointment/a-1"},
    {"patient": "p-1", "status": "current"},
    {"_sort": "-date"},
]


def note(id_: str, patient: str, day: str, status: str = "current") -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": id_,
        "status": status,
        "subject": {"reference": f"Patient/{patient}"},
        "date": f"{day}T09:00:00Z",
        "content": [{"attachment": {"contentType": "text/plain", "data": "aGk="}}],
        "context": {"related": [{"reference": "Appointment/a-1"}]},
    }


def answers(client: FhirClient) -> list[list[str]]:
    found = []
    for query in QUERIES:
        response = client.get("DocumentReference", _count="100", **query)
        assert response.status_code == 200, response.text
        found.append([entry["resource"]["id"] for entry in response.json().get("entry", [])])
    return found


def to_version_2(data_dir: Path) -> None:
    """Put the database back into the version 2 layout (`search_index` by clinic, type
    and id), with the same values."""
    raw = sqlite3.connect(data_dir / database.DATABASE_FILE, isolation_level=None)
    try:
        raw.executescript(
            """
            BEGIN;
            CREATE TABLE search_index (clinic TEXT NOT NULL, type TEXT NOT NULL,
                id TEXT NOT NULL, param TEXT NOT NULL, value TEXT, instant INTEGER);
            CREATE INDEX search_by_value ON search_index (clinic, type, param, value);
            CREATE INDEX search_by_instant ON search_index (clinic, type, param, instant);
            CREATE INDEX search_by_resource ON search_index (clinic, type, id);
            INSERT INTO search_index SELECT r.clinic, r.type, r.id, s.param, s.value, s.instant
                FROM search_values s JOIN resources r ON r.seq = s.seq;
            DROP TABLE search_values;
            PRAGMA user_version = 2;
            COMMIT;
            """
        )
    finally:
        raw.close()


def schema(data_dir: Path) -> tuple[int, set[str]]:
    raw = sqlite3.connect(data_dir / database.DATABASE_FILE)
    try:
        version = raw.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    finally:
        raw.close()
    return version, tables


def test_a_version_2_database_keeps_its_search_answers(tmp_path: Path) -> None:
    ids = [str(uuid.uuid4()) for _ in range(6)]
    with running_server(tmp_path) as server:
        client = server.client("dr.rivera")
        for n, id_ in enumerate(ids):
            written = note(id_, f"p-{1 + n % 2}", f"2026-05-0{1 + n % 3}")
            assert client.put(f"DocumentReference/{id_}", written).status_code == 201
        moved = note(ids[0], "p-2", "2026-05-03", status="superseded")
        assert client.put(f"DocumentReference/{ids[0]}", moved).status_code == 200
        before = answers(client)
        data_dir = server.data_dir
    assert ids[0] not in before[0]
    assert ids[0] in before[1]
    to_version_2(data_dir)
    with running_server(tmp_path) as server:
        client = server.client("dr.rivera")
        assert answers(client) == before
        back = note(ids[0], "p-1", "2026-05-01")
        assert client.put(f"DocumentReference/{ids[0]}", back).status_code == 200
        after = answers(client)
    version, tables = schema(data_dir)
    assert version == database.SCHEMA_VERSION
    assert "search_values" in tables
    assert "search_index" not in tables
    assert sorted(after[0]) == sorted([ids[0], ids[2], ids[4]])  # patient p-1 again
    assert ids[0] not in after[1]
    assert ids[0] in after[2]
    assert ids[0] not in after[3]
