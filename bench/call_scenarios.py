"""bench/call.py's loopback scenarios: CPU and latency of a 640x480@30 two-way call, time
from admission to the first picture over repeated calls, and memory over a long call.
Every contender runs in turn (memory: at the same time) in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.call_chromium import Browsers, chromium_pair
from bench.call_figures import Video, Window, cpu, video, window
from bench.call_outpost import Site, outpost_pair
from bench.call_pairs import PairResult, Setup, bare_pair
from bench.call_procs import Usage, rss_at, rss_max_after

CONTENDERS = ("Outpost", "bare aiortc", "Chromium")
TARGET_CPU_RATIO = 1.3
TARGET_FIRST_MS = 1000.0
TARGET_GROWTH_MB = 30.0
WARM_S = 5.0
MB = 1024 * 1024


@dataclass
class Context:
    folder: Path
    site: Site
    browsers: Browsers
    seconds: float  # each measured call
    calls: int  # first-picture calls per contender
    duration: float  # the memory call
    seed: int
    grain: int  # camera grain bits on every contender's synthetic camera (call_probe.Grain)
    names: tuple[str, ...] = CONTENDERS
    _runs: int = 0

    async def run(self, contender: str, setup: Setup) -> PairResult:
        self._runs += 1
        name = f"{self._runs:03d}-{contender.split()[0].lower()}"
        if contender == "Outpost":
            return await outpost_pair(self.site, setup, name)
        if contender == "bare aiortc":
            return await bare_pair(setup, self.folder / name)
        return await chromium_pair(self.browsers, setup, self.folder / name)


@dataclass(frozen=True)
class Part:
    table: str
    verdicts: list[str]


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}: {text}"


def ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def pct(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{100 * value:.{digits}f}%"


def size(value: tuple[int, int] | None) -> str:
    return "-" if value is None else f"{value[0]}x{value[1]}"


# -- 1a. CPU and latency ------------------------------------------------------------------


ROUNDS = 2  # loopback calls per contender, in alternating order


async def loopback(ctx: Context) -> Part:
    runs: dict[str, list[tuple[float | None, float | None, Video, Video, list[int | None]]]]
    runs = {contender: [] for contender in ctx.names}
    for number in range(ROUNDS):
        for contender in ctx.names if number % 2 == 0 else tuple(reversed(ctx.names)):
            progress(f"loopback: {contender}, {ctx.seconds:g} s (round {number + 1})")
            result = await ctx.run(contender, Setup(ctx.seconds, ctx.grain))
            span = window(result, WARM_S, ctx.seconds - 2)
            runs[contender].append(
                (
                    cpu(result.offer, span),
                    cpu(result.answer, span),
                    video(result.offer, result.answer, span),
                    video(result.answer, result.offer, span),
                    [rss_at(end.usage, span.end) for end in (result.offer, result.answer)],
                )
            )
    rows, shares = [], {}
    for contender, found in runs.items():
        cpus = (_mean([run[0] for run in found]), _mean([run[1] for run in found]))
        known = [value for value in cpus if value is not None]
        shares[contender] = sum(known) / len(known) if known else None
        there = _pooled([run[2] for run in found])
        back = _pooled([run[3] for run in found])
        rss = found[-1][4]
        rows.append((contender, cpus, there, back, rss))
    bare = shares.get("bare aiortc")
    lines = [
        f"### 640x480@30 two-way on loopback ({ROUNDS} calls of {ctx.seconds:g} s each, "
        f"in alternating order, measured from {WARM_S:g} s to 2 s before the end)",
        "",
        "| contender | CPU clinician | CPU patient | per endpoint | x bare aiortc "
        "| latency clinician->patient p50 / p95 ms | patient->clinician p50 / p95 ms "
        "| fps at patient / clinician | RSS clinician / patient MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for contender, cpus, there, back, rss in rows:
        share = shares[contender]
        ratio = "-" if share is None or not bare else f"{share / bare:.2f}"
        lines.append(
            f"| {contender} | {pct(cpus[0], 1)} | {pct(cpus[1], 1)} | {pct(share, 1)} | {ratio} "
            f"| {ms(there.latency_p50)} / {ms(there.latency_p95)} "
            f"| {ms(back.latency_p50)} / {ms(back.latency_p95)} "
            f"| {there.fps:.1f} / {back.fps:.1f} "
            f"| {' / '.join('-' if r is None else f'{r / MB:.0f}' for r in rss)} |"
        )
    lines.append("")
    lines.append(
        "CPU: process CPU time (all threads; Chromium: the whole browser, one per endpoint) "
        "over wall time, 100% = one core, the mean of the calls. Latency (the mean of the "
        "calls' percentiles): synthetic frame drawn -> read back after "
        "decoding, on one clock. RSS: Chromium's is the sum over the browser's processes "
        "(shared pages counted in each)."
    )
    outpost = shares.get("Outpost")
    verdicts = []
    if outpost is not None and bare:
        verdicts.append(
            verdict(
                outpost / bare <= TARGET_CPU_RATIO,
                f"CPU per endpoint {100 * outpost:.1f}% vs bare aiortc {100 * bare:.1f}% = "
                f"{outpost / bare:.2f}x (target <= {TARGET_CPU_RATIO:g}x)",
            )
        )
    return Part("\n".join(lines), verdicts)


def _mean(values: list[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


def _pooled(found: list[Video]) -> Video:
    """The calls' figures averaged (percentiles as the mean of each call's)."""
    return Video(
        frames=sum(item.frames for item in found),
        fps=statistics.mean(item.fps for item in found),
        low_fps=min(item.low_fps for item in found),
        size=found[-1].size,
        latency_p50=_mean([item.latency_p50 for item in found]),
        latency_p95=_mean([item.latency_p95 for item in found]),
    )


# -- 1b. admission to first picture -------------------------------------------------------


async def first_picture(ctx: Context) -> Part:
    lines = [
        f"### time to the first remote picture on loopback ({ctx.calls} calls each)",
        "",
        "| contender | calls | clinician p50 ms | clinician range | patient p50 ms "
        "| patient range |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for contender in ctx.names:
        progress(f"first picture: {contender}, {ctx.calls} calls")
        sides: tuple[list[float], list[float]] = ([], [])
        for _ in range(ctx.calls):
            result = await ctx.run(contender, Setup(3.0, ctx.grain))
            for values, end in zip(sides, (result.offer, result.answer), strict=True):
                if end.first_video_ms is not None:
                    values.append(end.first_video_ms)
        cells = []
        for values in sides:
            cells += [ms(_median(values)), _range(values)]
        lines.append(f"| {contender} | {ctx.calls} | {' | '.join(cells)} |")
        if contender == "Outpost":
            worst = max((_median(v) or float("inf")) for v in sides)
            verdicts.append(
                verdict(
                    worst <= TARGET_FIRST_MS and all(len(v) == ctx.calls for v in sides),
                    f"admission to first remote picture p50 {ms(_median(sides[0]))} ms "
                    f"(clinician), {ms(_median(sides[1]))} ms (patient) over "
                    f"{ctx.calls} calls (target <= {TARGET_FIRST_MS:.0f} ms)",
                )
            )
    lines.append("")
    lines.append(
        "Outpost: from the admission (which sends the first offer) to the first decoded "
        "frame, from each side's record; bare aiortc and Chromium: from starting the offer "
        "(clinician) or receiving it (patient), the offer and answer carried by the bench."
    )
    return Part("\n".join(lines), verdicts)


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _range(values: list[float]) -> str:
    return f"{min(values):.0f}-{max(values):.0f}" if values else "-"


# -- 5. memory over a long call -----------------------------------------------------------


async def memory(ctx: Context) -> Part:
    # Chromium sits this one out: two more browsers for half an hour would overload two
    # cores, and its memory is no target.
    names = [contender for contender in ctx.names if contender != "Chromium"]
    progress(f"memory: {', '.join(names)} at the same time, {ctx.duration:g} s")
    results = await asyncio.gather(
        *(ctx.run(contender, Setup(ctx.duration, ctx.grain)) for contender in names)
    )
    lines = [
        f"### resident memory over a {ctx.duration / 60:g}-minute loopback call "
        f"({' and '.join(names)} at the same time)",
        "",
        "| contender | endpoint | RSS at 1 min MB | highest after MB | at the end MB "
        "| growth after 1 min MB | fps received (last minute) | RSS every 5 min MB |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    growth: dict[str, float] = {}
    for result in results:
        minute = result.t0 + 60
        for label, end, other in (
            ("clinician", result.offer, result.answer),
            ("patient", result.answer, result.offer),
        ):
            first, peak = rss_at(end.usage, minute), rss_max_after(end.usage, minute)
            last = rss_at(end.usage, result.end - 5)
            grew = None if first is None or peak is None else (peak - first) / MB
            if result.contender == "Outpost" and grew is not None:
                growth[label] = grew
            rate = video(other, end, Window(result.end - 60, result.end)).fps
            lines.append(
                f"| {result.contender} | {label} | {_mb(first)} | {_mb(peak)} | {_mb(last)} "
                f"| {'-' if grew is None else f'{grew:+.1f}'} | {rate:.1f} "
                f"| {_series(end.usage, result.t0, result.end)} |"
            )
    verdicts = []
    if ctx.duration > 60 and len(growth) == 2:
        worst = max(growth.values())
        verdicts.append(
            verdict(
                worst <= TARGET_GROWTH_MB,
                f"resident memory grew at most {worst:.1f} MB after the first minute of a "
                f"{ctx.duration / 60:g}-minute call (target <= {TARGET_GROWTH_MB:g} MB)",
            )
        )
    return Part("\n".join(lines), verdicts)


def _series(usage: list[Usage], t0: float, end: float) -> str:
    marks = [t0 + 60 + 300 * step for step in range(int((end - t0 - 60) // 300) + 1)]
    return ", ".join(_mb(rss_at(usage, mark)) for mark in [*marks, end - 5])


def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / MB:.0f}"
