"""The tech check's network test (`outpost.media.network_check`) against a real
`outpost server`: good on loopback with its figures, the round trip alone without a
sign-in, a slow round trip through a delaying proxy, an unreachable server and a captive
portal's login page, each within a few seconds."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator

import aiohttp
import pytest

from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict
from outpost.media.network_check import check_network
from tests.fault_proxy import Fault, FaultProxy
from tests.server_process import RunningServer, running_server

USER = "dr.rivera"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("network"), seed="demo") as running:
        yield running


def measure(server_url: str, token: str | None) -> tuple[CheckResult, float]:
    """The check's result and how many seconds it took."""

    async def scenario() -> tuple[CheckResult, float]:
        async with aiohttp.ClientSession() as http:
            started = time.monotonic()
            result = await check_network(http, server_url, token)
            return result, time.monotonic() - started

    return asyncio.run(scenario())


def test_loopback_is_good_with_its_round_trip_and_speeds(server: RunningServer) -> None:
    result, seconds = measure(server.base_url, server.token(USER))
    assert (result.name, result.verdict, result.finding) == (
        CheckName.NETWORK,
        Verdict.PASSED,
        Finding.NETWORK_GOOD,
    ), result
    assert result.subject == server.origin
    assert set(result.figures) == {"rtt_ms", "down_kbps", "up_kbps"}
    assert 0 < result.figures["rtt_ms"] < 300
    assert result.figures["down_kbps"] > 10_000, result.figures  # loopback: far above 1 Mbit/s
    assert result.figures["up_kbps"] > 10_000, result.figures
    assert seconds < 6, seconds  # two 2-second budgets at most, and the pings


def test_without_a_sign_in_only_the_round_trip_is_measured(server: RunningServer) -> None:
    for token in (None, "not-a-valid-token"):
        result, seconds = measure(server.base_url, token)
        assert (result.verdict, result.finding) == (
            Verdict.WARNING,
            Finding.NETWORK_NOT_SIGNED_IN,
        ), result
        assert list(result.figures) == ["rtt_ms"]
        assert result.figures["rtt_ms"] > 0
        assert seconds < 3, seconds


def test_a_long_round_trip_is_slow(server: RunningServer) -> None:
    with FaultProxy(server.origin, delay=0.4) as proxy:
        result, seconds = measure(f"{proxy.origin}/fhir", server.token(USER))
    assert (result.verdict, result.finding) == (Verdict.WARNING, Finding.NETWORK_SLOW), result
    assert 400 <= result.figures["rtt_ms"] < 1000
    assert result.figures["down_kbps"] >= 1000, result.figures
    assert seconds < 10, seconds


def test_nothing_listening_is_unreachable_at_once() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result, seconds = measure(f"http://127.0.0.1:{port}/fhir", "some-token")
    assert (result.verdict, result.finding) == (Verdict.FAILED, Finding.NETWORK_UNREACHABLE)
    assert result.figures == {}
    assert result.subject == f"http://127.0.0.1:{port}"
    assert seconds < 1, seconds


def test_a_captive_portal_page_is_unreachable(server: RunningServer) -> None:
    with FaultProxy(server.origin) as proxy:
        proxy.add(Fault("portal", path="/diagnostics/", times=100))
        result, seconds = measure(f"{proxy.origin}/fhir", server.token(USER))
    assert (result.verdict, result.finding) == (Verdict.FAILED, Finding.NETWORK_UNREACHABLE)
    assert seconds < 3, seconds


def test_a_server_that_never_answers_is_unreachable_within_the_bound(
    server: RunningServer,
) -> None:
    with FaultProxy(server.origin) as proxy:
        proxy.add(Fault("hang", path="/diagnostics/ping", times=100))
        result, seconds = measure(f"{proxy.origin}/fhir", server.token(USER))
    assert (result.verdict, result.finding) == (Verdict.FAILED, Finding.NETWORK_UNREACHABLE)
    assert seconds < 7, seconds  # the connection opens; the first ping waits 5 s at most
