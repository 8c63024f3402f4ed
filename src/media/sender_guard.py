"""Bounds on what aiortc's video sender does when the far end complains.

aiortc 1.16 retransmits every packet a NACK names, as often as it is named, and makes a
key frame for every PLI. On a thin link that feeds on itself: losses bring NACKs, the
retransmissions overflow the link, more is lost; each PLI puts a key frame (many times a
normal frame) into a link that is already full. Measured on a 400 kbit/s `tbf` link, the
sender put out 8-13 Mbit/s for seconds at a time and the far end decoded under one frame
a second. `SenderGuard` lets a retransmission through only within a budget (a share of
the video ceiling, and one resend of a packet per `repeat_s`) and at most one key frame
per `keyframe_gap_s` (a request inside the gap is served when it ends).

`probe` sends one recent packet several times back to back, outside that budget, for the
far end to measure the link with (`rate_probe.py`).
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
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add

from outpost.media.rate_probe import PROBE_COPIES

logger = logging.getLogger(__name__)

PACKET_BITS = 1200 * 8  # a full video packet, for the budget
PROBE_LOOKBACK = 30  # a probe's packet is among the last this many sent: the far end drops it
# ... and about this big: five copies (1.8 kB with headers) take 96 ms of a 150 kbit/s
# link (600-byte ones took 180 ms, and the audio behind them came 120-180 ms late)
PROBE_BYTES = 300


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
        self._sender = sender
        self._send_keyframe: Callable[[], None] = sender._send_keyframe
        self._tokens = 0.0
        self._filled_at = clock()
        self._resent: collections.OrderedDict[int, float] = collections.OrderedDict()
        self._keyframe_at = -math.inf
        self._pending: asyncio.TimerHandle | None = None
        self.resent = self.refused = 0
        self.keyframes = self.keyframes_delayed = 0
        self.probes = 0
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

    async def probe(self, copies: int = PROBE_COPIES) -> bool:
        """Send a recent packet `copies` times back to back; False when none was sent
        yet or the connection is gone. The far end's jitter buffer drops them (it has had
        that packet), its estimator times their arrival (`rate_probe.py`)."""
        sequence_number = probe_packet(self._sender)
        if sequence_number is None:
            return False
        try:
            for _ in range(copies):
                await self._retransmit(sequence_number)
        except ConnectionError:
            return False  # the connection closed meanwhile (a hang-up, a renegotiation)
        self.probes += 1
        return True

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


def probe_packet(sender: RTCRtpSender) -> int | None:
    """The sequence number of a packet to probe with: of the last `PROBE_LOOKBACK` sent
    (aiortc keeps the last 128), the one closest to `PROBE_BYTES`; None before the first."""
    history: dict[int, RtpPacket] = getattr(sender, "_RTCRtpSender__rtp_history", {})
    last_timestamp: int | None = getattr(sender, "_RTCRtpSender__rtp_timestamp", None)
    newest = [p.sequence_number for p in history.values() if p.timestamp == last_timestamp]
    if not newest:
        return None
    # the packet of the last frame that no other one follows (sequence numbers wrap)
    anchor = next(s for s in newest if all(uint16_add(s, -o) < 0x8000 for o in newest))
    recent = [
        packet
        for packet in history.values()
        if uint16_add(anchor, -packet.sequence_number) < PROBE_LOOKBACK
    ]
    return min(recent, key=lambda packet: abs(len(packet.payload) - PROBE_BYTES)).sequence_number
