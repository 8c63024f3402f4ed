"""Video visit signaling over WebSocket (docs/signaling.md): the routes, the sockets and
carrying out what `rooms.Rooms` decides.

Patients connect with their join link's token (`/join/<token>/ws`), clinicians with a
Bearer access token (`/signal/rooms/<appointment id>`), only to their own clinic's
appointments and rehearsal rooms (`POST /signal/rehearsals`, `rehearsals.py`). Room state
lives in memory only. Logs name rooms, roles and states, never tokens or SDP.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable

from aiohttp import WSMsgType, web

from outpost.core.visits import is_rehearsal
from outpost.server import instants, rehearsals, storage
from outpost.server.app import bearer_clinic, json_error, origin, state
from outpost.server.join_links import Lookup, link_url
from outpost.server.rehearsals import REHEARSALS, RehearsalLimitError, Rehearsals
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


async def _run(
    request: web.Request, key: RoomKey, role: Role, expires: int | None
) -> web.WebSocketResponse:
    """One socket in a room until it closes; closed with 4002 at `expires` (a join link's
    or a rehearsal room's end)."""
    hub = request.app[HUB]
    clock = state(request).clock
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=MAX_MESSAGE_BYTES)
    await ws.prepare(request)
    conn = hub.add(ws)
    expiry: asyncio.TimerHandle | None = None
    if expires is not None:
        delay = max(0.0, (expires - clock()) / 1_000_000)
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
    found, link = await rehearsals.find_link(request, request.match_info["token"])
    if found is Lookup.UNKNOWN or link is None:
        return json_error(404, "unknown-link", "This visit link is not valid.")
    if found is Lookup.EXPIRED:
        return json_error(410, "expired-link", "This visit link has expired.")
    if request.query.get("check") == "1":
        return await _check(request)
    key = RoomKey(link.clinic, link.appointment_id)
    return await _run(request, key, Role.PATIENT, link.expires)


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
    clinic = await bearer_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    appointment = request.match_info["appointment"]
    shared = state(request)
    if is_rehearsal(appointment):
        found, link = request.app[REHEARSALS].room(clinic, appointment, shared.clock())
        if found is Lookup.EXPIRED:
            return json_error(410, "expired", "This rehearsal room has expired.")
        if found is Lookup.UNKNOWN or link is None:
            return json_error(404, "not-found", "This clinic has no such rehearsal room.")
        return await _run(request, RoomKey(clinic, appointment), Role.CLINICIAN, link.expires)
    head = await shared.db.read(lambda conn: storage.head(conn, clinic, "Appointment", appointment))
    if head is None:
        return json_error(404, "not-found", "This clinic has no such appointment.")
    return await _run(request, RoomKey(clinic, appointment), Role.CLINICIAN, None)


async def create_rehearsal(request: web.Request) -> web.StreamResponse:
    """A rehearsal room for the caller's clinic: 201 {"room", "link", "expires"}."""
    clinic = await bearer_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    try:
        made, token = request.app[REHEARSALS].create(clinic, state(request).clock())
    except RehearsalLimitError as full:
        message = "This clinic has too many rehearsal rooms open; try again later."
        return json_error(429, "too-many", message, **{"Retry-After": str(full.retry_after_s)})
    logger.info("room %s: rehearsal room made", made.room)
    body = {
        "room": made.room,
        "link": link_url(origin(request), token),
        "expires": instants.format_instant(made.expires),
    }
    return web.json_response(body, status=201, headers={"Cache-Control": "no-store"})


async def waiting(request: web.Request) -> web.StreamResponse:
    """The clinic's appointment rooms with a patient in them (never a rehearsal room)."""
    clinic = await bearer_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    entries = [
        {
            "appointment": entry.appointment,
            "since": instants.format_instant(entry.since),
            "state": entry.state.value,
        }
        for entry in request.app[HUB].rooms.waiting(clinic)
        if not is_rehearsal(entry.appointment)
    ]
    return web.json_response({"waiting": entries}, headers={"Cache-Control": "no-store"})


def add_routes(
    app: web.Application, ice_servers: tuple[Message, ...], rehearsal_ttl_s: int
) -> None:
    hub = Hub(ice_servers)
    app[HUB] = hub
    app[REHEARSALS] = Rehearsals(rehearsal_ttl_s)
    app.on_shutdown.append(hub.close_all)
    app.router.add_get("/join/{token}/ws", patient_socket)
    app.router.add_get("/signal/rooms/{appointment}", clinician_socket)
    app.router.add_get("/signal/waiting", waiting)
    app.router.add_post("/signal/rehearsals", create_rehearsal)
