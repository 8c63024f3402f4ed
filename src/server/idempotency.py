"""Idempotency keys: a successful write is recorded under (user, key) in the same
transaction as the write, and a repeat of the same request gets the recorded answer.

The fingerprint is the method, the path relative to the FHIR base and the canonical JSON
body, so a single `PUT Patient/1` and a batch entry `PUT Patient/1` with the same key and
body are the same request. Only 2xx answers are recorded: a request that failed (412,
400...) may be retried, or corrected, under the same key.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from http import HTTPStatus

from outpost.server.outcome import Answer, FhirError, bad_request

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
ENTRY_EXTENSION = "urn:outpost:idempotency-key"
MAX_KEY_LENGTH = 255
RETENTION_US = 30 * 24 * 3600 * 1_000_000


def check_key(key: str) -> str:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise bad_request(
            f"{KEY_HEADER} must be 1-{MAX_KEY_LENGTH} printable ASCII characters.", KEY_HEADER
        )
    return key


def fingerprint(method: str, path: str, body: object) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{method}\n{path}\n{canonical}".encode()).hexdigest()


def lookup(conn: sqlite3.Connection, username: str, key: str, print_: str) -> Answer | None:
    """The recorded answer for this key, or None if there is none. Raises 422 when the key
    was used for a different request."""
    row = conn.execute(
        "SELECT fingerprint, status, headers, body FROM idempotency WHERE username = ? AND key = ?",
        (username, key),
    ).fetchone()
    if row is None:
        return None
    if row["fingerprint"] != print_:
        raise FhirError.of(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "business-rule",
            f"This {KEY_HEADER} was already used for a different request "
            "(method, URL or body differ).",
            KEY_HEADER,
        )
    body = row["body"]
    return Answer(row["status"], json.loads(body), json.loads(row["headers"]), encoded=body)


def record(
    conn: sqlite3.Connection, username: str, key: str, print_: str, answer: Answer, now: int
) -> None:
    if not 200 <= answer.status < 300:
        return
    conn.execute(
        "INSERT INTO idempotency (username, key, fingerprint, status, headers, body, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            username,
            key,
            print_,
            answer.status,
            json.dumps(answer.headers),
            answer.text() or "null",
            now,
        ),
    )


def prune(conn: sqlite3.Connection, now: int) -> int:
    """Forget keys older than the retention period; returns how many."""
    return conn.execute("DELETE FROM idempotency WHERE created < ?", (now - RETENTION_US,)).rowcount
