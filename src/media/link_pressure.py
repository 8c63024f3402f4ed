"""How loaded the link is, judged one sample (about a second) at a time: good, fair or bad.

Pure logic for the step-down ladder (`ladder.py`). A sample is bad when the link shows
congestion: heavy loss, a round trip that grew well above its usual value (a queue
filling somewhere) or stayed fairly high for seconds (a queue that never drains: we fill
the link), a local send queue, or a measured rate below what the current step needs.
Fair samples (some loss, a slightly longer round trip) block stepping up but do not push
down: random loss without a growing queue is not cured by sending less.

What got through (our rate less the loss) is taken as the link's rate only while the link
shows it is full: heavy loss with a longer round trip (a queue overflowing), our own send
queue, or loss so heavy (40%) that no usable radio link loses that much at random.
The far end's own estimate can show it too: when our video is held to the receiver's
estimate (REMB) and sends about all it allows (`LinkSample.rate_limited`), what got
through is the link's rate; it is taken only below the lowest video step's need, where
no video fits and video would only take the audio's room (above that the encoder's
bitrate follows the estimate within the step, as a browser's does), and only while the
link shows strain (some loss, or a round trip 30 ms above usual): after a thin spell
aiortc's estimate climbs by about 1 kbit/s a second, so on a link that has recovered it
holds the video back for minutes while nothing is lost and nothing queues. A probe
measured by the receiver (`LinkSample.probe_kbps`, `rate_probe.py`) tells the two apart:
below the lowest video step's need, it is the link's rate.
Otherwise loss says nothing about the rate (a radio link loses packets at any rate):
heavy loss with a steady round trip is bad for its own sake (`Assessment.loss_only`) and
`loss_probe.py` finds out whether it is ours.
"""

from __future__ import annotations

import collections
import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkSample:
    """One periodic measurement of the sending side; unknown values are None."""

    at: float  # seconds on a monotonic clock
    rtt_ms: float | None = None
    loss: float | None = None  # fraction of our packets the far end lost, 0..1
    available_kbps: float | None = None  # an estimate of what the link carries (e.g. REMB)
    delivered_kbps: float | None = None  # what reached the far end over the last interval
    queue_ms: float | None = None  # how long a packet waits in our own send queue
    rate_limited: bool = False  # our video sends about all the receiver's estimate allows
    probe_kbps: float | None = None  # what the link carries, by the receiver's probe


@dataclass(frozen=True)
class PressureTuning:
    loss_bad: float = 0.10
    loss_fair: float = 0.03
    loss_full: float = 0.40  # this much loss is a link far too slow, not a radio's random loss
    rtt_rise_bad_ms: float = 250.0  # over the lowest round trip of the last two minutes
    rtt_rise_fair_ms: float = 100.0
    rtt_rise_lossy_ms: float = 30.0  # heavy loss with this much more round trip: a full queue
    rtt_bad_ms: float = 1000.0  # bad whatever the usual value
    standing_s: float = 5.0  # a round trip fairly high this long: a queue that never drains
    queue_bad_ms: float = 300.0
    queue_fair_ms: float = 100.0
    baseline_window_s: float = 120.0


class Pressure(enum.Enum):
    GOOD = "good"
    FAIR = "fair"
    BAD = "bad"


class Cause(enum.Enum):
    LOSS = "loss"
    RTT = "round trip"
    QUEUE = "send queue"
    RATE = "rate"


@dataclass(frozen=True)
class Assessment:
    sample: LinkSample
    pressure: Pressure
    causes: frozenset[Cause]
    rtt_base_ms: float | None
    capacity_kbps: float | None  # what the link carries at most, when the sample says so
    rtt_high_s: float = 0.0  # how long the round trip has been fairly high, so far

    @property
    def loss_only(self) -> bool:
        """Bad for heavy loss alone: no queue, no measured rate below the step's need."""
        return self.pressure is Pressure.BAD and self.causes == {Cause.LOSS}


class PressureGauge:
    """Judges samples against the step's needs; remembers the usual round trip."""

    def __init__(self, tuning: PressureTuning | None = None) -> None:
        self.tuning = tuning or PressureTuning()
        self._rtts: collections.deque[tuple[float, float]] = collections.deque()
        self._high_since: float | None = None  # first of a run of fairly high round trips

    def assess(self, sample: LinkSample, needs_kbps: float, floor_kbps: float = 0.0) -> Assessment:
        """`needs_kbps`: what the current step needs; `floor_kbps`: what the lowest step
        with video needs (a rate-limited sample below it is a measured rate)."""
        t = self.tuning
        base = self._baseline(sample)
        bad: set[Cause] = set()
        fair: set[Cause] = set()
        loss = sample.loss or 0.0
        rise = (sample.rtt_ms - base) if sample.rtt_ms is not None and base is not None else 0.0
        if loss >= t.loss_bad:
            bad.add(Cause.LOSS)
        elif loss >= t.loss_fair:
            fair.add(Cause.LOSS)
        if rise >= t.rtt_rise_bad_ms or (sample.rtt_ms or 0.0) >= t.rtt_bad_ms:
            bad.add(Cause.RTT)
        elif rise >= t.rtt_rise_fair_ms:
            fair.add(Cause.RTT)
        high_s = self._high_for(sample.at, rise >= t.rtt_rise_fair_ms)
        if Cause.RTT in fair and high_s >= t.standing_s:
            bad.add(Cause.RTT)  # we fill the link: a queue stands and delays everything
        if (sample.queue_ms or 0.0) >= t.queue_bad_ms:
            bad.add(Cause.QUEUE)
        elif (sample.queue_ms or 0.0) >= t.queue_fair_ms:
            fair.add(Cause.QUEUE)
        if {Cause.LOSS, Cause.RTT} <= fair:
            bad |= fair  # loss while a queue grows: congestion, not random loss
        elif Cause.LOSS in bad and rise >= t.rtt_rise_lossy_ms:
            bad.add(Cause.RTT)  # heavy loss and a longer round trip: a short queue overflowing
        overflowing = Cause.LOSS in bad and rise >= t.rtt_rise_lossy_ms
        full = overflowing or Cause.QUEUE in bad or loss >= t.loss_full
        strained = loss >= t.loss_fair or rise >= t.rtt_rise_lossy_ms
        starved = strained and sample.rate_limited and (sample.delivered_kbps or 0.0) < floor_kbps
        capacity = _capacity(sample, full or starved, floor_kbps)
        if capacity is not None and capacity < needs_kbps:
            bad.add(Cause.RATE)
        if bad:
            return Assessment(sample, Pressure.BAD, frozenset(bad), base, capacity, high_s)
        pressure = Pressure.FAIR if fair else Pressure.GOOD
        return Assessment(sample, pressure, frozenset(fair), base, capacity, high_s)

    def _high_for(self, at: float, high: bool) -> float:
        """Seconds the round trip has been fairly high, this sample included (0: not now)."""
        if not high:
            self._high_since = None
            return 0.0
        if self._high_since is None:
            self._high_since = at
        return at - self._high_since + 1.0

    def _baseline(self, sample: LinkSample) -> float | None:
        if sample.rtt_ms is not None:
            self._rtts.append((sample.at, sample.rtt_ms))
        while self._rtts and self._rtts[0][0] < sample.at - self.tuning.baseline_window_s:
            self._rtts.popleft()
        return min(rtt for _, rtt in self._rtts) if self._rtts else None


def _capacity(sample: LinkSample, full: bool, floor_kbps: float) -> float | None:
    """The most the link can carry: the estimate, what got through while the link
    showed it was full (a queue overflowing), or what a probe measured (`rate_probe.py`)
    when it is below the lowest video step's need (above it the encoder follows the
    estimate within the step).

    Otherwise what got through is only what we sent, less any random loss: at 20% loss on
    a fast radio link it is 80% of our rate, and a round trip grown by someone else's
    traffic says nothing of a camera that sends little; neither is the link's rate.
    """
    limits = [sample.available_kbps] if sample.available_kbps is not None else []
    if full and sample.delivered_kbps is not None:
        limits.append(sample.delivered_kbps)
    if sample.probe_kbps is not None and sample.probe_kbps < floor_kbps:
        limits.append(sample.probe_kbps)
    return min(limits) if limits else None
