"""Playing the far end's audio: the `PlayoutBuffer` behind a lock, and who pulls from it.

    remote audio track -> RemoteMedia (runtime loop) -> Playout.push
    speaker (any thread) -> Playout.read(10 ms) -> the samples it plays
                                                -> FarEndReference (the echo canceller)

A sound device pulls: the UI's Qt `QAudioSink` (later) calls `read_bytes` from its own
thread; headless calls (`outpost call`, tests) run `play_to_nothing`, a task that pulls in
real time and throws the audio away, so the buffer's figures are those a speaker would
give. What the echo canceller hears as "far end" is what was handed to the speaker,
concealment included, not what arrived.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import av
import numpy as np

from outpost.media.audio_processing import CHUNK_SAMPLES, SAMPLE_RATE, Samples, as_samples
from outpost.media.playout_buffer import CHUNK_MS, PlayoutBuffer, PlayoutCounts
from outpost.media.processed_track import FarEndReference, mono_resampler, to_mono_s16

PULL_PERIOD_S = 0.02  # a headless "sound card" wakes every 20 ms for two chunks
MAX_PULL_BEHIND_CHUNKS = 20  # a loop stalled longer than 200 ms is a speaker that skipped


class Playout:
    """Thread-safe: `push` on the runtime loop, `read` from the speaker's thread."""

    def __init__(
        self,
        reference: FarEndReference | None = None,
        buffer: PlayoutBuffer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._buffer = buffer or PlayoutBuffer()
        self._reference = reference
        self._clock = clock
        self._lock = threading.Lock()
        self._resampler = mono_resampler()

    def push(self, frame: av.AudioFrame, stream: int, arrival: float | None = None) -> None:
        """A decoded far-end frame (its `pts` is the RTP timestamp) from `stream` (the
        peer connection's session)."""
        samples = _mono(frame, self._resampler)
        timestamp = _timestamp(frame)
        if timestamp is None:
            return
        with self._lock:
            self._buffer.push(
                samples, timestamp, self._clock() if arrival is None else arrival, stream
            )

    def read(self, ms: int = CHUNK_MS) -> Samples:
        """The next `ms` (a multiple of 10) of 48 kHz mono int16 audio for the speaker."""
        chunks = max(1, ms // CHUNK_MS)
        with self._lock:
            now = self._clock()
            out = np.concatenate([self._buffer.read(now) for _ in range(chunks)])
            if self._reference is not None:
                self._reference.push(out)
        return out

    def read_bytes(self, ms: int = CHUNK_MS) -> bytes:
        """As `read`, little-endian signed 16-bit mono at 48 kHz (a `QAudioFormat` of
        Int16, 1 channel, 48000 Hz)."""
        return self.read(ms).astype("<i2").tobytes()

    def counts(self) -> PlayoutCounts:
        with self._lock:
            return self._buffer.counts()


def _mono(frame: av.AudioFrame, resampler: av.AudioResampler) -> Samples:
    """48 kHz mono int16; aiortc's Opus decoder gives packed s16 stereo at 48 kHz, which is
    down-mixed directly (no resampler state to carry across gaps)."""
    if frame.format.name == "s16" and frame.sample_rate == SAMPLE_RATE:
        channels = len(frame.layout.channels)
        interleaved = frame.to_ndarray().reshape(-1, channels).astype(np.int32)
        return as_samples(interleaved.sum(axis=1) // channels)
    return to_mono_s16(frame, resampler)


def _timestamp(frame: av.AudioFrame) -> int | None:
    if frame.pts is None:
        return None
    if frame.time_base is None:
        return int(frame.pts)
    return int(frame.pts * frame.time_base * SAMPLE_RATE)


async def play_to_nothing(playout: Playout, period_s: float = PULL_PERIOD_S) -> None:
    """Pull `playout` in real time, as a sound card would, and discard the audio."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    done = 0
    chunk_s = CHUNK_SAMPLES / SAMPLE_RATE
    while True:
        due = int((loop.time() - start) / chunk_s)
        done = max(done, due - MAX_PULL_BEHIND_CHUNKS)
        if due > done:
            playout.read((due - done) * CHUNK_MS)
            done = due
        await asyncio.sleep(max(0.0, start + done * chunk_s + period_s - loop.time()))
