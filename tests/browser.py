"""Debian's Chromium, headless, as a test's browser peer (DESIGN 8), driven over the
DevTools protocol: open a page, evaluate JavaScript in it, wait for a condition.

    with chromium(tmp_path) as browser:
        async def scenario() -> None:
            async with browser.page(link) as page:
                await page.wait_for("document.body.dataset.state === 'preview'")
                await page.click("#join")
        asyncio.run(scenario())

Each browser gets a fresh profile and fake camera and microphone (a test pattern and a
beep), with permission prompts answered yes. Leaving the block kills Chromium's whole
process group. A machine without Chromium fails the test with a clear message (setup
installs it), it never skips.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
)
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
TIMEOUT = 20.0


class BrowserError(AssertionError):
    """Chromium is missing, did not start, or a page script failed."""


def chromium_binary() -> str:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserError(
        "Debian's chromium is not installed; the browser tests need it. "
        "Run scripts/bootstrap.sh as root (or apt-get install chromium)."
    )


@dataclass
class Page:
    """One tab, over its DevTools WebSocket."""

    ws: aiohttp.ClientWebSocketResponse
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def _call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        number = next(self._ids)
        await self.ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            frame = await self.ws.receive(timeout=TIMEOUT)
            if frame.type != aiohttp.WSMsgType.TEXT:
                raise BrowserError(f"the DevTools connection closed: {frame}")
            answer: dict[str, Any] = json.loads(frame.data)
            if answer.get("id") == number:
                if "error" in answer:
                    raise BrowserError(f"{method} failed: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression (promises are awaited), as JSON."""
        result = await self._call(
            "Runtime.evaluate",
            {
                "expression": expression,
                "returnByValue": True,
                "awaitPromise": True,
                "userGesture": True,  # counts as a tap: audio may start
            },
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = TIMEOUT) -> Any:
        """Poll until the expression is truthy; its value. While it throws (the page is
        still loading) it counts as false."""
        deadline = time.monotonic() + timeout
        problem = ""
        while True:
            try:
                value = await self.evaluate(expression)
            except BrowserError as error:
                value, problem = None, str(error)
            if value:
                return value
            if time.monotonic() > deadline:
                state = await self.state()
                raise BrowserError(
                    f"{expression!r} stayed false for {timeout:g} s (state {state}) {problem}"
                )
            await asyncio.sleep(0.05)

    async def reload_with(self, source: str) -> None:
        """Reload the page with `source` run before any of its own scripts (on every load
        from now on): a test's stand-in for a browser API, e.g. a slow permission prompt."""
        await self._call("Page.enable", {})
        await self._call("Page.addScriptToEvaluateOnNewDocument", {"source": source})
        await self.evaluate("location.reload()")

    async def click(self, selector: str) -> None:
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    async def state(self) -> str | None:
        value = await self.evaluate("document.body && document.body.dataset.state")
        return str(value) if value is not None else None


@dataclass
class Browser:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @contextlib.asynccontextmanager
    async def page(self, url: str) -> AsyncIterator[Page]:
        """A new tab showing `url`, closed afterwards."""
        base = f"http://127.0.0.1:{self.port}"
        timeout = aiohttp.ClientTimeout(total=TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            async with http.put(f"{base}/json/new?{url}") as response:
                response.raise_for_status()
                target = await response.json()
            async with http.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                yield Page(ws)
            async with http.get(f"{base}/json/close/{target['id']}") as closed:
                await closed.read()


def _devtools_port(profile: Path, process: subprocess.Popen[bytes], log: Path) -> int:
    marker = profile / "DevToolsActivePort"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrowserError(f"chromium exited with {process.returncode}: {log.read_text()}")
        if marker.exists():
            lines = marker.read_text().splitlines()
            if lines and lines[0].isdigit():
                return int(lines[0])
        time.sleep(0.05)
    raise BrowserError(f"chromium did not open DevTools within {START_TIMEOUT:g} s")


def _kill(process: subprocess.Popen[bytes]) -> None:
    """End Chromium and every process it started (its own process group)."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # helpers that outlived the browser
    process.wait(STOP_TIMEOUT)


@contextlib.contextmanager
def chromium(tmp_path: Path, extra_flags: Sequence[str] = ()) -> Iterator[Browser]:
    """Headless Chromium with a fresh profile under `tmp_path`; killed on leaving."""
    binary = chromium_binary()
    profile = Path(tempfile.mkdtemp(prefix="chromium-", dir=tmp_path))
    log = profile.parent / f"{profile.name}.log"
    command = [
        binary,
        *FLAGS,
        *extra_flags,
        f"--user-data-dir={profile}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield Browser(process, _devtools_port(profile, process, log), log)
    finally:
        _kill(process)
        shutil.rmtree(profile, ignore_errors=True)
