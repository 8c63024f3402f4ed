"""The microphone track as sent: echo-cancelled against what the speaker played.

`FarEndReference` is the bounded queue between audio playback and the microphone path:
playback pushes each block as it hands it to the speaker; `ProcessedAudioTrack` takes one
10 ms chunk of it per 10 ms of microphone audio (silence when the speaker played
nothing), so both streams advance on the same clock and the APM sees a steady delay.
"""

from __future__ import annotations

import collections
import fractions
from dataclasses import dataclass

import av
import numpy as np
from aiortc import MediaStreamTrack

from outpost.media.audio_processing import (
    CHUNK_SAMPLES,
    SAMPLE_RATE,
    AudioProcessor,
    ChunkBuffer,
    Samples,
    as_samples,
)

TIME_BASE = fractions.Fraction(1, SAMPLE_RATE)
DEFAULT_REFERENCE_MS = 500


@dataclass(frozen=True)
class ReferenceCounts:
    """Far-end queue health: dropped chunks mean playback ran ahead of the microphone."""

    queued_chunks: int
    dropped_chunks: int
    silent_chunks: int


def to_mono_s16(frame: av.AudioFrame, resampler: av.AudioResampler) -> Samples:
    """48 kHz mono int16 samples of an audio frame of any format, layout and rate."""
    parts = [as_samples(out.to_ndarray()) for out in resampler.resample(frame)]
    if not parts:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(parts)


def mono_resampler() -> av.AudioResampler:
    return av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)


class FarEndReference:
    """Bounded FIFO of far-end audio in 10 ms chunks; the oldest is dropped when full."""

    def __init__(self, max_ms: int = DEFAULT_REFERENCE_MS) -> None:
        self._chunks: collections.deque[Samples] = collections.deque(maxlen=max(1, max_ms // 10))
        self._splitter = ChunkBuffer()
        self._resampler = mono_resampler()
        self._dropped = 0
        self._silent = 0

    @property
    def counts(self) -> ReferenceCounts:
        return ReferenceCounts(len(self._chunks), self._dropped, self._silent)

    def push(self, audio: av.AudioFrame | Samples) -> None:
        """Queue what the speaker is about to play (a frame, or 48 kHz mono int16 samples)."""
        samples = to_mono_s16(audio, self._resampler) if isinstance(audio, av.AudioFrame) else audio
        for chunk in self._splitter.split(as_samples(samples)):
            if len(self._chunks) == self._chunks.maxlen:
                self._dropped += 1
            self._chunks.append(chunk)

    def pop_chunk(self) -> Samples:
        """The next 10 ms the speaker played, or silence if it played nothing."""
        if self._chunks:
            return self._chunks.popleft()
        self._silent += 1
        return np.zeros(CHUNK_SAMPLES, dtype=np.int16)


class ProcessedAudioTrack(MediaStreamTrack):
    """Wraps a microphone track; yields its audio cleaned by an `AudioProcessor`.

    Output: 48 kHz mono s16 frames holding the whole 10 ms chunks of each input frame
    (20 ms in, 20 ms out); timestamps count output samples from zero.
    """

    kind = "audio"

    def __init__(
        self,
        source: MediaStreamTrack,
        reference: FarEndReference,
        processor: AudioProcessor | None = None,
    ) -> None:
        super().__init__()
        self._source = source
        self.reference = reference
        self.processor = processor or AudioProcessor()
        self._resampler = mono_resampler()
        self._shape: tuple[str, str, int] | None = None  # the source's format, layout, rate
        self._splitter = ChunkBuffer()
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        while True:
            frame = await self._source.recv()
            if not isinstance(frame, av.AudioFrame):
                raise TypeError("ProcessedAudioTrack needs an audio source")
            shape = (frame.format.name, frame.layout.name, frame.sample_rate)
            if shape != self._shape:  # another microphone, switched mid-call
                self._shape, self._resampler = shape, mono_resampler()
            cleaned = [
                self._process(chunk)
                for chunk in self._splitter.split(to_mono_s16(frame, self._resampler))
            ]
            if cleaned:
                return self._frame(np.concatenate(cleaned))

    def stop(self) -> None:
        super().stop()
        self._source.stop()

    def _process(self, chunk: Samples) -> Samples:
        self.processor.process_reverse_chunk(self.reference.pop_chunk())
        return self.processor.process_chunk(chunk)

    def _frame(self, samples: Samples) -> av.AudioFrame:
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = TIME_BASE
        frame.pts = self._pts
        self._pts += len(samples)
        return frame
