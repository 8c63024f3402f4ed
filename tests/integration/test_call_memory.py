"""Memory stays bounded over a 5-minute call: `outpost call` and `outpost patient-bot` as
real processes, 640x480 at 30 fps both ways through a real `outpost server`; the resident
memory of each is read every 10 s, and after the first minute of the call it may grow by
at most 30 MB (the issue's bound; `bench/call.py` runs the 30-minute version).
"""

from __future__ import annotations

import contextlib
import json
import queue
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.cli_helpers import login, run_outpost, start_outpost
from tests.server_process import RunningServer
from tests.signaling_client import demo_links

CALL_S = 300
SAMPLE_S = 10.0
WARM_UP_S = 60.0
MAX_GROWTH_MB = 30.0


@pytest.fixture(scope="module")
def clinician(demo_server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = Path(tmp_path_factory.mktemp("clinician")) / "home"
    login(home, demo_server)
    result = run_outpost(home, "sync")
    assert result.returncode == 0, result.stderr
    return home


def rss_mb(pid: int) -> float | None:
    """Resident memory of `pid` (VmRSS), None once it is gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


@dataclass
class Lines:
    """A process's stdout, read on a thread, each line with when it came."""

    process: subprocess.Popen[str]
    lines: queue.Queue[tuple[float, str]] = field(default_factory=queue.Queue)
    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put((time.monotonic(), line.rstrip("\n")))

    def wait_for(self, prefix: str, timeout: float) -> float:
        deadline = time.monotonic() + timeout
        while True:
            at, line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            self.seen.append(line)
            if line.startswith(prefix):
                return at


@dataclass(frozen=True)
class Growth:
    """RSS samples of one process: (seconds into the call, MB)."""

    series: list[tuple[float, float]]

    def peak(self, start: float, end: float = float("inf")) -> float:
        return max(mb for t, mb in self.series if start <= t < end)

    @property
    def after_warm_up_mb(self) -> float:
        """How much higher memory went after the first minute than within it. RSS swings
        by 50 MB from second to second (frames allocated and freed), so peaks are
        compared, not two single readings."""
        return self.peak(WARM_UP_S) - self.peak(SAMPLE_S, WARM_UP_S)


@pytest.mark.slow_call
@pytest.mark.timeout(CALL_S + 180)
def test_memory_is_bounded_over_a_5_minute_call(
    demo_server: RunningServer, clinician: Path, tmp_path: Path
) -> None:
    appointment, link = demo_links(demo_server)[0]
    bot = start_outpost(tmp_path / "patient", "patient-bot", "--link", link)
    call = start_outpost(
        clinician,
        "call",
        "--appointment",
        appointment,
        "--synthetic",
        "--duration",
        str(CALL_S),
        "--wait",
        "60",
        "--stats-json",
        str(tmp_path / "call.json"),
    )
    series: dict[str, list[tuple[float, float]]] = {"call": [], "patient-bot": []}
    try:
        started = Lines(call).wait_for("Patient admitted", 90)
        while call.poll() is None:
            for name, process in (("call", call), ("patient-bot", bot)):
                mb = rss_mb(process.pid)
                if mb is not None and process.poll() is None:
                    series[name].append((time.monotonic() - started, mb))
            with contextlib.suppress(subprocess.TimeoutExpired):
                call.wait(timeout=SAMPLE_S)  # the next sample, or the call's end
        bot.wait(timeout=30)
    finally:
        for process in (call, bot):
            if process.poll() is None:
                process.kill()
        outputs = {name: p.communicate() for name, p in (("call", call), ("bot", bot))}
    assert call.returncode == 0, outputs["call"]
    assert bot.returncode == 0, outputs["bot"]
    summary = json.loads((tmp_path / "call.json").read_text())["summary"]
    assert summary["media_flowed_both_ways"]
    assert summary["video_frames_received"] >= 0.8 * 30 * CALL_S
    growth = {name: Growth(points) for name, points in series.items()}
    for name, measured in growth.items():
        rounded = [(round(t), round(mb, 1)) for t, mb in measured.series]
        print(f"\n{name} RSS (s, MB): {rounded}")
        print(f"{name}: +{measured.after_warm_up_mb:.1f} MB after the first minute")
    for name, measured in growth.items():
        assert len(measured.series) >= CALL_S / SAMPLE_S - 2, name
        assert measured.after_warm_up_mb <= MAX_GROWTH_MB, (name, measured.series)
