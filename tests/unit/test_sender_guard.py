"""The video sender's answers to NACK and PLI stay within bounds (`SenderGuard`)."""

from __future__ import annotations

import asyncio
from typing import cast

from aiortc import RTCRtpSender

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
