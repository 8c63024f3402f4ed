"""The tech check's sound: a voice-like clip (`synthetic`'s speech: a gliding voiced tone
in syllables, no words, so no language) and a `Playout` that hands it to a speaker once.

`ClipPlayout` notes when the speaker first took the clip (the echo check places what was
played on the microphone's timeline with it) and wakes the loop when the last of it was
taken. Its `read` runs on the speaker's thread.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

import numpy as np

from outpost.media.audio_processing import SAMPLE_RATE, Samples
from outpost.media.playout import Playout
from outpost.media.playout_buffer import CHUNK_MS
from outpost.media.synthetic import AUDIO_FRAME_SAMPLES, AudioKind, SyntheticAudioTrack

CLIP_LEVEL_DBFS = -12.0  # the voice's peaks; a speech level a far end would send


def voice_clip(seconds: float, level_dbfs: float = CLIP_LEVEL_DBFS) -> Samples:
    """`seconds` of the synthetic voice, 48 kHz mono int16 (its first pause is at 2 s)."""
    voice = SyntheticAudioTrack(AudioKind.SPEECH, level_dbfs=level_dbfs)
    frames = round(seconds * SAMPLE_RATE / AUDIO_FRAME_SAMPLES)
    return np.concatenate([voice.samples(index) for index in range(frames)])


class ClipPlayout(Playout):
    """Plays `clip` once, then silence. Create on the runtime loop."""

    def __init__(self, clip: Samples, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock=clock)
        self._clip = clip
        self._clock = clock
        self._at = 0
        self._clip_lock = threading.Lock()
        self._loop = asyncio.get_running_loop()
        self._finished = asyncio.Event()
        self.started_at: float | None = None  # `clock` when the speaker took its start

    @property
    def duration_s(self) -> float:
        return len(self._clip) / SAMPLE_RATE

    def read(self, ms: int = CHUNK_MS) -> Samples:
        wanted = SAMPLE_RATE * ms // 1000
        with self._clip_lock:
            if self.started_at is None:
                self.started_at = self._clock()
            piece = self._clip[self._at : self._at + wanted]
            self._at += wanted
            finished = self._at >= len(self._clip) and self._at - wanted < len(self._clip)
        if finished:
            self._loop.call_soon_threadsafe(self._finished.set)
        if len(piece) == wanted:
            return piece
        return np.concatenate((piece, np.zeros(wanted - len(piece), dtype=np.int16)))

    async def finished(self, timeout_s: float) -> bool:
        """Wait until the speaker has taken all of the clip (False if not within the time)."""
        try:
            await asyncio.wait_for(self._finished.wait(), timeout_s)
        except TimeoutError:
            return False
        return True
