"""The speaker: PortAudio pulling a real `Playout` through a real sound server (JACK's
dummy card, `tests/sound_server.py`: this machine has no sound card). It is pulled at
real-time pace and plays what arrived; a speaker that goes away mid-call, or none at all,
is said plainly and the audio is still pulled in real time (the call goes on)."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Awaitable, Callable

import av
import numpy as np

from outpost.core.device_choice import DeviceChoice
from outpost.core.visits import DeviceKind
from outpost.media.call_devices import open_speaker
from outpost.media.devices import DeviceList, Resolution, resolve
from outpost.media.playout import Playout
from outpost.media.processed_track import FarEndReference
from outpost.media.sound_devices import SoundSystem
from outpost.media.speaker import Speaker, SpeakerState
from tests.sound_server import running_jack

RATE = 48_000


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


async def _far_end(playout: Playout) -> None:
    """A 440 Hz voice arriving in 20 ms frames at real-time pace, as from the network."""
    start = time.monotonic()
    for index in range(10_000):
        t = (np.arange(960) + index * 960) / RATE
        samples = (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts, frame.time_base = index * 960, fractions.Fraction(1, RATE)
        playout.push(frame, 1, time.monotonic())
        await asyncio.sleep(max(0.0, start + (index + 1) * 0.02 - time.monotonic()))


async def _pace(read: Callable[[], float], seconds: float) -> float:
    """Seconds of audio consumed per second of wall time over `seconds`."""
    before, started = read(), time.monotonic()
    await asyncio.sleep(seconds)  # a measurement window, not a wait for a condition
    return (read() - before) / (time.monotonic() - started)


def test_the_speaker_pulls_the_playout_in_real_time() -> None:
    with running_jack() as jack:

        async def scenario() -> None:
            reference = FarEndReference(max_ms=2000)
            playout = Playout(reference)
            far_end = asyncio.ensure_future(_far_end(playout))
            speaker = await Speaker.open(playout, jack.speaker)
            try:
                assert speaker.state is SpeakerState.PLAYING
                await asyncio.sleep(0.3)  # the jitter buffer fills and starts playing
                pace = await _pace(lambda: speaker.counts().played_s, 2.0)
                counts, played = speaker.counts(), playout.counts()
            finally:
                far_end.cancel()
                await speaker.close()
            assert 0.9 <= pace <= 1.1, pace  # JACK's dummy card is not real-time here
            assert counts.device == "system"
            assert counts.errors == 0
            assert counts.underruns <= 0.05 * counts.callbacks  # a loaded CI machine may skip
            assert played.played >= 150  # 10 ms chunks of the voice reached the device
            assert played.concealed <= 0.05 * played.expected
            heard = np.concatenate([reference.pop_chunk() for _ in range(100)])
            assert np.sqrt(np.mean(heard.astype(np.float64) ** 2)) > 4000  # the tone

        _run(scenario)


def test_a_speaker_that_stops_mid_call_is_said_and_pulled_unheard() -> None:
    with running_jack() as jack:

        async def scenario() -> None:
            states: list[SpeakerState] = []
            playout = Playout()
            far_end = asyncio.ensure_future(_far_end(playout))
            speaker = await Speaker.open(playout, jack.speaker, on_state=states.append)
            try:
                await asyncio.sleep(0.5)  # playing for a while
                jack.freeze()
                deadline = time.monotonic() + 3
                while speaker.state is SpeakerState.PLAYING:
                    assert time.monotonic() < deadline, "the lost speaker went unnoticed"
                    await asyncio.sleep(0.05)
                pace = await _pace(lambda: playout.counts().expected / 100, 1.0)
            finally:
                far_end.cancel()
                jack.thaw()
                await speaker.close()
            assert states == [SpeakerState.PLAYING, SpeakerState.DISCONNECTED, SpeakerState.CLOSED]
            assert speaker.counts().problem == "The speaker was disconnected."
            assert 0.9 <= pace <= 1.1, pace  # the call's audio still moves at its pace

        _run(scenario)


def test_without_a_speaker_the_call_still_plays_to_nobody() -> None:
    """This machine's own sound system (no JACK server running): no speaker at all."""

    async def scenario() -> None:
        devices = DeviceList(sound=SoundSystem())  # what a computer without sound lists
        assert resolve(devices, DeviceChoice(), DeviceKind.SPEAKER).resolution is Resolution.NONE
        states: list[SpeakerState] = []
        playout = Playout()
        far_end = asyncio.ensure_future(_far_end(playout))
        speaker = await open_speaker(playout, devices, DeviceChoice(), on_state=states.append)
        try:
            await asyncio.sleep(0.3)
            pace = await _pace(lambda: playout.counts().expected / 100, 1.0)
        finally:
            far_end.cancel()
            await speaker.close()
        assert states[0] is SpeakerState.NO_SPEAKER
        counts = speaker.counts()
        assert (counts.device, counts.played_s) == (None, 0.0)
        assert counts.problem == "No speaker was found on this computer."
        assert 0.9 <= pace <= 1.1, pace
        assert playout.counts().concealed <= 0.05 * playout.counts().expected

    _run(scenario)
