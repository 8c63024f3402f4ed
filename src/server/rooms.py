"""Video visit rooms (docs/signaling.md) as a pure state machine: no sockets, no clock.

`Rooms` takes what happened (a connection joined, sent a text frame, left) and answers
with what to do: `Send` a message to a connection or `Close` one. The aiohttp handlers in
`signaling.py` carry that out. A room lives while someone is in it; its admission survives
either side reconnecting, and is forgotten on `bye` or when both sides have left.
"""

from __future__ import annotations

import enum
import json
import logging
from dataclasses import dataclass, field
from typing import Any, NewType

from outpost.server import instants

logger = logging.getLogger(__name__)

ConnId = NewType("ConnId", int)
Message = dict[str, Any]
CLOSE_REPLACED = 4001
MAX_REASON_CHARS = 200
MAX_KBPS = 10_000_000  # a link report's rate, kbit/s, at most (as media's signaling_messages)


class Role(enum.Enum):
    CLINICIAN = "clinician"
    PATIENT = "patient"

    @property
    def other(self) -> Role:
        return Role.PATIENT if self is Role.CLINICIAN else Role.CLINICIAN


class PatientState(enum.Enum):
    """Where a connected patient is, as `/signal/waiting` shows it."""

    WAITING = "waiting"
    ADMITTED = "admitted"
    IN_CALL = "in-call"


@dataclass(frozen=True)
class RoomKey:
    clinic: str
    appointment: str


@dataclass(frozen=True)
class Send:
    to: ConnId
    message: Message


@dataclass(frozen=True)
class Close:
    to: ConnId
    code: int
    reason: str


Action = Send | Close


@dataclass(frozen=True)
class Waiting:
    appointment: str
    since: int  # microseconds: when the patient's current state began
    state: PatientState


@dataclass
class _Room:
    key: RoomKey
    members: dict[Role, ConnId] = field(default_factory=dict)
    admitted: bool = False
    in_call: bool = False
    since: int = 0  # when the patient's current state began
    session: int = 0  # the latest offer's session

    @property
    def patient_state(self) -> PatientState:
        if not self.admitted:
            return PatientState.WAITING
        return PatientState.IN_CALL if self.in_call else PatientState.ADMITTED

    def view_for(self, role: Role) -> str:
        """`welcome.peer` for `role`: absent, or the room's admission state."""
        if role.other not in self.members:
            return "absent"
        return "admitted" if self.admitted else "waiting"


def _error(to: ConnId, code: str, message: str) -> Send:
    return Send(to, {"type": "error", "code": code, "message": message})


def _session(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


class Rooms:
    """Every room of the server, and which connection is whom."""

    def __init__(self, ice_servers: tuple[Message, ...] = ()) -> None:
        self._ice_servers = list(ice_servers)
        self._rooms: dict[RoomKey, _Room] = {}
        self._members: dict[ConnId, tuple[RoomKey, Role]] = {}

    def __len__(self) -> int:
        return len(self._rooms)

    def role_of(self, conn: ConnId) -> Role | None:
        found = self._members.get(conn)
        return found[1] if found else None

    def waiting(self, clinic: str) -> list[Waiting]:
        """The clinic's rooms with a patient connected, longest waiting first."""
        found = [
            Waiting(room.key.appointment, room.since, room.patient_state)
            for room in self._rooms.values()
            if room.key.clinic == clinic and Role.PATIENT in room.members
        ]
        return sorted(found, key=lambda entry: (entry.since, entry.appointment))

    # -- events --------------------------------------------------------------------------

    def join(self, key: RoomKey, role: Role, conn: ConnId, now: int) -> list[Action]:
        room = self._rooms.setdefault(key, _Room(key))
        actions: list[Action] = []
        old = room.members.get(role)
        if old is not None:
            del self._members[old]
            actions.append(Close(old, CLOSE_REPLACED, "replaced"))
        room.members[role] = conn
        self._members[conn] = (key, role)
        if role is Role.PATIENT:
            if old is None or room.in_call:
                room.since = now
            room.in_call = False  # a new page has no peer connection yet
        logger.info(
            "room %s: %s joined (replaced=%s, admitted=%s)",
            key.appointment,
            role.value,
            old is not None,
            room.admitted,
        )
        actions.append(Send(conn, self._welcome(room, role, now)))
        if role is Role.PATIENT:
            if room.admitted:
                actions.append(Send(conn, {"type": "admitted"}))
            else:
                actions.append(Send(conn, {"type": "waiting", "since": _instant(room.since)}))
        actions.extend(self._tell_other(room, role, now))
        return actions

    def leave(self, conn: ConnId, now: int) -> list[Action]:
        found = self._members.pop(conn, None)
        if found is None:
            return []  # replaced earlier: its successor holds the role
        key, role = found
        room = self._rooms[key]
        del room.members[role]
        room.in_call = False
        logger.info("room %s: %s left", key.appointment, role.value)
        if not room.members:
            del self._rooms[key]
            logger.info("room %s: closed", key.appointment)
            return []
        return [self._peer(room, role.other, "left", now)]

    def receive(self, conn: ConnId, text: str, now: int) -> list[Action]:
        found = self._members.get(conn)
        if found is None:
            return []
        key, role = found
        room = self._rooms[key]
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            return [_error(conn, "bad-message", "Each frame must be a JSON object with a type.")]
        kind = message["type"]
        if kind == "ping":
            return [Send(conn, {"type": "pong"})]
        if kind == "admit":
            return self._admit(room, role, conn, now)
        if kind in ("offer", "answer"):
            return self._relay_sdp(room, role, conn, message, now)
        if kind == "bye":
            return self._bye(room, role, conn, message, now)
        if kind == "link":
            return self._relay_link(room, role, conn, message)
        return [_error(conn, "unknown-type", f"Unknown message type {kind[:40]!r}.")]

    # -- messages ------------------------------------------------------------------------

    def _welcome(self, room: _Room, role: Role, now: int) -> Message:
        return {
            "type": "welcome",
            "role": role.value,
            "appointment": room.key.appointment,
            "ice_servers": self._ice_servers,
            "peer": room.view_for(role),
            "session": room.session,
            "server_time": _instant(now),
        }

    def _peer(self, room: _Room, to: Role, state: str, now: int) -> Send:
        since = now if state == "left" else room.since
        return Send(room.members[to], {"type": "peer", "state": state, "since": _instant(since)})

    def _tell_other(self, room: _Room, arrived: Role, now: int) -> list[Action]:
        """The other side learns that `arrived` is here, and the room's admission state."""
        if arrived.other not in room.members:
            return []
        return [self._peer(room, arrived.other, "admitted" if room.admitted else "waiting", now)]

    def _admit(self, room: _Room, role: Role, conn: ConnId, now: int) -> list[Action]:
        if role is not Role.CLINICIAN:
            return [_error(conn, "not-allowed", "Only the clinician can admit.")]
        if Role.PATIENT not in room.members:
            return [_error(conn, "no-peer", "No patient is waiting in this room.")]
        if not room.admitted:
            room.admitted = True
            room.since = now
            logger.info("room %s: patient admitted", room.key.appointment)
        return [
            Send(room.members[Role.PATIENT], {"type": "admitted"}),
            self._peer(room, Role.CLINICIAN, "admitted", now),
        ]

    def _relay_sdp(
        self, room: _Room, role: Role, conn: ConnId, message: Message, now: int
    ) -> list[Action]:
        kind = message["type"]
        sender = Role.CLINICIAN if kind == "offer" else Role.PATIENT
        if role is not sender:
            return [_error(conn, "not-allowed", f"Only the {sender.value} sends an {kind}.")]
        sdp, session = message.get("sdp"), _session(message.get("session"))
        if not isinstance(sdp, str) or not sdp or session is None:
            return [_error(conn, "bad-message", f"An {kind} needs sdp and a session number.")]
        if not room.admitted:
            return [_error(conn, "not-admitted", "The patient has not been admitted yet.")]
        if role.other not in room.members:
            return [_error(conn, "no-peer", "The other side is not connected.")]
        stale = session < room.session if kind == "offer" else session != room.session
        if stale:
            return [
                _error(conn, "stale-session", f"Session {session} is not the room's current one.")
            ]
        if kind == "offer":
            room.session = session
        elif not room.in_call:
            room.in_call = True
            room.since = now
            logger.info("room %s: in call (session %d)", room.key.appointment, session)
        relayed = {"type": kind, "sdp": sdp, "session": session}
        return [Send(room.members[role.other], relayed)]

    def _relay_link(self, room: _Room, role: Role, conn: ConnId, message: Message) -> list[Action]:
        """A receiver's measure of the link, for the sender's step-down ladder; dropped
        when nobody is in the call to take it."""
        kbps = message.get("probe_kbps")
        if isinstance(kbps, bool) or not isinstance(kbps, int) or not 0 < kbps <= MAX_KBPS:
            return [_error(conn, "bad-message", "A link report needs probe_kbps.")]
        if not room.in_call or role.other not in room.members:
            return []
        return [Send(room.members[role.other], {"type": "link", "probe_kbps": kbps})]

    def _bye(
        self, room: _Room, role: Role, conn: ConnId, message: Message, now: int
    ) -> list[Action]:
        reason = message.get("reason")
        reason = reason[:MAX_REASON_CHARS] if isinstance(reason, str) else ""
        room.admitted = room.in_call = False
        room.since = now
        logger.info("room %s: bye from the %s", room.key.appointment, role.value)
        if role.other not in room.members:
            return []
        return [Send(room.members[role.other], {"type": "bye", "reason": reason})]


def _instant(value: int) -> str:
    return instants.format_instant(value)
