"""The step-down ladder on hand-written measurement traces (one sample a second)."""

from __future__ import annotations

import itertools
import random

import pytest

from outpost.media.ladder import (
    ORDER,
    SPECS,
    Ladder,
    Step,
    Transition,
    label,
)
from outpost.media.link_pressure import LinkSample


def good(at: float, rtt: float = 100.0) -> LinkSample:
    return LinkSample(at=at, rtt_ms=rtt, loss=0.0)


def current(ladder: Ladder) -> Step:
    """The ladder's step, read afresh (mypy would keep an earlier narrowing otherwise)."""
    return ladder.step


def feed(ladder: Ladder, samples: list[LinkSample]) -> list[Transition]:
    return [t for t in (ladder.feed(s) for s in samples) if t is not None]


def settled_at(step: Step, seconds: int = 5) -> Ladder:
    """A ladder on `step` after a stretch of good samples with a 100 ms round trip."""
    ladder = Ladder(start=step)
    feed(ladder, [good(t) for t in range(seconds)])
    assert current(ladder) is step
    return ladder


def test_a_good_link_keeps_full_video_and_records_nothing() -> None:
    ladder = Ladder()
    assert feed(ladder, [good(t) for t in range(120)]) == []
    assert current(ladder) is Step.FULL
    assert ladder.targets.spec == SPECS[Step.FULL]
    assert ladder.targets.opus_kbps == 48


def test_sustained_loss_steps_down_one_step_with_the_reason() -> None:
    ladder = settled_at(Step.FULL)
    bad = [LinkSample(at=5 + t, rtt_ms=100.0, loss=0.12) for t in range(2)]

    [transition] = feed(ladder, bad)

    assert (transition.from_step, transition.to_step) == (Step.FULL, Step.MEDIUM)
    assert transition.at == 6
    assert transition.reason == "loss 12% for 2 s"


def test_one_lost_burst_changes_nothing() -> None:
    ladder = settled_at(Step.FULL)
    samples = [good(t) for t in range(5, 30)]
    samples[3] = LinkSample(at=8, rtt_ms=100.0, loss=0.4)
    samples[12] = LinkSample(at=17, rtt_ms=900.0, loss=0.0)
    assert feed(ladder, samples) == []


def test_a_growing_round_trip_steps_down_and_says_so() -> None:
    ladder = settled_at(Step.MEDIUM)
    samples = [LinkSample(at=5 + t, rtt_ms=rtt, loss=0.0) for t, rtt in enumerate((380, 460))]

    [transition] = feed(ladder, samples)

    assert transition.to_step is Step.LOW
    assert transition.reason == "round trip 460 ms (usually 100 ms) for 2 s"


def test_a_long_round_trip_from_the_start_counts_as_bad() -> None:
    ladder = Ladder()
    [transition] = feed(ladder, [LinkSample(at=t, rtt_ms=1200.0) for t in range(2)])
    assert transition.to_step is Step.MEDIUM


def test_a_satellite_round_trip_alone_is_not_pressure() -> None:
    ladder = Ladder()
    assert feed(ladder, [LinkSample(at=t, rtt_ms=650.0, loss=0.0) for t in range(60)]) == []


def test_a_bandwidth_drop_jumps_straight_to_the_step_that_fits() -> None:
    ladder = settled_at(Step.FULL)
    samples = [LinkSample(at=5 + t, rtt_ms=100.0, available_kbps=150.0) for t in range(2)]

    [transition] = feed(ladder, samples)

    assert transition.to_step is Step.AUDIO_ONLY
    assert transition.reason == "link carries about 150 kbit/s, 640x480@30 needs 640 for 2 s"


def test_what_got_through_a_full_link_is_taken_as_its_rate() -> None:
    ladder = settled_at(Step.FULL)
    samples = [
        LinkSample(at=5 + t, rtt_ms=150.0, loss=0.45, delivered_kbps=300.0) for t in range(2)
    ]

    [transition] = feed(ladder, samples)

    assert transition.to_step is Step.LOW
    assert transition.reason.startswith("link carries about 300 kbit/s")
    assert "loss 45%" in transition.reason


def test_what_got_through_says_nothing_while_nothing_is_lost() -> None:
    ladder = settled_at(Step.LOW)
    samples = [LinkSample(at=5 + t, rtt_ms=100.0, loss=0.0, delivered_kbps=90.0) for t in range(15)]
    transitions = feed(ladder, samples)
    assert [t.to_step for t in transitions] == [Step.MEDIUM]  # up after 10 good seconds


def dropped_to_audio_only() -> tuple[Ladder, Transition]:
    """A 150 kbit/s link found at 640x480: audio only, the first try of video in 20 s."""
    ladder = settled_at(Step.FULL)
    starved = [
        LinkSample(at=5 + t, rtt_ms=180.0, loss=0.0, delivered_kbps=130.0, rate_limited=True)
        for t in range(2)
    ]
    [down] = feed(ladder, starved)
    assert down.to_step is Step.AUDIO_ONLY
    return ladder, down


def test_video_held_by_the_receivers_estimate_below_the_lowest_step_goes_audio_only() -> None:
    """A 150 kbit/s link with a standing queue: nothing is lost, the round trip is steady,
    but the far end's estimate holds our video and 130 kbit/s gets through: no video step
    fits, and the first try of video again waits twice the usual hold."""
    ladder, down = dropped_to_audio_only()
    assert down.reason.startswith("link carries about 130 kbit/s, 640x480@30 needs 640")
    assert ladder.hold_s(Step.LOW) == 2 * ladder.tuning.up_hold_s
    quiet = [good(7 + t) for t in range(25)]
    [up] = feed(ladder, quiet)
    assert up.to_step is Step.LOW
    assert up.at - down.at >= 2 * ladder.tuning.up_hold_s


def test_video_held_by_the_estimate_above_the_lowest_step_adapts_within_its_step() -> None:
    """400 kbit/s: the encoder's bitrate follows the estimate, as a browser's does."""
    ladder = settled_at(Step.FULL)
    held = [
        LinkSample(at=5 + t, rtt_ms=120.0, loss=0.0, delivered_kbps=300.0, rate_limited=True)
        for t in range(30)
    ]
    assert feed(ladder, held) == []


def test_video_held_by_a_slowly_climbing_estimate_on_a_free_link_is_not_a_measured_rate() -> None:
    """After a thin spell the far end's estimate climbs by about 1 kbit/s a second: the
    video is held by it, but nothing is lost and nothing queues, so the link is not slow."""
    ladder = settled_at(Step.LOW)
    held = [
        LinkSample(at=5 + t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0, rate_limited=True)
        for t in range(30)
    ]
    assert [t.to_step for t in feed(ladder, held)] == [Step.MEDIUM, Step.FULL]  # 10 s each


def test_little_video_sent_is_not_a_measured_rate() -> None:
    """A still picture sends 130 kbit/s on a fast link: not held back, nothing learned."""
    ladder = settled_at(Step.FULL)
    still = [LinkSample(at=5 + t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0) for t in range(30)]
    assert feed(ladder, still) == []


def test_a_long_send_queue_steps_down() -> None:
    ladder = settled_at(Step.FULL)
    samples = [LinkSample(at=5 + t, rtt_ms=100.0, loss=0.0, queue_ms=420.0) for t in range(2)]
    [transition] = feed(ladder, samples)
    assert transition.reason == "send queue 420 ms for 2 s"


def test_random_loss_without_a_queue_holds_the_step_and_lowers_opus() -> None:
    ladder = Ladder(start=Step.MEDIUM)
    rng = random.Random(4)
    samples = [
        LinkSample(at=t, rtt_ms=100 + rng.uniform(-20, 20), loss=rng.uniform(0.03, 0.07))
        for t in range(120)
    ]

    assert feed(ladder, samples) == []  # neither down (not congestion) nor up (not good)
    assert ladder.targets.lossy
    assert ladder.targets.opus_kbps == SPECS[Step.MEDIUM].opus_lossy_kbps

    feed(ladder, [good(t) for t in range(120, 124)])
    assert ladder.targets.lossy  # not yet: five calm samples first
    feed(ladder, [good(t) for t in range(124, 130)])
    assert not ladder.targets.lossy


def test_loss_with_a_growing_round_trip_is_congestion() -> None:
    ladder = settled_at(Step.FULL)
    samples = [LinkSample(at=5 + t, rtt_ms=230.0, loss=0.05) for t in range(2)]
    [transition] = feed(ladder, samples)
    assert transition.reason == "loss 5% and round trip 230 ms (usually 100 ms) for 2 s"


def test_recovery_climbs_one_step_per_ten_good_seconds() -> None:
    ladder = settled_at(Step.AUDIO_ONLY)

    transitions = feed(ladder, [good(t) for t in range(5, 60)])

    assert [(t.from_step, t.to_step) for t in transitions] == [
        (Step.AUDIO_ONLY, Step.LOW),
        (Step.LOW, Step.MEDIUM),
        (Step.MEDIUM, Step.FULL),
    ]
    assert [t.at for t in transitions] == [10, 20, 30]  # after 10 good samples each
    assert transitions[0].reason == "link good for 10 s"


def test_fair_samples_hold_back_a_step_up() -> None:
    ladder = settled_at(Step.LOW)
    samples = [good(t) for t in range(5, 38)]
    for t in (10, 19, 28):
        samples[t - 5] = LinkSample(at=t, rtt_ms=100.0, loss=0.04)
    assert feed(ladder, samples) == []
    [up] = feed(ladder, [good(38)])
    assert up.reason == "link good for 10 s"


def test_a_failed_probe_is_undone_at_once_and_waits_twice_as_long() -> None:
    ladder = settled_at(Step.AUDIO_ONLY)
    [up] = feed(ladder, [good(t) for t in range(5, 11)])
    assert (up.to_step, up.at) == (Step.LOW, 10)

    [down] = feed(ladder, [LinkSample(at=11, rtt_ms=500.0, loss=0.2)])  # one bad sample
    assert down.to_step is Step.AUDIO_ONLY
    assert down.reason == "loss 20% and round trip 500 ms (usually 100 ms) right after stepping up"
    assert ladder.hold_s(Step.LOW) == 20

    [again] = feed(ladder, [good(t) for t in range(12, 40)])
    assert again.at == 31  # 20 good seconds after the failed probe


def test_failed_probes_back_off_to_a_cap_and_a_lasting_step_forgets_them() -> None:
    ladder = settled_at(Step.LOW)
    at = 5
    ups = []
    for _ in range(7):
        while ladder.step is Step.LOW:
            ladder.feed(good(at))
            at += 1
        ups.append(at - 1)
        ladder.feed(LinkSample(at=at, rtt_ms=100.0, available_kbps=300.0))  # too little
        at += 1
        assert current(ladder) is Step.LOW
    waits = [b - a for a, b in itertools.pairwise(ups)]
    assert waits == [21, 41, 81, 161, 161, 161]
    assert ladder.hold_s(Step.MEDIUM) == 160

    feed(ladder, [good(t) for t in range(at, at + 161)])  # up again, then it holds
    feed(ladder, [good(t) for t in range(at + 161, at + 230)])
    assert current(ladder) is Step.FULL
    assert ladder.hold_s(Step.MEDIUM) == 10


def test_queues_draining_after_a_step_down_do_not_cause_another() -> None:
    ladder = settled_at(Step.FULL)
    feed(ladder, [LinkSample(at=5 + t, rtt_ms=600.0, loss=0.0) for t in range(2)])
    assert current(ladder) is Step.MEDIUM
    draining = [LinkSample(at=7, rtt_ms=420.0), LinkSample(at=8, rtt_ms=200.0)]
    assert feed(ladder, draining) == []
    assert feed(ladder, [good(t) for t in range(9, 15)]) == []
    assert current(ladder) is Step.MEDIUM


def test_a_measured_rate_counts_even_while_settling() -> None:
    ladder = settled_at(Step.FULL)
    feed(ladder, [LinkSample(at=5 + t, loss=0.3) for t in range(2)])
    assert current(ladder) is Step.MEDIUM
    feed(ladder, [LinkSample(at=7 + t, available_kbps=140.0) for t in range(2)])
    assert current(ladder) is Step.AUDIO_ONLY


@pytest.mark.parametrize("seed", range(5))
def test_noisy_measurements_with_lone_bad_seconds_never_move_it(seed: int) -> None:
    rng = random.Random(seed)
    spikes: set[int] = set()
    at = 0
    while at < 600:
        at += rng.randint(3, 30)  # a bad second, never two within three
        spikes.add(at)
    samples = [
        LinkSample(
            at=t,
            rtt_ms=100 + abs(rng.gauss(0, 30)) + (450 if t in spikes else 0),
            loss=min(0.09, abs(rng.gauss(0, 0.02))) + (0.2 if t in spikes else 0.0),
            available_kbps=rng.uniform(700, 1500),
        )
        for t in range(600)
    ]
    assert feed(Ladder(), samples) == []


def test_a_rate_wobbling_round_a_threshold_probes_ever_more_rarely() -> None:
    rng = random.Random(9)
    ladder = Ladder(start=Step.MEDIUM)
    samples = [
        LinkSample(at=t, rtt_ms=100.0, loss=0.0, available_kbps=rng.uniform(370, 430))
        for t in range(900)
    ]

    transitions = feed(ladder, samples)

    ups = [t.at for t in transitions if t.to_step is Step.MEDIUM]
    gaps = [b - a for a, b in itertools.pairwise(ups)]
    # ever longer, up to the longest hold (a second either way: the samples' grain)
    assert all(later >= earlier - 1 for earlier, later in itertools.pairwise(gaps)), gaps
    assert gaps[-1] >= 160
    assert len(ups) <= 8  # in 15 minutes
    assert all(t.to_step in (Step.MEDIUM, Step.LOW) for t in transitions)


def test_every_step_has_a_plain_label() -> None:
    assert label(Step.AUDIO_ONLY) == (
        "Weak connection: audio only; video resumes when the link improves"
    )
    assert len({label(step) for step in ORDER}) == len(ORDER)
    assert [SPECS[s].has_video for s in ORDER] == [True, True, True, False]
    assert [SPECS[s].opus_kbps for s in ORDER] == [48, 40, 32, 24]


def test_a_queue_that_never_drains_steps_down_after_5_s() -> None:
    """The round trip 150 ms above usual: not enough to step down at once, but a queue
    standing for seconds means the step fills the link and delays everything."""
    ladder = settled_at(Step.MEDIUM)
    standing = [LinkSample(at=5 + t, rtt_ms=250.0, loss=0.0) for t in range(8)]

    [transition] = feed(ladder, standing)

    assert (transition.to_step, transition.at) == (Step.LOW, 10)  # 2 bad samples from 5 s
    assert transition.reason == "round trip 250 ms (usually 100 ms) for 6 s"


def test_a_measured_rate_leaves_room_for_retransmissions() -> None:
    """A link measured at 430 kbit/s: 480x360 needs 400, too close; 320x240 fits."""
    ladder = settled_at(Step.FULL)
    samples = [LinkSample(at=5 + t, rtt_ms=100.0, available_kbps=430.0) for t in range(2)]
    [transition] = feed(ladder, samples)
    assert transition.to_step is Step.LOW


def fed_and_asked(
    ladder: Ladder, samples: list[LinkSample]
) -> tuple[list[Transition], list[float]]:
    """Feed `samples` as a call does: each, then whether to probe; the transitions and
    when probes were asked for."""
    transitions, asked = [], []
    for sample in samples:
        transition = ladder.feed(sample)
        if transition is not None:
            transitions.append(transition)
        if ladder.take_probe(sample):
            asked.append(sample.at)
    return transitions, asked


def test_a_probe_goes_just_before_video_is_tried_again() -> None:
    ladder, down = dropped_to_audio_only()
    hold = ladder.hold_s(Step.LOW)
    [up], asked = fed_and_asked(ladder, [good(7 + t) for t in range(30)])
    assert up.to_step is Step.LOW
    assert asked == [up.at - ladder.tuning.probe_lead_s]
    assert up.at - down.at == hold


def test_a_probe_slower_than_the_lowest_video_step_keeps_audio_only() -> None:
    """The far end measured the probe at 157 kbit/s: no video is tried; the next try
    waits as long, with a probe of its own before it."""
    ladder, down = dropped_to_audio_only()
    hold = ladder.hold_s(Step.LOW)
    slow = [LinkSample(at=7 + t, rtt_ms=100.0, loss=0.0, probe_kbps=157.0) for t in range(25)]
    assert fed_and_asked(ladder, slow)[0] == []
    assert ladder.held_back == 1
    assert ladder.hold_s(Step.LOW) == hold
    held_at = down.at + hold
    transitions, asked = fed_and_asked(ladder, [good(32 + t) for t in range(20)])
    assert asked == [held_at + hold - ladder.tuning.probe_lead_s]
    [up] = transitions  # no measure came this time: video is tried, as before probes
    assert (up.at, up.to_step) == (held_at + hold, Step.LOW)


def test_a_probe_fast_enough_lets_video_come_back() -> None:
    ladder, _down = dropped_to_audio_only()
    fast = [LinkSample(at=7 + t, rtt_ms=100.0, loss=0.0, probe_kbps=900.0) for t in range(25)]
    [up] = feed(ladder, fast)
    assert up.to_step is Step.LOW
    assert ladder.held_back == 0


def test_video_held_below_the_lowest_step_is_probed_every_10_s() -> None:
    """320x240@15 held by the far end's estimate at 130 kbit/s with no sign of strain: a
    thin link, or one that recovered while the estimate climbs back. A probe tells."""
    ladder = Ladder(start=Step.LOW)
    held = [
        LinkSample(at=t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0, rate_limited=True)
        for t in range(25)
    ]
    _climbs, asked = fed_and_asked(ladder, held)  # good samples: it climbs meanwhile
    assert asked == [0, 10, 20]
    free = LinkSample(at=30, rtt_ms=100.0, loss=0.0, delivered_kbps=300.0, rate_limited=True)
    assert not ladder.take_probe(free)  # above the lowest step's need: nothing to tell


def test_a_slow_probe_while_video_runs_is_the_links_rate() -> None:
    ladder = Ladder(start=Step.LOW)
    samples = [
        LinkSample(at=t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0, rate_limited=True)
        for t in range(3)
    ] + [
        LinkSample(
            at=3 + t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0, rate_limited=True,
            probe_kbps=157.0,
        )
        for t in range(2)
    ]  # fmt: skip
    [down] = feed(ladder, samples)
    assert (down.at, down.to_step) == (4, Step.AUDIO_ONLY)
    assert down.reason.startswith("link carries about 157 kbit/s, 320x240@15 needs 240")


def test_a_fast_probe_while_video_runs_changes_nothing() -> None:
    ladder = Ladder(start=Step.LOW)
    samples = [
        LinkSample(
            at=t, rtt_ms=100.0, loss=0.0, delivered_kbps=130.0, rate_limited=True,
            probe_kbps=900.0,
        )
        for t in range(9)
    ]  # fmt: skip
    assert feed(ladder, samples) == []
