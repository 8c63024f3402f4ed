"""Whose is the loss? Heavy loss with a steady round trip, judged for the ladder.

Loss alone does not say whether the link is too slow (a short queue overflowing) or
drops packets whatever we send (a radio link). The ladder's answer is one step down and a
look at what happens: our rate fell by a quarter or more, so if what gets through did not
fall with it, the link is full at that rate (it becomes the measured rate and the ladder
goes on down to the step that fits); if what gets through fell in step with our rate, the
loss is the link's own, and sending less would not help. Until the loss clears, such
samples then count as good: they neither push down nor hold back a step up, and Opus'
in-band FEC and retransmissions deal with the loss.

Before that one step, loss alone never takes the video away (audio only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from outpost.media.link_pressure import Assessment, Cause, LinkSample, Pressure


@dataclass(frozen=True)
class LossProbeTuning:
    sent_drop: float = 0.75  # our rate must have fallen at least this much for a verdict
    pinned: float = 0.85  # what gets through held at this share of before: the link is full


@dataclass(frozen=True)
class _Before:
    """What was sent and got through, on average, in the samples that caused the step."""

    sent_kbps: float | None
    delivered_kbps: float | None


def _sent(sample: LinkSample) -> float | None:
    loss = sample.loss or 0.0
    if sample.delivered_kbps is None or loss >= 1.0:
        return None
    return sample.delivered_kbps / (1.0 - loss)


def _mean(values: Sequence[float | None]) -> float | None:
    known = [value for value in values if value is not None]
    return sum(known) / len(known) if known else None


class LossProbe:
    def __init__(self, tuning: LossProbeTuning | None = None) -> None:
        self.tuning = tuning or LossProbeTuning()
        self._before: _Before | None = None

    @property
    def stepped(self) -> bool:
        """The ladder stepped down for loss alone, and the loss has not cleared since."""
        return self._before is not None

    def stepped_down(self, bad: Sequence[Assessment]) -> None:
        """The ladder moved down because of `bad`: a probe if they were loss alone."""
        if bad and all(assessment.loss_only for assessment in bad):
            samples = [assessment.sample for assessment in bad]
            self._before = _Before(
                _mean([_sent(sample) for sample in samples]),
                _mean([sample.delivered_kbps for sample in samples]),
            )
        else:
            self._before = None

    def forget(self) -> None:
        """The loss cleared: the next loss is a new question."""
        self._before = None

    def judge(
        self, seen: Assessment, needs_kbps: float, has_video_below: bool, settling: bool
    ) -> Assessment:
        """`seen` as the ladder should take it. `has_video_below`: the step below still
        sends video; `settling`: right after a step down, while queues drain."""
        alone = seen.causes == {Cause.LOSS} and seen.pressure is not Pressure.GOOD
        if not alone:
            return seen
        if self._before is None:
            if seen.pressure is Pressure.BAD and not has_video_below:
                return dataclasses.replace(seen, pressure=Pressure.FAIR)
            return seen
        if settling:
            return seen
        rate = self._pinned_rate(seen.sample, self._before)
        if rate is None:
            return dataclasses.replace(seen, pressure=Pressure.GOOD, causes=frozenset())
        if rate < needs_kbps:
            return dataclasses.replace(
                seen,
                pressure=Pressure.BAD,
                causes=frozenset({Cause.LOSS, Cause.RATE}),
                capacity_kbps=rate,
            )
        return seen

    def _pinned_rate(self, sample: LinkSample, before: _Before) -> float | None:
        """What got through, if the link is full at it; None if the loss is random."""
        sent, delivered = _sent(sample), sample.delivered_kbps
        sent_before, delivered_before = before.sent_kbps, before.delivered_kbps
        if sent is None or delivered is None or sent_before is None or delivered_before is None:
            return None
        sent_less = sent <= self.tuning.sent_drop * sent_before
        if sent_less and delivered >= self.tuning.pinned * delivered_before:
            return delivered
        return None
