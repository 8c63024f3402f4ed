"""The echo check's analysis on real speech (espeak-ng): a room echo the canceller removes,
no echo at all (a headset), and echoes it cannot follow (a path that jumps every 250 ms,
a speaker driven into hard clipping). Echo paths: tests/audio_signals.py."""

from __future__ import annotations

import numpy as np
import pytest

from outpost.core.tech_check import Finding, Verdict
from outpost.media.echo_check import CANCELLED_ERLE_DB, ECHO_FLOOR_DB, measure_echo
from tests.audio_signals import RATE, EchoPath, Signal, noise, place, speech

LEAD_IN = RATE // 2
PHRASE = "Hello. This is the sound check. Can you hear me clearly?"  # about 4 s


@pytest.fixture(scope="module")
def far() -> Signal:
    """What the speaker played, on the microphone's timeline: 0.5 s of room first."""
    sentence = speech(PHRASE)
    return place(sentence, LEAD_IN / RATE, LEAD_IN + len(sentence) + RATE)


def room(length: int, level_db: float = -60.0) -> Signal:
    return noise(length, level_db, seed=11)


@pytest.mark.parametrize("delay_ms", [0, 40, 120, 250])
def test_a_room_echo_is_found_and_cancelled(far: Signal, delay_ms: int) -> None:
    mic = EchoPath(delay_ms=delay_ms, gain_db=-6).apply(far) + room(len(far))

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_CANCELLED
    assert measure.verdict is Verdict.PASSED
    assert abs(measure.delay_ms - delay_ms) <= 2
    # -6 dB of gain plus the room's reflections spread over the speech's energy
    assert -6.0 <= measure.echo_db <= 0.0
    assert measure.erle_db >= 40.0  # measured: 60 (the cap): the residual is under the noise


def test_a_quiet_echo_in_a_quiet_room_is_still_measured(far: Signal) -> None:
    mic = EchoPath(delay_ms=80, gain_db=-20).apply(far) + room(len(far), -70)

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_CANCELLED
    assert -22.0 <= measure.echo_db <= -14.0
    assert measure.figures["erle_db"] >= CANCELLED_ERLE_DB


@pytest.mark.parametrize(
    ("coupling_db", "noise_db"),
    [(None, -60.0), (-55.0, -65.0), (-35.0, -45.0)],
    ids=["nothing", "headset-leak", "under-the-room-noise"],
)
def test_no_echo_above_the_floor_is_none_heard(
    far: Signal, coupling_db: float | None, noise_db: float
) -> None:
    mic = room(len(far), noise_db)
    if coupling_db is not None:
        mic += EchoPath(delay_ms=30, gain_db=coupling_db).apply(far)

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_NONE_HEARD
    assert measure.verdict is Verdict.PASSED
    assert measure.erle_db == 0.0
    assert abs(measure.noise_db - noise_db) < 1.0
    if coupling_db is not None and coupling_db < ECHO_FLOOR_DB:
        assert measure.echo_db < ECHO_FLOOR_DB


def _jumping_echo(far: Signal, every_s: float = 0.25) -> Signal:
    """A path whose delay jumps to a new value (20-300 ms) every `every_s`: a handset
    moved about, or a sound system that drops and repeats blocks."""
    direct = EchoPath(delay_ms=0, gain_db=-6).apply(far)
    echo = np.zeros_like(far)
    delays = np.random.default_rng(1).integers(20, 300, size=len(far))
    block = round(every_s * RATE)
    for index, start in enumerate(range(0, len(far), block)):
        delay = int(delays[index]) * RATE // 1000
        stop = min(start + block, len(far))
        first = max(start, delay)
        echo[first:stop] = direct[first - delay : stop - delay]
    return echo


def test_an_echo_path_that_keeps_jumping_is_residual(far: Signal) -> None:
    mic = _jumping_echo(far) + room(len(far))

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_RESIDUAL
    assert measure.verdict is Verdict.WARNING
    assert measure.erle_db < 10.0  # measured: 2


def test_a_speaker_driven_into_hard_clipping_leaves_residual_echo(far: Signal) -> None:
    loud = EchoPath(delay_ms=80, gain_db=6).apply(far) * 4
    mic = np.clip(loud, -1500, 1500) + room(len(far))

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_RESIDUAL
    assert measure.erle_db < CANCELLED_ERLE_DB  # measured: 17


def test_mild_distortion_is_still_cancelled(far: Signal) -> None:
    """A small speaker's soft saturation (tanh): AEC3's suppressor copes."""
    echo = EchoPath(delay_ms=80, gain_db=-6).apply(far)
    mic = 8000 * np.tanh(echo * 8 / 8000) + room(len(far))

    measure = measure_echo(far, mic, LEAD_IN)

    assert measure.finding is Finding.ECHO_CANCELLED  # measured: 36 dB


def test_a_capture_without_a_lead_in_or_sound_is_refused(far: Signal) -> None:
    with pytest.raises(ValueError, match="lead-in"):
        measure_echo(far, far, 0)
    with pytest.raises(ValueError, match="nothing was played"):
        measure_echo(np.zeros(len(far)), room(len(far)), LEAD_IN)
