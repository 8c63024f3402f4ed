"""The fault-injecting proxy itself: each fault does what the sync scenarios rely on."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
import requests
from aiohttp import web

from tests.fault_proxy import Fault, FaultProxy, Seen


class Upstream:
    """A tiny HTTP server that counts the writes it commits and echoes batch sizes."""

    def __init__(self) -> None:
        self.commits = 0
        self.batch_sizes: list[int] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.origin = ""
        self._runner: web.AppRunner | None = None

    async def _write(self, request: web.Request) -> web.Response:
        self.commits += 1
        return web.json_response(
            {"commits": self.commits, "self": f"{self.origin}/fhir/x"},
            headers={"Location": f"{self.origin}/fhir/x/1"},
        )

    async def _batch(self, request: web.Request) -> web.Response:
        bundle = await request.json()
        self.batch_sizes.append(len(bundle["entry"]))
        return web.json_response({"resourceType": "Bundle", "type": "batch-response"})

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/fhir/write", self._write)
        app.router.add_post("/fhir", self._batch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self.origin = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    def __enter__(self) -> Upstream:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture
def pair() -> Iterator[tuple[Upstream, FaultProxy]]:
    with Upstream() as upstream, FaultProxy(upstream.origin) as proxy:
        yield upstream, proxy


def test_clean_requests_pass_through_with_links_rewritten(
    pair: tuple[Upstream, FaultProxy],
) -> None:
    upstream, proxy = pair
    response = requests.post(f"{proxy.origin}/fhir/write", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"commits": 1, "self": f"{proxy.origin}/fhir/x"}
    assert response.headers["Location"] == f"{proxy.origin}/fhir/x/1"
    assert upstream.commits == 1


def test_lost_response_after_commit(pair: tuple[Upstream, FaultProxy]) -> None:
    upstream, proxy = pair
    proxy.add(Fault("lose", method="POST", path="/write"))
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{proxy.origin}/fhir/write", timeout=5)
    assert upstream.commits == 1, "the server committed although the client saw nothing"
    assert requests.post(f"{proxy.origin}/fhir/write", timeout=5).json()["commits"] == 2


def test_status_fault_with_retry_after_never_reaches_the_server(
    pair: tuple[Upstream, FaultProxy],
) -> None:
    upstream, proxy = pair
    proxy.add(Fault("status", status=429, headers={"Retry-After": "3"}, times=2))
    for _ in range(2):
        response = requests.post(f"{proxy.origin}/fhir/write", timeout=5)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
    assert upstream.commits == 0
    assert requests.post(f"{proxy.origin}/fhir/write", timeout=5).status_code == 200


def test_truncated_body_and_hang_and_portal(pair: tuple[Upstream, FaultProxy]) -> None:
    upstream, proxy = pair
    proxy.add(Fault("truncate", path="/write"))
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        requests.post(f"{proxy.origin}/fhir/write", timeout=5).json()
    assert upstream.commits == 1

    proxy.add(Fault("hang"))
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{proxy.origin}/fhir/write", timeout=(5, 0.3))
    assert upstream.commits == 1

    proxy.add(Fault("portal"))
    portal = requests.get(f"{proxy.origin}/fhir/metadata", timeout=5)
    assert portal.status_code == 200
    assert portal.headers["Content-Type"].startswith("text/html")


def test_partial_batch_applies_only_the_first_entries(pair: tuple[Upstream, FaultProxy]) -> None:
    upstream, proxy = pair
    proxy.add(Fault("partial-batch", method="POST", path=r"^/fhir$", keep=2, status=500))
    bundle = {"resourceType": "Bundle", "type": "batch", "entry": [{}, {}, {}, {}, {}]}
    response = requests.post(f"{proxy.origin}/fhir", data=json.dumps(bundle), timeout=5)
    assert response.status_code == 500
    assert upstream.batch_sizes == [2]
    assert [seen.fault for seen in proxy.seen] == ["partial-batch"]


def test_hang_after_commit_and_a_callback_while_the_request_is_held(
    pair: tuple[Upstream, FaultProxy],
) -> None:
    upstream, proxy = pair
    proxy.add(Fault("hang-after", path="/write"))
    with pytest.raises(requests.ReadTimeout):
        requests.post(f"{proxy.origin}/fhir/write", timeout=(5, 0.3))
    assert proxy.wait_for(lambda seen: seen.fault == "hang-after", timeout=10).status is None
    assert upstream.commits == 1, "the server committed although no answer ever came"

    commits_seen_by_callback: list[int] = []
    proxy.add(
        Fault(
            "callback",
            path="/write",
            callback=lambda: commits_seen_by_callback.append(upstream.commits),
        )
    )
    assert requests.post(f"{proxy.origin}/fhir/write", timeout=5).json()["commits"] == 2
    assert commits_seen_by_callback == [1], "the callback runs before the request is forwarded"
    assert proxy.seen[-1] == Seen("POST", "/fhir/write", 200, "callback")
    with pytest.raises(AssertionError, match="no such request"):
        proxy.wait_for(lambda seen: seen.method == "DELETE", timeout=0.1)
