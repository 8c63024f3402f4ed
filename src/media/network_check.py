"""The tech check's network test (`TechCheckPort.check_network`): round trip and throughput
to the clinic's server, through its `/diagnostics/...` routes (docs/server.md).

    result = await check_network(http, "https://clinic.example/fhir", access_token)

The round trip is the median of `PINGS` pings after one that opens the connection. Each
direction then moves growing amounts (16 KiB, x4, up to the server's 4 MiB cap) until one
takes `ENOUGH_S` beyond its round trip, the cap is reached or the next would not fit in
`BUDGET_S`; the speed is the last finished transfer's (its time less one round trip).
Every request has an explicit timeout: an unreachable server is known within
`CONNECT_TIMEOUT_S`. A ping that is not the server's empty 204 (a captive portal's login
page, a proxy's error) counts as unreachable.
"""

from __future__ import annotations

import functools
import io
import logging
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from outpost.core.tech_check import CheckName, CheckResult, Finding, Verdict

logger = logging.getLogger(__name__)

PINGS = 5
CONNECT_TIMEOUT_S = 3.0
PING_TIMEOUT_S = 2.0
BUDGET_S = 2.0  # per direction
ENOUGH_S = 0.25  # a transfer this long (less the round trip) measures the link
MIN_SECONDS = 0.001
FIRST_BYTES = 16 * 1024
MAX_BYTES = 4 * 1024 * 1024  # the server's cap
GOOD_RTT_MS = 300.0
GOOD_KBPS = 1000.0
USABLE_KBPS = 200.0

Transfer = Callable[[int, float], Awaitable[None]]


class _UnreachableError(Exception):
    """The server did not answer as itself."""


class _SignedOutError(Exception):
    """The server refused the access token."""


def diagnostics_url(server_url: str, name: str) -> str:
    """`/diagnostics/<name>` beside the FHIR base (…/fhir) or origin `server_url` names."""
    parts = urlsplit(server_url)
    prefix = parts.path.rstrip("/").removesuffix("/fhir")
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix}/diagnostics/{name}", "", ""))


def verdict(rtt_ms: float, down_kbps: float, up_kbps: float) -> tuple[Verdict, Finding]:
    slowest = min(down_kbps, up_kbps)
    if slowest < USABLE_KBPS:
        return Verdict.FAILED, Finding.NETWORK_TOO_SLOW
    if slowest < GOOD_KBPS or rtt_ms > GOOD_RTT_MS:
        return Verdict.WARNING, Finding.NETWORK_SLOW
    return Verdict.PASSED, Finding.NETWORK_GOOD


async def check_network(
    http: aiohttp.ClientSession, server_url: str, access_token: str | None
) -> CheckResult:
    """One NETWORK result: figures rtt_ms, and down_kbps / up_kbps when signed in."""
    parts = urlsplit(server_url)
    subject = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"  # never user:password@
    started = time.monotonic()
    try:
        rtt_ms = await _round_trip(http, diagnostics_url(server_url, "ping"))
    except _UnreachableError:
        logger.info("network check: server unreachable")
        return CheckResult(CheckName.NETWORK, Verdict.FAILED, Finding.NETWORK_UNREACHABLE, subject)
    figures = {"rtt_ms": rtt_ms}
    signed_out = CheckResult(
        CheckName.NETWORK, Verdict.WARNING, Finding.NETWORK_NOT_SIGNED_IN, subject, figures
    )
    if access_token is None:
        return signed_out
    headers = {"Authorization": f"Bearer {access_token}"}
    try:
        down = await _throughput(_downloader(http, server_url, headers), rtt_ms)
        up = await _throughput(_uploader(http, server_url, headers), rtt_ms)
    except _SignedOutError:
        logger.info("network check: the access token was refused")
        return signed_out
    found, finding = verdict(rtt_ms, down, up)
    logger.info(
        "network check: %s rtt=%.1fms down=%.0fkbps up=%.0fkbps in %.1fs",
        finding.value,
        rtt_ms,
        down,
        up,
        time.monotonic() - started,
    )
    figures.update(down_kbps=down, up_kbps=up)
    return CheckResult(CheckName.NETWORK, found, finding, subject, figures)


async def _ping(http: aiohttp.ClientSession, url: str, timeout: aiohttp.ClientTimeout) -> float:
    """One ping's milliseconds; `_UnreachableError` unless the server's own 204 came back."""
    started = time.perf_counter()
    try:
        async with http.get(url, timeout=timeout, allow_redirects=False) as answer:
            await answer.read()
            if answer.status != 204:
                raise _UnreachableError(f"ping answered {answer.status}")
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise _UnreachableError(type(exc).__name__) from exc
    return (time.perf_counter() - started) * 1000


async def _round_trip(http: aiohttp.ClientSession, url: str) -> float:
    """The median of `PINGS` pings, after one that opens the connection (and proves the
    server is there); lost pings are left out, all lost is unreachable."""
    first = aiohttp.ClientTimeout(
        total=CONNECT_TIMEOUT_S + PING_TIMEOUT_S, connect=CONNECT_TIMEOUT_S
    )
    await _ping(http, url, first)
    each = aiohttp.ClientTimeout(total=PING_TIMEOUT_S, connect=CONNECT_TIMEOUT_S)
    times = []
    for _ in range(PINGS):
        try:
            times.append(await _ping(http, url, each))
        except _UnreachableError:
            continue
    if not times:
        raise _UnreachableError("every ping was lost")
    return statistics.median(times)


async def _throughput(transfer: Transfer, rtt_ms: float) -> float:
    """kbit/s in one direction: growing transfers within `BUDGET_S`. A failed transfer
    ends the measurement with what finished before it (nothing: 0)."""
    deadline = time.monotonic() + BUDGET_S
    size, rate_kbps = FIRST_BYTES, 0.0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        started = time.monotonic()
        try:
            await transfer(size, remaining)
        except (TimeoutError, ValueError, aiohttp.ClientError, _UnreachableError) as exc:
            logger.info("network check: a %d-byte transfer failed (%s)", size, type(exc).__name__)
            if rate_kbps == 0.0:
                # not even the first finished in the budget: at most this fast
                rate_kbps = size * 8 / 1000 / BUDGET_S if isinstance(exc, TimeoutError) else 0.0
            break
        seconds = max(time.monotonic() - started - rtt_ms / 1000, MIN_SECONDS)
        rate_kbps = size * 8 / 1000 / seconds
        if seconds >= ENOUGH_S or size >= MAX_BYTES:
            break
        size = min(size * 4, MAX_BYTES)
        if size * 8 / 1000 / rate_kbps + rtt_ms / 1000 > deadline - time.monotonic():
            break  # the next one would not finish in time
    return rate_kbps


@functools.cache
def _random_block() -> bytes:
    """What uploads send: random, so nothing on the way can compress it."""
    return os.urandom(MAX_BYTES)


def _refused(status: int) -> None:
    if status in (401, 403):
        raise _SignedOutError()
    if status != 200:
        raise _UnreachableError(f"answered {status}")


def _downloader(http: aiohttp.ClientSession, server_url: str, headers: dict[str, str]) -> Transfer:
    url = diagnostics_url(server_url, "download")

    async def download(size: int, timeout_s: float) -> None:
        timeout = aiohttp.ClientTimeout(total=timeout_s, connect=CONNECT_TIMEOUT_S)
        async with http.get(
            url,
            params={"bytes": str(size)},
            headers=headers,
            timeout=timeout,
            allow_redirects=False,
        ) as answer:
            _refused(answer.status)
            received = 0
            async for chunk in answer.content.iter_any():
                received += len(chunk)
            if received != size:
                raise _UnreachableError(f"{received} of {size} bytes")

    return download


def _uploader(http: aiohttp.ClientSession, server_url: str, headers: dict[str, str]) -> Transfer:
    url = diagnostics_url(server_url, "upload")
    block = _random_block()

    async def upload(size: int, timeout_s: float) -> None:
        timeout = aiohttp.ClientTimeout(total=timeout_s, connect=CONNECT_TIMEOUT_S)
        sent = {**headers, "Content-Type": "application/octet-stream"}
        async with http.post(
            url, data=io.BytesIO(block[:size]), headers=sent, timeout=timeout, allow_redirects=False
        ) as answer:
            _refused(answer.status)
            body = await answer.json(content_type=None)
            if not isinstance(body, dict) or body.get("bytes") != size:
                raise _UnreachableError("the server counted another size")

    return upload
