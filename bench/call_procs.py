"""CPU time and resident memory of the benchmark's endpoints, read from /proc.

An endpoint is one process (Outpost's CLI commands, a bare aiortc peer) or a whole
process group (a Chromium browser with its renderer, GPU, network and audio helpers).
`Watch` samples each endpoint once a second while a call runs; `cpu_share` turns the
samples into CPU time over wall time for a window of the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Usage:
    at: float  # time.time()
    cpu_s: float  # user + system, all threads
    rss: int  # bytes


@dataclass(frozen=True)
class Target:
    pid: int
    group: bool = False  # the whole process group led by pid (a browser)


def _stat_fields(pid: str) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _members(target: Target) -> Iterator[list[str]]:
    if not target.group:
        fields = _stat_fields(str(target.pid))
        if fields is not None:
            yield fields
        return
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(entry)
            if fields is not None and int(fields[2]) == target.pid:
                yield fields


def usage(target: Target) -> Usage:
    cpu, rss = 0.0, 0
    for fields in _members(target):
        cpu += (int(fields[11]) + int(fields[12])) / TICKS
        rss += int(fields[21]) * PAGE
    return Usage(time.time(), cpu, rss)


@dataclass
class Watch:
    """Samples targets every `period` seconds until stopped."""

    targets: dict[str, Target]
    period: float = 1.0
    samples: dict[str, list[Usage]] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.samples = {name: [] for name in self.targets}
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> dict[str, list[Usage]]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()
        return self.samples

    def _sample(self) -> None:
        for name, target in self.targets.items():
            self.samples[name].append(usage(target))

    async def _run(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.period)


def _nearest(samples: list[Usage], at: float) -> Usage:
    return min(samples, key=lambda sample: abs(sample.at - at))


def cpu_share(samples: list[Usage], start: float, end: float) -> float | None:
    """CPU seconds per wall second between the samples nearest `start` and `end`."""
    if len(samples) < 2:
        return None
    first, last = _nearest(samples, start), _nearest(samples, end)
    if last.at - first.at < 1.0:
        return None
    return (last.cpu_s - first.cpu_s) / (last.at - first.at)


def rss_at(samples: list[Usage], at: float) -> int | None:
    return _nearest(samples, at).rss if samples else None


def rss_max_after(samples: list[Usage], at: float) -> int | None:
    later = [sample.rss for sample in samples if sample.at >= at]
    return max(later) if later else None
