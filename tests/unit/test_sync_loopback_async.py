"""The loopback redirect listener as the app runs it, on an asyncio loop: only the expected
`state` settles it, a refusal or the time limit is an auth error, and its port is closed
afterwards whatever happened."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import pytest

from outpost.core.errors import SyncError, SyncErrorKind
from outpost.sync.loopback import AsyncLoopbackRedirect


async def browser_get(redirect_uri: str, query: str) -> tuple[int, str]:
    parts = urlsplit(redirect_uri)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(f"GET {parts.path}?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    answer = (await reader.read()).decode()
    writer.close()
    return int(answer.split()[1]), answer


def port_is_closed(redirect_uri: str) -> bool:
    parts = urlsplit(redirect_uri)
    with socket.socket() as probe:
        return probe.connect_ex((parts.hostname or "", parts.port or 0)) != 0


def test_the_code_arrives_only_with_the_expected_state() -> None:
    listener = AsyncLoopbackRedirect("right-state")
    assert listener.redirect_uri.startswith("http://127.0.0.1:")

    async def run() -> tuple[str, int, int]:
        waiting = asyncio.create_task(listener.wait(5))
        wrong, _ = await browser_get(listener.redirect_uri, "code=stolen&state=wrong")
        right, page = await browser_get(listener.redirect_uri, "code=abc&state=right-state")
        assert "return to Outpost" in page
        return await waiting, wrong, right

    code, wrong, right = asyncio.run(run())
    assert (code, wrong, right) == ("abc", 400, 200)
    assert port_is_closed(listener.redirect_uri)


def test_a_refusal_in_the_browser_is_an_auth_error() -> None:
    listener = AsyncLoopbackRedirect("s")

    async def run() -> str:
        waiting = asyncio.create_task(listener.wait(5))
        await browser_get(listener.redirect_uri, "error=access_denied&state=s")
        return await waiting

    with pytest.raises(SyncError) as refused:
        asyncio.run(run())
    assert refused.value.kind is SyncErrorKind.AUTH
    assert "access_denied" in str(refused.value)


def test_the_wait_gives_up_and_a_cancelled_wait_closes_the_port() -> None:
    listener = AsyncLoopbackRedirect("s")
    with pytest.raises(SyncError, match="took too long"):
        asyncio.run(listener.wait(0.05))
    assert port_is_closed(listener.redirect_uri)

    cancelled = AsyncLoopbackRedirect("s")

    async def run() -> None:
        waiting = asyncio.create_task(cancelled.wait(30))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(run())
    assert port_is_closed(cancelled.redirect_uri)
