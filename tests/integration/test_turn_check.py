"""The tech check's TURN test (`outpost.media.turn_check`) against a real coturn: relays
reached over UDP and TCP with their times, a wrong password and a dead port unreachable
within the bound (all servers at once), and the results when no TURN server is set."""

from __future__ import annotations

import asyncio
import socket
import time

from outpost.core.ice_servers import IceServer
from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict
from outpost.media.turn_check import check_turn
from tests.turn_server import RunningTurn

BOUND_S = 10.0  # the whole check, however many servers


def checked(
    servers: tuple[IceServer, ...], relay_only: bool = False
) -> tuple[list[CheckResult], float]:
    async def scenario() -> tuple[list[CheckResult], float]:
        started = time.monotonic()
        results = await check_turn(servers, relay_only)
        return results, time.monotonic() - started

    return asyncio.run(scenario())


def free_port(kind: socket.SocketKind) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_udp_and_tcp_relays_are_reached_in_order(turn_server: RunningTurn) -> None:
    turn = turn_server
    servers = (
        IceServer("stun:127.0.0.1:3478"),  # not a TURN server: no result of its own
        IceServer(turn.url("tcp"), turn.username, turn.password),
        IceServer(turn.url("udp"), turn.username, turn.password),
    )
    allocations = turn.relayed_allocations()
    results, seconds = checked(servers)
    assert [(r.name, r.verdict, r.finding, r.subject) for r in results] == [
        (CheckName.TURN, Verdict.PASSED, Finding.TURN_REACHED, turn.url("tcp")),
        (CheckName.TURN, Verdict.PASSED, Finding.TURN_REACHED, turn.url("udp")),
    ]
    for result in results:
        assert 0 < result.figures["ms"] < 2000, result.figures
        assert turn.password not in repr(result)
    assert turn.relayed_allocations() >= allocations + 2  # coturn did allocate for us
    assert seconds < 3, seconds


def test_a_wrong_password_and_a_dead_port_are_unreachable_within_the_bound(
    turn_server: RunningTurn,
) -> None:
    turn = turn_server
    servers = (
        IceServer(turn.url("udp"), turn.username, "wrong-password"),
        IceServer(f"turn:127.0.0.1:{free_port(socket.SOCK_DGRAM)}?transport=udp", "u", "p"),
        IceServer(f"turn:127.0.0.1:{free_port(socket.SOCK_STREAM)}?transport=tcp", "u", "p"),
        IceServer(turn.url("udp"), turn.username, turn.password),
    )
    results, seconds = checked(servers)
    assert [(r.verdict, r.finding) for r in results] == [
        (Verdict.FAILED, Finding.TURN_UNREACHABLE),
        (Verdict.FAILED, Finding.TURN_UNREACHABLE),
        (Verdict.FAILED, Finding.TURN_UNREACHABLE),
        (Verdict.PASSED, Finding.TURN_REACHED),  # checked at the same time, not held up
    ]
    assert [r.subject for r in results] == [server.url for server in servers]
    assert results[0].figures == {}
    assert seconds < BOUND_S, seconds


def test_no_turn_server_is_skipped_or_failed_when_relay_only() -> None:
    stun_only = (IceServer("stun:127.0.0.1:3478"),)
    for servers, relay_only, verdict in (
        ((), False, Verdict.SKIPPED),
        (stun_only, False, Verdict.SKIPPED),
        ((), True, Verdict.FAILED),
        (stun_only, True, Verdict.FAILED),
    ):
        results, seconds = checked(servers, relay_only)
        assert results == [CheckResult(CheckName.TURN, verdict, Finding.TURN_NOT_SET)]
        assert seconds < 1
