"""The signaling wire format: every server message parses into its type, the client's
messages encode as docs/signaling.md says, and nothing SDP-shaped reaches a log line."""

from __future__ import annotations

import json

import pytest

from outpost.core.errors import CallError, CallErrorKind
from outpost.core.ice_servers import IceServer
from outpost.media import signaling_messages as wire
from outpost.media.signaling_client import (
    Backoff,
    CloseReason,
    clinician_endpoint,
    error_for,
    patient_endpoint,
)


def test_welcome_with_ice_servers_and_session() -> None:
    message = wire.parse(
        json.dumps(
            {
                "type": "welcome",
                "role": "clinician",
                "appointment": "a1",
                "ice_servers": [
                    {"urls": ["stun:127.0.0.1:3478"]},
                    {"urls": "turn:127.0.0.1:3478", "username": "u", "credential": "c"},
                ],
                "peer": "waiting",
                "session": 3,
                "server_time": "2026-01-01T10:00:00Z",
            }
        )
    )
    assert message == wire.Welcome(
        role=wire.Role.CLINICIAN,
        appointment="a1",
        ice_servers=(
            IceServer("stun:127.0.0.1:3478"),
            IceServer("turn:127.0.0.1:3478", "u", "c"),
        ),
        peer=wire.PeerState.WAITING,
        server_time="2026-01-01T10:00:00Z",
        session=3,
    )


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ({"type": "waiting", "since": "t"}, wire.Waiting("t")),
        ({"type": "peer", "state": "left", "since": "t"}, wire.Peer(wire.PeerState.LEFT, "t")),
        ({"type": "admitted"}, wire.Admitted()),
        ({"type": "offer", "sdp": "v=0", "session": 2}, wire.Offer("v=0", 2)),
        ({"type": "answer", "sdp": "v=0", "session": 2}, wire.Answer("v=0", 2)),
        ({"type": "bye", "reason": ""}, wire.Bye("hangup")),
        ({"type": "pong"}, wire.Pong()),
        ({"type": "link", "probe_kbps": 157}, wire.LinkReport(157)),
        ({"type": "error", "code": "no-peer"}, wire.ServerError("no-peer", "")),
        ({"type": "hologram", "x": 1}, wire.Unknown("hologram")),
    ],
)
def test_each_message_type_parses(frame: dict[str, object], expected: wire.Message) -> None:
    assert wire.parse(json.dumps(frame)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"no": "type"}',
        '{"type": "offer", "sdp": "v=0", "session": 0}',
        '{"type": "offer", "sdp": "v=0", "session": true}',
        '{"type": "answer", "session": 1}',
        '{"type": "peer", "state": "dancing"}',
        '{"type": "link", "probe_kbps": 0}',
        '{"type": "link", "probe_kbps": 1.5}',
        '{"type": "link", "probe_kbps": "fast"}',
        '{"type": "link"}',
        '{"type": "welcome", "role": "clinician", "appointment": "a", "peer": "absent",'
        ' "ice_servers": {}}',
    ],
)
def test_malformed_frames_are_refused(text: str) -> None:
    with pytest.raises(wire.MalformedMessageError):
        wire.parse(text)


def test_client_messages_encode_as_documented() -> None:
    assert json.loads(wire.encode(wire.Admit())) == {"type": "admit"}
    assert json.loads(wire.encode(wire.Offer("v=0\r\n", 4))) == {
        "type": "offer",
        "sdp": "v=0\r\n",
        "session": 4,
    }
    assert json.loads(wire.encode(wire.Bye("done"))) == {"type": "bye", "reason": "done"}
    assert json.loads(wire.encode(wire.LinkReport(157))) == {"type": "link", "probe_kbps": 157}
    with pytest.raises(TypeError):
        wire.encode(wire.Welcome(wire.Role.PATIENT, "a", (), wire.PeerState.ABSENT))


def test_sdp_never_appears_in_reprs_or_descriptions() -> None:
    secret_sdp = "v=0\r\nc=IN IP4 192.0.2.77\r\n"
    for message in (wire.Offer(secret_sdp, 1), wire.Answer(secret_sdp, 1)):
        assert "192.0.2.77" not in repr(message)
        assert "192.0.2.77" not in wire.describe(message)
        assert "session=1" in wire.describe(message)


def test_endpoints_for_both_roles() -> None:
    async def token() -> str:
        return "t"

    clinician = clinician_endpoint("https://clinic.example/fhir", "a/1", token)
    assert clinician.url == "wss://clinic.example/signal/rooms/a%2F1"
    assert clinician.role is wire.Role.CLINICIAN
    assert clinician_endpoint("http://127.0.0.1:8080", "a1", token).url == (
        "ws://127.0.0.1:8080/signal/rooms/a1"
    )
    patient = patient_endpoint("http://127.0.0.1:8080/join/abcDEF_123")
    assert patient.url == "ws://127.0.0.1:8080/join/abcDEF_123/ws"
    assert "abcDEF" not in repr(patient)
    with pytest.raises(CallError) as caught:
        patient_endpoint("http://127.0.0.1:8080/fhir/Patient")
    assert caught.value.kind is CallErrorKind.LINK_INVALID


def test_refusals_map_to_call_error_kinds() -> None:
    assert error_for(CloseReason.LINK_EXPIRED).kind is CallErrorKind.LINK_EXPIRED
    assert error_for(CloseReason.REPLACED).kind is CallErrorKind.REPLACED
    assert error_for(CloseReason.NOT_FOUND).kind is CallErrorKind.REFUSED


def test_reconnect_backoff_is_full_jitter_under_a_cap() -> None:
    backoff = Backoff(base_s=0.25, cap_s=2.0)
    assert backoff.delay(0, lambda: 1.0) == 0.25
    assert backoff.delay(2, lambda: 1.0) == 1.0
    assert backoff.delay(10, lambda: 1.0) == 2.0
    assert backoff.delay(10, lambda: 0.0) == 0.0
