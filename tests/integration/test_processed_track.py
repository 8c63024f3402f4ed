"""The processed microphone track: aiortc frames in and out, the far end fed as playback would."""

from __future__ import annotations

import asyncio
import fractions

import av
import numpy as np
import pytest
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from outpost.media.audio_processing import AudioProcessor, ProcessingOptions
from outpost.media.processed_track import FarEndReference, ProcessedAudioTrack
from tests.audio_signals import (
    FAR_TEXT,
    RATE,
    EchoPath,
    Signal,
    erle_db,
    noise,
    place,
    speech,
)

FRAME = 960  # 20 ms


def stereo_frame(samples: Signal, pts: int) -> av.AudioFrame:
    """A 48 kHz stereo s16 frame, the shape aiortc's Opus decoder and many devices produce."""
    mono = np.clip(np.rint(samples), -32768, 32767).astype(np.int16)
    interleaved = np.repeat(mono, 2).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    frame.sample_rate = RATE
    frame.time_base = fractions.Fraction(1, RATE)
    frame.pts = pts
    return frame


class ArrayAudioTrack(MediaStreamTrack):
    """A microphone that plays back an array in 20 ms frames, then ends."""

    kind = "audio"

    def __init__(self, samples: Signal) -> None:
        super().__init__()
        self._samples = samples
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        if self._pts >= len(self._samples):
            raise MediaStreamError
        frame = stereo_frame(self._samples[self._pts : self._pts + FRAME], self._pts)
        self._pts += FRAME
        return frame


def test_track_cancels_the_echo_of_what_playback_pushed() -> None:
    asyncio.run(asyncio.wait_for(_echo_scenario(), 60))


async def _echo_scenario() -> None:
    length = 10 * RATE
    sentence = speech(FAR_TEXT)
    far = place(sentence, 0.0, length) + place(sentence, 6.0, length)
    mic = EchoPath(delay_ms=60).apply(far) + noise(length, -60)
    reference = FarEndReference()
    track = ProcessedAudioTrack(
        ArrayAudioTrack(mic), reference, AudioProcessor(ProcessingOptions(auto_gain_control=False))
    )

    out, stamps = [], []
    for start in range(0, length, FRAME):
        reference.push(stereo_frame(far[start : start + FRAME], start))  # the speaker plays
        frame = await track.recv()
        assert (frame.format.name, frame.layout.name, frame.sample_rate) == ("s16", "mono", RATE)
        out.append(frame.to_ndarray().reshape(-1).astype(np.float64))
        stamps.append(frame.pts)
    with pytest.raises(MediaStreamError):
        await track.recv()

    cleaned = np.concatenate(out)
    assert len(cleaned) == length
    assert stamps == list(range(0, length, FRAME))
    assert erle_db(mic[3 * RATE :], cleaned[3 * RATE :]) >= 25.0
    assert reference.counts.dropped_chunks == 0
    assert reference.counts.queued_chunks == 0


def test_microphone_runs_on_when_nothing_is_played() -> None:
    asyncio.run(asyncio.wait_for(_silent_far_end_scenario(), 60))


async def _silent_far_end_scenario() -> None:
    mic = noise(RATE, -30)
    reference = FarEndReference()
    track = ProcessedAudioTrack(ArrayAudioTrack(mic), reference)

    frames = [await track.recv() for _ in range(RATE // FRAME)]

    assert sum(frame.samples for frame in frames) == RATE - RATE % FRAME
    assert reference.counts.silent_chunks == 2 * len(frames)


def test_reference_keeps_only_the_newest_half_second() -> None:
    reference = FarEndReference(max_ms=500)
    marker = np.arange(2 * RATE, dtype=np.int64) // 480  # each 10 ms chunk holds its number

    for start in range(0, 2 * RATE, 1024):  # odd block sizes, as a device might deliver
        reference.push(marker[start : start + 1024].astype(np.int16))

    assert reference.counts.queued_chunks == 50
    assert reference.counts.dropped_chunks == 150
    assert int(reference.pop_chunk()[0]) == 150  # the oldest kept is 1.5 s in
