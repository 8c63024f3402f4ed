"""The signaling wire format (docs/signaling.md): typed messages, parsed and encoded.

Only this module knows the JSON shapes; the rest of `media` sees frozen dataclasses.
Unknown types parse as `Unknown` (either side may be newer than the other); malformed
frames raise `MalformedMessageError`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outpost.core.ice_servers import IceServer, from_browser_shape

MAX_KBPS = 10_000_000  # a link report's rate, kbit/s, at most


class MalformedMessageError(ValueError):
    """A frame that is not a JSON object of a known shape."""


class MessageType(enum.Enum):
    WELCOME = "welcome"
    WAITING = "waiting"
    PEER = "peer"
    ADMIT = "admit"
    ADMITTED = "admitted"
    OFFER = "offer"
    ANSWER = "answer"
    BYE = "bye"
    PING = "ping"
    PONG = "pong"
    LINK = "link"
    ERROR = "error"


class Role(enum.Enum):
    CLINICIAN = "clinician"
    PATIENT = "patient"


class PeerState(enum.Enum):
    """Where the other side is: `welcome.peer` and `peer.state`."""

    ABSENT = "absent"
    WAITING = "waiting"
    ADMITTED = "admitted"
    IN_CALL = "in-call"
    LEFT = "left"


@dataclass(frozen=True)
class Welcome:
    role: Role
    appointment: str
    ice_servers: tuple[IceServer, ...]
    peer: PeerState
    server_time: str | None = None
    session: int = 0  # the room's latest offer's session (the next offer must not be lower)


@dataclass(frozen=True)
class Waiting:
    since: str | None = None


@dataclass(frozen=True)
class Peer:
    state: PeerState
    since: str | None = None


@dataclass(frozen=True)
class Admit:
    pass


@dataclass(frozen=True)
class Admitted:
    pass


@dataclass(frozen=True)
class Offer:
    sdp: str
    session: int

    def __repr__(self) -> str:  # SDP holds addresses: never in a log line
        return f"Offer(session={self.session}, sdp=<{len(self.sdp)} chars>)"


@dataclass(frozen=True)
class Answer:
    sdp: str
    session: int

    def __repr__(self) -> str:
        return f"Answer(session={self.session}, sdp=<{len(self.sdp)} chars>)"


@dataclass(frozen=True)
class Bye:
    reason: str = "hangup"


@dataclass(frozen=True)
class Ping:
    pass


@dataclass(frozen=True)
class Pong:
    pass


@dataclass(frozen=True)
class LinkReport:
    """The rate, in kbit/s, at which the other side's latest probe of the link arrived:
    the rate of the narrowest hop on its way (`media/rate_probe.py`)."""

    probe_kbps: int


@dataclass(frozen=True)
class ServerError:
    code: str
    message: str = ""


@dataclass(frozen=True)
class Unknown:
    """A message of a type this version does not know."""

    type: str


Message = (
    Welcome
    | Waiting
    | Peer
    | Admit
    | Admitted
    | Offer
    | Answer
    | Bye
    | Ping
    | Pong
    | LinkReport
    | ServerError
    | Unknown
)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise MalformedMessageError(f"'{key}' must be text")
    return value


def _maybe_text(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _text(data, key)


def _enum(kind: type[enum.Enum], data: dict[str, Any], key: str) -> Any:
    value = data.get(key)
    try:
        return kind(value)
    except ValueError:
        raise MalformedMessageError(f"'{key}' has an unknown value") from None


def _session(data: dict[str, Any]) -> int:
    value = data.get("session")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MalformedMessageError("'session' must be a positive whole number")
    return value


def _optional_session(data: dict[str, Any]) -> int:
    value = data.get("session", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedMessageError("'session' must be a whole number")
    return value


def _kbps(data: dict[str, Any]) -> int:
    value = data.get("probe_kbps")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_KBPS:
        raise MalformedMessageError(f"'probe_kbps' must be a whole number from 1 to {MAX_KBPS}")
    return value


def _ice_servers(data: dict[str, Any]) -> tuple[IceServer, ...]:
    value = data.get("ice_servers", [])
    if not isinstance(value, list):
        raise MalformedMessageError("'ice_servers' must be a list")
    return tuple(server for shape in value for server in from_browser_shape(shape))


def parse(text: str | bytes) -> Message:
    """One frame -> one message."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise MalformedMessageError("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise MalformedMessageError("not an object with a 'type'")
    try:
        kind = MessageType(data["type"])
    except ValueError:
        return Unknown(data["type"])
    return _PARSERS[kind](data)


_PARSERS: dict[MessageType, Callable[[dict[str, Any]], Message]] = {
    MessageType.WELCOME: lambda d: Welcome(
        role=_enum(Role, d, "role"),
        appointment=_text(d, "appointment"),
        ice_servers=_ice_servers(d),
        peer=_enum(PeerState, d, "peer"),
        server_time=_maybe_text(d, "server_time"),
        session=_optional_session(d),
    ),
    MessageType.WAITING: lambda d: Waiting(_maybe_text(d, "since")),
    MessageType.PEER: lambda d: Peer(_enum(PeerState, d, "state"), _maybe_text(d, "since")),
    MessageType.ADMIT: lambda d: Admit(),
    MessageType.ADMITTED: lambda d: Admitted(),
    MessageType.OFFER: lambda d: Offer(_text(d, "sdp"), _session(d)),
    MessageType.ANSWER: lambda d: Answer(_text(d, "sdp"), _session(d)),
    MessageType.BYE: lambda d: Bye(_maybe_text(d, "reason") or "hangup"),
    MessageType.PING: lambda d: Ping(),
    MessageType.PONG: lambda d: Pong(),
    MessageType.LINK: lambda d: LinkReport(_kbps(d)),
    MessageType.ERROR: lambda d: ServerError(_text(d, "code"), _maybe_text(d, "message") or ""),
}


def encode(message: Message) -> str:
    """One message -> one frame (only the kinds a client sends)."""
    body: dict[str, Any]
    if isinstance(message, Admit):
        body = {"type": MessageType.ADMIT.value}
    elif isinstance(message, Offer | Answer):
        kind = MessageType.OFFER if isinstance(message, Offer) else MessageType.ANSWER
        body = {"type": kind.value, "sdp": message.sdp, "session": message.session}
    elif isinstance(message, Bye):
        body = {"type": MessageType.BYE.value, "reason": message.reason}
    elif isinstance(message, Ping):
        body = {"type": MessageType.PING.value}
    elif isinstance(message, Pong):
        body = {"type": MessageType.PONG.value}
    elif isinstance(message, LinkReport):
        body = {"type": MessageType.LINK.value, "probe_kbps": message.probe_kbps}
    else:
        raise TypeError(f"a client does not send {type(message).__name__}")
    return json.dumps(body)


def describe(message: Message) -> str:
    """A log-safe name: the type and, for offers and answers, the session only."""
    if isinstance(message, Offer | Answer):
        return f"{type(message).__name__.lower()}(session={message.session})"
    if isinstance(message, Peer):
        return f"peer({message.state.value})"
    if isinstance(message, ServerError):
        return f"error({message.code})"
    if isinstance(message, Unknown):
        return "unknown"
    return type(message).__name__.lower()
