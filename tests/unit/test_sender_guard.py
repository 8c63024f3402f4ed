"""The video sender's answers to NACK and PLI stay within bounds (`SenderGuard`)."""

from __future__ import annotations

import asyncio
from typing import cast

from aiortc import RTCRtpSender
from aiortc.rtp import RtpPacket

from outpost.media.rate_probe import PROBE_COPIES
from outpost.media.sender_guard import GuardTuning, SenderGuard


class FakeSender:
    """What the guard wraps: aiortc's retransmit and key frame request."""

    def __init__(self) -> None:
        self.retransmitted: list[int] = []
        self.key_frames = 0

    async def _retransmit(self, sequence_number: int) -> None:
        self.retransmitted.append(sequence_number)

    def _send_keyframe(self) -> None:
        self.key_frames += 1


def guarded(
    ceiling_bps: int = 500_000, tuning: GuardTuning | None = None
) -> tuple[FakeSender, SenderGuard, list[float]]:
    clock = [0.0]
    sender = FakeSender()
    guard = SenderGuard(
        cast(RTCRtpSender, sender), lambda: ceiling_bps, tuning, clock=lambda: clock[0]
    )
    return sender, guard, clock


def test_a_nack_storm_is_cut_to_a_share_of_the_video_rate() -> None:
    """A receiver behind a full link NACKs everything missing, again and again."""
    sender, guard, clock = guarded(ceiling_bps=500_000)

    async def storm() -> None:
        for tick in range(100):  # 1 s of NACKs, 10 ms apart, each naming 20 packets
            clock[0] = tick / 100
            for sequence in range(tick, tick + 20):
                await cast(RTCRtpSender, sender)._retransmit(sequence)

    asyncio.run(storm())
    budget = 0.25 * 500_000 / (1200 * 8)  # packets a second
    assert len(sender.retransmitted) <= budget + 4  # plus the saved-up burst
    assert len(sender.retransmitted) >= budget - 2
    assert guard.refused == 2000 - len(sender.retransmitted)


def test_a_packet_is_resent_at_most_once_in_a_quarter_second() -> None:
    sender, _, clock = guarded()

    async def nacks() -> None:
        for tick in range(10):
            clock[0] = tick * 0.05
            await cast(RTCRtpSender, sender)._retransmit(7)

    asyncio.run(nacks())
    assert sender.retransmitted == [7, 7]  # at 0 and at 0.25 s


def test_key_frames_at_most_one_per_gap_and_a_late_request_is_served() -> None:
    async def scenario() -> tuple[int, int]:
        sender = FakeSender()
        guard = SenderGuard(
            cast(RTCRtpSender, sender), lambda: 500_000, GuardTuning(keyframe_gap_s=0.05)
        )
        for _ in range(20):  # a PLI per decoding error
            cast(RTCRtpSender, sender)._send_keyframe()
        right_away = sender.key_frames
        await asyncio.sleep(0.1)
        guard.close()
        return right_away, sender.key_frames

    right_away, later = asyncio.run(scenario())
    assert right_away == 1
    assert later == 2  # the requests inside the gap became one key frame at its end


def with_history(sender: FakeSender, packets: list[tuple[int, int, int]]) -> None:
    """aiortc's sent-packet history: (sequence number, RTP timestamp, payload bytes), in
    the order sent; the last one's timestamp is the sender's latest."""
    history = {seq % 128: RtpPacket(sequence_number=seq, timestamp=ts, payload=bytes(size))
               for seq, ts, size in packets}  # fmt: skip
    sender._RTCRtpSender__rtp_history = history  # type: ignore[attr-defined]
    sender._RTCRtpSender__rtp_timestamp = packets[-1][1]  # type: ignore[attr-defined]


def test_a_probe_sends_copies_of_a_recent_packet_of_about_300_bytes_outside_the_budget() -> None:
    sender, guard, _ = guarded(ceiling_bps=150_000)
    assert not asyncio.run(guard.probe())  # nothing sent yet: nothing to probe with
    # a key frame long ago, then small frames, the last across the wrap of sequence numbers
    packets = [(65_500 + i, 1000, 1200) for i in range(20)]
    packets += [(65_520 + i, 2000 + i, 350 + 10 * (i % 4)) for i in range(30)]
    with_history(sender, [(seq % 65_536, ts, size) for seq, ts, size in packets])
    assert asyncio.run(guard.probe())
    [probed] = set(sender.retransmitted)
    assert len(sender.retransmitted) == PROBE_COPIES  # all of them: no budget applies
    assert probed < 14 or probed >= 65_520  # among the last sent, not the key frame's
    assert guard.refused == 0
    assert guard.probes == 1
    history = sender._RTCRtpSender__rtp_history  # type: ignore[attr-defined]
    assert len(history[probed % 128].payload) == 350  # the closest to 300 bytes


def test_a_probe_takes_the_largest_when_all_recent_packets_are_small() -> None:
    sender, guard, _ = guarded()
    with_history(sender, [(i, 3000 + i, 40 + i) for i in range(10)])
    asyncio.run(guard.probe())
    assert set(sender.retransmitted) == {9}


def test_a_probe_on_a_closed_connection_says_so() -> None:
    sender, guard, _ = guarded()
    with_history(sender, [(i, 3000 + i, 300) for i in range(10)])

    async def closed(sequence_number: int) -> None:
        raise ConnectionError

    guard._retransmit = closed
    assert not asyncio.run(guard.probe())
    assert guard.probes == 0
