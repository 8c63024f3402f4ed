"""The ladder under loss: random loss (a radio link) is not a slow link.

"What got through" is our rate less the loss; it used to be read as the link's rate
whenever the loss was heavy, so 20% random loss on a fast link looked like a link of 80%
of our rate, and the ladder went step by step to audio only. Now it is the link's rate only
while a queue shows the link is full (or the loss is beyond any radio link's, 40%);
heavy loss with a steady round trip costs at most one step, whose outcome tells whether
the link is full or the loss is random (`loss_probe.py`).

Links are closed loops (tests/unit/link_model.py) with per-packet random loss reported as
a call's quality sample does: the worse of audio's and video's share of the second.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from outpost.media.ladder import SPECS, Ladder, Step
from outpost.media.link_pressure import LinkSample
from tests.unit.link_model import Bottleneck, run

FAST = 5000.0  # kbit/s: the rate limit never bites
MINUTES_15 = 900


def steady(at: float, loss: float, delivered: float, rtt: float = 100.0) -> LinkSample:
    return LinkSample(at=at, rtt_ms=rtt, loss=loss, delivered_kbps=delivered)


def test_the_reported_trace_20_percent_loss_is_not_a_slow_link() -> None:
    """The engine's author's report: 20% loss, 100 ms, what got through = 80% of our rate."""
    ladder = Ladder()
    for at in range(60):
        sent = SPECS[ladder.step].needs_kbps
        ladder.feed(steady(at, loss=0.2, delivered=0.8 * sent))
        assert ladder.step is not Step.AUDIO_ONLY, list(ladder.history)
    [down, up] = ladder.history
    assert (down.from_step, down.to_step) == (Step.FULL, Step.MEDIUM)
    assert down.reason == "loss 20% for 2 s"
    assert (up.to_step, up.reason) == (Step.FULL, "link good for 10 s")
    assert ladder.targets.lossy  # Opus at its lower rate with in-band FEC


@pytest.mark.parametrize("seed", range(3))
def test_5_percent_random_loss_at_100_ms_keeps_full_video(seed: int) -> None:
    result = run(Bottleneck(FAST, base_rtt_ms=100, packet_loss=0.05), MINUTES_15, seed)

    assert Step.AUDIO_ONLY not in result.steps
    assert Step.LOW not in result.steps
    assert Counter(result.steps)[Step.FULL] >= 0.95 * MINUTES_15
    assert result.ladder.targets.lossy
    assert sum(1 for loss in result.losses if loss >= 0.10) >= 0.1 * MINUTES_15  # noisy reads


@pytest.mark.parametrize("seed", range(3))
def test_20_percent_random_loss_at_100_ms_costs_one_step_for_seconds(seed: int) -> None:
    """One step down (is the loss ours?), then back: the loss stayed when we sent 40%
    less, so it is the link's own; Opus FEC and retransmissions are what help."""
    result = run(Bottleneck(FAST, base_rtt_ms=100, packet_loss=0.20), MINUTES_15, seed)

    assert Step.AUDIO_ONLY not in result.steps
    assert Step.LOW not in result.steps
    assert [(t.from_step, t.to_step) for t in result.transitions] == [
        (Step.FULL, Step.MEDIUM),
        (Step.MEDIUM, Step.FULL),
    ]
    assert result.transitions[1].at - result.transitions[0].at <= 14
    assert result.ladder.targets.lossy


def test_after_the_step_a_rate_that_held_means_a_full_link() -> None:
    """A short queue (the round trip hardly grows): 35% loss at 600 kbit/s. One step down;
    we send 430, and what gets through stays near the 390 of before: the link is full."""
    ladder = Ladder()
    feed_all(ladder, [steady(at, loss=0.35, delivered=390.0) for at in range(2)])
    assert ladder.step is Step.MEDIUM
    feed_all(ladder, [steady(at, loss=0.12, delivered=378.0) for at in range(2, 6)])
    [_, down] = ladder.history
    assert down.to_step is Step.LOW
    assert down.reason == "link carries about 378 kbit/s, 480x360@30 needs 400 and loss 12% for 2 s"


def test_after_the_step_a_rate_that_fell_with_ours_means_random_loss() -> None:
    ladder = Ladder()
    feed_all(ladder, [steady(at, loss=0.35, delivered=390.0) for at in range(2)])
    feed_all(ladder, [steady(at, loss=0.33, delivered=270.0) for at in range(2, 13)])
    assert [t.to_step for t in ladder.history] == [Step.MEDIUM, Step.FULL]


def feed_all(ladder: Ladder, samples: list[LinkSample]) -> None:
    for sample in samples:
        ladder.feed(sample)


def test_heavy_loss_with_a_growing_round_trip_is_still_a_full_link() -> None:
    ladder = Ladder()
    for at in range(5):
        ladder.feed(steady(at, loss=0.0, delivered=600.0))
    for at in range(5, 7):
        ladder.feed(steady(at, loss=0.2, delivered=200.0, rtt=140.0))  # +40 ms: a queue
    [down] = ladder.history
    assert down.to_step is Step.AUDIO_ONLY
    assert down.reason.startswith("link carries about 200 kbit/s, 640x480@30 needs 640")


def test_loss_alone_never_takes_the_video_away_at_first() -> None:
    ladder = Ladder(start=Step.LOW)
    for at in range(30):
        ladder.feed(steady(at, loss=0.25, delivered=180.0))
    assert ladder.step is Step.LOW
    assert list(ladder.history) == []


def test_random_loss_then_a_real_bottleneck_still_steps_down() -> None:
    rng_link = Bottleneck(FAST, base_rtt_ms=100, packet_loss=0.2)
    result = run(rng_link, 60, seed=4)
    assert result.steps[-1] is Step.FULL
    ladder = result.ladder
    rng_link.rate_kbps = 300  # the link gets slow, with a deep buffer: the queue grows
    for at in range(60, 120):
        needs = SPECS[ladder.step].needs_kbps or 47.0
        ladder.feed(rng_link.second(float(at), needs, rng=random.Random(at)))
    assert ladder.step in (Step.LOW, Step.AUDIO_ONLY)
    assert any("round trip" in t.reason or "link carries" in t.reason for t in ladder.history)
