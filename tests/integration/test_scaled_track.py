"""The camera track scaled and thinned to the ladder's step, then encoded by bounded VP8."""

from __future__ import annotations

import asyncio
import fractions
import functools
from collections.abc import Coroutine
from typing import Any

import av
import numpy as np
import numpy.typing as npt
import pytest
from aiortc import MediaStreamTrack
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import MediaStreamError

from outpost.media.encoders import BoundedVp8Encoder
from outpost.media.ladder import SPECS, Step
from outpost.media.scaled_track import ScaledVideoTrack

TIME_BASE = fractions.Fraction(1, 90_000)


@functools.cache
def noise_picture(width: int, height: int) -> npt.NDArray[np.uint8]:
    return np.random.default_rng(0).integers(0, 255, (height, width, 3), dtype=np.uint8)


def pattern(index: int, fps: float, width: int = 640, height: int = 480) -> av.VideoFrame:
    """A busy moving picture (noise scrolling sideways): hard to compress, like a real scene."""
    picture = np.roll(noise_picture(width, height), 3 * index, axis=1)
    frame = av.VideoFrame.from_ndarray(picture, format="rgb24")
    frame.pts = round(index * 90_000 / fps)
    frame.time_base = TIME_BASE
    return frame


class QueueVideoTrack(MediaStreamTrack):
    """A camera the test feeds frame by frame; None ends it."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.queue: asyncio.Queue[av.VideoFrame | None] = asyncio.Queue()

    async def recv(self) -> av.VideoFrame:
        frame = await self.queue.get()
        self.queue.task_done()
        if frame is None:
            raise MediaStreamError
        return frame


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(scenario, 60))


async def collect(step: Step, fps: float, count: int) -> list[av.VideoFrame]:
    camera = QueueVideoTrack()
    for index in range(count):
        camera.queue.put_nowait(pattern(index, fps))
    camera.queue.put_nowait(None)
    track = ScaledVideoTrack(camera, step)
    out = []
    while True:
        try:
            out.append(await track.recv())
        except MediaStreamError:  # the camera ended
            return out


@pytest.mark.parametrize(
    ("step", "camera_fps", "expected"),
    [
        (Step.FULL, 30, 60),
        (Step.MEDIUM, 30, 60),
        (Step.LOW, 30, 30),
        (Step.LOW, 60, 30),
        (Step.LOW, 10, 20),  # slower than the step: every frame
    ],
)
def test_each_step_sends_its_size_at_most_its_frame_rate(
    step: Step, camera_fps: int, expected: int
) -> None:
    async def scenario() -> None:
        frames = await collect(step, camera_fps, count=2 * camera_fps)
        spec = SPECS[step]
        assert {(f.width, f.height) for f in frames} == {(spec.width, spec.height)}
        assert abs(len(frames) - expected) <= 1  # the last slot may fall on the last frame
        gaps = np.diff([f.time for f in frames])
        assert gaps.min() >= 1 / max(spec.fps, camera_fps) - 1e-6  # timestamps kept

    run(scenario())


def test_audio_only_sends_nothing_drains_the_camera_and_resumes() -> None:
    async def scenario() -> None:
        camera = QueueVideoTrack()
        track = ScaledVideoTrack(camera, Step.AUDIO_ONLY)
        waiting = asyncio.ensure_future(track.recv())
        for index in range(45):
            camera.queue.put_nowait(pattern(index, 30))
        await asyncio.wait_for(camera.queue.join(), 5)  # every frame taken from the camera
        assert not waiting.done()
        assert track.counts.dropped == 45

        track.set_step(Step.LOW)
        camera.queue.put_nowait(pattern(45, 30))
        frame = await asyncio.wait_for(waiting, 5)
        assert (frame.width, frame.height) == (320, 240)
        assert track.counts.passed == 1

    run(scenario())


def encoded_kbps(encoder: Vp8Encoder, frames: list[av.VideoFrame], skip_s: float = 1.0) -> float:
    """Bitrate of what `encoder` made of `frames`, after the first `skip_s` seconds."""
    total = 0
    for frame in frames:
        payloads, _ = encoder.encode(frame)
        if frame.time >= skip_s:
            total += sum(len(p) for p in payloads)
    seconds = frames[-1].time - skip_s + (frames[1].time - frames[0].time)
    return total * 8 / seconds / 1000


def test_the_low_step_encodes_under_its_ceiling_where_plain_aiortc_cannot() -> None:
    async def scenario() -> None:
        frames = await collect(Step.LOW, 30, count=30 * 4)
        ceiling = SPECS[Step.LOW].video_kbps

        bounded = encoded_kbps(BoundedVp8Encoder(ceiling_bps=ceiling * 1000), frames)
        plain_encoder = Vp8Encoder()
        plain_encoder.target_bitrate = ceiling * 1000  # aiortc clamps this to 250 kbit/s
        plain = encoded_kbps(plain_encoder, frames)

        assert 0.5 * ceiling <= bounded <= 1.15 * ceiling
        assert plain >= 1.3 * bounded

    run(scenario())
