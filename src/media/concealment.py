"""Filling 10 ms of speaker audio that did not arrive in time (packet loss concealment).

A lost 20 ms Opus packet becomes two missing 10 ms chunks. `Concealer` fills them the way
G.711 Appendix I does, simplified: the last pitch period of what was played is repeated
(found by autocorrelation over the last 30 ms), fading out over 60 ms, then comfort noise
at the level of the quietest recent audio (the room's background), so a long gap sounds
like a quiet line rather than a dead one. When real audio resumes, its first 2.5 ms are
cross-faded from the concealment, so neither the gap nor its end clicks. Pure numpy on
48 kHz mono int16; no clock, no I/O.
"""

from __future__ import annotations

import collections

import numpy as np
import numpy.typing as npt

from outpost.media.audio_processing import CHUNK_SAMPLES, SAMPLE_RATE, Samples

HISTORY = 3 * CHUNK_SAMPLES  # 30 ms of what was played
MIN_PITCH = SAMPLE_RATE // 400  # 2.5 ms: a 400 Hz voice
MAX_PITCH = SAMPLE_RATE // 66  # 15 ms: a 66 Hz voice
FADE_CHUNKS = 6  # repetition fades to nothing over 60 ms
CROSSFADE = SAMPLE_RATE // 400  # 2.5 ms
NOISE_WINDOW = 100  # chunks (1 s) in which the quietest one sets the comfort noise level
MAX_NOISE_RMS = 330.0  # about -40 dBFS: never louder than a quiet room
MIN_NOISE_RMS = 3.0  # about -80 dBFS

Floats = npt.NDArray[np.float64]


def rms(chunk: Samples) -> float:
    return float(np.sqrt(np.mean(np.square(chunk.astype(np.float64))))) if len(chunk) else 0.0


def pitch_period(history: Floats) -> int:
    """The lag (in samples) at which the last 10 ms best repeats the audio before it."""
    tail = history[-CHUNK_SAMPLES:]
    energy = float(np.dot(tail, tail))
    if energy <= 0.0:
        return CHUNK_SAMPLES
    best_lag, best_score = CHUNK_SAMPLES, -np.inf
    end = len(history) - CHUNK_SAMPLES
    for lag in range(MIN_PITCH, min(MAX_PITCH, end) + 1):
        before = history[end - lag : end - lag + CHUNK_SAMPLES]
        norm = float(np.dot(before, before))
        if norm <= 0.0:
            continue
        score = float(np.dot(tail, before)) / np.sqrt(norm * energy)
        if score > best_score:
            best_lag, best_score = lag, score
    return best_lag


class Concealer:
    """Remembers what was played; makes the chunks that stand in for missing ones."""

    def __init__(self, seed: int = 0) -> None:
        self._history: Floats = np.zeros(HISTORY, dtype=np.float64)
        self._levels: collections.deque[float] = collections.deque(maxlen=NOISE_WINDOW)
        self._noise = np.random.default_rng(seed)
        self._run = 0  # chunks concealed in a row
        self._period: Floats | None = None
        self._phase = 0
        self._tail: Floats | None = None  # the concealment's continuation, to cross-fade

    @property
    def concealing(self) -> bool:
        return self._run > 0

    def played(self, chunk: Samples) -> Samples:
        """Real audio is played: returns it, cross-faded in after a concealment."""
        out = chunk.astype(np.float64)
        if self._tail is not None:
            ramp = np.linspace(0.0, 1.0, CROSSFADE, endpoint=False)
            out[:CROSSFADE] = ramp * out[:CROSSFADE] + (1.0 - ramp) * self._tail[:CROSSFADE]
        self._run, self._period, self._tail = 0, None, None
        self._remember(out)
        self._levels.append(rms(chunk))
        return _to_int16(out)

    def skipped(self, dropped: Samples, chunk: Samples) -> Samples:
        """`dropped` is left out to catch up and `chunk` played in its place: the seam is
        cross-faded from the dropped chunk's start, which continues what came before."""
        self._tail = dropped.astype(np.float64)
        return self.played(chunk)

    def conceal(self) -> Samples:
        """10 ms standing in for a missing chunk."""
        if self._period is None:
            lag = pitch_period(self._history)
            self._period = self._history[-lag:].copy()
            self._phase = 0
        repeated = self._repeat(CHUNK_SAMPLES + CROSSFADE)
        start = max(0.0, 1.0 - self._run / FADE_CHUNKS)
        stop = max(0.0, 1.0 - (self._run + 1) / FADE_CHUNKS)
        gain = np.linspace(start, stop, CHUNK_SAMPLES + CROSSFADE, endpoint=False)
        noise = self._comfort_noise(CHUNK_SAMPLES + CROSSFADE) * (1.0 - gain)
        signal = repeated * gain + noise
        self._run += 1
        out = signal[:CHUNK_SAMPLES]
        self._tail = signal[CHUNK_SAMPLES:]
        self._remember(out)
        return _to_int16(out)

    def _repeat(self, count: int) -> Floats:
        assert self._period is not None
        period = len(self._period)
        index = (self._phase + np.arange(count)) % period
        self._phase = (self._phase + CHUNK_SAMPLES) % period
        repeated: Floats = self._period[index]
        return repeated

    def _comfort_noise(self, count: int) -> Floats:
        level = min(self._levels) if self._levels else MIN_NOISE_RMS
        level = min(max(level, MIN_NOISE_RMS), MAX_NOISE_RMS)
        noise: Floats = self._noise.standard_normal(count) * level
        return noise

    def _remember(self, chunk: Floats) -> None:
        self._history = np.concatenate((self._history[len(chunk) :], chunk))


def _to_int16(values: Floats) -> Samples:
    out: Samples = np.clip(np.rint(values), -32768, 32767).astype(np.int16)
    return out
