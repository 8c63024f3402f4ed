"""Chromium as a contender of bench/call.py: Debian's headless Chromium on both ends, one
browser per endpoint (so each browser's CPU is one endpoint's), each showing
call_page.html (a synthetic camera with frame numbers and a synthetic voice on a plain
RTCPeerConnection), driven over DevTools. The page is served from 127.0.0.1 (a secure
context); the offer and answer are carried by the bench. Chromium's own congestion
control, resolution and frame-rate adaptation are what is measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.browser import Browser, Page, chromium

from bench.call_pairs import BENCH, Endpoint, Ice, PairResult, Setup, scheduled
from bench.call_probe import ProbeLog, read_trace
from bench.call_procs import Target, Watch

FLAGS = (
    "--disable-features=WebRtcHideLocalIpsWithMdns",  # host candidates as addresses
    "--autoplay-policy=no-user-gesture-required",  # the remote voice plays
)
PAGE = "call_page.html"
SIZE = (640, 480, 30)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.split("?")[0] != f"/{PAGE}":
            self.send_error(404)
            return
        body = (BENCH / PAGE).read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@dataclass(frozen=True)
class Browsers:
    url: str
    offer: Browser
    answer: Browser


@contextmanager
def browsers(folder: Path) -> Iterator[Browsers]:
    """The page on 127.0.0.1 and two headless Chromiums, for the whole run."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, name="page", daemon=True)
    thread.start()
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with chromium(folder, FLAGS) as offer, chromium(folder, FLAGS) as answer:
            yield Browsers(f"http://127.0.0.1:{server.server_port}/{PAGE}", offer, answer)
    finally:
        server.shutdown()
        server.server_close()


def _config(ice: Ice | None, grain: int) -> str:
    width, height, fps = SIZE
    return json.dumps(
        {
            "grain": grain,
            "iceServers": [ice.browser()] if ice else [],
            "relayOnly": bool(ice and ice.relay_only),
            "width": width,
            "height": height,
            "fps": fps,
        }
    )


class _Side:
    def __init__(self, page: Page, trace: Path) -> None:
        self.page = page
        self.trace = trace
        self.log = ProbeLog(trace)
        self.stats: list[dict[str, Any]] = []
        self.started_at: float | None = None
        self.first_frame_at: float | None = None

    async def take(self) -> None:
        taken: dict[str, Any] = await self.page.evaluate("bench.take()")
        for number, at in taken["sent"]:
            self.log.sent(int(number), at / 1000)
        for number, at, width, height in taken["received"]:
            self.log.received(int(number), int(width), int(height), at / 1000)
        self.stats.append(taken["stats"])
        self.started_at = taken["startedAt"]
        self.first_frame_at = taken["firstFrameAt"]

    def endpoint(self, usage: Any) -> Endpoint:
        self.log.close()
        first = None
        if self.started_at is not None and self.first_frame_at is not None:
            first = self.first_frame_at - self.started_at
        return Endpoint(read_trace(self.trace), usage, first, browser_stats=self.stats)


async def chromium_pair(found: Browsers, setup: Setup, folder: Path) -> PairResult:
    folder.mkdir(parents=True, exist_ok=True)
    watch = Watch(
        {
            "offer": Target(found.offer.process.pid, group=True),
            "answer": Target(found.answer.process.pid, group=True),
        }
    )
    async with found.offer.page(found.url) as one, found.answer.page(found.url) as two:
        offer, answer = (
            _Side(one, folder / "chromium-offer.trace"),
            _Side(two, folder / "chromium-answer.trace"),
        )
        for side, ice in ((offer, setup.offer_ice), (answer, setup.answer_ice)):
            await side.page.wait_for("typeof window.bench === 'object'")
            await side.page.evaluate(f"bench.init({_config(ice, setup.grain)})")
        watch.start()
        try:
            sdp = await one.evaluate("bench.offer()")
            t0 = time.time()
            async with scheduled(t0, setup):
                reply = await two.evaluate(f"bench.answer({json.dumps(sdp)})")
                await one.evaluate(f"bench.accept({json.dumps(reply)})")
                while time.time() < t0 + setup.seconds:
                    await asyncio.sleep(min(1.0, max(t0 + setup.seconds - time.time(), 0)))
                    await asyncio.gather(offer.take(), answer.take())
        finally:
            samples = await watch.stop()
            for side in (offer, answer):
                with contextlib.suppress(Exception):
                    await side.page.evaluate("bench.close()")
    return PairResult(
        "Chromium",
        t0,
        t0 + setup.seconds,
        offer.endpoint(samples["offer"]),
        answer.endpoint(samples["answer"]),
    )
