"""The ladder in a closed loop with a simulated bottleneck: the issue's three links.

`Bottleneck` is a fluid model of a rate-limited link with a drop-tail buffer (like `tbf`):
each second the sender offers its step's rate (wobbling +-15% like a real encoder), the
link forwards at most its rate, the rest queues (the round trip grows) or is dropped when
the buffer is full. It answers with what a sender learns from RTCP: round trip, loss and
what got through. The real thing, with namespaces and tbf, is the call benchmark's job.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from outpost.media.ladder import SPECS, Ladder, Step, Transition
from outpost.media.link_pressure import LinkSample

AUDIO_KBPS = 47.0  # Opus 24 kbit/s + 50 packet headers a second


@dataclass
class Bottleneck:
    rate_kbps: float
    base_rtt_ms: float
    random_loss: float = 0.0
    buffer_ms: float = 250.0
    queue_kbit: float = 0.0

    def second(self, at: float, offered_kbps: float, rng: random.Random) -> LinkSample:
        capacity = self.rate_kbps
        limit = capacity * self.buffer_ms / 1000
        backlog = self.queue_kbit + offered_kbps
        sent = min(capacity, backlog)
        self.queue_kbit = backlog - sent
        dropped = max(0.0, self.queue_kbit - limit)
        self.queue_kbit -= dropped
        lost = dropped + (sent * self.random_loss)
        return LinkSample(
            at=at,
            rtt_ms=self.base_rtt_ms + 1000 * self.queue_kbit / capacity + rng.uniform(0, 15),
            loss=min(1.0, lost / offered_kbps),
            delivered_kbps=sent * (1 - self.random_loss),
        )


@dataclass(frozen=True)
class Run:
    steps: list[Step]  # one a second
    transitions: list[Transition]
    queue_ms: list[float]  # what the bottleneck held, as delay
    losses: list[float]


def run(link: Bottleneck, seconds: int, seed: int = 1) -> Run:
    rng = random.Random(seed)
    ladder = Ladder()
    steps, transitions, queue, losses = [], [], [], []
    for at in range(seconds):
        needs = SPECS[ladder.step].needs_kbps
        offered = needs * rng.uniform(0.80, 1.10) if needs else AUDIO_KBPS
        sample = link.second(float(at), offered, rng)
        queue.append(1000 * link.queue_kbit / link.rate_kbps)
        losses.append(sample.loss or 0.0)
        transition = ladder.feed(sample)
        if transition is not None:
            transitions.append(transition)
        steps.append(ladder.step)
    return Run(steps, transitions, queue, losses)


def test_400_kbps_100_ms_keeps_video_at_320x240_15fps_or_better() -> None:
    result = run(Bottleneck(rate_kbps=400, base_rtt_ms=100), seconds=900)

    after_start = result.steps[10:]
    assert Step.AUDIO_ONLY not in after_start
    share = Counter(after_start)
    assert share[Step.LOW] + share[Step.MEDIUM] >= 0.97 * len(after_start)
    late_ups = [t for t in result.transitions if t.at > 300 and t.to_step is Step.MEDIUM]
    assert len(late_ups) <= 4  # probes of a step that does not fit: rarely
    congested = sum(1 for q in result.queue_ms[10:] if q > 200)
    assert congested <= 0.03 * len(after_start)


def test_5_percent_random_loss_keeps_full_video_with_lower_opus() -> None:
    rng = random.Random(3)
    ladder = Ladder()
    link = Bottleneck(rate_kbps=5000, base_rtt_ms=100, random_loss=0.05)
    transitions = []
    for at in range(300):
        sample = link.second(float(at), SPECS[ladder.step].needs_kbps, rng)
        noisy = LinkSample(at=sample.at, rtt_ms=sample.rtt_ms, loss=rng.uniform(0.02, 0.08))
        transition = ladder.feed(noisy)
        if transition is not None:
            transitions.append(transition)

    assert transitions == []
    assert ladder.step is Step.FULL
    assert ladder.targets.opus_kbps == SPECS[Step.FULL].opus_lossy_kbps


def test_150_kbps_goes_audio_only_within_seconds_and_stays() -> None:
    result = run(Bottleneck(rate_kbps=150, base_rtt_ms=100), seconds=900)

    first = result.transitions[0]
    assert first.to_step is Step.AUDIO_ONLY
    assert first.at <= 3
    assert first.reason.startswith("link carries about 150 kbit/s, 640x480@30 needs 640")
    assert Counter(result.steps[5:])[Step.AUDIO_ONLY] >= 0.97 * len(result.steps[5:])
    probes = [t for t in result.transitions if t.to_step is Step.LOW]
    assert 1 <= len(probes) <= 8
    assert all(t.reason.endswith("right after stepping up") for t in result.transitions[2::2])
    # Audio alone fits: from the first audio-only second to the end, little is lost.
    lossy_seconds = sum(1 for loss in result.losses[5:] if loss > 0.05)
    assert lossy_seconds <= 2 * len(probes)


def test_a_link_that_recovers_brings_full_video_back_step_by_step() -> None:
    rng = random.Random(5)
    ladder = Ladder()
    link = Bottleneck(rate_kbps=150, base_rtt_ms=80)
    for at in range(60):
        needs = SPECS[ladder.step].needs_kbps or AUDIO_KBPS
        ladder.feed(link.second(float(at), needs, rng))
    assert ladder.step is Step.AUDIO_ONLY

    link.rate_kbps = 3000
    climbed = []
    for at in range(60, 400):
        needs = SPECS[ladder.step].needs_kbps or AUDIO_KBPS
        transition = ladder.feed(link.second(float(at), needs, rng))
        if transition is not None:
            climbed.append(transition)

    assert [t.to_step for t in climbed] == [Step.LOW, Step.MEDIUM, Step.FULL]
    assert climbed[-1].at <= 60 + 3 * 160 - 1
