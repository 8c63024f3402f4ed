"""The signaling rooms' state machine (docs/signaling.md), without sockets."""

from __future__ import annotations

import json
from typing import Any

import pytest

from outpost.server.rooms import (
    CLOSE_REPLACED,
    Action,
    Close,
    ConnId,
    PatientState,
    Role,
    RoomKey,
    Rooms,
    Send,
)

ROOM = RoomKey("clinic-a", "appt-1")
OTHER_ROOM = RoomKey("clinic-a", "appt-2")
ICE = ({"urls": ["stun:stun.example:3478"]},)
DOC, PAT, PAT2, DOC2 = ConnId(1), ConnId(2), ConnId(3), ConnId(4)
SECOND = 1_000_000


def sent(actions: list[Action], to: ConnId) -> list[dict[str, Any]]:
    return [a.message for a in actions if isinstance(a, Send) and a.to == to]


def types(actions: list[Action], to: ConnId) -> list[str]:
    return [m["type"] for m in sent(actions, to)]


def msg(kind: str, **fields: object) -> str:
    return json.dumps({"type": kind, **fields})


@pytest.fixture
def rooms() -> Rooms:
    return Rooms(ICE)


def admitted_room(rooms: Rooms) -> None:
    rooms.join(ROOM, Role.CLINICIAN, DOC, 0)
    rooms.join(ROOM, Role.PATIENT, PAT, SECOND)
    rooms.receive(DOC, msg("admit"), 2 * SECOND)


def test_patient_waits_and_the_clinician_is_told(rooms: Rooms) -> None:
    first = rooms.join(ROOM, Role.CLINICIAN, DOC, 0)
    [welcome] = sent(first, DOC)
    assert welcome["type"] == "welcome"
    assert welcome["role"] == "clinician"
    assert welcome["appointment"] == "appt-1"
    assert welcome["ice_servers"] == list(ICE)
    assert welcome["peer"] == "absent"
    assert welcome["session"] == 0
    assert welcome["server_time"] == "1970-01-01T00:00:00.000000Z"

    arrived = rooms.join(ROOM, Role.PATIENT, PAT, 5 * SECOND)
    assert types(arrived, PAT) == ["welcome", "waiting"]
    assert sent(arrived, PAT)[0]["peer"] == "waiting"
    assert sent(arrived, PAT)[1]["since"] == "1970-01-01T00:00:05.000000Z"
    assert sent(arrived, DOC) == [
        {"type": "peer", "state": "waiting", "since": "1970-01-01T00:00:05.000000Z"}
    ]
    [entry] = rooms.waiting("clinic-a")
    assert (entry.appointment, entry.since, entry.state) == (
        "appt-1",
        5 * SECOND,
        PatientState.WAITING,
    )
    assert rooms.waiting("clinic-b") == []


def test_admit_tells_both_sides(rooms: Rooms) -> None:
    rooms.join(ROOM, Role.CLINICIAN, DOC, 0)
    rooms.join(ROOM, Role.PATIENT, PAT, SECOND)
    actions = rooms.receive(DOC, msg("admit"), 3 * SECOND)
    assert sent(actions, PAT) == [{"type": "admitted"}]
    assert sent(actions, DOC) == [
        {"type": "peer", "state": "admitted", "since": "1970-01-01T00:00:03.000000Z"}
    ]
    assert rooms.waiting("clinic-a")[0].state is PatientState.ADMITTED


def test_only_the_clinician_admits_and_only_a_present_patient(rooms: Rooms) -> None:
    rooms.join(ROOM, Role.CLINICIAN, DOC, 0)
    [error] = sent(rooms.receive(DOC, msg("admit"), 1), DOC)
    assert (error["type"], error["code"]) == ("error", "no-peer")
    rooms.join(ROOM, Role.PATIENT, PAT, 1)
    [error] = sent(rooms.receive(PAT, msg("admit"), 2), PAT)
    assert error["code"] == "not-allowed"
    assert rooms.waiting("clinic-a")[0].state is PatientState.WAITING


def test_offer_and_answer_before_admission_are_refused(rooms: Rooms) -> None:
    rooms.join(ROOM, Role.CLINICIAN, DOC, 0)
    rooms.join(ROOM, Role.PATIENT, PAT, 1)
    refused = rooms.receive(DOC, msg("offer", sdp="v=0", session=1), 2)
    assert sent(refused, PAT) == []
    assert sent(refused, DOC)[0]["code"] == "not-admitted"
    refused = rooms.receive(PAT, msg("answer", sdp="v=0", session=1), 2)
    assert sent(refused, DOC) == []
    assert sent(refused, PAT)[0]["code"] == "not-admitted"


def test_offer_and_answer_are_relayed_with_sessions(rooms: Rooms) -> None:
    admitted_room(rooms)
    offer = rooms.receive(DOC, msg("offer", sdp="offer-1", session=1, extra="x"), 3 * SECOND)
    assert sent(offer, PAT) == [{"type": "offer", "sdp": "offer-1", "session": 1}]
    answer = rooms.receive(PAT, msg("answer", sdp="answer-1", session=1), 4 * SECOND)
    assert sent(answer, DOC) == [{"type": "answer", "sdp": "answer-1", "session": 1}]
    [entry] = rooms.waiting("clinic-a")
    assert (entry.state, entry.since) == (PatientState.IN_CALL, 4 * SECOND)
    # Renegotiation: a higher session; an answer to the older one is stale.
    rooms.receive(DOC, msg("offer", sdp="offer-2", session=2), 5 * SECOND)
    stale = rooms.receive(PAT, msg("answer", sdp="answer-1", session=1), 6 * SECOND)
    assert sent(stale, DOC) == []
    assert sent(stale, PAT)[0]["code"] == "stale-session"
    older = rooms.receive(DOC, msg("offer", sdp="offer-0", session=1), 6 * SECOND)
    assert sent(older, PAT) == []
    assert sent(older, DOC)[0]["code"] == "stale-session"
    fresh = rooms.receive(PAT, msg("answer", sdp="answer-2", session=2), 7 * SECOND)
    assert types(fresh, DOC) == ["answer"]


def test_a_link_report_goes_to_the_other_side_of_a_call_only(rooms: Rooms) -> None:
    admitted_room(rooms)
    report = msg("link", probe_kbps=157)
    assert rooms.receive(PAT, report, 3 * SECOND) == []  # no call yet: nobody sends video
    rooms.receive(DOC, msg("offer", sdp="offer-1", session=1), 3 * SECOND)
    rooms.receive(PAT, msg("answer", sdp="answer-1", session=1), 4 * SECOND)
    assert sent(rooms.receive(PAT, report, 5 * SECOND), DOC) == [
        {"type": "link", "probe_kbps": 157}
    ]
    both_ways = rooms.receive(DOC, msg("link", probe_kbps=2400, extra="x"), 5 * SECOND)
    assert sent(both_ways, PAT) == [{"type": "link", "probe_kbps": 2400}]
    for bad in (msg("link"), msg("link", probe_kbps=0), msg("link", probe_kbps="fast"),
                msg("link", probe_kbps=True), msg("link", probe_kbps=10**9)):  # fmt: skip
        refused = rooms.receive(PAT, bad, 6 * SECOND)
        assert sent(refused, DOC) == [], bad
        assert sent(refused, PAT)[0]["code"] == "bad-message", bad


def test_wrong_sides_and_malformed_frames_get_errors(rooms: Rooms) -> None:
    admitted_room(rooms)
    assert sent(rooms.receive(PAT, msg("offer", sdp="x", session=1), 3), PAT)[0]["code"] == (
        "not-allowed"
    )
    assert sent(rooms.receive(DOC, msg("answer", sdp="x", session=1), 3), DOC)[0]["code"] == (
        "not-allowed"
    )
    for bad in ("not json", "[1]", '{"sdp": "x"}', msg("offer", sdp="x", session=True),
                msg("offer", sdp="", session=1), msg("offer", sdp="x", session=-1)):  # fmt: skip
        [error] = sent(rooms.receive(DOC, bad, 3), DOC)
        assert error["code"] == "bad-message", bad
    [error] = sent(rooms.receive(DOC, msg("dance"), 3), DOC)
    assert (error["type"], error["code"]) == ("error", "unknown-type")
    assert sent(rooms.receive(PAT, msg("ping"), 3), PAT) == [{"type": "pong"}]


def test_a_newer_connection_replaces_the_older_one(rooms: Rooms) -> None:
    admitted_room(rooms)
    actions = rooms.join(ROOM, Role.PATIENT, PAT2, 10 * SECOND)
    assert actions[0] == Close(PAT, CLOSE_REPLACED, "replaced")
    assert types(actions, PAT2) == ["welcome", "admitted"]
    assert sent(actions, DOC) == [
        {"type": "peer", "state": "admitted", "since": "1970-01-01T00:00:02.000000Z"}
    ]
    # The replaced socket's late departure changes nothing.
    assert rooms.leave(PAT, 11 * SECOND) == []
    assert rooms.role_of(PAT) is None
    assert rooms.role_of(PAT2) is Role.PATIENT
    assert rooms.receive(PAT, msg("ping"), 11) == []
    replaced = rooms.join(ROOM, Role.CLINICIAN, DOC2, 12 * SECOND)
    assert replaced[0] == Close(DOC, CLOSE_REPLACED, "replaced")
    assert sent(replaced, DOC2)[0]["peer"] == "admitted"


def test_admission_survives_a_reconnect_but_not_bye(rooms: Rooms) -> None:
    admitted_room(rooms)
    rooms.receive(DOC, msg("offer", sdp="o", session=3), 3 * SECOND)
    left = rooms.leave(PAT, 4 * SECOND)
    assert sent(left, DOC) == [
        {"type": "peer", "state": "left", "since": "1970-01-01T00:00:04.000000Z"}
    ]
    assert rooms.waiting("clinic-a") == []
    back = rooms.join(ROOM, Role.PATIENT, PAT2, 5 * SECOND)
    welcome = sent(back, PAT2)[0]
    assert (welcome["peer"], welcome["session"]) == ("admitted", 3)
    assert types(back, PAT2) == ["welcome", "admitted"]
    assert sent(back, DOC)[0]["state"] == "admitted"

    bye = rooms.receive(DOC, msg("bye", reason="done" * 100), 6 * SECOND)
    assert sent(bye, PAT2) == [{"type": "bye", "reason": ("done" * 100)[:200]}]
    assert rooms.waiting("clinic-a")[0].state is PatientState.WAITING
    assert sent(rooms.receive(DOC, msg("offer", sdp="o", session=4), 7), DOC)[0]["code"] == (
        "not-admitted"
    )


def test_rooms_are_forgotten_when_both_sides_leave(rooms: Rooms) -> None:
    admitted_room(rooms)
    rooms.join(OTHER_ROOM, Role.PATIENT, PAT2, 0)
    assert len(rooms) == 2
    rooms.leave(DOC, 1)
    assert rooms.leave(PAT, 2) == []
    assert len(rooms) == 1
    again = rooms.join(ROOM, Role.PATIENT, PAT, 3)
    assert types(again, PAT) == ["welcome", "waiting"]
    assert sent(again, PAT)[0]["session"] == 0


def test_waiting_lists_longest_waiting_first_with_in_call_reset_on_reload(rooms: Rooms) -> None:
    rooms.join(OTHER_ROOM, Role.PATIENT, PAT2, 7 * SECOND)
    admitted_room(rooms)
    rooms.receive(DOC, msg("offer", sdp="o", session=1), 3 * SECOND)
    rooms.receive(PAT, msg("answer", sdp="a", session=1), 4 * SECOND)
    assert [(w.appointment, w.state) for w in rooms.waiting("clinic-a")] == [
        ("appt-1", PatientState.IN_CALL),
        ("appt-2", PatientState.WAITING),
    ]
    rooms.join(ROOM, Role.PATIENT, ConnId(9), 8 * SECOND)  # the page was reloaded
    assert [(w.appointment, w.state) for w in rooms.waiting("clinic-a")] == [
        ("appt-2", PatientState.WAITING),
        ("appt-1", PatientState.ADMITTED),
    ]
