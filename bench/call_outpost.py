"""Outpost as a contender of bench/call.py: the real commands as separate processes,
`outpost call --synthetic` as the signed-in clinician and `outpost patient-bot` through the
appointment's join link, against one `outpost server` (demo seed) on 127.0.0.1, each run
through call_probe.py for frame timestamps. The clinician's ICE comes from the
`ice_servers` / `relay_only` settings (OUTPOST_* variables), as IT would set them.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any

from tests.integration.cli_helpers import login, outpost_environment, run_outpost
from tests.server_process import running_server

from bench.call_pairs import BENCH, START_TIMEOUT_S, Endpoint, Ice, PairResult, Setup, scheduled
from bench.call_probe import read_trace
from bench.call_procs import Target, Watch

WAIT_S = 60


@dataclass
class Site:
    """A server, a signed-in clinician profile and the demo clinic's video visits."""

    clinician_home: Path
    visits: list[tuple[str, str]]  # (appointment id, join link)
    folder: Path
    _next: Iterator[int]

    def visit(self) -> tuple[str, str]:
        """The next video visit, in turn (a visit's room is reused once its call ended)."""
        return self.visits[next(self._next) % len(self.visits)]


@contextmanager
def outpost_site(folder: Path) -> Iterator[Site]:
    with running_server(folder, seed="demo") as server:
        home = folder / "clinician"
        login(home, server)
        synced = run_outpost(home, "sync")
        if synced.returncode != 0:
            raise RuntimeError(f"outpost sync failed: {synced.stderr}")
        schedule = run_outpost(home, "schedule", "--json")
        visits = [
            (item["id"], item["video_link"])
            for item in json.loads(schedule.stdout)["appointments"]
            if item["video_link"]
        ]
        if not visits:
            raise RuntimeError("the demo seed booked no video visit today")
        yield Site(home, visits, folder, count())


def _environment(home: Path, ice: Ice | None) -> dict[str, str]:
    extra = {"OUTPOST_LOG_LEVEL": "WARNING"}
    if ice is not None:
        extra["OUTPOST_ICE_SERVERS"] = ice.outpost_setting()
        extra["OUTPOST_RELAY_ONLY"] = "true" if ice.relay_only else "false"
    return outpost_environment(home, extra)


async def _start(home: Path, trace: Path, grain: int, ice: Ice | None, *args: str) -> Any:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(BENCH / "call_probe.py"),
        str(trace),
        str(grain),
        "--",
        "--home",
        str(home),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=_environment(home, ice),
    )


async def _until_line(process: Any, prefix: str, timeout: float) -> float:
    """Read stdout until a line starts with `prefix`; time.time() when it came."""
    deadline = time.monotonic() + timeout
    while True:
        line = await asyncio.wait_for(
            process.stdout.readline(), max(deadline - time.monotonic(), 0.1)
        )
        if not line:
            error = (await process.stderr.read()).decode(errors="replace").strip()
            raise RuntimeError(f"outpost ended before {prefix!r}: {error[-400:]}{_log(error)}")
        if line.decode().startswith(prefix):
            return time.time()


def _log(error: str) -> str:
    """The end of the log an 'unexpected error' points to (the run's folder is removed)."""
    found = re.search(r"written to (\S+)", error)
    if found is None or not Path(found.group(1)).exists():
        return ""
    lines = Path(found.group(1)).read_text(errors="replace").splitlines()
    return "\n" + "\n".join(lines[-40:])


@asynccontextmanager
async def _processes(*processes: Any) -> AsyncIterator[None]:
    try:
        yield
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def outpost_pair(site: Site, setup: Setup, name: str) -> PairResult:
    folder = site.folder / name
    folder.mkdir(parents=True, exist_ok=True)
    appointment, link = site.visit()
    files = {side: folder / f"{side}.trace" for side in ("clinician", "patient")}
    stats = {side: folder / f"{side}.json" for side in ("clinician", "patient")}
    patient = await _start(
        folder / "patient-home",
        files["patient"],
        setup.grain,
        setup.answer_ice,
        "patient-bot",
        "--link",
        link,
        "--stats-json",
        str(stats["patient"]),
        *(["--relay-only"] if setup.answer_ice and setup.answer_ice.relay_only else []),
    )
    async with _processes(patient):
        await _until_line(patient, "In the waiting room", START_TIMEOUT_S)
        clinician = await _start(
            site.clinician_home,
            files["clinician"],
            setup.grain,
            setup.offer_ice,
            "call",
            "--appointment",
            appointment,
            "--synthetic",
            "--duration",
            f"{setup.seconds:g}",
            "--wait",
            str(WAIT_S),
            "--stats-json",
            str(stats["clinician"]),
        )
        async with _processes(clinician):
            watch = Watch({"clinician": Target(clinician.pid), "patient": Target(patient.pid)})
            watch.start()
            try:
                t0 = await _until_line(clinician, "Patient admitted", WAIT_S + START_TIMEOUT_S)
                async with scheduled(t0, setup):
                    for process in (clinician, patient):
                        await asyncio.wait_for(process.communicate(), setup.seconds + 60)
            finally:
                samples = await watch.stop()
    records = {side: _record(stats[side]) for side in stats}
    return PairResult(
        "Outpost",
        t0,
        t0 + setup.seconds,
        _endpoint(read_trace(files["clinician"]), samples["clinician"], records["clinician"]),
        _endpoint(read_trace(files["patient"]), samples["patient"], records["patient"]),
    )


def _record(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def _endpoint(trace: Any, usage: Any, record: dict[str, Any] | None) -> Endpoint:
    first = record["summary"]["admit_to_first_video_ms"] if record else None
    return Endpoint(trace, usage, first, record=record)
