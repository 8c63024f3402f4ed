"""Patients' join links: `{origin}/join/<token>` opens one appointment's video room.

A token is 192 random bits (`secrets.token_urlsafe(24)`); the database keeps only its
SHA-256 with the appointment, its clinic and an expiry (by default the end of the
appointment's day plus 24 hours, UTC). A token opens only its own room.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import Enum
from urllib.parse import urlsplit

from outpost.server import instants
from outpost.server.outcome import JsonObject

TOKEN_BYTES = 24
VIRTUAL_SERVICE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.virtualService"
GRACE = timedelta(hours=24)
KEEP_EXPIRED_S = 30 * 24 * 3600  # an expired link still says "expired" (410) this long
_SECOND = 1_000_000
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,128}")

SCHEMA = """
CREATE TABLE join_links (
    token_hash TEXT PRIMARY KEY,
    clinic TEXT NOT NULL REFERENCES clinics (id),
    appointment_id TEXT NOT NULL,
    expires INTEGER NOT NULL,
    created INTEGER NOT NULL
);
CREATE INDEX join_links_by_appointment ON join_links (clinic, appointment_id);
"""


@dataclass(frozen=True)
class JoinLink:
    clinic: str
    appointment_id: str
    expires: int  # microseconds since the epoch, UTC


class Lookup(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    VALID = "valid"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def well_formed(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None


def link_url(origin: str, token: str) -> str:
    return f"{origin}/join/{token}"


def token_of(url: str) -> str | None:
    """The token of a `.../join/<token>` link, whatever its origin."""
    parts = urlsplit(url).path.rstrip("/").split("/")
    if len(parts) >= 2 and parts[-2] == "join" and well_formed(parts[-1]):
        return parts[-1]
    return None


def default_expiry(start: datetime) -> int:
    """The end of the appointment's day (UTC) plus 24 hours, in microseconds."""
    day = start.astimezone(UTC).date()
    end_of_day = datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
    return instants.to_us(end_of_day + GRACE)


def record(
    conn: sqlite3.Connection, token: str, clinic: str, appointment_id: str, expires: int, now: int
) -> None:
    """Remember a link. A token already held by another appointment keeps its room."""
    conn.execute(
        "INSERT INTO join_links (token_hash, clinic, appointment_id, expires, created) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (token_hash) DO UPDATE SET expires = "
        "excluded.expires WHERE clinic = excluded.clinic "
        "AND appointment_id = excluded.appointment_id",
        (digest(token), clinic, appointment_id, expires, now),
    )


def appointment_link(resource: JsonObject) -> str | None:
    """The `addressUrl` of an Appointment's virtualService extension, if any."""
    for extension in resource.get("extension") or []:
        if extension.get("url") != VIRTUAL_SERVICE:
            continue
        for part in extension.get("extension") or []:
            if part.get("url") == "addressUrl" and isinstance(part.get("valueUrl"), str):
                return str(part["valueUrl"])
    return None


def record_appointment(
    conn: sqlite3.Connection, clinic: str, resource: JsonObject, now: int
) -> bool:
    """Record the join link an Appointment carries (expiring by its start); True if it
    had one."""
    link = appointment_link(resource)
    token = token_of(link) if link else None
    start = resource.get("start")
    if token is None or not isinstance(start, str):
        return False
    expires = default_expiry(datetime.fromisoformat(start))
    record(conn, token, clinic, str(resource["id"]), expires, now)
    return True


def lookup(conn: sqlite3.Connection, token: str, now: int) -> tuple[Lookup, JoinLink | None]:
    if not well_formed(token):
        return Lookup.UNKNOWN, None
    row = conn.execute(
        "SELECT clinic, appointment_id, expires FROM join_links WHERE token_hash = ?",
        (digest(token),),
    ).fetchone()
    if row is None:
        return Lookup.UNKNOWN, None
    link = JoinLink(row["clinic"], row["appointment_id"], row["expires"])
    return (Lookup.EXPIRED if link.expires <= now else Lookup.VALID), link


def prune(conn: sqlite3.Connection, now: int) -> None:
    conn.execute("DELETE FROM join_links WHERE expires <= ?", (now - KEEP_EXPIRED_S * _SECOND,))
