"""`StepControl`: the step-down ladder (`ladder.py`) applied to a running call.

Once a second it turns the call's quality sample into the ladder's `LinkSample` (round
trip and loss from the far end's reports on what we send; what got through = our rate
less that loss, which the ladder takes as the link's rate only when the link shows it is
full, see `link_pressure.py`) and applies the ladder's step: the camera's size and frame rate
(`ScaledVideoTrack`), the VP8 ceiling and the Opus bitrate (`encoders.py`, installed on
each new peer connection's senders before the first frame), and records each change in
the call's record. Without it a call sends at aiortc's defaults.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable

from outpost.media.call_meter import CallMeter
from outpost.media.encoders import AdjustableOpusEncoder, BoundedVp8Encoder, attach_encoder
from outpost.media.ladder import Ladder, Step, Targets
from outpost.media.link_pressure import LinkSample
from outpost.media.peer import Peer
from outpost.media.quality import QualitySample
from outpost.media.scaled_track import ScaledVideoTrack
from outpost.media.sender_guard import SenderGuard

logger = logging.getLogger(__name__)

LOSSY_EXPECTED_PCT = 10  # Opus in-band FEC is tuned for this much loss on a lossy link


RATE_LIMITED_SHARE = 0.85  # video at this share of the receiver's estimate: held back by it


OVERUSE_FALL = 0.9  # the receiver's estimate fell below this share of its previous value
OVERUSE_SENT_SHARE = 1.25  # ... and below this share of what our video sent of late
RECENT_SAMPLES = 3  # "of late": the last three samples (about 3 s)


def link_sample(
    sample: QualitySample, at: float, rate_limited: bool = False, overused: bool = False
) -> LinkSample:
    loss = None if sample.loss_sent_pct is None else sample.loss_sent_pct / 100
    return LinkSample(
        at=at,
        rtt_ms=sample.rtt_ms,
        loss=loss,
        delivered_kbps=sample.kbps_sent * (1 - (loss or 0.0)),
        rate_limited=rate_limited,
        overused=overused,
    )


def held_by_estimate(video_kbps: float, estimate_bps: int | None) -> bool:
    """Our video sends about all the receiver's estimate (REMB) allows: the estimate binds.

    aiortc's estimator reports about 1.5 times what arrives while the link has room, so a
    sender that fills its estimate is one the link holds back (an encoder with little to
    say, a still picture, sends well under it)."""
    return estimate_bps is not None and video_kbps >= RATE_LIMITED_SHARE * estimate_bps / 1000


def estimate_fell(before_bps: int | None, now_bps: int | None, video_kbps: float) -> bool:
    """The receiver's estimator saw its queue grow while our video arrived.

    On overuse aiortc's estimator (as libwebrtc's REMB) sets its estimate to 0.85 times
    what arrived over its last second, about what we sent (`video_kbps`: our rate over the
    last few seconds; the two windows differ, so up to `OVERUSE_SENT_SHARE` of it). When it
    only caps an estimate gone stale (after audio only, say) it caps it at 1.5 times what
    arrives plus 10 kbit/s, well above.
    """
    if before_bps is None or now_bps is None:
        return False
    fell = now_bps < OVERUSE_FALL * before_bps
    return fell and now_bps / 1000 < OVERUSE_SENT_SHARE * video_kbps


class StepControl:
    def __init__(
        self,
        camera: ScaledVideoTrack | None,
        ladder: Ladder | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ladder = ladder or Ladder()
        self._camera = camera
        self._clock = clock
        self._meter: CallMeter | None = None
        self._vp8: BoundedVp8Encoder | None = None
        self._opus: AdjustableOpusEncoder | None = None
        self._encoded_at: tuple[float, int] | None = None  # (when, VP8 bytes by then)
        self._estimate_bps: int | None = None  # the receiver's estimate at the last sample
        self._video_rates: collections.deque[float] = collections.deque(maxlen=RECENT_SAMPLES)
        self.guard: SenderGuard | None = None
        if camera is not None:
            camera.set_step(self.ladder.step)

    @property
    def step(self) -> Step:
        return self.ladder.step

    def bind(self, meter: CallMeter) -> None:
        """Feed on `meter`'s samples and record steps in its record."""
        self._meter = meter
        meter.ladder_step = self.ladder.step.value
        meter.listeners.append(self.on_sample)

    def attach(self, peer: Peer) -> None:
        """Give a freshly negotiated peer connection's senders our encoders (VP8, Opus)."""
        self._vp8 = self._opus = None
        self._encoded_at = None
        self._estimate_bps = None
        self._video_rates.clear()
        for transceiver in peer.pc.getTransceivers():
            codecs = transceiver._codecs  # the negotiated ones (aiortc 1.16)
            mime = codecs[0].mimeType.lower() if codecs else ""
            if mime == "video/vp8" and transceiver.sender.track is not None:
                self._vp8 = BoundedVp8Encoder(self._video_ceiling_bps(self.ladder.targets))
                attach_encoder(transceiver.sender, self._vp8)
                if self.guard is not None:
                    self.guard.close()
                self.guard = SenderGuard(
                    transceiver.sender, lambda: self._video_ceiling_bps(self.ladder.targets)
                )
            elif mime == "audio/opus" and transceiver.sender.track is not None:
                self._opus = AdjustableOpusEncoder()
                attach_encoder(transceiver.sender, self._opus)
        self._apply()

    def on_sample(self, sample: QualitySample) -> None:
        at = self._clock()
        video_kbps, estimate = self._video_kbps(at), self._remote_estimate_bps()
        limited = held_by_estimate(video_kbps, estimate)
        self._video_rates.append(video_kbps)
        recent_kbps = sum(self._video_rates) / len(self._video_rates)
        fell = estimate_fell(self._estimate_bps, estimate, recent_kbps)
        self._estimate_bps = estimate
        transition = self.ladder.feed(link_sample(sample, at, limited, fell))
        if transition is not None:
            logger.info(
                "ladder: %s -> %s (%s)",
                transition.from_step.value,
                transition.to_step.value,
                transition.reason,
            )
            if self._camera is not None:
                self._camera.set_step(transition.to_step)
            if self._meter is not None:
                self._meter.stepped(
                    transition.from_step.value, transition.to_step.value, transition.reason
                )
        self._apply()

    def _video_kbps(self, at: float) -> float:
        """What our VP8 encoder put out since the previous sample."""
        encoded = self._vp8.bytes_encoded if self._vp8 is not None else 0
        previous, self._encoded_at = self._encoded_at, (at, encoded)
        if previous is None or at <= previous[0] or encoded < previous[1]:
            return 0.0
        return (encoded - previous[1]) * 8 / 1000 / (at - previous[0])

    def _remote_estimate_bps(self) -> int | None:
        return self._vp8.remote_estimate_bps if self._vp8 is not None else None

    def _apply(self) -> None:
        targets = self.ladder.targets
        if self._vp8 is not None:
            self._vp8.set_bounds(self._video_ceiling_bps(targets))
        if self._opus is not None:
            self._opus.target_bitrate = targets.opus_kbps * 1000
            self._opus.expected_loss_pct = LOSSY_EXPECTED_PCT if targets.lossy else 0

    @staticmethod
    def _video_ceiling_bps(targets: Targets) -> int:
        return max(targets.spec.video_kbps, 1) * 1000
