"""Speech-like test audio (Debian espeak-ng), a simulated room echo, and the echo measures.

Measures used by the echo tests (docs/calls.md, "Audio processing"):
- ERLE (echo return loss enhancement): 10 log10(microphone power / output power) over
  a stretch where only the far end talks.
- Near-end kept: how much of the near-end talker survives processing. The output is
  fitted, by least squares, with a short FIR filter (129 taps around the best lag) of
  the near-end reference; the power of that fitted part relative to the reference is
  what was kept. Residual echo and noise are not correlated with the near-end talker, so
  they do not count as kept speech; the processor's own delay (~9 ms) and linear
  filtering (the high-pass filter) do not count as lost.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

RATE = 48_000
Signal = npt.NDArray[np.float64]

FAR_TEXT = (
    "Good morning. Please tell me when the pain started, where it hurts the most, "
    "and whether anything you tried has made it better."
)
NEAR_TEXT = "It started on Tuesday, behind my eyes, and the tablets did not help at all."


def speech(text: str, voice: str = "en", speed: int = 160) -> Signal:
    """`text` spoken by espeak-ng, resampled to 48 kHz, as float samples (int16 scale)."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise RuntimeError("Debian espeak-ng is needed (scripts/bootstrap.sh installs it)")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(
            [binary, "-v", voice, "-s", str(speed), "-w", str(path), text],
            check=True,
            capture_output=True,
        )
        with wave.open(str(path)) as source:
            rate = source.getframerate()
            raw = np.frombuffer(source.readframes(source.getnframes()), dtype=np.int16)
    samples = raw.astype(np.float64)
    count = round(len(samples) * RATE / rate)
    resampled: Signal = np.interp(np.arange(count) * rate / RATE, np.arange(len(samples)), samples)
    return resampled


def place(signal: Signal, start_s: float, length: int) -> Signal:
    """`signal` placed at `start_s` in a silent track of `length` samples."""
    out = np.zeros(length)
    start = round(start_s * RATE)
    piece = signal[: max(0, length - start)]
    out[start : start + len(piece)] = piece
    return out


@dataclass(frozen=True)
class EchoPath:
    """A speaker-to-microphone path: delay, gain, a short room response."""

    delay_ms: float = 80.0
    gain_db: float = -6.0
    reflections: tuple[tuple[float, float], ...] = ((7.0, 0.3), (19.0, 0.15), (31.0, 0.07))

    def apply(self, far: Signal) -> Signal:
        taps = np.zeros(round(max(ms for ms, _ in self.reflections) * RATE / 1000) + 3)
        taps[:3] = (0.25, 0.5, 0.25)  # a gentle low-pass: the speaker's response
        for ms, gain in self.reflections:
            taps[round(ms * RATE / 1000)] += gain
        filtered = np.convolve(far, taps)[: len(far)]
        delay = round(self.delay_ms * RATE / 1000)
        echo: Signal = np.zeros_like(far)
        echo[delay:] = filtered[: len(far) - delay]
        echo *= 10 ** (self.gain_db / 20) / np.sqrt(np.sum(taps**2))
        return echo


def noise(length: int, level_db: float, seed: int = 7) -> Signal:
    """White noise at `level_db` dBFS RMS (0 dBFS = full-scale int16 RMS 32768)."""
    return np.random.default_rng(seed).normal(0.0, 32768 * 10 ** (level_db / 20), length)


def power_db(signal: npt.ArrayLike) -> float:
    values = np.asarray(signal, dtype=np.float64)
    return float(10 * np.log10(np.mean(values**2) + 1e-12))


def erle_db(mic: npt.ArrayLike, out: npt.ArrayLike) -> float:
    return power_db(mic) - power_db(out)


def near_kept_db(out: npt.ArrayLike, reference: Signal, max_lag: int = 2400) -> float:
    """Power (dB, relative to `reference`) of the part of `out` that is `reference` filtered.

    0 dB: all of it came through; -6 dB: the talker lost half their power.
    """
    y = np.asarray(out, dtype=np.float64)
    size = 1 << int(np.ceil(np.log2(2 * len(reference))))
    ref_spectrum = np.fft.rfft(reference, size)
    cross = np.fft.irfft(np.fft.rfft(y, size) * np.conj(ref_spectrum), size)
    auto = np.fft.irfft(ref_spectrum * np.conj(ref_spectrum), size)
    best = int(np.argmax(np.abs(cross[: max_lag + 1])))
    lags = np.arange(max(0, best - 64), best + 65)
    index = np.abs(np.subtract.outer(np.arange(len(lags)), np.arange(len(lags))))
    gram = auto[index] + 1e-9 * auto[0] * np.eye(len(lags))
    taps = np.linalg.solve(gram, cross[lags])
    return float(10 * np.log10(taps @ gram @ taps / auto[0]))
