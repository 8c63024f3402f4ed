"""Bounds on what aiortc's video sender does when the far end complains.

aiortc 1.16 retransmits every packet a NACK names, as often as it is named, and makes a
key frame for every PLI. On a thin link that feeds on itself: losses bring NACKs, the
retransmissions overflow the link, more is lost; each PLI puts a key frame (many times a
normal frame) into a link that is already full. Measured on a 400 kbit/s `tbf` link, the
sender put out 8-13 Mbit/s for seconds at a time and the far end decoded under one frame
a second. `SenderGuard` lets a retransmission through only within a budget (a share of
the video ceiling, and one resend of a packet per `repeat_s`) and at most one key frame
per `keyframe_gap_s` (a request inside the gap is served when it ends).
"""

from __future__ import annotations

import asyncio
import collections
import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiortc import RTCRtpSender

logger = logging.getLogger(__name__)

PACKET_BITS = 1200 * 8  # a full video packet, for the budget


@dataclass(frozen=True)
class GuardTuning:
    resend_share: float = 0.25  # retransmissions may use this share of the video ceiling
    burst_s: float = 0.25  # the budget may be saved up for this long
    repeat_s: float = 0.25  # a packet is resent at most once in this long
    keyframe_gap_s: float = 1.0


class SenderGuard:
    def __init__(
        self,
        sender: RTCRtpSender,
        ceiling_bps: Callable[[], int],
        tuning: GuardTuning | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.tuning = tuning or GuardTuning()
        self._ceiling_bps = ceiling_bps
        self._clock = clock
        self._retransmit: Callable[[int], Awaitable[None]] = sender._retransmit
        self._send_keyframe: Callable[[], None] = sender._send_keyframe
        self._tokens = 0.0
        self._filled_at = clock()
        self._resent: collections.OrderedDict[int, float] = collections.OrderedDict()
        self._keyframe_at = -math.inf
        self._pending: asyncio.TimerHandle | None = None
        self.resent = self.refused = 0
        self.keyframes = self.keyframes_delayed = 0
        # Instance attributes shadow the methods aiortc calls on RTCP feedback.
        sender._retransmit = self.retransmit  # type: ignore[method-assign]
        sender._send_keyframe = self.keyframe  # type: ignore[method-assign]

    async def retransmit(self, sequence_number: int) -> None:
        now = self._clock()
        if now - self._resent.get(sequence_number, -math.inf) < self.tuning.repeat_s:
            self.refused += 1
            return
        packets_per_s = self.tuning.resend_share * self._ceiling_bps() / PACKET_BITS
        burst = max(1.0, packets_per_s * self.tuning.burst_s)
        self._tokens = min(burst, self._tokens + (now - self._filled_at) * packets_per_s)
        self._filled_at = now
        if self._tokens < 1.0:
            self.refused += 1
            return
        self._tokens -= 1.0
        self._resent[sequence_number] = now
        self._resent.move_to_end(sequence_number)
        while len(self._resent) > 1024:
            self._resent.popitem(last=False)
        self.resent += 1
        await self._retransmit(sequence_number)

    def keyframe(self) -> None:
        now = self._clock()
        wait = self._keyframe_at + self.tuning.keyframe_gap_s - now
        if wait <= 0:
            self._keyframe_at = now
            self.keyframes += 1
            logger.debug("video sender: key frame requested (%d so far)", self.keyframes)
            self._send_keyframe()
        elif self._pending is None:
            self.keyframes_delayed += 1
            self._pending = asyncio.get_running_loop().call_later(wait, self._delayed)

    def _delayed(self) -> None:
        self._pending = None
        self.keyframe()

    def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
