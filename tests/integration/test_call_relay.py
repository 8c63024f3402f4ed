"""A relay-only video visit through Debian's coturn on 127.0.0.1: with
`iceTransportPolicy=relay` no direct path may be used, so media that flows went through
TURN (and coturn logs the allocations). Over UDP and over TCP to the TURN server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.ice_servers import IceServer
from outpost.media.call_session import CallConfig
from outpost.media.peer import PeerOptions
from tests.integration.call_helpers import frames_after, visit
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links
from tests.turn_server import RunningTurn, running_turn

USER = "dr.rivera"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(Path(tmp_path_factory.mktemp("relay")), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def turn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningTurn]:
    with running_turn(Path(tmp_path_factory.mktemp("turn"))) as running:
        yield running


@pytest.mark.parametrize(("transport", "room"), [("udp", 4), ("tcp", 5)])
def test_a_relay_only_call_flows_through_turn(
    server: RunningServer, turn: RunningTurn, transport: str, room: int
) -> None:
    appointment, link = demo_links(server, USER)[room]
    relay = PeerOptions(
        ice_servers=(IceServer(turn.url(transport), turn.username, turn.password),),
        relay_only=True,
    )
    allocations = turn.relayed_allocations()

    async def scenario() -> None:
        call = visit(
            server,
            appointment,
            link,
            server.token(USER),
            CallConfig(peer=relay),
            patient_options=relay,
        )
        try:
            await call.start()
            await frames_after(call.clinician.remote, 30, 20, "patient video through TURN")
            await frames_after(call.patient.remote, 30, 10, "clinician video through TURN")
            record, theirs = await call.end()
        finally:
            await call.cancel()
        assert record.summary.media_flowed_both_ways
        assert theirs.summary.media_flowed_both_ways
        assert record.summary.reconnects == 0

    asyncio.run(scenario())
    assert turn.relayed_allocations() >= allocations + 2  # one per endpoint
