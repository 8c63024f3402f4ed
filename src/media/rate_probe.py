"""What rate the link carries, read off how a probe of a few packets sent at once arrives.

Before the ladder tries video again after audio only, and while our video is held below
the lowest step's need, the sender sends one recent video packet several times back to
back (`SenderGuard.probe`), a few kilobytes in all. A link slower than the sender spreads
the copies out: each waits for the one before it to pass the narrowest hop, so they
arrive one packet's time on that hop apart (a packet train, as in libwebrtc's probes,
which aiortc lacks). The receiver's video estimator sees each packet's send time (the
abs-send-time header extension, which aiortc puts on video for its REMB) and its arrival
time. `ProbeMeter` recognises the copies (same send time, same size: the packets of a
frame are sent at different times, and a retransmission asked for again is at least
250 ms apart) and takes the higher middle one of the four gaps between their arrivals:
a token bucket that lets the first three through at once does not move it, nor does a
receiver busy for a moment (one long gap, the others near 0); a bucket that lets more
through hides the rate (no measure). The rate is a copy's size on the wire over that
gap. The copies queue together at the narrowest hop, so what comes after them (our
audio, among others) does not slow them: it is the link's whole rate. Copies that arrive
as fast as they were sent say only that the link is faster than this can tell: no
measure.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from aiortc.rate import RemoteBitrateEstimator

PROBE_COPIES = 5  # copies the sender sends
MIN_COPIES = 4  # copies the receiver needs (one may be lost); the fifth refines the measure
WIRE_OVERHEAD_BYTES = 60  # IP, UDP, SRTP and RTP headers on each packet, about
MIN_GAP_MS = 2.0  # arrival times are whole milliseconds: shorter gaps tell nothing
MAX_SPREAD_MS = 500  # copies further apart than this are not one probe
MAX_STREAMS = 4  # a receiver's video streams (and their retransmissions) watched


@dataclass(frozen=True)
class Probe:
    """One measured probe: the rate the link carried it at."""

    arrived_ms: int  # the arrival of its last copy
    kbps: float


class ProbeMeter:
    """Feed every packet of one stream; `latest` is the newest measured probe."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None  # (abs-send-time, size) of the run so far
        self._arrivals: list[int] = []
        self.latest: Probe | None = None

    def add(self, arrival_ms: int, abs_send_time: int, size: int) -> Probe | None:
        """One packet; returns the probe it completed (or measured again with one more
        copy), when that one could be measured."""
        # a new run: another packet, or the same one again later (the next probe may
        # copy the same packet when nothing was sent in between)
        stale = bool(self._arrivals) and arrival_ms - self._arrivals[-1] > MAX_SPREAD_MS
        if (abs_send_time, size) != self._key or stale:
            self._key, self._arrivals = (abs_send_time, size), []
        self._arrivals.append(arrival_ms)
        if not MIN_COPIES <= len(self._arrivals) <= PROBE_COPIES:
            return None  # too few to tell yet (one copy may be lost: four will do)
        if self._arrivals[-1] - self._arrivals[0] > MAX_SPREAD_MS:
            return None
        gaps = [b - a for a, b in zip(self._arrivals, self._arrivals[1:], strict=False)]
        gap_ms = statistics.median_high(gaps)
        if gap_ms < MIN_GAP_MS:
            return None
        self.latest = Probe(arrival_ms, (size + WIRE_OVERHEAD_BYTES) * 8 / gap_ms)
        return self.latest


class MeteredEstimator(RemoteBitrateEstimator):
    """aiortc's REMB estimator, which sees every video packet's send and arrival times,
    also measuring probes (a `ProbeMeter` per stream; retransmissions have their own)."""

    def __init__(self) -> None:
        super().__init__()
        self.meters: dict[int, ProbeMeter] = {}
        self.latest: Probe | None = None

    def add(
        self, arrival_time_ms: int, abs_send_time: int, payload_size: int, ssrc: int
    ) -> tuple[int, list[int]] | None:
        meter = self.meters.get(ssrc)
        if meter is None and len(self.meters) < MAX_STREAMS:
            meter = self.meters[ssrc] = ProbeMeter()
        if meter is not None:
            self.latest = meter.add(arrival_time_ms, abs_send_time, payload_size) or self.latest
        return super().add(arrival_time_ms, abs_send_time, payload_size, ssrc)
