"""aiortc's video jitter buffer, made to give up on a lost packet.

aiortc 1.16 assembles video frames from a run of packets without gaps; a packet that
never arrives (lost, and its retransmission lost or refused) blocks every frame behind it
until 512 packets have piled up: on a thin link that is 10-30 s of frozen video, while
the packets keep coming. `VideoJitterBuffer` waits `hole_wait_s` for a missing packet
(time for a retransmission), then drops the frames it belonged to, asks the sender for a
key frame (PLI, again every `pli_every_s` until one comes) and passes nothing on until a
key frame arrives (or `hold_frames` have gone by): the picture freezes on the last good
frame instead of decoding on broken references.

aiortc asks for a missing packet (NACK) once, when the gap appears, and again only when
another gap comes. At 5% loss a twentieth of the retransmissions are lost too, and a key
frame (30-40 packets) rarely arrives whole, so a frame waited out the 0.5 s and the
picture froze until a key frame made it through. `RepeatingNackGenerator` asks again
every `repeat_s` (the sender answers a packet at most every 250 ms) for packets missing
less than `give_up_s`; older ones the jitter buffer has given up on are not asked for.

`MeteredEstimator` (`rate_probe.py`), in place of aiortc's REMB estimator, also times the
sender's probes of the link; `latest_probe` reads the newest measure.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiortc import RTCPeerConnection
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpreceiver import NackGenerator
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add

from outpost.media.rate_probe import MeteredEstimator, Probe

logger = logging.getLogger(__name__)

CAPACITY = 512  # packets, as aiortc
_RECEIVER_BUFFER = "_RTCRtpReceiver__jitter_buffer"  # RTCRtpReceiver.__jitter_buffer, 1.16
_RECEIVER_NACKS = "_RTCRtpReceiver__nack_generator"  # RTCRtpReceiver.__nack_generator, 1.16
_RECEIVER_ESTIMATOR = "_RTCRtpReceiver__remote_bitrate_estimator"  # its REMB estimator, 1.16
_VP8_KEY_FRAME_START = b"\x9d\x01\x2a"
_H264_KEY_NALS = (5, 7)  # an IDR slice, a sequence parameter set


def is_key_frame(data: bytes) -> bool:
    """The frame (as depayloaded: a VP8 bitstream, or H.264 in Annex B) is a key frame."""
    if len(data) >= 6 and not data[0] & 0x01 and data[3:6] == _VP8_KEY_FRAME_START:
        return True
    return any(nal[0] & 0x1F in _H264_KEY_NALS for nal in data.split(b"\x00\x00\x01")[1:] if nal)


class VideoJitterBuffer(JitterBuffer):
    def __init__(
        self,
        *,
        hole_wait_s: float = 0.5,
        pli_every_s: float = 0.5,
        hold_frames: int = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(capacity=CAPACITY, is_video=True)
        self._hole_wait_s = hole_wait_s
        self._pli_every_s = pli_every_s
        self._hold_frames = hold_frames
        self._held = 0  # frames dropped while waiting for this key frame
        self._clock = clock
        self._stuck_since: float | None = None
        self._awaiting_key = False
        self._asked_at = -1e9
        self._newest: int | None = None
        self.skipped = 0  # times a missing packet was given up on
        self.discarded = 0  # frames dropped while waiting for a key frame

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli, frame = super().add(packet)
        newest = self._newest
        if newest is None or 0 < uint16_add(packet.sequence_number, -newest) < 0x8000:
            self._newest = packet.sequence_number
        now = self._clock()
        if frame is None and self._blocked():
            if self._stuck_since is None:
                self._stuck_since = now
            elif now - self._stuck_since >= self._hole_wait_s:
                self._skip_hole()
                pli, frame = self._ask(now), self._next_frame(packet.sequence_number)
        if frame is not None:
            self._stuck_since = None
        if self._awaiting_key:
            frame = self._key_frame_or_none(frame, packet.sequence_number)
        if self._awaiting_key and now - self._asked_at >= self._pli_every_s:
            pli = self._ask(now)
        return pli, frame

    def _key_frame_or_none(
        self, frame: JitterFrame | None, sequence_number: int
    ) -> JitterFrame | None:
        """While waiting for a key frame: drop every complete frame before it (all at
        once: aiortc takes one frame per packet, so a backlog would stay as delay)."""
        while frame is not None:
            if is_key_frame(frame.data) or self._held >= self._hold_frames:
                logger.debug("video: going on after %d frames dropped", self._held)
                self._awaiting_key = False
                return frame
            self._held += 1
            self.discarded += 1
            frame = self._remove_frame(sequence_number)
        return None

    def _ask(self, now: float) -> bool:
        if not self._awaiting_key:
            self._awaiting_key, self._held = True, 0
        self._asked_at = now
        return True

    def _blocked(self) -> bool:
        """A missing packet with later ones already in."""
        return self._after_last_gap() is not None

    def _after_last_gap(self) -> int | None:
        """How many packets from the oldest one the first after the newest gap is."""
        if self._origin is None or self._newest is None:
            return None
        span = min(uint16_add(self._newest, -self._origin), self.capacity - 1)
        for offset in range(span, 0, -1):
            if self._packets[(self._origin + offset - 1) % self.capacity] is None:
                return offset
        return None

    def _skip_hole(self) -> None:
        """Give up on every missing packet: keep only what came after the newest gap (a
        key frame is awaited anyway, so older frames would be dropped)."""
        after = self._after_last_gap()
        if after is not None:
            self.remove(after)
            self.skipped += 1
            logger.debug("video: gave up on missing packets, %d dropped", after)
        self._stuck_since = None

    def _next_frame(self, sequence_number: int) -> JitterFrame | None:
        return self._remove_frame(sequence_number)


class RepeatingNackGenerator(NackGenerator):
    """aiortc's NACK generator, asking again for what is still missing."""

    def __init__(
        self,
        *,
        repeat_s: float = 0.12,
        give_up_s: float = 0.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._repeat_s = repeat_s
        self._give_up_s = give_up_s
        self._clock = clock
        self._missing_since: dict[int, float] = {}
        self._asked_at = -1e9

    def add(self, packet: RtpPacket) -> bool:
        """True when the receiver should send a NACK for `self.missing` now."""
        fresh = super().add(packet)
        now = self._clock()
        for sequence in self.missing - self._missing_since.keys():
            self._missing_since[sequence] = now
        for sequence, since in list(self._missing_since.items()):
            if sequence not in self.missing:
                del self._missing_since[sequence]
            elif now - since > self._give_up_s:
                self.missing.discard(sequence)
                del self._missing_since[sequence]
        if not self.missing or not (fresh or now - self._asked_at >= self._repeat_s):
            return False
        self._asked_at = now
        return True


def keep_video_moving(pc: RTCPeerConnection) -> int:
    """Give every video receiver of `pc` a `VideoJitterBuffer`, a
    `RepeatingNackGenerator` and a `MeteredEstimator` (call once its transceivers exist,
    before media flows); the number of receivers changed."""
    changed = 0
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            setattr(transceiver.receiver, _RECEIVER_BUFFER, VideoJitterBuffer())
            setattr(transceiver.receiver, _RECEIVER_NACKS, RepeatingNackGenerator())
            setattr(transceiver.receiver, _RECEIVER_ESTIMATOR, MeteredEstimator())
            changed += 1
    return changed


def latest_probe(pc: RTCPeerConnection) -> Probe | None:
    """The newest probe measured on arrival (`rate_probe.py`), if any."""
    probes = []
    for transceiver in pc.getTransceivers():
        estimator = getattr(transceiver.receiver, _RECEIVER_ESTIMATOR, None)
        if isinstance(estimator, MeteredEstimator) and estimator.latest is not None:
            probes.append(estimator.latest)
    return max(probes, key=lambda probe: probe.arrived_ms, default=None)
