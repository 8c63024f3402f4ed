"""Video visit signaling over WebSocket (docs/signaling.md): the routes, the sockets and
carrying out what `rooms.Rooms` decides.

Patients connect with their join link's token (`/join/<token>/ws`), clinicians with a
Bearer access token (`/signal/rooms/<appointment id>`), only to their own clinic's
appointments. Room state lives in memory only. Logs name rooms, roles and states, never
tokens or SDP.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable

from aiohttp import WSMsgType, web

from outpost.server import instants, join_links, storage
from outpost.server.app import authenticate, state
from outpost.server.join_links import JoinLink, Lookup
from outpost.server.rooms import Action, Close, ConnId, Message, Role, RoomKey, Rooms, Send

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024
HEARTBEAT_S = 15.0
CLOSE_EXPIRED = 4002
CLOSE_GOING_AWAY = 1001
CHECK_SECONDS = 60.0


class Hub:
    """The open signaling sockets of one server and the rooms they are in."""

    def __init__(self, ice_servers: tuple[Message, ...]) -> None:
        self.rooms = Rooms(ice_servers)
        self._sockets: dict[ConnId, web.WebSocketResponse] = {}
        self._closing: set[asyncio.Task[bool]] = set()
        self._next = 0

    def add(self, ws: web.WebSocketResponse) -> ConnId:
        self._next += 1
        conn = ConnId(self._next)
        self._sockets[conn] = ws
        return conn

    def remove(self, conn: ConnId) -> None:
        self._sockets.pop(conn, None)

    def close_soon(self, conn: ConnId, code: int, reason: str) -> None:
        """Close without waiting for the other end's answer (it may be gone)."""
        ws = self._sockets.get(conn)
        if ws is None or ws.closed:
            return
        task = asyncio.create_task(ws.close(code=code, message=reason.encode()))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def perform(self, actions: Iterable[Action]) -> None:
        for action in actions:
            if isinstance(action, Close):
                self.close_soon(action.to, action.code, action.reason)
                continue
            ws = self._sockets.get(action.to)
            if ws is None or ws.closed:
                continue
            try:
                await ws.send_str(json.dumps(action.message))
            except ConnectionError:
                logger.info("signaling: a socket went away while being written to")

    async def close_all(self, _app: web.Application) -> None:
        for conn in list(self._sockets):
            self.close_soon(conn, CLOSE_GOING_AWAY, "server stopping")
        if self._closing:
            await asyncio.wait(set(self._closing), timeout=5.0)


HUB = web.AppKey("signaling_hub", Hub)


def _json_error(status: int, error: str, message: str, **headers: str) -> web.Response:
    return web.json_response({"error": error, "message": message}, status=status, headers=headers)


async def _clinic(request: web.Request) -> str | web.Response:
    """The clinic of the Bearer token's owner, or the 401 answer."""
    found = await authenticate(request)
    if isinstance(found, str):
        challenge = f'Bearer realm="outpost", error="invalid_token", error_description="{found}"'
        return _json_error(401, "invalid_token", found, **{"WWW-Authenticate": challenge})
    return found.clinic


async def _run(
    request: web.Request, key: RoomKey, role: Role, link: JoinLink | None
) -> web.WebSocketResponse:
    hub = request.app[HUB]
    clock = state(request).clock
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES)
    await ws.prepare(request)
    conn = hub.add(ws)
    expiry: asyncio.TimerHandle | None = None
    if link is not None:
        delay = max(0.0, (link.expires - clock()) / 1_000_000)
        expiry = asyncio.get_running_loop().call_later(
            delay, hub.close_soon, conn, CLOSE_EXPIRED, "link expired"
        )
    try:
        await hub.perform(hub.rooms.join(key, role, conn, clock()))
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                await hub.perform(hub.rooms.receive(conn, frame.data, clock()))
            elif frame.type == WSMsgType.BINARY:
                error = {"type": "error", "code": "bad-message", "message": "Text frames only."}
                await hub.perform([Send(conn, error)])
    finally:
        if expiry is not None:
            expiry.cancel()
        hub.remove(conn)
        await hub.perform(hub.rooms.leave(conn, clock()))
    if ws.close_code == 1009:
        logger.info("room %s: %s sent a frame over the size limit", key.appointment, role.value)
    return ws


async def patient_socket(request: web.Request) -> web.StreamResponse:
    shared = state(request)
    token, now = request.match_info["token"], shared.clock()
    found, link = await shared.db.read(lambda conn: join_links.lookup(conn, token, now))
    if found is Lookup.UNKNOWN or link is None:
        return _json_error(404, "unknown-link", "This visit link is not valid.")
    if found is Lookup.EXPIRED:
        return _json_error(410, "expired-link", "This visit link has expired.")
    if request.query.get("check") == "1":
        return await _check(request)
    return await _run(request, RoomKey(link.clinic, link.appointment_id), Role.PATIENT, link)


async def _check(request: web.Request) -> web.WebSocketResponse:
    """The join page's connection check: answers `ping` with `pong`, joins no room."""
    hub = request.app[HUB]
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES)
    await ws.prepare(request)
    conn = hub.add(ws)
    limit = asyncio.get_running_loop().call_later(
        CHECK_SECONDS, hub.close_soon, conn, CLOSE_GOING_AWAY, "check over"
    )
    try:
        async for frame in ws:
            if frame.type == WSMsgType.TEXT and _is_ping(frame.data):
                await ws.send_str(json.dumps({"type": "pong"}))
    finally:
        limit.cancel()
        hub.remove(conn)
    return ws


def _is_ping(text: str) -> bool:
    try:
        message = json.loads(text)
    except ValueError:
        return False
    return isinstance(message, dict) and message.get("type") == "ping"


async def clinician_socket(request: web.Request) -> web.StreamResponse:
    clinic = await _clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    appointment = request.match_info["appointment"]
    db = state(request).db
    head = await db.read(lambda conn: storage.head(conn, clinic, "Appointment", appointment))
    if head is None:
        return _json_error(404, "not-found", "This clinic has no such appointment.")
    return await _run(request, RoomKey(clinic, appointment), Role.CLINICIAN, None)


async def waiting(request: web.Request) -> web.StreamResponse:
    clinic = await _clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    entries = [
        {
            "appointment": entry.appointment,
            "since": instants.format_instant(entry.since),
            "state": entry.state.value,
        }
        for entry in request.app[HUB].rooms.waiting(clinic)
    ]
    return web.json_response({"waiting": entries}, headers={"Cache-Control": "no-store"})


def add_routes(app: web.Application, ice_servers: tuple[Message, ...]) -> None:
    hub = Hub(ice_servers)
    app[HUB] = hub
    app.on_shutdown.append(hub.close_all)
    app.router.add_get("/join/{token}/ws", patient_socket)
    app.router.add_get("/signal/rooms/{appointment}", clinician_socket)
    app.router.add_get("/signal/waiting", waiting)
