"""Echo cancellation and noise suppression on real speech (espeak-ng) through WebRTC's APM.

The far end says two sentences (14 s); the microphone hears them through `EchoPath`
(delay, -6 dB, a speaker low-pass and three room reflections) plus -60 dBFS noise.
Figures and measures: tests/audio_signals.py and docs/calls.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pytest

from outpost.media.audio_processing import AudioProcessor, ProcessingOptions
from tests.audio_signals import (
    FAR_TEXT,
    NEAR_TEXT,
    RATE,
    EchoPath,
    Signal,
    erle_db,
    near_kept_db,
    noise,
    place,
    power_db,
    speech,
)

LENGTH = 14 * RATE
CONVERGED = 3 * RATE  # ERLE counts from here on
NEAR_START_S = 5.0
AEC_ONLY = ProcessingOptions(noise_suppression=False, auto_gain_control=False)
DEFAULTS = ProcessingOptions()


@dataclass(frozen=True)
class Voices:
    far: Signal  # what the speaker plays, 14 s
    near: Signal  # the clinician's own words, alone


@pytest.fixture(scope="module")
def voices() -> Voices:
    sentence = speech(FAR_TEXT, voice="en")
    far = place(sentence, 0.0, LENGTH) + place(sentence, 7.8, LENGTH)
    return Voices(far=far, near=speech(NEAR_TEXT, voice="en-us+f3") * 0.7)


def frames(signal: Signal, size: int = 960) -> Iterator[Signal]:
    """20 ms blocks, as aiortc hands them out."""
    for start in range(0, len(signal), size):
        yield signal[start : start + size]


def run(options: ProcessingOptions, mic: Signal, far: Signal, hint_ms: int | None) -> Signal:
    processor = AudioProcessor(options)
    if hint_ms is not None:
        processor.set_stream_delay_ms(hint_ms)
    out = []
    for far_block, mic_block in zip(frames(far), frames(mic), strict=True):
        processor.process_reverse(far_block)
        out.append(processor.process(mic_block))
    return np.concatenate(out).astype(np.float64)


@pytest.mark.parametrize(
    ("delay_ms", "hint_ms"),
    [(40, 40), (120, 120), (120, None)],
    ids=["40ms", "120ms", "120ms-no-hint"],
)
@pytest.mark.parametrize("options", [DEFAULTS, AEC_ONLY], ids=["defaults", "aec-only"])
def test_echo_of_far_end_speech_is_cut_by_25_db_after_convergence(
    voices: Voices, options: ProcessingOptions, delay_ms: int, hint_ms: int | None
) -> None:
    mic = EchoPath(delay_ms=delay_ms).apply(voices.far) + noise(LENGTH, -60)

    out = run(options, mic, voices.far, hint_ms)

    assert len(out) == LENGTH
    assert erle_db(mic[CONVERGED:], out[CONVERGED:]) >= 25.0


@pytest.mark.parametrize("options", [DEFAULTS, AEC_ONLY], ids=["defaults", "aec-only"])
def test_near_end_speech_survives_double_talk(voices: Voices, options: ProcessingOptions) -> None:
    echo = EchoPath(delay_ms=80).apply(voices.far)
    near = place(voices.near, NEAR_START_S, LENGTH)
    mic = echo + near + noise(LENGTH, -60)
    talk = slice(round(NEAR_START_S * RATE), round(NEAR_START_S * RATE) + len(voices.near))
    assert abs(power_db(echo[talk]) - power_db(near[talk])) < 3.0  # as loud as each other

    out = run(options, mic, voices.far, hint_ms=80)

    assert near_kept_db(out[talk], near[talk]) >= -6.0
    # The echo canceller did not diverge: echo alone afterwards is still cut.
    after = slice(talk.stop + RATE // 2, LENGTH)
    assert erle_db(mic[after], out[after]) >= 25.0


def test_noise_suppression_lowers_steady_noise_and_keeps_speech(voices: Voices) -> None:
    fan = noise(LENGTH, -40, seed=3)
    near = place(voices.near, 4.0, LENGTH)
    silent_far = np.zeros(LENGTH)
    options = ProcessingOptions(echo_cancellation=False, auto_gain_control=False)

    out = run(options, fan + near, silent_far, hint_ms=None)

    quiet = slice(2 * RATE, 4 * RATE)  # noise alone, after the suppressor has learnt it
    talk = slice(4 * RATE, 4 * RATE + len(voices.near))
    assert erle_db(fan[quiet], out[quiet]) >= 10.0
    assert near_kept_db(out[talk], near[talk]) >= -3.0


def test_processing_off_passes_audio_through_in_any_block_size() -> None:
    signal = noise(RATE, -20, seed=5)
    processor = AudioProcessor(
        ProcessingOptions(
            echo_cancellation=False,
            noise_suppression=False,
            auto_gain_control=False,
            high_pass_filter=False,
        )
    )
    sizes = [1, 479, 480, 481, 960, 1024, 3000, 441]
    out: list[npt.NDArray[np.int16]] = []
    start = 0
    while start < len(signal):
        size = sizes[len(out) % len(sizes)]
        out.append(processor.process(signal[start : start + size]))
        start += size

    joined = np.concatenate(out)
    assert len(joined) + processor.pending_near == len(signal)
    expected = np.clip(np.rint(signal[: len(joined)]), -32768, 32767)
    assert np.max(np.abs(joined - expected)) <= 1
    assert processor.counts.near_chunks == len(joined) // 480
