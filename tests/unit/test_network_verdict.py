"""The network check's rules (`outpost.media.network_check`): the verdict's thresholds, the
routes beside the FHIR base, and the throughput loop on modelled slow links (a transfer
that takes size / rate plus the round trip)."""

from __future__ import annotations

import asyncio

import pytest

from outpost.core.tech_check import Finding, Verdict
from outpost.media import network_check
from outpost.media.network_check import diagnostics_url, verdict


@pytest.mark.parametrize(
    ("rtt_ms", "down", "up", "expected"),
    [
        (20, 5000, 5000, (Verdict.PASSED, Finding.NETWORK_GOOD)),
        (300, 1000, 1000, (Verdict.PASSED, Finding.NETWORK_GOOD)),
        (301, 5000, 5000, (Verdict.WARNING, Finding.NETWORK_SLOW)),
        (20, 999, 5000, (Verdict.WARNING, Finding.NETWORK_SLOW)),
        (20, 5000, 200, (Verdict.WARNING, Finding.NETWORK_SLOW)),
        (20, 5000, 199, (Verdict.FAILED, Finding.NETWORK_TOO_SLOW)),
        (900, 150, 5000, (Verdict.FAILED, Finding.NETWORK_TOO_SLOW)),
        (20, 0, 0, (Verdict.FAILED, Finding.NETWORK_TOO_SLOW)),
    ],
)
def test_the_verdict_follows_the_slower_way_and_the_round_trip(
    rtt_ms: float, down: float, up: float, expected: tuple[Verdict, Finding]
) -> None:
    assert verdict(rtt_ms, down, up) == expected


def test_the_routes_are_beside_the_fhir_base() -> None:
    assert diagnostics_url("https://clinic.example/fhir", "ping") == (
        "https://clinic.example/diagnostics/ping"
    )
    assert diagnostics_url("https://clinic.example/outpost/fhir/", "download") == (
        "https://clinic.example/outpost/diagnostics/download"
    )
    assert diagnostics_url("http://127.0.0.1:8080", "upload") == (
        "http://127.0.0.1:8080/diagnostics/upload"
    )


def link(kbps: float, rtt_ms: float, sizes: list[int]) -> network_check.Transfer:
    """A modelled link: each transfer takes its size at `kbps` plus one round trip."""

    async def transfer(size: int, timeout_s: float) -> None:
        sizes.append(size)
        await asyncio.wait_for(asyncio.sleep(rtt_ms / 1000 + size * 8 / 1000 / kbps), timeout_s)

    return transfer


def test_a_slow_link_is_measured_with_one_small_transfer() -> None:
    sizes: list[int] = []
    rate = asyncio.run(network_check._throughput(link(150, 50, sizes), 50))
    assert sizes == [16 * 1024]  # the next (64 KiB, 3.5 s) would not fit in the budget
    assert 130 < rate <= 150


def test_a_link_too_slow_for_the_first_transfer_is_at_most_its_size_over_the_budget() -> None:
    sizes: list[int] = []
    rate = asyncio.run(network_check._throughput(link(30, 50, sizes), 50))
    assert sizes == [16 * 1024]
    assert rate == pytest.approx(16 * 1024 * 8 / 1000 / network_check.BUDGET_S)
    assert verdict(50, rate, rate)[1] is Finding.NETWORK_TOO_SLOW
