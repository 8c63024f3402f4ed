"""Idempotency keys: a successful write is recorded under (user, key) in the same
transaction as the write, and a repeat of the same request gets the recorded answer.

The same request is the same method, path relative to the FHIR base and JSON body (equal
as canonical JSON), so a single `PUT Patient/1` and a batch entry `PUT Patient/1` with the
same key and body are the same request. A record keeps the request as sent (its bytes, or
a batch entry's resource as canonical JSON) with a digest of it: a repeat with the same
bytes is recognised by the digest alone, and only a repeat sent differently is decoded and
compared as canonical JSON. The answer is kept as its text with the stored versions it
shows referred to by seq (versions never change), and put together again on replay.
Only 2xx answers are recorded: a request that failed (412, 400...) may be retried, or
corrected, under the same key.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from http import HTTPStatus

from outpost.server.outcome import Answer, FhirError, Piece, VersionText, bad_request

KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
ENTRY_EXTENSION = "urn:outpost:idempotency-key"
MAX_KEY_LENGTH = 255
RETENTION_US = 30 * 24 * 3600 * 1_000_000

SCHEMA = """
-- Version 4: the request as sent ("METHOD\\npath\\n" + body) and the answer in pieces
-- (a JSON list of text and version seqs); rows recorded before keep `body` and a
-- fingerprint of the canonical request.
ALTER TABLE idempotency ADD COLUMN request BLOB;
ALTER TABLE idempotency ADD COLUMN parts TEXT;
"""


def check_key(key: str) -> str:
    if not 0 < len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise bad_request(
            f"{KEY_HEADER} must be 1-{MAX_KEY_LENGTH} printable ASCII characters.", KEY_HEADER
        )
    return key


def canonical(body: object) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Request:
    """What a key stands for: method, path relative to the base, the parsed body and, when
    the HTTP request had it, the body's bytes as sent."""

    method: str
    path: str
    body: object
    raw: bytes | None = None

    def sent(self) -> bytes:
        data = self.raw if self.raw is not None else canonical(self.body)
        return f"{self.method}\n{self.path}\n".encode() + data

    def same_as(self, sent: bytes) -> bool:
        """Whether a request recorded as `sent` is this one (canonical JSON equal)."""
        method, path, data = sent.split(b"\n", 2)
        if method.decode() != self.method or path.decode() != self.path:
            return False
        return canonical(json.loads(data)) == canonical(self.body)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lookup(conn: sqlite3.Connection, username: str, key: str, request: Request) -> Answer | None:
    """The recorded answer for this key, or None if there is none. Raises 422 when the key
    was used for a different request."""
    row = conn.execute(
        "SELECT fingerprint, request, status, headers, body, parts FROM idempotency "
        "WHERE username = ? AND key = ?",
        (username, key),
    ).fetchone()
    if row is None:
        return None
    if row["fingerprint"] != _digest(request.sent()) and not _same(row, request):
        raise FhirError.of(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            "business-rule",
            f"This {KEY_HEADER} was already used for a different request "
            "(method, URL or body differ).",
            KEY_HEADER,
        )
    headers = json.loads(row["headers"])
    if row["parts"] is None:  # recorded whole
        body = row["body"]
        return Answer(row["status"], json.loads(body), headers, encoded=body)
    parts = _pieces(conn, json.loads(row["parts"]))
    text = "".join(p if isinstance(p, str) else p.text for p in parts)
    return Answer(row["status"], json.loads(text), headers, encoded=text, parts=parts)


def _same(row: sqlite3.Row, request: Request) -> bool:
    if row["request"] is None:  # recorded before requests were kept: canonical digest
        sent = f"{request.method}\n{request.path}\n".encode() + canonical(request.body)
        return bool(row["fingerprint"] == _digest(sent))
    return request.same_as(bytes(row["request"]))


def _pieces(conn: sqlite3.Connection, stored: list[str | int]) -> tuple[Piece, ...]:
    seqs = [part for part in stored if isinstance(part, int)]
    texts: dict[int, str] = {}
    for start in range(0, len(seqs), 500):
        chunk = seqs[start : start + 500]
        rows = conn.execute(
            f"SELECT seq, body FROM versions WHERE seq IN ({', '.join('?' * len(chunk))})", chunk
        )
        texts.update((row[0], row[1]) for row in rows)
    return tuple(
        part if isinstance(part, str) else VersionText(part, texts[part]) for part in stored
    )


def record(
    conn: sqlite3.Connection, username: str, key: str, request: Request, answer: Answer, now: int
) -> None:
    if not 200 <= answer.status < 300:
        return
    sent = request.sent()
    if answer.parts is not None:
        body = ""
        parts = json.dumps([p if isinstance(p, str) else p.seq for p in answer.parts])
    else:
        body, parts = answer.text() or "null", None
    conn.execute(
        "INSERT INTO idempotency (username, key, fingerprint, status, headers, body, created, "
        "request, parts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            username,
            key,
            _digest(sent),
            answer.status,
            json.dumps(answer.headers),
            body,
            now,
            sent,
            parts,
        ),
    )


def prune(conn: sqlite3.Connection, now: int) -> int:
    """Forget keys older than the retention period; returns how many."""
    return conn.execute("DELETE FROM idempotency WHERE created < ?", (now - RETENTION_US,)).rowcount
