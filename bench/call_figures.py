"""Figures from one contender's call (call_pairs.PairResult) over a window of it.

- Video latency: capture (the sender drew frame n) to decode (the receiver read n back),
  both on CLOCK_REALTIME of this machine.
- Video rate and size: frames the receiver decoded per second; the size most of them had.
- Audio played: Outpost's own record (the engine's per-second `audio_frames_played` /
  `audio_frames_expected`: what reached its speaker, once it has a playout buffer); bare
  aiortc: 20 ms frames that came out of aiortc per 20 ms of wall time; Chromium: the
  share of played-out samples that were not concealed (`concealedSamples` /
  `totalSamplesReceived`).
- Audio delay on the receiving side, where loss can add it (the emulated network's delay
  is fixed): Outpost, the wait in its playout buffer (`audio_delay_ms` of its record; it
  takes aiortc's packets as they arrive); bare aiortc, arrival time less RTP media time of
  each frame as aiortc hands it over (its jitter buffer included; relative, and the
  sender's timestamps follow its camera clock, skips included); Chromium, NetEq's
  jitter-buffer delay (`jitterBufferDelay` / `jitterBufferEmittedCount` per second).
  Outpost's own sender stamps audio by samples sent, so after a stall of its loop the
  arrival-less-media-time figure drifts by the audio never captured: it is not used.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from bench.call_pairs import Endpoint, PairResult
from bench.call_procs import cpu_share

AUDIO_FRAME_S = 0.02


@dataclass(frozen=True)
class Window:
    start: float  # time.time()
    end: float

    @property
    def seconds(self) -> float:
        return max(self.end - self.start, 1e-9)

    def holds(self, at: float) -> bool:
        return self.start <= at < self.end


def window(result: PairResult, start_s: float, end_s: float | None = None) -> Window:
    return Window(result.t0 + start_s, result.end if end_s is None else result.t0 + end_s)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(round(q / 100 * (len(ordered) - 1)), len(ordered) - 1)]


@dataclass(frozen=True)
class Video:
    frames: int
    fps: float
    low_fps: float  # the 10th percentile of the per-second rates
    size: tuple[int, int] | None  # the size most frames had
    latency_p50: float | None  # ms
    latency_p95: float | None


def video(sender: Endpoint, receiver: Endpoint, span: Window) -> Video:
    arrivals = [item for item in receiver.trace.received if span.holds(item.at)]
    latencies = [
        (item.at - sender.trace.sent[item.number]) * 1000
        for item in arrivals
        if item.number in sender.trace.sent
    ]
    per_second = Counter(int(item.at - span.start) for item in arrivals)
    rates = [float(per_second.get(second, 0)) for second in range(int(span.seconds))]
    sizes = Counter((item.width, item.height) for item in arrivals)
    return Video(
        frames=len(arrivals),
        fps=len(arrivals) / span.seconds,
        low_fps=percentile(rates, 10) or 0.0,
        size=sizes.most_common(1)[0][0] if sizes else None,
        latency_p50=percentile(latencies, 50),
        latency_p95=percentile(latencies, 95),
    )


@dataclass(frozen=True)
class Audio:
    played: float | None  # fraction
    longest_gap_s: float | None  # aiortc: between frames coming out; Chromium: concealed


def _record_samples(endpoint: Endpoint, t0: float, span: Window) -> list[dict[str, Any]]:
    record = endpoint.record or {}
    return [
        sample
        for sample in record.get("samples", [])
        if span.holds(t0 + float(sample["t_s"]) - 0.5)  # a sample covers the second before
    ]


def audio(endpoint: Endpoint, t0: float, span: Window) -> Audio:
    if endpoint.browser_stats:
        return _browser_audio(endpoint.browser_stats, span)
    arrivals = [item for item in endpoint.trace.audio if span.holds(item.at)]
    times = [span.start] + [item.at for item in arrivals] + [span.end]
    gap = max(b - a for a, b in itertools.pairwise(times))
    if endpoint.record is not None:
        samples = _record_samples(endpoint, t0, span)
        expected = sum(int(sample["audio_frames_expected"] or 0) for sample in samples)
        played = sum(int(sample["audio_frames_played"] or 0) for sample in samples)
        return Audio(min(played / expected, 1.0) if expected else None, gap)
    seconds = sum(item.samples / item.rate for item in arrivals)
    return Audio(min(seconds / span.seconds, 1.0), gap)


def _browser_audio(stats: list[dict[str, Any]], span: Window) -> Audio:
    inside = [item for item in stats if item.get("audio") and span.holds(item["at"] / 1000)]
    if len(inside) < 2:
        return Audio(None, None)
    first, last = inside[0]["audio"], inside[-1]["audio"]
    samples = last["samples"] - first["samples"]
    concealed = last["concealed"] - first["concealed"]
    worst = max(
        (b["audio"]["concealed"] - a["audio"]["concealed"]) / 48_000
        for a, b in itertools.pairwise(inside)
    )
    return Audio(1 - concealed / samples if samples else None, worst)


def audio_delay(endpoint: Endpoint, t0: float) -> dict[int, float]:
    """Second of the call -> the receiving side's audio buffering delay in ms (see the
    module's docstring)."""
    if endpoint.browser_stats:
        series: dict[int, float] = {}
        stats = [item for item in endpoint.browser_stats if item.get("audio")]
        for a, b in itertools.pairwise(stats):
            emitted = b["audio"]["emitted"] - a["audio"]["emitted"]
            if emitted > 0:
                delay = (b["audio"]["jitterDelay"] - a["audio"]["jitterDelay"]) / emitted
                series[int(b["at"] / 1000 - t0)] = delay * 1000
        return series
    if endpoint.record is not None:
        return {
            round(float(sample["t_s"])) - 1: float(sample["audio_delay_ms"])
            for sample in endpoint.record.get("samples", [])
            if sample.get("audio_delay_ms") is not None
        }
    seconds: defaultdict[int, list[float]] = defaultdict(list)
    for item in endpoint.trace.audio:
        if item.pts >= 0:
            seconds[int(item.at - t0)].append((item.at - item.pts / item.rate) * 1000)
    return {second: statistics.median(values) for second, values in seconds.items()}


def settled_after(
    series: dict[int, float], start_value: float, from_s: int, end_s: int, tolerance: float
) -> int | None:
    """Seconds after `from_s` from which every later value up to `end_s` stays within
    `tolerance` of `start_value`; None if that never happens."""
    seconds = [second for second in sorted(series) if from_s <= second < end_s]
    settled: int | None = None
    for second in seconds:
        if abs(series[second] - start_value) <= tolerance:
            settled = second if settled is None else settled
        else:
            settled = None
    return None if settled is None else settled - from_s


def cpu(endpoint: Endpoint, span: Window) -> float | None:
    return cpu_share(endpoint.usage, span.start, span.end)


def step_share(endpoint: Endpoint, t0: float, span: Window, step: str) -> float:
    """Outpost: the share of the window's seconds this end's ladder spent at `step`."""
    steps = [str(sample.get("ladder_step")) for sample in _record_samples(endpoint, t0, span)]
    return steps.count(step) / len(steps) if steps else 0.0


def ladder_share(result: PairResult, span: Window) -> str:
    """Outpost's clinician (the offering side): the share of the window's seconds at each
    ladder step."""
    samples = _record_samples(result.offer, result.t0, span)
    steps = Counter(str(sample.get("ladder_step")) for sample in samples)
    total = sum(steps.values())
    return ", ".join(f"{step} {100 * n / total:.0f}%" for step, n in steps.most_common()) or "-"
