"""The level bar's figures: dBFS over the last 100 ms, the loudest 100 ms, silence."""

from __future__ import annotations

import numpy as np

from outpost.core.tech_check import SILENCE_DB
from outpost.media.audio_processing import as_samples
from outpost.media.level_meter import LevelMeter

RATE = 48_000


def _tone(level_db: float, seconds: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return as_samples(32767 * 10 ** (level_db / 20) * np.sin(2 * np.pi * 440 * t))


def _frames(samples: np.ndarray, size: int = 960) -> list[np.ndarray]:
    return [samples[start : start + size] for start in range(0, len(samples), size)]


def test_a_tone_reads_its_rms_and_silence_reads_the_bottom() -> None:
    meter = LevelMeter()
    assert meter.level_db() == SILENCE_DB
    for frame in _frames(_tone(-20.0, 0.5)):
        meter.add(frame)
    assert abs(meter.level_db() - (-23.0)) < 0.2  # a sine's RMS is 3 dB under its peak
    for frame in _frames(np.zeros(RATE // 10, dtype=np.int16)):
        meter.add(frame)
    assert meter.level_db() == SILENCE_DB  # 100 ms later the tone has left the window
    assert abs(meter.loudest_db() - (-23.0)) < 0.2


def test_the_loudest_100_ms_outlasts_a_short_shout_and_resets() -> None:
    meter = LevelMeter()
    quiet, loud = _tone(-50.0, 1.0), _tone(-10.0, 0.1)
    for frame in _frames(np.concatenate((quiet, loud, quiet))):
        meter.add(frame)
    assert abs(meter.level_db() - (-53.0)) < 0.2
    assert abs(meter.loudest_db() - (-13.0)) < 0.2
    meter.reset_loudest()
    assert meter.loudest_db() == SILENCE_DB
    meter.add(quiet[:960])
    assert meter.loudest_db() < -50.0
