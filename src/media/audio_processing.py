"""Echo cancellation, noise suppression and gain control for the microphone (WebRTC's APM).

Wraps `livekit.rtc.AudioProcessingModule` (WebRTC's AEC3, noise suppressor, gain
controller and high-pass filter, DESIGN 5) behind a small typed API on 48 kHz mono int16
samples. The module only takes exact 10 ms frames; `AudioProcessor` accepts any block
size (aiortc hands out 20 ms frames) and keeps the remainder for the next call.

Order per 10 ms: the far end (what the speaker played) goes in with `process_reverse`,
the microphone with `process`. AEC3 finds the echo delay itself (tested 40-300 ms with no
hint); `set_stream_delay_ms` passes a known device delay on as a hint.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from livekit import rtc

SAMPLE_RATE = 48_000
CHUNK_SAMPLES = SAMPLE_RATE // 100  # the module's fixed 10 ms frame

Samples = npt.NDArray[np.int16]


@dataclass(frozen=True)
class ProcessingOptions:
    """Which stages run on the microphone; all on is what browsers do for calls."""

    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain_control: bool = True
    high_pass_filter: bool = True


@dataclass(frozen=True)
class ProcessorCounts:
    """How much audio went through, in 10 ms chunks."""

    near_chunks: int
    far_chunks: int


def as_samples(values: npt.ArrayLike) -> Samples:
    """A flat int16 array; floats are rounded and clipped to the int16 range."""
    array = np.asarray(values)
    if array.dtype != np.int16:
        array = np.clip(np.rint(array), -32768, 32767).astype(np.int16)
    flat: Samples = array.reshape(-1)
    return flat


class ChunkBuffer:
    """Cuts a stream of sample blocks of any size into 10 ms chunks; holds < 10 ms."""

    def __init__(self, chunk: int = CHUNK_SAMPLES) -> None:
        self._chunk = chunk
        self._rest: Samples = np.zeros(0, dtype=np.int16)

    @property
    def pending(self) -> int:
        """Samples waiting for the rest of their chunk."""
        return len(self._rest)

    def split(self, samples: Samples) -> list[Samples]:
        joined = np.concatenate((self._rest, samples)) if len(self._rest) else samples
        whole = len(joined) - len(joined) % self._chunk
        self._rest = joined[whole:].copy()
        return [joined[start : start + self._chunk] for start in range(0, whole, self._chunk)]


class AudioProcessor:
    """One call's microphone processing state (AEC3 adapts to one echo path: one per call)."""

    def __init__(self, options: ProcessingOptions | None = None) -> None:
        self.options = options or ProcessingOptions()
        self._apm = rtc.AudioProcessingModule(
            echo_cancellation=self.options.echo_cancellation,
            noise_suppression=self.options.noise_suppression,
            high_pass_filter=self.options.high_pass_filter,
            auto_gain_control=self.options.auto_gain_control,
        )
        self._near = ChunkBuffer()
        self._far = ChunkBuffer()
        self._delay_ms = 0
        self._near_chunks = 0
        self._far_chunks = 0

    @property
    def counts(self) -> ProcessorCounts:
        return ProcessorCounts(self._near_chunks, self._far_chunks)

    @property
    def stream_delay_ms(self) -> int:
        return self._delay_ms

    def set_stream_delay_ms(self, delay_ms: int) -> None:
        """Hint: time from handing far-end audio to the speaker until its echo is processed."""
        self._delay_ms = max(0, min(int(delay_ms), 1000))

    def process_reverse(self, samples: npt.ArrayLike) -> None:
        """Analyse far-end audio (what the speaker plays now); any length, 48 kHz mono."""
        for chunk in self._far.split(as_samples(samples)):
            self.process_reverse_chunk(chunk)

    def process_reverse_chunk(self, chunk: Samples) -> None:
        """Analyse exactly 10 ms of far-end audio."""
        frame = rtc.AudioFrame(_chunk_bytes(chunk), SAMPLE_RATE, 1, CHUNK_SAMPLES)
        self._apm.process_reverse_stream(frame)
        self._far_chunks += 1

    def process(self, samples: npt.ArrayLike) -> Samples:
        """Clean microphone audio of any length; returns the whole 10 ms chunks done so far.

        Blocks that are multiples of 10 ms come back at once, same length; otherwise up to
        10 ms waits here for the next call (`pending_near` samples).
        """
        chunks = [self.process_chunk(chunk) for chunk in self._near.split(as_samples(samples))]
        if not chunks:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(chunks)

    @property
    def pending_near(self) -> int:
        return self._near.pending

    def process_chunk(self, chunk: Samples) -> Samples:
        """Clean exactly 10 ms of microphone audio."""
        frame = rtc.AudioFrame(_chunk_bytes(chunk), SAMPLE_RATE, 1, CHUNK_SAMPLES)
        if self.options.echo_cancellation:
            # WebRTC wants the delay before every capture frame when AEC is on, and only then.
            self._apm.set_stream_delay_ms(self._delay_ms)
        self._apm.process_stream(frame)
        self._near_chunks += 1
        return np.frombuffer(frame.data, dtype=np.int16).copy()


def _chunk_bytes(chunk: Samples) -> bytearray:
    if len(chunk) != CHUNK_SAMPLES:
        raise ValueError(f"a chunk is {CHUNK_SAMPLES} samples, got {len(chunk)}")
    return bytearray(chunk.astype(np.int16, copy=False).tobytes())
