"""Rehearsal rooms (docs/signaling.md): a clinician's practice visit with a synthetic
patient (or their own phone), kept in memory only.

`POST /signal/rehearsals` makes one for the caller's clinic: a room id starting with
`rehearsal-` and a patient join token with the appointment links' rules (192 random bits,
only its SHA-256 kept, an expiry), so the browser join page works with it too. A room
lives `ttl_s` (30 minutes by default); an expired one still answers "expired" for an hour,
then is forgotten. A clinic holds at most `MAX_PER_CLINIC` live rooms at a time.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from aiohttp import web

from outpost.core.visits import REHEARSAL_PREFIX
from outpost.server import join_links
from outpost.server.app import state
from outpost.server.join_links import JoinLink, Lookup

DEFAULT_TTL_S = 30 * 60
KEEP_EXPIRED_S = 60 * 60
MAX_PER_CLINIC = 10
_SECOND = 1_000_000


@dataclass(frozen=True)
class Rehearsal:
    clinic: str
    room: str
    token_hash: str
    expires: int  # microseconds since the epoch, UTC

    @property
    def link(self) -> JoinLink:
        return JoinLink(self.clinic, self.room, self.expires)


class RehearsalLimitError(Exception):
    """The clinic holds `MAX_PER_CLINIC` live rooms; one frees up in `retry_after_s`."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many rehearsal rooms; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Rehearsals:
    """Every rehearsal room of the server (pure: the caller passes the time)."""

    def __init__(self, ttl_s: int = DEFAULT_TTL_S, max_per_clinic: int = MAX_PER_CLINIC) -> None:
        self.ttl_s = ttl_s
        self._max = max_per_clinic
        self._by_room: dict[str, Rehearsal] = {}
        self._by_token: dict[str, Rehearsal] = {}

    def __len__(self) -> int:
        return len(self._by_room)

    def create(self, clinic: str, now: int) -> tuple[Rehearsal, str]:
        """A new room for `clinic` and its patient token (the only copy of the token)."""
        self._prune(now)
        live = sorted(
            found.expires
            for found in self._by_room.values()
            if found.clinic == clinic and found.expires > now
        )
        if len(live) >= self._max:
            raise RehearsalLimitError(max(1, -(-(live[0] - now) // _SECOND)))
        token = join_links.new_token()
        room = f"{REHEARSAL_PREFIX}{secrets.token_hex(8)}"
        made = Rehearsal(clinic, room, join_links.digest(token), now + self.ttl_s * _SECOND)
        self._by_room[room] = made
        self._by_token[made.token_hash] = made
        return made, token

    def room(self, clinic: str, room: str, now: int) -> tuple[Lookup, JoinLink | None]:
        """Whether `clinic`'s clinician may open `room` (another clinic's is UNKNOWN)."""
        self._prune(now)
        found = self._by_room.get(room)
        if found is None or found.clinic != clinic:
            return Lookup.UNKNOWN, None
        return (Lookup.EXPIRED if found.expires <= now else Lookup.VALID), found.link

    def lookup(self, token: str, now: int) -> tuple[Lookup, JoinLink | None]:
        """A patient token, as `join_links.lookup` answers for appointment links."""
        self._prune(now)
        if not join_links.well_formed(token):
            return Lookup.UNKNOWN, None
        found = self._by_token.get(join_links.digest(token))
        if found is None:
            return Lookup.UNKNOWN, None
        return (Lookup.EXPIRED if found.expires <= now else Lookup.VALID), found.link

    def _prune(self, now: int) -> None:
        horizon = now - KEEP_EXPIRED_S * _SECOND
        for gone in [found for found in self._by_room.values() if found.expires <= horizon]:
            del self._by_room[gone.room]
            del self._by_token[gone.token_hash]


REHEARSALS = web.AppKey("rehearsals", Rehearsals)


async def find_link(request: web.Request, token: str) -> tuple[Lookup, JoinLink | None]:
    """A patient token: an appointment's join link (database) or a rehearsal room's."""
    shared = state(request)
    now = shared.clock()
    found, link = await shared.db.read(lambda conn: join_links.lookup(conn, token, now))
    rehearsals = request.app.get(REHEARSALS)
    if found is Lookup.UNKNOWN and rehearsals is not None:
        return rehearsals.lookup(token, now)
    return found, link
