"""The step-down ladder: which resolution, frame rate and Opus bitrate the link can carry.

Pure logic, fed one `LinkSample` a second. Steps: 640x480@30 -> 480x360@30 ->
320x240@15 -> audio only. Down fast: two bad samples out of three (or at once to the
step a measured rate fits). Up slowly: one step after 10 s of good samples; the first
seconds on the new step are a probe that one bad sample undoes, and each failed probe
doubles the wait before the next (up to 160 s), so a link at the edge does not flap.
Every change is a `Transition` with its time and a reason in plain words.

Heavy loss with a steady round trip (no queue anywhere) may be random, as on a radio
link, and sending less does not cure that: such loss takes the ladder down one step, and
what happens then tells whether the link is full or the loss is the link's own
(`loss_probe.py`).

Before video is tried again after audio only, the sender probes the link (`take_probe`,
`rate_probe.py`): when the far end measures it slower than the lowest video step needs,
the ladder stays on audio only, without sending video into it, and probes again after
the same wait.
"""

from __future__ import annotations

import collections
import enum
from dataclasses import dataclass, field

from outpost.media.link_pressure import (
    Assessment,
    Cause,
    LinkSample,
    Pressure,
    PressureGauge,
    PressureTuning,
)
from outpost.media.loss_probe import LossProbe, LossProbeTuning


class Step(enum.Enum):
    FULL = "640x480@30"
    MEDIUM = "480x360@30"
    LOW = "320x240@15"
    AUDIO_ONLY = "audio only"


@dataclass(frozen=True)
class StepSpec:
    """What a step sends, and the link rate (kbit/s, packet overhead included) it needs."""

    step: Step
    width: int
    height: int
    fps: int
    video_kbps: int  # the video encoder's ceiling on this step
    opus_kbps: int
    opus_lossy_kbps: int  # under loss: fewer bits, and room for Opus' own redundancy
    # (libopus 1.6 puts in-band FEC in stereo speech from 18 kbit/s at 10% expected loss)
    needs_kbps: int

    @property
    def has_video(self) -> bool:
        return self.fps > 0


# needs_kbps = video + Opus + about 60 bytes of IP/UDP/SRTP header per packet (50 audio
# packets a second, one or two per video frame), with some headroom.
SPECS: dict[Step, StepSpec] = {
    Step.FULL: StepSpec(Step.FULL, 640, 480, 30, 500, 48, 32, 640),
    Step.MEDIUM: StepSpec(Step.MEDIUM, 480, 360, 30, 270, 40, 32, 400),
    Step.LOW: StepSpec(Step.LOW, 320, 240, 15, 150, 32, 24, 240),
    Step.AUDIO_ONLY: StepSpec(Step.AUDIO_ONLY, 0, 0, 0, 0, 24, 20, 0),
}
ORDER = (Step.FULL, Step.MEDIUM, Step.LOW, Step.AUDIO_ONLY)

LABELS = {
    Step.FULL: "Good connection",
    Step.MEDIUM: "Slower connection: video sharpness reduced",
    Step.LOW: "Weak connection: low-resolution video to keep the sound clear",
    Step.AUDIO_ONLY: "Weak connection: audio only; video resumes when the link improves",
}


def label(step: Step) -> str:
    """One line for the call window saying what the link allows now."""
    return LABELS[step]


@dataclass(frozen=True)
class Transition:
    at: float
    from_step: Step
    to_step: Step
    reason: str


@dataclass(frozen=True)
class Targets:
    """What the engine applies for the current step."""

    spec: StepSpec
    opus_kbps: int
    lossy: bool


@dataclass(frozen=True)
class LadderTuning:
    down_window: int = 3  # samples looked at
    down_count: int = 2  # of them bad, to step down
    settle_s: float = 2.0  # after a step down, while queues drain, only a rate counts
    fit_share: float = 0.9  # a step fits a measured rate if it needs at most this share
    up_hold_s: float = 10.0
    max_hold_s: float = 160.0
    tentative_s: float = 5.0  # after a step up, one bad sample undoes it
    probe_window_s: float = 60.0  # a step down sooner than this after a step up: failed probe
    lossy_on: float = 0.05  # Opus goes to its lossy bitrate at this recent loss
    lossy_off: float = 0.02
    lossy_off_samples: int = 5
    probe_lead_s: float = 3.0  # a probe goes this long before video is tried after audio only
    probe_every_s: float = 10.0  # ... and no more often than this
    pressure: PressureTuning = field(default_factory=PressureTuning)
    loss_probe: LossProbeTuning = field(default_factory=LossProbeTuning)


class Ladder:
    """Holds the current step; `feed` one sample a second, read `step` and `targets`."""

    def __init__(self, start: Step = Step.FULL, tuning: LadderTuning | None = None) -> None:
        self.tuning = tuning or LadderTuning()
        self._gauge = PressureGauge(self.tuning.pressure)
        self._step = start
        self._recent: collections.deque[Assessment] = collections.deque(
            maxlen=self.tuning.down_window
        )
        self._changed_at: float | None = None
        self._last_at: float | None = None
        self._went_up = False
        self._good_since: float | None = None
        self._failures: dict[Step, int] = dict.fromkeys(ORDER, 0)
        self._losses: collections.deque[float] = collections.deque(maxlen=3)
        self._lossy = False
        self._calm = 0
        self._loss_probe = LossProbe(self.tuning.loss_probe)
        self._probed_at: float | None = None  # when the last probe was asked for
        self.held_back = 0  # tries of video a probe of the link called off
        self.history: collections.deque[Transition] = collections.deque(maxlen=1000)

    @property
    def step(self) -> Step:
        return self._step

    @property
    def targets(self) -> Targets:
        spec = SPECS[self._step]
        return Targets(spec, spec.opus_lossy_kbps if self._lossy else spec.opus_kbps, self._lossy)

    def hold_s(self, step: Step) -> float:
        """Good time needed before trying `step` again (grows with its failed probes)."""
        wait: float = self.tuning.up_hold_s * 2.0 ** self._failures[step]
        return min(wait, self.tuning.max_hold_s)

    def take_probe(self, sample: LinkSample) -> bool:
        """Whether to probe the link now (`rate_probe.py`), at most every `probe_every_s`:
        - video is about to be tried again after audio only (the far end's measure is in
          by then);
        - our video is held by the far end's estimate below what the lowest video step
          needs: a link too thin for video, or one that has recovered while the estimate
          climbs back, which only a measure tells apart."""
        at = sample.at
        if self._probed_at is not None and at - self._probed_at < self.tuning.probe_every_s:
            return False
        floor = SPECS[Step.LOW].needs_kbps
        if self._step is Step.AUDIO_ONLY:
            lead = self.hold_s(Step.LOW) - self.tuning.probe_lead_s
            due = self._good_since is not None and at - self._good_since >= lead
        else:
            due = sample.rate_limited and (sample.delivered_kbps or 0.0) < floor
        if due:
            self._probed_at = at
        return due

    def feed(self, sample: LinkSample) -> Transition | None:
        """Take one measurement; returns the transition it caused, if any."""
        self._track_loss(sample)
        previous, self._last_at = self._last_at, sample.at
        needs = SPECS[self._step].needs_kbps
        since = sample.at - self._changed_at if self._changed_at is not None else None
        self._forget_probe_failures(since)
        settling = not self._went_up and since is not None and since < self.tuning.settle_s
        below = ORDER[min(ORDER.index(self._step) + 1, len(ORDER) - 1)]
        assessed = self._gauge.assess(sample, needs, SPECS[Step.LOW].needs_kbps)
        seen = self._loss_probe.judge(assessed, needs, SPECS[below].has_video, settling)
        if settling and seen.pressure is Pressure.BAD and Cause.RATE not in seen.causes:
            return None  # the queue left by the step we came from is still draining
        self._recent.append(seen)
        if seen.pressure is not Pressure.GOOD:
            self._good_since = None
        elif self._good_since is None:
            self._good_since = previous if previous is not None else sample.at
        if seen.pressure is Pressure.BAD:
            return self._maybe_down(seen, since)
        return self._maybe_up(sample)

    def _maybe_down(self, seen: Assessment, since: float | None) -> Transition | None:
        if self._step is Step.AUDIO_ONLY:
            return None
        bad = [a for a in self._recent if a.pressure is Pressure.BAD]
        probing = self._went_up and since is not None and since < self.tuning.tentative_s
        if len(bad) < self.tuning.down_count and not probing:
            return None
        below = ORDER[ORDER.index(self._step) + 1]
        target = below
        if seen.capacity_kbps is not None and not probing:  # a failed probe goes back
            room = self.tuning.fit_share * seen.capacity_kbps  # retransmissions, bursts
            fits = [s for s in ORDER if SPECS[s].needs_kbps <= room]
            target = max(below, fits[0], key=ORDER.index)
            for step in ORDER[: ORDER.index(target)]:  # a measured rate: as a failed probe
                self._failures[step] = max(self._failures[step], 1)
        if self._went_up and since is not None and since < self.tuning.probe_window_s:
            self._failures[self._step] += 1
        self._loss_probe.stepped_down(bad)
        reason = _describe(bad, SPECS[self._step], after_step_up=probing)
        return self._move(seen.sample.at, target, reason, up=False)

    def _maybe_up(self, sample: LinkSample) -> Transition | None:
        if self._step is Step.FULL or self._good_since is None:
            return None
        above = ORDER[ORDER.index(self._step) - 1]
        good_for = sample.at - self._good_since
        if good_for < self.hold_s(above):
            return None
        floor = SPECS[Step.LOW].needs_kbps
        if sample.probe_kbps is not None and sample.probe_kbps < floor:
            # The far end measured our probe: the link is too slow for any video. Wait as
            # long again, and probe again (a probe costs a few kilobytes, a try seconds
            # of video into a full link: no need to wait longer each time).
            self._good_since = sample.at
            self.held_back += 1
            return None
        return self._move(sample.at, above, f"link good for {good_for:.0f} s", up=True)

    def _move(self, at: float, to: Step, reason: str, up: bool) -> Transition:
        transition = Transition(at, self._step, to, reason)
        self.history.append(transition)
        if up:
            self._failures[self._step] = 0  # it held long enough to climb from
        self._step = to
        self._changed_at = at
        self._went_up = up
        self._recent.clear()
        self._good_since = None
        return transition

    def _forget_probe_failures(self, since: float | None) -> None:
        if self._went_up and since is not None and since >= self.tuning.probe_window_s:
            self._failures[self._step] = 0

    def _track_loss(self, sample: LinkSample) -> None:
        if sample.loss is None:
            return
        self._losses.append(sample.loss)
        recent = sum(self._losses) / len(self._losses)
        self._calm = self._calm + 1 if recent < self.tuning.lossy_off else 0
        if recent >= self.tuning.lossy_on:
            self._lossy = True
        elif self._calm >= self.tuning.lossy_off_samples:
            self._lossy = False
            self._loss_probe.forget()


def _describe(bad: list[Assessment], spec: StepSpec, after_step_up: bool) -> str:
    """Why the ladder steps down, e.g. "loss 8% for 3 s"."""
    latest = bad[-1]
    seconds = max(1.0, latest.sample.at - bad[0].sample.at + 1.0, latest.rtt_high_s)
    parts = []
    if Cause.RATE in latest.causes and latest.capacity_kbps is not None:
        parts.append(
            f"link carries about {latest.capacity_kbps:.0f} kbit/s, "
            f"{spec.step.value} needs {spec.needs_kbps}"
        )
    losses = [a.sample.loss for a in bad if Cause.LOSS in a.causes and a.sample.loss is not None]
    if losses:
        parts.append(f"loss {100 * sum(losses) / len(losses):.0f}%")
    rtts = [a for a in bad if Cause.RTT in a.causes and a.sample.rtt_ms is not None]
    if rtts:
        worst = max(rtts, key=lambda a: a.sample.rtt_ms or 0.0)
        usual = f" (usually {worst.rtt_base_ms:.0f} ms)" if worst.rtt_base_ms is not None else ""
        parts.append(f"round trip {worst.sample.rtt_ms:.0f} ms{usual}")
    queues = [a.sample.queue_ms or 0.0 for a in bad if Cause.QUEUE in a.causes]
    if queues:
        parts.append(f"send queue {max(queues):.0f} ms")
    when = "right after stepping up" if after_step_up else f"for {seconds:.0f} s"
    return f"{' and '.join(parts)} {when}"
