"""Synthetic sources and the bounded hand-offs: real-time pacing, keep-newest queues, a
frame number that survives VP8 and scaling, mute and camera off on what is sent."""

from __future__ import annotations

import asyncio
import fractions
import time

import av
import numpy as np
import pytest

from outpost.media import frame_marker
from outpost.media.local_media import LocalMedia
from outpost.media.newest import FrameSlot, NewestQueue
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack


def test_newest_queue_drops_the_oldest_and_counts() -> None:
    async def scenario() -> None:
        queue: NewestQueue[int] = NewestQueue(3)
        for item in range(10):
            queue.put(item)
        assert len(queue) == 3
        assert queue.dropped == 7
        assert [await queue.get() for _ in range(3)] == [7, 8, 9]
        waiter = asyncio.ensure_future(queue.get())
        await asyncio.sleep(0)
        assert not waiter.done()
        queue.put(42)
        assert await waiter == 42

    asyncio.run(scenario())


def test_frame_slot_keeps_only_the_newest() -> None:
    slot: FrameSlot[str] = FrameSlot()
    assert slot.take() == (None, 0)
    slot.put("a")
    slot.put("b")
    assert slot.take() == ("b", 2)


def test_marker_survives_vp8_and_downscaling() -> None:
    track = SyntheticVideoTrack()
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = 640, 480, "yuv420p"
    encoder.time_base = fractions.Fraction(1, 30)
    encoder.bit_rate = 250_000  # aiortc's VP8 floor
    decoder = av.CodecContext.create("libvpx", "r")
    read: list[int | None] = []
    for index in range(40, 70):
        frame = track.make(index)
        frame.pts = index
        for packet in encoder.encode(frame):
            for decoded in decoder.decode(packet):
                read.append(frame_marker.read_frame(decoded))
                small = decoded.reformat(width=320, height=240)
                read.append(frame_marker.read_frame(small))
    assert read == [number for number in range(40, 70) for _ in range(2)][: len(read)]
    assert len(read) >= 50


def test_a_grainy_picture_is_hard_to_compress_and_keeps_its_marker() -> None:
    """With `grain`, VP8 needs several times the bits (like a camera); numbers read."""

    def encoded(track: SyntheticVideoTrack) -> tuple[int, list[int | None]]:
        encoder = av.CodecContext.create("libvpx", "w")
        encoder.width, encoder.height, encoder.pix_fmt = 640, 480, "yuv420p"
        encoder.time_base = fractions.Fraction(1, 30)
        encoder.bit_rate = 3_000_000
        decoder = av.CodecContext.create("libvpx", "r")
        size, read = 0, []
        for index in range(30):
            frame = track.make(index)
            frame.pts = index
            for packet in encoder.encode(frame):
                size += packet.size
                read += [frame_marker.read_frame(f) for f in decoder.decode(packet)]
        return size, read

    plain, plain_read = encoded(SyntheticVideoTrack())
    grainy, grainy_read = encoded(SyntheticVideoTrack(grain=True))
    assert grainy > 4 * plain
    assert grainy_read == plain_read == list(range(len(grainy_read)))
    assert len(grainy_read) >= 20


def test_marker_is_not_read_from_an_unmarked_frame() -> None:
    assert frame_marker.read(np.full((480, 640), 128, dtype=np.uint8)) is None
    assert frame_marker.read(np.zeros((480, 640), dtype=np.uint8)) is None


def test_video_is_paced_in_real_time_and_keeps_the_newest() -> None:
    async def scenario() -> None:
        track = SyntheticVideoTrack(width=320, height=240, fps=30)
        started = time.monotonic()
        frames = [await track.recv() for _ in range(16)]
        elapsed = time.monotonic() - started
        assert 0.4 <= elapsed < 1.0  # 15 frame periods after the first frame
        assert [frame.pts for frame in frames] == [n * 3000 for n in range(16)]
        assert (frames[0].width, frames[0].height) == (320, 240)
        # A consumer that stops for a while finds the newest frames, not a backlog.
        await asyncio.sleep(0.5)
        later = await track.recv()
        assert later.pts >= 28 * 3000
        assert track.dropped >= 10
        track.stop()

    asyncio.run(scenario())


@pytest.mark.parametrize("kind", list(AudioKind))
def test_audio_frames_are_20_ms_at_48_khz_and_phase_continuous(kind: AudioKind) -> None:
    track = SyntheticAudioTrack(kind, level_dbfs=-6.0)
    frames = [track.make(index) for index in range(100)]
    assert all(frame.samples == 960 and frame.sample_rate == 48_000 for frame in frames)
    assert [frame.pts for frame in frames[:3]] == [0, 960, 1920]
    joined = np.concatenate([frame.to_ndarray().reshape(-1) for frame in frames])
    assert np.abs(joined).max() > 10_000  # about -6 dBFS at its peaks
    assert np.abs(np.diff(joined.astype(np.int32))).max() < 6_000  # no clicks at edges


def test_speech_like_signal_has_pauses() -> None:
    track = SyntheticAudioTrack(AudioKind.SPEECH)
    levels = [np.abs(track.samples(index)).max() for index in range(125)]  # 2.5 s
    assert max(levels[100:125]) == 0  # the last half second of each 2.5 s is a pause
    assert max(levels[:100]) > 1_000


def test_mute_and_camera_off_send_silence_and_black_at_the_same_pace() -> None:
    async def scenario() -> None:
        media = LocalMedia(SyntheticAudioTrack(), SyntheticVideoTrack(width=320, height=240))
        audio, video = media.tracks()
        media.muted = True
        media.camera_off = True
        for _ in range(5):
            sound = await audio.recv()
            picture = await video.recv()
        assert isinstance(sound, av.AudioFrame)
        assert isinstance(picture, av.VideoFrame)
        assert not np.any(sound.to_ndarray())
        assert picture.to_ndarray(format="gray").max() <= 20
        media.muted = media.camera_off = False
        picture = await video.recv()
        assert isinstance(picture, av.VideoFrame)
        assert frame_marker.read_frame(picture) is not None
        assert media.counts("video").frames == 6
        assert media.counts("audio").frames == 5
        assert media.counts("audio").audio_s == pytest.approx(0.1)
        # A closed peer connection stops its track view, never the source.
        video.stop()
        fresh = media.tracks()[1]
        assert isinstance(await fresh.recv(), av.VideoFrame)
        media.stop()

    asyncio.run(scenario())
