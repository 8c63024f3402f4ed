"""The receiver's video jitter buffer gives up on a lost packet instead of freezing.

Packets are real VP8 (aiortc's encoder and packetizer on the grainy synthetic camera),
fed as aiortc's receiver feeds them, on a simulated clock at 30 frames a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiortc import RTCPeerConnection
from aiortc.codecs.vpx import Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import RtpPacket

from outpost.media.synthetic import SyntheticVideoTrack
from outpost.media.video_receiver import (
    RepeatingNackGenerator,
    VideoJitterBuffer,
    is_key_frame,
    keep_video_moving,
)

FRAME_S = 1 / 30


class Stream:
    """VP8 frames as RTP packets, numbered on from 1000."""

    def __init__(self, size: tuple[int, int] = (320, 240)) -> None:
        self.camera = SyntheticVideoTrack(*size, grain=True)
        self.encoder = Vp8Encoder()
        self.sequence = 1000
        self.index = 0

    def frames(self, count: int, key: bool = False) -> Iterator[list[RtpPacket]]:
        for n in range(count):
            payloads, timestamp = self.encoder.encode(
                self.camera.make(self.index), force_keyframe=key and n == 0
            )
            self.index += 1
            packets = []
            for payload in payloads:
                packet = RtpPacket(
                    payload_type=96, sequence_number=self.sequence & 0xFFFF, timestamp=timestamp
                )
                packet.payload = payload
                packet._data = vp8_depayload(payload)  # type: ignore[attr-defined]
                self.sequence += 1
                packets.append(packet)
            yield packets


class Receiver:
    def __init__(self, buffer: JitterBuffer, clock: list[float]) -> None:
        self.buffer, self.clock = buffer, clock
        self.frames: list[bool] = []  # one per frame passed on: was it a key frame
        self.plis = 0

    def feed(
        self, frames: Iterator[list[RtpPacket]], lose: frozenset[int] | set[int] = frozenset()
    ) -> None:
        """One frame per 1/30 s; `lose`: sequence numbers that never arrive."""
        for packets in frames:
            self.clock[0] += FRAME_S
            for packet in packets:
                if packet.sequence_number in lose:
                    continue
                pli, frame = self.buffer.add(packet)
                self.plis += pli
                if frame is not None:
                    self.frames.append(is_key_frame(frame.data))


def receivers() -> tuple[Receiver, Receiver, Stream]:
    clock = [0.0]
    ours = Receiver(VideoJitterBuffer(clock=lambda: clock[0]), clock)
    theirs = Receiver(JitterBuffer(capacity=512, is_video=True), clock)
    return ours, theirs, Stream()


def test_one_lost_packet_costs_a_moment_not_half_a_minute() -> None:
    ours, aiortcs, stream = receivers()
    frames = list(stream.frames(40))
    lost = {frames[10][0].sequence_number}
    for receiver in (ours, aiortcs):
        receiver.feed(iter(frames), lose=lost)
    # aiortc's buffer waits for the lost packet until 512 are piled up: nothing more.
    assert len(aiortcs.frames) == 9
    # Ours waits 0.5 s for a retransmission, gives up, asks for a key frame (PLI) and
    # passes nothing on until it comes: no decoding on a broken reference.
    assert len(ours.frames) == 9
    assert 1 <= ours.plis <= 3  # asked again every 0.5 s while waiting
    ours.feed(stream.frames(10, key=True))
    assert ours.frames[9:] == [True] + [False] * 8  # from the key frame on, at once


def test_a_retransmission_in_time_fills_the_hole_without_a_key_frame() -> None:
    ours, _, stream = receivers()
    frames = list(stream.frames(20))
    late = frames[5][0]
    ours.feed(iter(frames[:8]), lose={late.sequence_number})
    ours.clock[0] += 0.1
    ours.buffer.add(late)  # the retransmission, within half a second
    ours.feed(iter(frames[8:]))
    assert ours.plis == 0
    # All but the newest two: aiortc passes one frame on per packet, so the two held
    # behind the hole stay one frame behind (as with aiortc's own buffer).
    assert len(ours.frames) == 18


def test_a_lossy_stretch_then_a_pause_recovers_at_the_first_key_frame() -> None:
    """As on a link that went to audio only: many holes, then nothing, then a new key
    frame. Every hole is given up at once, not one per half second."""
    ours, _, stream = receivers()
    frames = list(stream.frames(40))
    lost = {packets[0].sequence_number for packets in frames[5:40:3]}
    ours.feed(iter(frames), lose=lost)
    ours.clock[0] += 10.0  # audio only: no video at all
    before = len(ours.frames)
    ours.feed(stream.frames(3, key=True))
    assert ours.frames[before:] == [True, False]  # at once, starting with the key frame


def test_without_a_key_frame_it_goes_on_after_60_frames() -> None:
    ours, _, stream = receivers()
    frames = list(stream.frames(150))
    ours.feed(iter(frames), lose={frames[10][0].sequence_number})
    # The frame with the hole, then 60 dropped (those held while waiting for the packet
    # among them), then on with what comes.
    assert len(ours.frames) == pytest.approx(150 - 1 - 60, abs=3)


def test_key_frames_are_recognised_in_vp8_and_h264() -> None:
    stream = Stream()
    first, second = list(stream.frames(2))
    assert is_key_frame(first[0]._data)  # type: ignore[attr-defined]
    assert not is_key_frame(second[0]._data)  # type: ignore[attr-defined]
    sps, idr, slice_ = b"\x00\x00\x00\x01\x67", b"\x00\x00\x00\x01\x65", b"\x00\x00\x00\x01\x41"
    assert is_key_frame(sps + b"\x42" + idr + b"\x88")
    assert not is_key_frame(slice_ + b"\x9a\x00")


def rtp(sequence: int) -> RtpPacket:
    return RtpPacket(payload_type=96, sequence_number=sequence & 0xFFFF, timestamp=0)


def test_a_missing_packet_is_asked_for_again_until_it_comes() -> None:
    """aiortc asks once, when the gap appears; a lost retransmission then waited out the
    jitter buffer's 0.5 s. Here: again every 120 ms while packets keep arriving."""
    clock = [0.0]
    nacks = RepeatingNackGenerator(clock=lambda: clock[0])
    asked: list[tuple[float, list[int]]] = []
    for sequence in (100, 101, 103, 104, 105, 106, 107, 108, 109, 110):
        clock[0] += 0.04  # 25 packets a second
        if sequence == 107:
            nacks.add(rtp(102))  # the second retransmission arrives with 107
        if nacks.add(rtp(sequence)):
            asked.append((round(clock[0], 2), sorted(nacks.missing)))
    assert asked == [(0.12, [102]), (0.24, [102])]  # at the gap, then 120 ms later
    assert nacks.missing == set()

    plain = NackGenerator()
    plain.add(rtp(200))
    assert plain.add(rtp(202))
    assert not any(plain.add(rtp(sequence)) for sequence in range(203, 220))  # once only


def test_packets_the_buffer_gave_up_on_are_not_asked_for() -> None:
    clock = [0.0]
    nacks = RepeatingNackGenerator(clock=lambda: clock[0])
    nacks.add(rtp(1))
    assert nacks.add(rtp(3))
    for sequence in range(4, 30):
        clock[0] += 0.04
        nacks.add(rtp(sequence))
    assert nacks.missing == set()  # 2 was missing for 1 s: more than the 0.5 s kept
    clock[0] += 0.2
    assert not nacks.add(rtp(30))


def test_video_receivers_get_both() -> None:
    async def scenario() -> tuple[object, object, object]:
        pc = RTCPeerConnection()
        pc.addTransceiver("video")
        pc.addTransceiver("audio")
        assert keep_video_moving(pc) == 1
        video, audio = (t.receiver for t in pc.getTransceivers())
        found = (
            vars(video)["_RTCRtpReceiver__jitter_buffer"],
            vars(video)["_RTCRtpReceiver__nack_generator"],
            vars(audio)["_RTCRtpReceiver__nack_generator"],
        )
        await pc.close()
        return found

    buffer, nacks, audio_nacks = asyncio.run(scenario())
    assert isinstance(buffer, VideoJitterBuffer)
    assert isinstance(nacks, RepeatingNackGenerator)
    assert audio_nacks is None  # aiortc asks for no audio retransmissions
