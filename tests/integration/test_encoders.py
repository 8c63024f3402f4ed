"""Bounded VP8 and adjustable Opus: what they really emit, alone and inside an aiortc call."""

from __future__ import annotations

import asyncio
import fractions

import av
import numpy as np
import numpy.typing as npt
from aiortc import MediaStreamTrack, RTCPeerConnection, VideoStreamTrack
from aiortc.rtcrtpsender import RTCRtpSender

from outpost.media.encoders import (
    AdjustableOpusEncoder,
    BoundedVp8Encoder,
    attach_encoder,
    attached_encoder,
)
from outpost.media.ladder import Step
from outpost.media.scaled_track import ScaledVideoTrack
from tests.audio_signals import FAR_TEXT, RATE, speech
from tests.integration.test_scaled_track import encoded_kbps, pattern


def test_receiver_estimates_are_kept_within_the_ladder_bounds() -> None:
    encoder = BoundedVp8Encoder(ceiling_bps=150_000)
    encoder.target_bitrate = 2_000_000  # what aiortc does with a REMB
    assert (encoder.target_bitrate, encoder.remote_estimate_bps) == (150_000, 2_000_000)

    encoder.target_bitrate = 60_000  # below aiortc's own 250 kbit/s floor
    assert encoder.target_bitrate == 60_000

    encoder.set_bounds(ceiling_bps=500_000)
    assert encoder.target_bitrate == 60_000  # still what the receiver can take
    encoder.target_bitrate = 900_000
    assert encoder.target_bitrate == 500_000


def test_vp8_output_follows_the_bounds() -> None:
    frames = [pattern(index, 15, 320, 240) for index in range(15 * 4)]
    rates = {}
    for ceiling in (60, 150, 400):
        rates[ceiling] = encoded_kbps(BoundedVp8Encoder(ceiling_bps=ceiling * 1000), frames)
    assert rates[60] <= 60 * 1.15
    assert rates[60] < rates[150] <= 150 * 1.15
    assert rates[150] < rates[400] <= 400 * 1.15


def test_vp8_counts_what_it_puts_out_for_the_ladder() -> None:
    encoder = BoundedVp8Encoder(ceiling_bps=150_000)
    total = 0
    for index in range(30):
        payloads, _ = encoder.encode(pattern(index, 15, 320, 240))
        total += sum(len(payload) for payload in payloads)
    assert total > 0
    assert encoder.bytes_encoded == total


def audio_frames(samples: npt.NDArray[np.float64]) -> list[av.AudioFrame]:
    out = []
    for start in range(0, len(samples) - 959, 960):
        block = np.clip(samples[start : start + 960], -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(block.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.time_base = fractions.Fraction(1, RATE)
        frame.pts = start
        out.append(frame)
    return out


def test_opus_bitrate_changes_mid_stream_without_a_timestamp_gap() -> None:
    frames = audio_frames(np.tile(speech(FAR_TEXT), 2)[: 12 * RATE])
    encoder = AdjustableOpusEncoder(bitrate_bps=48_000)
    sizes, stamps = [], []
    for index, frame in enumerate(frames):
        if index == len(frames) // 2:
            encoder.target_bitrate = 16_000
            encoder.expected_loss_pct = 10  # in-band FEC on
        payloads, stamp = encoder.encode(frame)
        sizes.append(sum(len(p) for p in payloads))
        stamps.append(stamp)

    half = len(frames) // 2
    before = sum(sizes[:half]) * 8 / (half * 0.02) / 1000
    after = sum(sizes[half:]) * 8 / ((len(frames) - half) * 0.02) / 1000
    assert 30 <= before <= 60
    assert 10 <= after <= 20
    assert encoder.rebuilds == 1
    assert np.all(np.diff([s for s in stamps if s is not None]) == 960)


class PatternTrack(VideoStreamTrack):
    """A 640x480 camera at 30 fps (aiortc paces it)."""

    def __init__(self) -> None:
        super().__init__()
        self._index = 0

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = pattern(self._index, 30)
        frame.pts, frame.time_base = pts, time_base
        self._index += 1
        return frame


async def call_with_ceiling(ceiling_bps: int) -> tuple[float, RTCRtpSender, BoundedVp8Encoder]:
    """A loopback call at 320x240@15; returns the video bitrate sent (kbit/s) over 2 s."""
    sending, receiving = RTCPeerConnection(), RTCPeerConnection()
    received = 0
    marks: dict[int, asyncio.Future[tuple[float, int]]] = {
        n: asyncio.get_running_loop().create_future() for n in (15, 45)
    }
    camera = ScaledVideoTrack(PatternTrack(), Step.LOW)
    sender = sending.addTrack(camera)
    encoder = BoundedVp8Encoder(ceiling_bps=ceiling_bps)

    async def drain(track: MediaStreamTrack) -> None:
        nonlocal received
        while True:
            await track.recv()
            received += 1
            if received in marks:
                stats = await sender.getStats()
                sent = next(s.bytesSent for s in stats.values() if s.type == "outbound-rtp")
                marks[received].set_result((asyncio.get_running_loop().time(), sent))

    tasks = []
    receiving.on("track", lambda track: tasks.append(asyncio.ensure_future(drain(track))))
    try:
        await sending.setLocalDescription(await sending.createOffer())
        await receiving.setRemoteDescription(sending.localDescription)
        await receiving.setLocalDescription(await receiving.createAnswer())
        await sending.setRemoteDescription(receiving.localDescription)
        attach_encoder(sender, encoder)
        (t0, b0), (t1, b1) = await asyncio.gather(*marks.values())
        return (b1 - b0) * 8 / (t1 - t0) / 1000, sender, encoder
    finally:
        for task in tasks:
            task.cancel()
        await sending.close()
        await receiving.close()


def test_a_sender_uses_the_attached_encoder_and_keeps_to_its_ceiling() -> None:
    async def scenario() -> None:
        kbps, sender, encoder = await call_with_ceiling(150_000)
        assert attached_encoder(sender) is None  # released when the call closed
        assert encoder.codec is not None  # it did the encoding
        assert (encoder.codec.width, encoder.codec.height) == (320, 240)
        assert kbps <= 150 * 1.2  # payload and RTP headers; aiortc alone sends >= 250

    asyncio.run(asyncio.wait_for(scenario(), 60))
