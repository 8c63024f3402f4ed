"""A test's side of video visit signaling (docs/signaling.md) against a real `outpost
server`: both roles as aiohttp WebSocket clients, the demo clinic's join links, and a join
link with a chosen expiry written straight into the server's database.

    async with patient(link) as pat, clinician(server, appointment, token) as doc:
        await pat.expect("welcome")
        await doc.send("admit")
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from tests.server_process import RunningServer

TIMEOUT = 10.0


@dataclass
class SignalPeer:
    """One signaling WebSocket: send typed messages, expect the next ones in order."""

    ws: aiohttp.ClientWebSocketResponse

    async def send(self, kind: str, **fields: object) -> None:
        await self.ws.send_str(json.dumps({"type": kind, **fields}))

    async def receive(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        frame = await self.ws.receive(timeout=timeout)
        assert frame.type == aiohttp.WSMsgType.TEXT, f"expected a message, got {frame}"
        message: dict[str, Any] = json.loads(frame.data)
        return message

    async def expect(self, kind: str, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The next message, which must be of type `kind`."""
        message = await self.receive(timeout)
        assert message["type"] == kind, f"expected {kind}, got {message}"
        return message

    async def closed(self, timeout: float = TIMEOUT) -> int | None:
        """Wait until the server closes the socket; its close code."""
        frame = await self.ws.receive(timeout=timeout)
        assert frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), frame
        await self.ws.close()
        return self.ws.close_code

    async def nothing_more(self) -> None:
        """Nothing is pending for this side: a ping's pong is the next message."""
        await self.send("ping")
        assert await self.receive() == {"type": "pong"}


async def admit(doc: SignalPeer, pat: SignalPeer) -> None:
    """The clinician admits the waiting patient; both hear of it."""
    await doc.send("admit")
    assert (await doc.expect("peer"))["state"] == "admitted"
    await pat.expect("admitted")


def socket_url(link: str) -> str:
    """The patient's WebSocket address for a join link."""
    return link.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/ws"


@asynccontextmanager
async def _connected(url: str, headers: dict[str, str] | None = None) -> AsyncIterator[SignalPeer]:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None, connect=TIMEOUT)) as http,
        http.ws_connect(url, headers=headers, heartbeat=None) as ws,
    ):
        yield SignalPeer(ws)


def patient(link: str) -> Any:
    """`async with patient(link) as peer:` the patient's socket for a join link."""
    return _connected(socket_url(link))


def clinician(server: RunningServer, appointment: str, token: str) -> Any:
    url = server.origin.replace("http://", "ws://", 1) + f"/signal/rooms/{appointment}"
    return _connected(url, {"Authorization": f"Bearer {token}"})


async def waiting(server: RunningServer, token: str) -> list[dict[str, Any]]:
    """`/signal/waiting` as the token's clinician."""
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{server.origin}/signal/waiting",
            headers={"Authorization": f"Bearer {token}"},
            timeout=aiohttp.ClientTimeout(total=TIMEOUT),
        ) as response,
    ):
        assert response.status == 200, await response.text()
        body: dict[str, Any] = await response.json()
    entries: list[dict[str, Any]] = body["waiting"]
    return entries


async def wait_for_waiting(
    server: RunningServer, token: str, appointment: str, state: str, timeout: float = TIMEOUT
) -> dict[str, Any]:
    """Poll `/signal/waiting` until `appointment` is listed in `state`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        entries = await waiting(server, token)
        for entry in entries:
            if entry["appointment"] == appointment and entry["state"] == state:
                return entry
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{appointment} never {state} in /signal/waiting: {entries}")
        await asyncio.sleep(0.05)


def demo_links(server: RunningServer, user: str = "dr.rivera") -> list[tuple[str, str]]:
    """(appointment id, join link) of the demo clinic's video visits."""
    bundle = server.client(user).get("Appointment", _count="100").json()
    found = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for extension in resource.get("extension", []):
            for part in extension.get("extension", []):
                if part["url"] == "addressUrl":
                    found.append((resource["id"], part["valueUrl"]))
    return found


def record_link(data_dir: Path, clinic: str, appointment: str, expires_us: int) -> str:
    """A new join token for `appointment`, expiring at `expires_us`; returns the token."""
    from outpost.server import instants, join_links
    from outpost.server.database import Database

    token = join_links.new_token()
    db = Database.open(data_dir)
    try:
        db.run_sync(
            lambda conn: join_links.record(
                conn, token, clinic, appointment, expires_us, instants.now_us()
            )
        )
    finally:
        db.close()
    return token
