"""Several TURN servers in `ice_servers`, relay-only, the first one useless: the visit
connects through the second, and the record says which server each connection used.
aiortc alone would only ever try the first. Two real coturn instances on 127.0.0.1."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.core.ice_servers import IceServer
from outpost.media.call_record import RenegotiationReason
from outpost.media.call_session import CallConfig
from outpost.media.peer import PeerOptions
from tests.integration.call_helpers import frames_after, until, visit
from tests.server_process import RunningServer
from tests.signaling_client import demo_links
from tests.turn_server import RunningTurn, running_turn

USER = "dr.rivera"
R = RenegotiationReason


def relay(turn: RunningTurn) -> IceServer:
    return IceServer(turn.url("udp"), turn.username, turn.password)


def connects_through_second(
    server: RunningServer, room: int, first: IceServer, second: RunningTurn
) -> list[tuple[int, R, str | None]]:
    """A relay-only visit with `first`, then `second`; the clinician's renegotiations."""
    appointment, link = demo_links(server, USER)[room]
    options = PeerOptions(ice_servers=(first, relay(second)), relay_only=True)
    allocations = second.relayed_allocations()

    async def scenario() -> list[tuple[int, R, str | None]]:
        call = visit(
            server,
            appointment,
            link,
            server.token(USER),
            CallConfig(peer=options, connect_timeout_s=6),
            patient_options=PeerOptions(ice_servers=(relay(second),), relay_only=True),
        )
        try:
            await call.start()
            await frames_after(call.clinician.remote, 20, 30, "patient video via the 2nd TURN")
            await frames_after(call.patient.remote, 20, 10, "clinician video via the 2nd TURN")
            await until(lambda: call.clinician.meter.acknowledged, 10, "patient's reports")
            record, _ = await call.end()
        finally:
            await call.cancel()
        assert record.summary.media_flowed_both_ways
        return [(item.session, item.reason, item.turn) for item in record.renegotiations]

    renegotiations = asyncio.run(scenario())
    assert second.relayed_allocations() >= allocations + 2  # both endpoints used it
    return renegotiations


def test_a_stopped_first_turn_server_is_passed_over(
    demo_server: RunningServer, turn_server: RunningTurn, tmp_path: Path
) -> None:
    server, turn = demo_server, turn_server
    with running_turn(tmp_path / "turn-a") as stopped:
        first = relay(stopped)
    # coturn has exited: its port answers nothing, so no relay candidate comes from it
    assert connects_through_second(server, 2, first, turn) == [
        (1, R.FIRST, first.url),
        (1, R.NO_RELAY, turn.url("udp")),
    ]


def test_a_connection_that_never_comes_up_moves_to_the_next_server(
    demo_server: RunningServer, turn_server: RunningTurn, tmp_path: Path
) -> None:
    """The first server allocates relays but relays nothing to this machine: the first
    peer connection never connects, and the next one uses the second server."""
    server, turn = demo_server, turn_server
    with running_turn(tmp_path / "turn-a", ["--denied-peer-ip=127.0.0.1"]) as useless:
        first = relay(useless)
        renegotiations = connects_through_second(server, 3, first, turn)
    assert renegotiations[0] == (1, R.FIRST, first.url)
    assert renegotiations[1][0] == 2
    assert renegotiations[1][1] in (R.ICE_FAILED, R.CONNECT_TIMEOUT)
    assert renegotiations[1][2] == turn.url("udp")
    assert len(renegotiations) == 2
