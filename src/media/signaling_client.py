"""The signaling WebSocket client for both roles (docs/signaling.md), on the runtime loop.

It keeps one room connection alive: a dropped socket is reopened with exponential backoff
and full jitter, and each new connection starts again with a `welcome`. Incoming messages
and the client's own events (`ConnectionLost`, `SignalingClosed`) go to one bounded inbox
that keeps the newest. Permanent refusals (bad token, unknown or expired link, replaced
by a newer connection) end the client instead of retrying, and so does a room never
reached in `first_attempts` tries (about 2 s): a clinician who presses Join while the
server is down or the network is gone hears so at once, not after the caller's 15 s
wait for a `welcome`. Once a socket has opened, a drop is retried for the whole visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit, urlunsplit

import aiohttp

from outpost.core.errors import AuthExpiredError, CallError, CallErrorKind, OutpostError
from outpost.media import signaling_messages as wire
from outpost.media.newest import NewestQueue

logger = logging.getLogger(__name__)

TokenSource = Callable[[], Awaitable[str]]
REPLACED_CLOSE_CODE = 4001
EXPIRED_CLOSE_CODE = 4002


@dataclass(frozen=True)
class Endpoint:
    """Where a role's room socket is. `url` is ws:// or wss://; it may hold a join token,
    so it is never logged."""

    url: str
    role: wire.Role
    token: TokenSource | None = None

    def __repr__(self) -> str:
        return f"Endpoint(role={self.role.value})"


def _ws_origin(http_url: str) -> tuple[str, str]:
    parts = urlsplit(http_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CallError(CallErrorKind.CONFIG, "The server address must be http:// or https://.")
    return ("wss" if parts.scheme == "https" else "ws"), parts.netloc


def clinician_endpoint(server_url: str, appointment_id: str, token: TokenSource) -> Endpoint:
    """`server_url` is the backend's FHIR base (…/fhir) or its origin."""
    scheme, netloc = _ws_origin(server_url)
    prefix = urlsplit(server_url).path.rstrip("/").removesuffix("/fhir")
    path = f"{prefix}/signal/rooms/{quote(appointment_id, safe='')}"
    return Endpoint(urlunsplit((scheme, netloc, path, "", "")), wire.Role.CLINICIAN, token)


def patient_endpoint(join_link: str) -> Endpoint:
    """The patient's `{origin}/join/<token>` link -> its `/join/<token>/ws` socket."""
    scheme, netloc = _ws_origin(join_link)
    path = urlsplit(join_link).path.rstrip("/")
    if "/join/" not in path or path.endswith("/join"):
        raise CallError(CallErrorKind.LINK_INVALID, "This is not a visit link (…/join/…).")
    return Endpoint(urlunsplit((scheme, netloc, f"{path}/ws", "", "")), wire.Role.PATIENT)


class CloseReason(enum.Enum):
    HUNG_UP = "hung-up"  # we closed it
    UNREACHABLE = "unreachable"  # never connected: the server is down or the network gone
    REFUSED = "refused"
    NOT_FOUND = "not-found"  # the server has no such appointment for this clinician
    LINK_INVALID = "link-invalid"
    LINK_EXPIRED = "link-expired"
    REPLACED = "replaced"


@dataclass(frozen=True)
class ConnectionLost:
    """The socket dropped; the client is reconnecting."""

    connection: int


@dataclass(frozen=True)
class SignalingClosed:
    """The client stopped for good; `error` says why when it was not a refusal by the
    server (e.g. the sign-in expired before a reconnection)."""

    reason: CloseReason
    error: OutpostError | None = None


Event = wire.Message | ConnectionLost | SignalingClosed

_STATUS_REASONS = {
    401: CloseReason.REFUSED,
    403: CloseReason.REFUSED,
    404: CloseReason.LINK_INVALID,  # for a clinician: NOT_FOUND
    410: CloseReason.LINK_EXPIRED,
}
_ERROR_KINDS = {
    CloseReason.UNREACHABLE: (
        CallErrorKind.UNREACHABLE,
        "The video visit server cannot be reached; check the connection and try again.",
    ),
    CloseReason.REFUSED: (
        CallErrorKind.REFUSED,
        "The server refused the sign-in for this visit; sign in again with `outpost login`.",
    ),
    CloseReason.NOT_FOUND: (
        CallErrorKind.REFUSED,
        "The server has no such appointment for your clinic (run `outpost sync`?).",
    ),
    CloseReason.LINK_INVALID: (CallErrorKind.LINK_INVALID, "The server does not know this link."),
    CloseReason.LINK_EXPIRED: (CallErrorKind.LINK_EXPIRED, "This visit link has expired."),
    CloseReason.REPLACED: (
        CallErrorKind.REPLACED,
        "The visit was opened from another place; this one was closed.",
    ),
    CloseReason.HUNG_UP: (CallErrorKind.UNREACHABLE, "Signaling was closed."),
}


def error_for(reason: CloseReason) -> CallError:
    kind, message = _ERROR_KINDS[reason]
    return CallError(kind, message)


@dataclass(frozen=True)
class Backoff:
    base_s: float = 0.25
    cap_s: float = 1.0  # a visit waits on this socket to heal: keep the wait short

    def delay(self, attempt: int, draw: Callable[[], float] = random.random) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
        return draw() * min(self.cap_s, self.base_s * 2.0 ** min(attempt, 16))


class _PermanentError(Exception):
    def __init__(self, reason: CloseReason) -> None:
        self.reason = reason


class SignalingClient:
    """One role's connection to one room. Create, `start()`, read `next()`, `close()`."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        inbox_size: int = 64,
        backoff: Backoff | None = None,
        heartbeat_s: float = 5.0,
        connect_timeout_s: float = 10.0,
        first_attempts: int = 4,
    ) -> None:
        self._endpoint = endpoint
        self._first_attempts = first_attempts
        self._inbox: NewestQueue[Event] = NewestQueue(inbox_size)
        self._backoff = backoff or Backoff()
        self._heartbeat_s = heartbeat_s
        self._connect_timeout_s = connect_timeout_s
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self.connections = 0  # sockets opened so far (1 + reconnections)
        self.closed_reason: CloseReason | None = None

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    @property
    def dropped_messages(self) -> int:
        return self._inbox.dropped

    def start(self) -> None:
        if self._task is None:
            timeout = aiohttp.ClientTimeout(
                total=None, connect=self._connect_timeout_s, sock_connect=self._connect_timeout_s
            )
            self._http = aiohttp.ClientSession(timeout=timeout)
            self._task = asyncio.get_running_loop().create_task(self._run(), name="signaling")

    async def next(self) -> Event:
        return await self._inbox.get()

    async def send(self, message: wire.Message) -> bool:
        """Send one message; False if the socket is down (it is not queued: the call
        renegotiates after a reconnection instead)."""
        ws = self._ws
        if ws is None or ws.closed:
            logger.info("signaling: %s not sent, socket down", wire.describe(message))
            return False
        try:
            await ws.send_str(wire.encode(message))
        except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
            logger.info("signaling: send failed (%s)", type(exc).__name__)
            return False
        logger.debug("signaling: sent %s", wire.describe(message))
        return True

    def retry_now(self) -> None:
        """Cut the backoff short: try to reconnect at once (the caller has seen the
        network come back, e.g. media arriving again). No effect while connected."""
        self._wake.set()

    async def drop_connection(self) -> None:
        """Close the socket as a network fault would; the client reconnects (tests, drills)."""
        if self._ws is not None:
            await self._ws.close(code=aiohttp.WSCloseCode.GOING_AWAY)

    async def close(self) -> None:
        if self.closed_reason is None:
            self.closed_reason = CloseReason.HUNG_UP
        ws = self._ws  # the task forgets it when cancelled: close it here
        try:
            if self._task is not None:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            if ws is not None:
                await ws.close()
        finally:  # also when the caller is cancelled meanwhile: no session left open
            if self._http is not None:
                await self._http.close()

    # -- the connection loop ---------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while True:
            try:
                opened = await self._connect_once()
            except _PermanentError as stop:
                self._finish(stop.reason)
                return
            except AuthExpiredError as exc:
                self._finish(CloseReason.REFUSED, exc)
                return
            except (aiohttp.ClientError, OSError, TimeoutError, OutpostError) as exc:
                # OutpostError: the token source could not refresh (offline): try again.
                logger.info("signaling: connect failed (%s)", type(exc).__name__)
                opened = False
            attempt = 0 if opened else attempt + 1
            if self.connections == 0 and attempt >= self._first_attempts:
                self._finish(CloseReason.UNREACHABLE)
                return
            delay = self._backoff.delay(attempt)
            logger.info("signaling: reconnecting in %.2f s", delay)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _connect_once(self) -> bool:
        """One socket's life; True if it was opened (then closed by a fault)."""
        assert self._http is not None
        headers = {}
        if self._endpoint.token is not None:
            headers["Authorization"] = f"Bearer {await self._endpoint.token()}"
        try:
            ws = await self._http.ws_connect(
                self._endpoint.url,
                headers=headers,
                heartbeat=self._heartbeat_s,
                timeout=aiohttp.ClientWSTimeout(ws_close=2.0),
                max_msg_size=1 << 20,
                autoping=True,
            )
        except aiohttp.WSServerHandshakeError as exc:
            reason = _STATUS_REASONS.get(exc.status)
            if reason is CloseReason.LINK_INVALID and self._endpoint.role is wire.Role.CLINICIAN:
                reason = CloseReason.NOT_FOUND
            logger.info("signaling: handshake refused with %d", exc.status)
            if reason is not None:
                raise _PermanentError(reason) from exc
            raise
        self._ws = ws
        self.connections += 1
        logger.info("signaling: connected as %s (%d)", self._endpoint.role.value, self.connections)
        try:
            await self._read(ws)
        finally:
            self._ws = None
        if ws.close_code == REPLACED_CLOSE_CODE:
            raise _PermanentError(CloseReason.REPLACED)
        if ws.close_code == EXPIRED_CLOSE_CODE:
            raise _PermanentError(CloseReason.LINK_EXPIRED)
        logger.info("signaling: socket closed (code %s)", ws.close_code)
        self._inbox.put(ConnectionLost(self.connections))
        return True

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for frame in ws:
            if frame.type is not aiohttp.WSMsgType.TEXT:
                continue
            try:
                message = wire.parse(frame.data)
            except wire.MalformedMessageError as exc:
                logger.warning("signaling: bad frame ignored (%s)", exc)
                continue
            logger.debug("signaling: received %s", wire.describe(message))
            if isinstance(message, wire.Ping):
                await self.send(wire.Pong())
                continue
            self._inbox.put(message)

    def _finish(self, reason: CloseReason, error: OutpostError | None = None) -> None:
        logger.info("signaling: stopped (%s)", reason.value)
        self.closed_reason = reason
        self._inbox.put(SignalingClosed(reason, error))
