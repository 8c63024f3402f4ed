"""Cameras and microphones through aiortc's real `MediaPlayer`, with FFmpeg `lavfi` sources
paced in real time standing in for devices (this machine has none): a slow call gets the
newest picture, not a growing backlog; a device that ends mid-call is replaced by black
pictures or silence at the same pace, said once and counted; a missing device sends black
from the start; a busy or forbidden one is refused in plain words."""

from __future__ import annotations

import asyncio
import errno
import time
from collections.abc import Awaitable, Callable

import av
import numpy as np
import pytest
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from outpost.core.errors import DeviceBusyError
from outpost.core.visits import DeviceKind
from outpost.media.camera_list import CaptureInput
from outpost.media.capture import DeviceTrack, SourceState, busy_error, open_device

CAMERA = "testsrc2=size=320x240:rate=30{end},realtime"
MICROPHONE = "sine=frequency=440:sample_rate=48000{end},arealtime"


def _camera(seconds: float | None = None) -> CaptureInput:
    end = f":duration={seconds}" if seconds else ""
    return CaptureInput("lavfi camera", DeviceKind.CAMERA, "lavfi", CAMERA.format(end=end))


def _microphone(seconds: float | None = None) -> CaptureInput:
    end = f":duration={seconds}" if seconds else ""
    return CaptureInput("lavfi mic", DeviceKind.MICROPHONE, "lavfi", MICROPHONE.format(end=end))


def _run(scenario: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_slow_call_gets_the_newest_picture_not_a_backlog() -> None:
    """A consumer taking 5 pictures a second from a 30 fps camera: straight from
    MediaPlayer the pictures fall ever further behind; through DeviceTrack each is at most
    one frame old and the rest are dropped (counted), so memory stays flat too."""

    async def scenario() -> None:
        raw = MediaPlayer(_camera().url, format="lavfi").video
        assert raw is not None
        raw_lag = await _lag_of_slow_reader(raw)
        raw.stop()

        track = await open_device(DeviceKind.CAMERA, _camera())
        ages: list[float] = []
        started = time.monotonic()
        for _ in range(12):
            await track.recv()
            age = track.counts().age_ms
            assert age is not None
            ages.append(age)
            await asyncio.sleep(0.2)
        elapsed = time.monotonic() - started
        counts = track.counts()
        track.stop()

        assert raw_lag > 1.5, "MediaPlayer alone queues every frame"
        assert sorted(ages)[len(ages) // 2] < 50, ages  # about one frame old at most ...
        assert max(ages) < 300, ages  # ... and never a backlog, even on a busy machine
        assert counts.frames >= 0.85 * 30 * elapsed  # the device was drained as it went
        assert counts.dropped >= counts.frames - 13
        assert counts.state is SourceState.LIVE

    _run(scenario)


async def _lag_of_slow_reader(track: MediaStreamTrack) -> float:
    """How far behind real time the 12th picture is when read 5 times a second."""
    started: float | None = None
    lag = 0.0
    for _ in range(12):
        frame = await track.recv()
        assert isinstance(frame, av.VideoFrame)
        now = time.monotonic()
        started = started or now - float(frame.time or 0)
        lag = (now - started) - float(frame.time or 0)
        await asyncio.sleep(0.2)
    return lag


def test_the_microphone_path_stays_bounded() -> None:
    """Audio taken at a fifth of its pace waits at most 100 ms (five 20 ms frames)."""

    async def scenario() -> None:
        track = await open_device(DeviceKind.MICROPHONE, _microphone())
        ages = []
        for _ in range(15):
            frame = await track.recv()
            assert isinstance(frame, av.AudioFrame)
            ages.append(track.counts().age_ms or 0.0)
            await asyncio.sleep(0.1)
        counts = track.counts()
        track.stop()
        assert max(ages[5:]) < 300, ages  # 100 ms queued at most, plus a busy machine
        assert counts.dropped > 30

    _run(scenario)


def test_a_camera_that_ends_mid_call_turns_black_at_the_same_pace() -> None:
    async def scenario() -> None:
        states: list[tuple[DeviceKind, SourceState]] = []
        track = await open_device(
            DeviceKind.CAMERA, _camera(seconds=0.7), on_state=lambda k, s: states.append((k, s))
        )
        live = await _video(track, 0.5)
        assert min(_luma(frame) for frame in live) > 40  # the test picture
        await _until(lambda: track.state is SourceState.DISCONNECTED, track, 3)
        black = await _video(track, 1.0)
        counts = track.counts()
        track.stop()

        assert states == [(DeviceKind.CAMERA, SourceState.DISCONNECTED)]
        assert counts.disconnects == 1
        assert 24 <= len(black) <= 34  # still 30 pictures a second (a busy machine skips some)
        assert {(f.width, f.height) for f in black} == {(320, 240)}  # the camera's size
        assert max(_luma(frame) for frame in black) == 0  # black
        stamps = [f.pts or 0 for f in live + black]
        assert stamps == sorted(set(stamps))  # the encoder sees time go on
        assert counts.blank >= len(black)

    _run(scenario)


def test_a_microphone_that_ends_mid_call_turns_silent_without_a_gap() -> None:
    async def scenario() -> None:
        states: list[tuple[DeviceKind, SourceState]] = []
        track = await open_device(
            DeviceKind.MICROPHONE, _microphone(0.5), on_state=lambda k, s: states.append((k, s))
        )
        frames = await _audio(track, 1.5)
        track.stop()
        assert states == [(DeviceKind.MICROPHONE, SourceState.DISCONNECTED)]
        assert 65 <= len(frames) <= 80  # 50 frames a second throughout
        pts = [f.pts for f in frames]
        assert pts == [sum(f.samples for f in frames[:i]) for i in range(len(frames))]
        loud = [_peak(f) for f in frames]
        assert max(loud[:10]) > 1000  # the tone, then silence
        assert loud[-20:] == [0] * 20

    _run(scenario)


class _Failing(MediaStreamTrack):
    """A device whose driver errors after a few frames (not an end of stream)."""

    kind = "video"

    def __init__(self) -> None:
        super().__init__()
        self.given = 0

    async def recv(self) -> av.VideoFrame:
        await asyncio.sleep(1 / 30)
        self.given += 1
        if self.given > 5:
            raise OSError(errno.EIO, "Input/output error")
        return av.VideoFrame.from_ndarray(np.zeros((240, 320, 3), np.uint8), format="rgb24")


class _Pausing(MediaStreamTrack):
    """A device that gives nothing while `paused` is set."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self.paused = asyncio.Event()

    async def recv(self) -> av.AudioFrame:
        await asyncio.sleep(0.02)
        while self.paused.is_set():
            await asyncio.sleep(0.01)
        frame = av.AudioFrame.from_ndarray(np.full((1, 960), 5000, np.int16), layout="mono")
        frame.sample_rate = 48_000
        return frame


def test_a_device_that_fails_or_goes_quiet_is_covered() -> None:
    async def scenario() -> None:
        states: list[SourceState] = []
        failing = DeviceTrack(
            DeviceKind.CAMERA, _Failing(), on_state=lambda _k, s: states.append(s)
        )
        await _frames(failing, 0.6)
        assert failing.state is SourceState.DISCONNECTED
        failing.stop()

        source = _Pausing()
        quiet = DeviceTrack(DeviceKind.MICROPHONE, source, on_state=lambda _k, s: states.append(s))
        await _frames(quiet, 0.2)
        source.paused.set()
        covered = await _frames(quiet, 1.2)
        assert quiet.state is SourceState.NO_SIGNAL
        source.paused.clear()
        await _until(lambda: quiet.state is SourceState.LIVE, quiet, 2)
        counts = quiet.counts()
        quiet.stop()
        assert 29 <= len(covered) <= 40  # 35: silence every 20 ms once 0.5 s went by
        assert any(_peak(f) == 0 for f in covered)
        assert states == [
            SourceState.DISCONNECTED,
            SourceState.NO_SIGNAL,
            SourceState.LIVE,
        ]
        assert counts.disconnects == 1

    _run(scenario)


def test_a_missing_device_sends_black_from_the_start() -> None:
    async def scenario() -> None:
        gone = CaptureInput("Unplugged", DeviceKind.CAMERA, "v4l2", "/dev/video-not-here")
        track = await open_device(DeviceKind.CAMERA, gone, size=(320, 240))
        frames = await _frames(track, 0.5)
        track.stop()
        assert track.state is SourceState.NONE
        assert 12 <= len(frames) <= 17
        assert max(_luma(frame) for frame in frames) == 0

    _run(scenario)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EBUSY, "The camera is in use by another program."),
        (errno.EACCES, "Outpost is not allowed to use the camera."),
        (errno.EIO, "The camera could not be opened"),
    ],
)
def test_a_busy_or_forbidden_device_is_refused_in_plain_words(code: int, words: str) -> None:
    try:
        av.error.err_check(-code, "/dev/video0")
    except av.FFmpegError as exc:  # what FFmpeg raises when opening such a device
        error = busy_error(DeviceKind.CAMERA, exc)
    assert isinstance(error, DeviceBusyError)
    assert str(error).startswith(words)


# -- helpers -------------------------------------------------------------------------------


async def _frames(track: MediaStreamTrack, seconds: float) -> list[av.VideoFrame | av.AudioFrame]:
    frames: list[av.VideoFrame | av.AudioFrame] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        frame = await track.recv()
        assert isinstance(frame, av.VideoFrame | av.AudioFrame)
        frames.append(frame)
    return frames


async def _video(track: MediaStreamTrack, seconds: float) -> list[av.VideoFrame]:
    frames = await _frames(track, seconds)
    return [frame for frame in frames if isinstance(frame, av.VideoFrame)]


async def _audio(track: MediaStreamTrack, seconds: float) -> list[av.AudioFrame]:
    frames = await _frames(track, seconds)
    return [frame for frame in frames if isinstance(frame, av.AudioFrame)]


async def _until(condition: Callable[[], bool], track: MediaStreamTrack, timeout: float) -> None:
    """Keep reading `track` (as a call would) until `condition` holds."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the condition did not hold in time")
        try:
            await track.recv()
        except MediaStreamError as exc:
            raise AssertionError("the track ended") from exc


def _luma(frame: av.VideoFrame | av.AudioFrame) -> int:
    assert isinstance(frame, av.VideoFrame)
    return int(frame.to_ndarray(format="gray").mean())  # full range: black is 0


def _peak(frame: av.VideoFrame | av.AudioFrame) -> int:
    assert isinstance(frame, av.AudioFrame)
    return int(np.abs(frame.to_ndarray().astype(np.int32)).max())
