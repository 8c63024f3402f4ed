"""The microphone's level bar and the echo check's ears: one task drains the microphone
track, measures each frame and, while asked to, keeps a copy of the audio.

    microphone track -> MicrophoneMonitor (runtime loop) -> LevelMeter -> level_db() (any thread)
                                                          -> Recording (the echo check)

Levels are dBFS of the RMS over the last `WINDOW_MS` (0 dBFS: a full-scale square wave),
`SILENCE_DB` for digital silence or when nothing is open. Everything held is bounded: the
meter keeps 100 ms of figures, a recording stops growing at its `max_s`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import threading

import av
import numpy as np
from aiortc.mediastreams import MediaStreamTrack

from outpost.core.tech_check import SILENCE_DB
from outpost.media.audio_processing import SAMPLE_RATE, Samples
from outpost.media.processed_track import mono_resampler, to_mono_s16
from outpost.media.track_drain import TrackDrain

WINDOW_MS = 100
FULL_SCALE = 32768.0


def dbfs(mean_square: float) -> float:
    """A mean square of int16 samples in dBFS, `SILENCE_DB` at the bottom."""
    if mean_square <= 0:
        return SILENCE_DB
    return max(SILENCE_DB, 10 * math.log10(mean_square / FULL_SCALE**2))


class LevelMeter:
    """The loudness of the last 100 ms and the loudest 100 ms since `reset_loudest`.
    `add` on one thread; the readings from any thread."""

    def __init__(self, window_ms: int = WINDOW_MS) -> None:
        self._window = SAMPLE_RATE * window_ms // 1000
        self._blocks: collections.deque[tuple[float, int]] = collections.deque()
        self._sum = 0.0
        self._count = 0
        self._lock = threading.Lock()
        self._level = SILENCE_DB
        self._loudest = SILENCE_DB
        self.samples = 0  # heard since the meter was made

    def add(self, samples: Samples) -> None:
        if len(samples) == 0:
            return
        energy = float(np.sum(np.square(samples, dtype=np.float64)))
        self._blocks.append((energy, len(samples)))
        self._sum += energy
        self._count += len(samples)
        while self._blocks and self._count - self._blocks[0][1] >= self._window:
            old, size = self._blocks.popleft()
            self._sum -= old
            self._count -= size
        level = dbfs(self._sum / self._count)
        with self._lock:
            self._level = level
            if self._count >= self._window:
                self._loudest = max(self._loudest, level)
        self.samples += len(samples)

    def level_db(self) -> float:
        with self._lock:
            return self._level

    def loudest_db(self) -> float:
        with self._lock:
            return self._loudest

    def reset_loudest(self) -> None:
        with self._lock:
            self._loudest = SILENCE_DB


class Recording:
    """Microphone audio from the moment it was asked for, up to `max_s`."""

    def __init__(self, started_at: float, max_s: float) -> None:
        self.started_at = started_at  # loop time when it was asked for
        self._parts: list[Samples] = []
        self._limit = round(max_s * SAMPLE_RATE)
        self.samples = 0

    def add(self, samples: Samples) -> None:
        if self.samples < self._limit:
            self._parts.append(samples[: self._limit - self.samples])
            self.samples += len(self._parts[-1])

    def audio(self) -> Samples:
        return np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.int16)


class MicrophoneMonitor(TrackDrain):
    """Drains a microphone track for as long as it runs; `stop` ends both. Runtime loop."""

    def __init__(self, track: MediaStreamTrack) -> None:
        self.meter = LevelMeter()
        self.recording: Recording | None = None
        self._resampler = mono_resampler()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        super().__init__(track, "microphone-monitor")

    def record(self, max_s: float) -> Recording:
        """Keep the audio from now on (replacing any earlier recording)."""
        self.recording = Recording(asyncio.get_running_loop().time(), max_s)
        return self.recording

    async def heard(self, seconds: float, timeout_s: float) -> bool:
        """Wait until `seconds` more of audio have come in (False if not within the time)."""
        wanted = self.meter.samples + round(seconds * SAMPLE_RATE)
        future = asyncio.get_running_loop().create_future()
        waiter = (wanted, future)
        self._waiters.append(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(future, timeout_s)
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
        return self.meter.samples >= wanted

    def take(self, frame: av.VideoFrame | av.AudioFrame) -> None:
        if not isinstance(frame, av.AudioFrame):
            raise TypeError("a microphone gives audio frames")
        samples = to_mono_s16(frame, self._resampler)
        self.meter.add(samples)
        if self.recording is not None:
            self.recording.add(samples)
        self._wake()

    def _wake(self) -> None:
        for waiter in [w for w in self._waiters if w[0] <= self.meter.samples]:
            self._waiters.remove(waiter)
            if not waiter[1].done():
                waiter[1].set_result(None)
