"""A fault-injecting HTTP proxy for sync tests: sits between the client and `outpost server`
on 127.0.0.1 and, on request, loses responses, fails, stalls, truncates, impersonates a
captive portal or runs a test's function while a request is in the air. Runs its own
asyncio loop in a daemon thread."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp import web

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
    "host",
}


@dataclass
class Fault:
    """What to do to the next `times` requests matching `method` and the `path` regex.

    kind:
    - "lose": forward (the server commits), then drop the connection without a response
    - "status": answer `status` with `headers`/`body` without forwarding
    - "after": forward (the server commits), then answer `status` anyway
    - "partial-batch": forward only the first `keep` entries of a batch, then answer `status`
    - "truncate": forward, then send half of the response body and reset the connection
    - "hang": accept the request and never answer (until the proxy stops)
    - "hang-after": forward (the server commits), then never answer (until the proxy stops)
    - "portal": answer 200 with an HTML login page (a captive portal)
    - "callback": call `callback()` (in a worker thread, the request held), then forward;
      for changes made while a request is in flight
    """

    kind: str
    method: str = ".*"
    path: str = ".*"
    times: int = 1
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    keep: int = 0
    callback: Callable[[], None] | None = None
    hits: int = 0

    def matches(self, request: web.Request) -> bool:
        return (
            self.hits < self.times
            and re.fullmatch(self.method, request.method) is not None
            and re.search(self.path, request.path_qs) is not None
        )


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    status: int | None  # None: no answer reached the client
    fault: str | None


PORTAL_PAGE = "<html><head><title>Hotel WiFi</title></head><body>Accept terms</body></html>"


class FaultProxy:
    """`with FaultProxy(upstream_origin) as proxy:` then point the client at `proxy.origin`."""

    def __init__(self, upstream: str, *, delay: float = 0.0) -> None:
        self.upstream = upstream.rstrip("/")
        self.delay = delay
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.random_fault: Callable[[web.Request], Fault | None] | None = None
        self._lock = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._stopping: asyncio.Event | None = None
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.origin = ""

    # --- lifecycle ----------------------------------------------------------------

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._stopping = asyncio.Event()
        self._session = aiohttp.ClientSession(auto_decompress=False)
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        port = server.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"

    async def _stop(self) -> None:
        assert self._stopping is not None
        assert self._runner is not None
        self._stopping.set()
        await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    # --- faults -------------------------------------------------------------------

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def _take_fault(self, request: web.Request) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(request):
                    fault.hits += 1
                    return fault
        if self.random_fault is not None:
            return self.random_fault(request)
        return None

    def _record(self, request: web.Request, status: int | None, fault: Fault | None) -> None:
        with self._lock:
            self.seen.append(
                Seen(request.method, request.path, status, fault.kind if fault else None)
            )
            self._lock.notify_all()

    def wait_for(self, wanted: Callable[[Seen], bool], timeout: float = 60.0) -> Seen:
        """Block until a request matching `wanted` has been seen (a hanging or lost one is
        seen once the proxy holds it); AssertionError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = next((seen for seen in self.seen if wanted(seen)), None)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no such request within {timeout:g} s: {self.seen}")
                self._lock.wait(left)

    # --- proxying -----------------------------------------------------------------

    async def _forward(
        self, request: web.Request, body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        async with self._session.request(
            request.method,
            self.upstream + request.path_qs,
            headers=headers,
            data=body if body else None,
            allow_redirects=False,
        ) as upstream:
            data = await upstream.read()
            out = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            if "Location" in out:
                out["Location"] = out["Location"].replace(self.upstream, self.origin)
            data = data.replace(self.upstream.encode(), self.origin.encode())
            return upstream.status, out, data

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.delay:
            await asyncio.sleep(self.delay)
        fault = self._take_fault(request)
        kind = fault.kind if fault else None
        if kind == "callback" and fault is not None and fault.callback is not None:
            await asyncio.to_thread(fault.callback)
        if fault is None or kind in ("lose", "after", "truncate", "hang-after", "callback"):
            status, headers, data = await self._forward(request, body)
        elif kind == "partial-batch":
            status, headers, data = await self._forward(request, _first_entries(body, fault.keep))
        if fault is None or kind == "callback":
            self._record(request, status, fault)
            return web.Response(status=status, headers=headers, body=data)
        if kind in ("status", "after", "partial-batch"):
            self._record(request, fault.status, fault)
            return web.Response(status=fault.status, headers=fault.headers, text=fault.body)
        if kind == "portal":
            self._record(request, 200, fault)
            return web.Response(status=200, text=PORTAL_PAGE, content_type="text/html")
        if kind in ("hang", "hang-after"):
            assert self._stopping is not None
            self._record(request, None, fault)
            await self._stopping.wait()
            raise ConnectionResetError("proxy stopped")
        self._record(request, None, fault)
        if kind == "truncate":
            response = web.StreamResponse(status=status, headers=headers)
            response.content_length = len(data)
            await response.prepare(request)
            await response.write(data[: len(data) // 2])
        _drop(request)
        return web.Response(status=599)


def _first_entries(body: bytes, keep: int) -> bytes:
    bundle = json.loads(body)
    bundle["entry"] = bundle.get("entry", [])[:keep]
    return json.dumps(bundle).encode()


def _drop(request: web.Request) -> None:
    """Close the client's connection without an answer, as a dead link would."""
    transport = request.transport
    if transport is not None:
        transport.abort()
