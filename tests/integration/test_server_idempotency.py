"""Idempotency records as stored since schema version 4 (the request as sent, the answer
referring to the stored versions): a replay after a restart is the same answer to the
byte, the same JSON sent differently still replays, and records from before the upgrade
still replay."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import requests

from outpost.server import database
from outpost.server.idempotency import canonical
from tests.server_process import FHIR_JSON, RunningServer, running_server


def note(id_: str, text: str) -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": id_,
        "status": "current",
        "subject": {"reference": "Patient/p1"},
        "content": [{"attachment": {"contentType": "text/plain", "data": text}}],
    }


def batch(ids: list[str]) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        {
            "resource": note(id_, "aGk="),
            "request": {"method": "PUT", "url": f"DocumentReference/{id_}"},
        }
        for id_ in ids
    ]
    entries.append(  # a failed entry is part of the answer too
        {"resource": {"resourceType": "Patient"}, "request": {"method": "PUT", "url": "Patient/x"}}
    )
    return {"resourceType": "Bundle", "type": "batch", "entry": entries}


def send(
    server: RunningServer, token: str, method: str, path: str, data: bytes, key: str
) -> requests.Response:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": FHIR_JSON,
        "Idempotency-Key": key,
    }
    url = f"{server.base_url}/{path}" if path else server.base_url
    return requests.request(method, url, data=data, headers=headers, timeout=30)


def test_answers_replay_to_the_byte_after_a_restart(tmp_path: Path) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    body = json.dumps(batch(ids)).encode()
    single_id = str(uuid.uuid4())
    single = json.dumps(note(single_id, "b25jZQ==")).encode()
    with running_server(tmp_path) as server:
        token = server.token("dr.rivera")
        first = send(server, token, "POST", "", body, "batch-key")
        made = send(server, token, "PUT", f"DocumentReference/{single_id}", single, "put-key")
        assert first.status_code == 200
        assert made.status_code == 201
        statuses = [e["response"]["status"] for e in first.json()["entry"]]
        assert statuses == ["201 Created"] * 3 + ["400 Bad Request"]
    with running_server(tmp_path) as server:
        token = server.token("dr.rivera")
        again = send(server, token, "POST", "", body, "batch-key")
        remade = send(server, token, "PUT", f"DocumentReference/{single_id}", single, "put-key")
        current = server.client("dr.rivera").get(f"DocumentReference/{ids[0]}")
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["Idempotent-Replayed"] == "true"
    assert remade.status_code == 201
    assert remade.content == made.content
    assert remade.headers["ETag"] == made.headers["ETag"] == 'W/"1"'
    assert remade.headers["Location"] == made.headers["Location"]
    assert current.headers["ETag"] == 'W/"1"'  # nothing written twice


def test_the_same_json_sent_differently_is_the_same_request(tmp_path: Path) -> None:
    ids = [str(uuid.uuid4())]
    sent = batch(ids)
    compact = json.dumps(sent, separators=(",", ":")).encode()
    reordered = json.dumps(dict(reversed(list(sent.items()))), indent=2).encode()
    changed = json.dumps(batch([str(uuid.uuid4())])).encode()
    with running_server(tmp_path) as server:
        token = server.token("dr.rivera")
        first = send(server, token, "POST", "", compact, "key")
        again = send(server, token, "POST", "", reordered, "key")
        other = send(server, token, "POST", "", changed, "key")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert other.status_code == 422


def to_version_3(data_dir: Path, key: str, request: bytes, method: str, path: str) -> None:
    """Rewrite the record of `key` as version 3 kept it (a canonical digest and the whole
    answer) and drop the version 4 columns."""
    raw = sqlite3.connect(data_dir / database.DATABASE_FILE, isolation_level=None)
    try:
        parts = json.loads(
            raw.execute("SELECT parts FROM idempotency WHERE key = ?", (key,)).fetchone()[0]
        )
        texts = dict(raw.execute("SELECT seq, body FROM versions").fetchall())
        whole = "".join(p if isinstance(p, str) else texts[p] for p in parts)
        head = f"{method}\n{path}\n".encode()
        digest = hashlib.sha256(head + canonical(json.loads(request))).hexdigest()
        raw.execute(
            "UPDATE idempotency SET body = ?, fingerprint = ? WHERE key = ?", (whole, digest, key)
        )
        raw.execute("ALTER TABLE idempotency DROP COLUMN request")
        raw.execute("ALTER TABLE idempotency DROP COLUMN parts")
        raw.execute("PRAGMA user_version = 3")
    finally:
        raw.close()


def test_records_from_before_version_4_still_replay(tmp_path: Path) -> None:
    ids = [str(uuid.uuid4()) for _ in range(2)]
    body = json.dumps(batch(ids)).encode()
    with running_server(tmp_path) as server:
        token = server.token("dr.rivera")
        first = send(server, token, "POST", "", body, "old-key")
        data_dir = server.data_dir
    to_version_3(data_dir, "old-key", body, "POST", "")
    with running_server(tmp_path) as server:
        token = server.token("dr.rivera")
        again = send(
            server, token, "POST", "", json.dumps(batch(ids), indent=1).encode(), "old-key"
        )
        other = send(server, token, "POST", "", json.dumps(batch(ids[:1])).encode(), "old-key")
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert other.status_code == 422
