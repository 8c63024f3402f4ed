"""Rehearsal rooms' registry (`outpost.server.rehearsals.Rehearsals`), without a server:
who may open a room, when it expires and is forgotten, the per-clinic cap."""

from __future__ import annotations

import pytest

from outpost.core.visits import is_rehearsal
from outpost.server.join_links import Lookup, digest
from outpost.server.rehearsals import KEEP_EXPIRED_S, RehearsalLimitError, Rehearsals

SECOND = 1_000_000
T0 = 1_700_000_000 * SECOND


def test_a_room_opens_for_its_clinic_and_its_token_only() -> None:
    rooms = Rehearsals(ttl_s=600)
    made, token = rooms.create("clinic-a", T0)
    assert is_rehearsal(made.room)
    assert made.expires == T0 + 600 * SECOND
    assert made.token_hash == digest(token)  # the token itself is not kept
    assert rooms.room("clinic-a", made.room, T0) == (Lookup.VALID, made.link)
    assert rooms.room("clinic-b", made.room, T0) == (Lookup.UNKNOWN, None)
    assert rooms.room("clinic-a", "rehearsal-0000", T0) == (Lookup.UNKNOWN, None)
    found, link = rooms.lookup(token, T0)
    assert found is Lookup.VALID
    assert link is not None
    assert (link.clinic, link.appointment_id, link.expires) == ("clinic-a", made.room, made.expires)
    assert rooms.lookup(token[:-1] + ("A" if token[-1] != "A" else "B"), T0)[0] is Lookup.UNKNOWN
    assert rooms.lookup("short", T0) == (Lookup.UNKNOWN, None)


def test_rooms_and_tokens_are_unguessable_and_distinct() -> None:
    rooms = Rehearsals()
    made = [rooms.create("clinic-a", T0) for _ in range(5)]
    assert len({room.room for room, _ in made}) == 5
    assert len({token for _, token in made}) == 5
    assert all(len(token) >= 32 for _, token in made)  # 192 bits


def test_an_expired_room_says_so_for_an_hour_then_is_forgotten() -> None:
    rooms = Rehearsals(ttl_s=60)
    made, token = rooms.create("clinic-a", T0)
    end = made.expires
    assert rooms.room("clinic-a", made.room, end - 1)[0] is Lookup.VALID
    assert rooms.room("clinic-a", made.room, end)[0] is Lookup.EXPIRED
    assert rooms.lookup(token, end)[0] is Lookup.EXPIRED
    later = end + KEEP_EXPIRED_S * SECOND
    assert rooms.lookup(token, later) == (Lookup.UNKNOWN, None)
    assert rooms.room("clinic-a", made.room, later) == (Lookup.UNKNOWN, None)
    assert len(rooms) == 0


def test_a_clinic_holds_a_few_live_rooms_at_most() -> None:
    rooms = Rehearsals(ttl_s=100, max_per_clinic=3)
    for step in range(3):
        rooms.create("clinic-a", T0 + step * 10 * SECOND)
    with pytest.raises(RehearsalLimitError) as full:
        rooms.create("clinic-a", T0 + 30 * SECOND)
    assert full.value.retry_after_s == 70  # when the first one expires
    rooms.create("clinic-b", T0 + 30 * SECOND)  # another clinic has its own allowance
    rooms.create("clinic-a", T0 + 100 * SECOND)  # the first expired: room again
