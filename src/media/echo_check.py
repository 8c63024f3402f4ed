"""The echo check's analysis: how loud the speaker's sound came back into the microphone
and how much of it the echo canceller removed (pure: samples in, figures out).

    far (what the speaker played, on the capture's timeline) + mic (what was captured)
      -> delay (cross-correlation) -> far aligned -> AudioProcessor (AEC3 + high-pass)
      -> echo_db, erle_db -> Finding

The capture starts with `lead_in` samples of the room alone (nothing played yet): their
power is the noise floor, taken off both sides so that a quiet echo in a noisy room is not
mistaken for a poor canceller. Figures:

- `echo_db`: the echo's energy at the microphone relative to the energy played (the
  speaker-to-microphone coupling: about -10 to -30 dB for a laptop, far lower for a headset).
- `erle_db`: echo return loss enhancement after the canceller has had `CONVERGE_S` to
  learn the path: the echo's power in, over the residual echo's power out (noise removed
  from both), at most `MAX_ERLE_DB`.

Noise suppression and gain control are off here: they would change the figures without
removing echo (in a call they run after the canceller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from outpost.core.tech_check import Finding, Verdict
from outpost.media.audio_processing import (
    CHUNK_SAMPLES,
    SAMPLE_RATE,
    AudioProcessor,
    ProcessingOptions,
    as_samples,
)

Signal = npt.NDArray[np.float64]

ECHO_FLOOR_DB = -45.0  # quieter than this (relative to what was played): none heard
ECHO_OVER_NOISE_DB = 0.0  # ...or no louder than the room's own noise
CANCELLED_ERLE_DB = 25.0  # at least this removed: the patient will not hear an echo
MAX_ERLE_DB = 60.0
CONVERGE_S = 1.5  # the canceller learns the echo path in about a second
TAIL_S = 0.5  # the echo still arriving after the speaker stopped
MAX_DELAY_S = 0.8  # speaker-to-microphone delays looked for (device buffers included)
ALIGN_S = 0.03  # the far end is aligned to come this long before its echo
CHECK_OPTIONS = ProcessingOptions(noise_suppression=False, auto_gain_control=False)


@dataclass(frozen=True)
class EchoMeasure:
    echo_db: float  # echo energy at the microphone relative to what was played
    erle_db: float  # echo removed by the canceller (0 when none was heard)
    delay_ms: float  # speaker to microphone, as found by cross-correlation
    noise_db: float  # the room's noise at the microphone, dBFS
    heard: bool  # echo above the floor and above the room's noise

    @property
    def finding(self) -> Finding:
        if not self.heard:
            return Finding.ECHO_NONE_HEARD
        if self.erle_db >= CANCELLED_ERLE_DB:
            return Finding.ECHO_CANCELLED
        return Finding.ECHO_RESIDUAL

    @property
    def verdict(self) -> Verdict:
        return Verdict.WARNING if self.finding is Finding.ECHO_RESIDUAL else Verdict.PASSED

    @property
    def figures(self) -> dict[str, float]:
        return {
            "echo_db": round(self.echo_db, 1),
            "erle_db": round(self.erle_db, 1),
            "delay_ms": round(self.delay_ms),
        }


def measure_echo(far: npt.ArrayLike, mic: npt.ArrayLike, lead_in: int) -> EchoMeasure:
    """`far` and `mic`: 48 kHz mono, int16 scale, the same timeline (`far` silent for the
    first `lead_in` samples, which are the room alone). Takes ~0.1 s per 4 s of audio."""
    played = np.asarray(far, dtype=np.float64)
    heard = np.asarray(mic, dtype=np.float64)
    length = min(len(played), len(heard))
    played, heard = played[:length], heard[:length]
    if lead_in < CHUNK_SAMPLES or length < lead_in + SAMPLE_RATE:
        raise ValueError("the capture needs a lead-in of 10 ms or more and a second of sound")
    noise = _power(heard[lead_in // 2 : lead_in])
    active = np.flatnonzero(np.abs(played) > 0)
    if len(active) == 0:
        raise ValueError("nothing was played")
    start, stop = int(active[0]), min(length, int(active[-1]) + round(TAIL_S * SAMPLE_RATE))
    window = slice(start, stop)
    echo = _power(heard[window]) - noise
    echo_db = _db(echo * (stop - start) / max(float(np.sum(played**2)), 1.0))
    if echo <= noise * 10 ** (ECHO_OVER_NOISE_DB / 10) or echo_db < ECHO_FLOOR_DB:
        return EchoMeasure(max(echo_db, -100.0), 0.0, 0.0, _db(noise / 32768**2), heard=False)
    delay = estimate_delay(played, heard)
    out = cancel(_aligned(played, heard, delay), heard)
    converged = slice(min(start + round(CONVERGE_S * SAMPLE_RATE), stop - CHUNK_SAMPLES), stop)
    echo_in = _power(heard[converged]) - noise
    noise_out = _power(out[lead_in // 2 : lead_in])
    residual = max(_power(out[converged]) - noise_out, echo_in * 10 ** (-MAX_ERLE_DB / 10))
    erle = min(MAX_ERLE_DB, max(0.0, _db(echo_in / residual))) if echo_in > 0 else 0.0
    return EchoMeasure(echo_db, erle, 1000 * delay / SAMPLE_RATE, _db(noise / 32768**2), heard=True)


def cancel(far: Signal, mic: Signal) -> Signal:
    """`mic` through a fresh echo canceller with `far` as what the speaker played."""
    processor = AudioProcessor(CHECK_OPTIONS)
    whole = len(mic) - len(mic) % CHUNK_SAMPLES
    far_s, mic_s = as_samples(far[:whole]), as_samples(mic[:whole])
    out = np.empty(whole, dtype=np.float64)
    for at in range(0, whole, CHUNK_SAMPLES):
        chunk = slice(at, at + CHUNK_SAMPLES)
        processor.process_reverse_chunk(far_s[chunk])
        out[chunk] = processor.process_chunk(mic_s[chunk])
    return np.concatenate((out, np.zeros(len(mic) - whole)))


def _aligned(far: Signal, mic: Signal, delay: int) -> Signal:
    """`far` moved to lead its echo in `mic` by `ALIGN_S`, however long the device
    buffers made the delay (the canceller follows what it is given from there)."""
    late = delay - round(ALIGN_S * SAMPLE_RATE)  # how much later `far` may come
    if late >= 0:
        return np.concatenate((np.zeros(late), far[: len(far) - late]))
    return np.concatenate((far[-late:], np.zeros(-late)))


def estimate_delay(far: Signal, mic: Signal) -> int:
    """Samples from `far` to its echo in `mic` (0 to `MAX_DELAY_S`), by phase-weighted
    cross-correlation (sharp peaks for speech, whatever the room's colouring)."""
    size = 1 << int(np.ceil(np.log2(2 * len(far))))
    cross = np.fft.rfft(mic, size) * np.conj(np.fft.rfft(far, size))
    weighted = cross / (np.abs(cross) + 1e-3 * float(np.max(np.abs(cross)) or 1.0))
    correlation = np.fft.irfft(weighted, size)[: round(MAX_DELAY_S * SAMPLE_RATE) + 1]
    return int(np.argmax(correlation))


def _power(signal: Signal) -> float:
    return float(np.mean(signal**2)) if len(signal) else 0.0


def _db(ratio: float) -> float:
    return float(10 * np.log10(max(ratio, 1e-10)))
