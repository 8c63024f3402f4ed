"""The ladder in a closed loop with a simulated bottleneck: the issue's three links.

`Bottleneck` (tests/unit/link_model.py) is a fluid model of a rate-limited link with a
drop-tail buffer (like `tbf`): each second the sender offers its step's rate (wobbling
+-15% like a real encoder). The real thing, with namespaces and tbf, is
tests/integration/test_call_ladder_netns.py and the call benchmark's job.
"""

from __future__ import annotations

import random
from collections import Counter

from outpost.media.ladder import SPECS, Ladder, Step
from outpost.media.link_pressure import LinkSample
from tests.unit.link_model import AUDIO_KBPS, Bottleneck, run


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
