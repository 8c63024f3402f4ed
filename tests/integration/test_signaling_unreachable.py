"""Joining a visit while the server is down or the network is gone: the clinician and the
patient hear so within a few seconds, not after the 15 s wait for the room's `welcome`,
and the error says what to do. A real `outpost server`, stopped before anyone joins."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from outpost.core.errors import CallError, CallErrorKind
from outpost.media.call_session import CallConfig, CallSession
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import (
    CloseReason,
    SignalingClient,
    clinician_endpoint,
    patient_endpoint,
)
from tests.integration.call_helpers import synthetic_media
from tests.server_process import running_server
from tests.signaling_client import demo_links

PROMPT_S = 8.0  # well under the 15 s `welcome` wait; about 2 s here


def test_a_visit_joined_while_the_server_is_down_says_so_within_seconds(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server:
        appointment, link = demo_links(server)[0]
        token = server.token("dr.rivera")
        url = server.base_url
    # The server has stopped: its port refuses connections.

    async def token_source() -> str:
        return token

    async def scenario() -> list[tuple[CallError, float, CloseReason | None]]:
        patient_client = SignalingClient(patient_endpoint(link))
        clinician_client = SignalingClient(clinician_endpoint(url, appointment, token_source))
        patient = PatientPeer(patient_client, synthetic_media(), RemoteMedia(), PeerOptions())
        clinician = CallSession(
            clinician_client,
            synthetic_media(),
            RemoteMedia(),
            CallConfig(),
            appointment=appointment,
        )
        outcomes = []
        for side, client in ((patient, patient_client), (clinician, clinician_client)):
            began = time.monotonic()
            with pytest.raises(CallError) as raised:
                await side.connect()
            outcomes.append((raised.value, time.monotonic() - began, client.closed_reason))
            await side.close()
        return outcomes

    for error, took, reason in asyncio.run(scenario()):
        assert error.kind is CallErrorKind.UNREACHABLE
        assert "cannot be reached" in str(error)
        assert reason is CloseReason.UNREACHABLE
        assert took < PROMPT_S, f"told after {took:.1f} s"
