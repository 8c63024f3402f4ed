"""What every contender of bench/call.py runs and returns: one two-way call between an
offering side (the clinician) and an answering side (the patient), shaped by a scenario's
`Setup`, with each endpoint's trace (call_probe.py) and CPU/memory samples
(call_procs.py). The bare aiortc contender lives here; Outpost's and Chromium's in
call_outpost.py and call_chromium.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.call_probe import Trace, read_trace
from bench.call_procs import Target, Usage, Watch

BENCH = Path(__file__).resolve().parent
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Ice:
    """One side's ICE configuration: a TURN server (maybe behind the link emulator)."""

    url: str
    username: str
    credential: str
    relay_only: bool = True

    def outpost_setting(self) -> str:
        """The `ice_servers` setting's syntax: turn:USER:CREDENTIAL@HOST:PORT?..."""
        scheme, rest = self.url.split(":", 1)
        return f"{scheme}:{self.username}:{self.credential}@{rest}"

    def browser(self) -> dict[str, str]:
        return {"urls": self.url, "username": self.username, "credential": self.credential}


@dataclass(frozen=True)
class Setup:
    """A call as a scenario wants it: its length, each side's ICE (None: direct, host
    candidates) and link changes at given seconds after the call starts."""

    seconds: float
    grain: int = 0  # camera grain bits (call_probe.Grain); 0: the bare test pattern
    offer_ice: Ice | None = None
    answer_ice: Ice | None = None
    events: tuple[tuple[float, Callable[[], None]], ...] = ()


@dataclass
class Endpoint:
    trace: Trace
    usage: list[Usage]
    first_video_ms: float | None
    browser_stats: list[dict[str, Any]] = field(default_factory=list)
    record: dict[str, Any] | None = None  # Outpost's --stats-json


@dataclass
class PairResult:
    contender: str
    t0: float  # time.time() when the call started (admission, or the offer)
    end: float
    offer: Endpoint  # the clinician
    answer: Endpoint  # the patient


async def run_events(t0: float, events: tuple[tuple[float, Callable[[], None]], ...]) -> None:
    for at, action in sorted(events, key=lambda item: item[0]):
        await asyncio.sleep(max(t0 + at - time.time(), 0))
        action()


@contextlib.asynccontextmanager
async def scheduled(t0: float, setup: Setup) -> Any:
    task = asyncio.ensure_future(run_events(t0, setup.events))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


# -- bare aiortc ---------------------------------------------------------------------------


def _bare_command(role: str, trace: Path, setup: Setup, ice: Ice | None) -> list[str]:
    command = [
        sys.executable,
        str(BENCH / "call_bare.py"),
        "--role",
        role,
        "--trace",
        str(trace),
        "--duration",
        f"{setup.seconds:g}",
        "--grain",
        str(setup.grain),
    ]
    if ice is not None:
        command += ["--ice-server", ice.url, "--username", ice.username]
        command += ["--credential", ice.credential]
        command += ["--relay-only"] if ice.relay_only else []
    return command


async def _json_line(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT_S)
    if not line:
        raise RuntimeError(f"bare aiortc peer {process.pid} ended early")
    answer: dict[str, Any] = json.loads(line)
    return answer


async def bare_pair(setup: Setup, folder: Path) -> PairResult:
    """Two bare aiortc processes; the offer and answer relayed through their pipes."""
    folder.mkdir(parents=True, exist_ok=True)
    traces = folder / "bare-offer.trace", folder / "bare-answer.trace"
    processes = [
        await asyncio.create_subprocess_exec(
            *_bare_command(role, trace, setup, ice),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for role, trace, ice in (
            ("offer", traces[0], setup.offer_ice),
            ("answer", traces[1], setup.answer_ice),
        )
    ]
    offerer, answerer = processes
    watch = Watch({"offer": Target(offerer.pid), "answer": Target(answerer.pid)})
    watch.start()
    try:
        for process in processes:
            await _json_line(process)  # ready: imported, tracks made
        assert answerer.stdin is not None
        assert offerer.stdin is not None
        offerer.stdin.write(b"{}\n")
        await offerer.stdin.drain()
        offer = await _json_line(offerer)
        t0 = time.time()
        async with scheduled(t0, setup):
            answerer.stdin.write((json.dumps(offer) + "\n").encode())
            await answerer.stdin.drain()
            answer = await _json_line(answerer)
            offerer.stdin.write((json.dumps(answer) + "\n").encode())
            await offerer.stdin.drain()
            firsts = [await _json_line(process) for process in processes]
            for process in processes:
                await asyncio.wait_for(process.wait(), setup.seconds + START_TIMEOUT_S)
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        samples = await watch.stop()
    return PairResult(
        "bare aiortc",
        t0,
        t0 + setup.seconds,
        Endpoint(read_trace(traces[0]), samples["offer"], firsts[0]["first_video_ms"]),
        Endpoint(read_trace(traces[1]), samples["answer"], firsts[1]["first_video_ms"]),
    )
