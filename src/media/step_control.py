"""`StepControl`: the step-down ladder (`ladder.py`) applied to a running call.

Once a second it turns the call's quality sample into the ladder's `LinkSample` (round
trip and loss from the far end's reports on what we send; what got through = our rate
less that loss, which the ladder takes as the link's rate only when the link shows it is
full, see `link_pressure.py`) and applies the ladder's step: the camera's size and frame rate
(`ScaledVideoTrack`), the VP8 ceiling and the Opus bitrate (`encoders.py`, installed on
each new peer connection's senders before the first frame), and records each change in
the call's record. When the ladder asks, it has the video sender probe the link
(`SenderGuard.probe`); the far end's measure of it comes back through signaling
(`far_probe`) and goes into the next samples. Without it a call sends at aiortc's
defaults.
"""

from __future__ import annotations

import asyncio
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


PROBE_MEMORY_S = 10.0  # the far end's measure of a probe counts this long


def link_sample(
    sample: QualitySample,
    at: float,
    rate_limited: bool = False,
    probe_kbps: float | None = None,
) -> LinkSample:
    loss = None if sample.loss_sent_pct is None else sample.loss_sent_pct / 100
    return LinkSample(
        at=at,
        rtt_ms=sample.rtt_ms,
        loss=loss,
        delivered_kbps=sample.kbps_sent * (1 - (loss or 0.0)),
        rate_limited=rate_limited,
        probe_kbps=probe_kbps,
    )


def held_by_estimate(video_kbps: float, estimate_bps: int | None) -> bool:
    """Our video sends about all the receiver's estimate (REMB) allows: the estimate binds.

    aiortc's estimator reports about 1.5 times what arrives while the link has room, so a
    sender that fills its estimate is one the link holds back (an encoder with little to
    say, a still picture, sends well under it)."""
    return estimate_bps is not None and video_kbps >= RATE_LIMITED_SHARE * estimate_bps / 1000


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
        self._far_probe: tuple[float, int] | None = None  # (when, kbit/s) the far end measured
        self._tasks: set[asyncio.Task[bool]] = set()  # probes being sent
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

    @property
    def far_probe_kbps(self) -> int | None:
        """The far end's latest measure of a probe of ours, however old."""
        return self._far_probe[1] if self._far_probe is not None else None

    def far_probe(self, kbps: int) -> None:
        """The far end measured our latest probe arriving at `kbps` (`rate_probe.py`,
        carried by signaling)."""
        self._far_probe = (self._clock(), kbps)
        logger.info("ladder: the far end measured a probe at %d kbit/s", kbps)

    def _probed_kbps(self, at: float) -> float | None:
        """What the far end's latest probe says the link carries (its copies queue
        together at the narrowest hop, so what comes after them, our audio included,
        does not slow them); None when there is none of late."""
        if self._far_probe is None or at - self._far_probe[0] > PROBE_MEMORY_S:
            return None
        return float(self._far_probe[1])

    def on_sample(self, sample: QualitySample) -> None:
        at = self._clock()
        limited = held_by_estimate(self._video_kbps(at), self._remote_estimate_bps())
        link = link_sample(sample, at, limited, self._probed_kbps(at))
        held_back = self.ladder.held_back
        transition = self.ladder.feed(link)
        if self.ladder.held_back != held_back:
            logger.info(
                "ladder: stays audio only (the far end's probe: about %.0f kbit/s)",
                link.probe_kbps,
            )
        if self.ladder.take_probe(link):
            self._probe()
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

    def _probe(self) -> None:
        """Have the video sender probe the link (`SenderGuard.probe`), in the background."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in a call (a test feeding samples by hand)
        if self.guard is not None:
            logger.info("ladder: probing the link")
            task = loop.create_task(self.guard.probe())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

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
