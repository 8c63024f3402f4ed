"""A fluid model of a link for the ladder's closed-loop tests: `Bottleneck` forwards at most
its rate, queues the rest in a drop-tail buffer (the round trip grows) and drops what the
buffer cannot hold, like `tbf`; optional random loss on top. Each second it answers with
what a sender learns from RTCP, as `StepControl` builds it: round trip, loss, what got
through. `run` puts a `Ladder` in a closed loop with it.

Random loss comes two ways: `random_loss` takes that share of every second's packets
(smooth), `packet_loss` loses each packet with that chance and reports, like a call's
quality sample, the worse of the audio and the video loss of the second (noisy: at 5%,
one second in five or so reads 10% or more).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from outpost.media.ladder import SPECS, Ladder, Step, Transition
from outpost.media.link_pressure import LinkSample

AUDIO_KBPS = 47.0  # Opus 24 kbit/s + 50 packet headers a second
AUDIO_PACKETS = 50  # a second
VIDEO_PACKET_KBIT = 8.8  # 1100 bytes


@dataclass
class Bottleneck:
    rate_kbps: float
    base_rtt_ms: float
    random_loss: float = 0.0
    buffer_ms: float = 250.0
    queue_kbit: float = 0.0
    packet_loss: float = 0.0

    def second(self, at: float, offered_kbps: float, rng: random.Random) -> LinkSample:
        capacity = self.rate_kbps
        limit = capacity * self.buffer_ms / 1000
        backlog = self.queue_kbit + offered_kbps
        sent = min(capacity, backlog)
        self.queue_kbit = backlog - sent
        dropped = max(0.0, self.queue_kbit - limit)
        self.queue_kbit -= dropped
        lost = dropped + (sent * self.random_loss)
        rtt = self.base_rtt_ms + 1000 * self.queue_kbit / capacity + rng.uniform(0, 15)
        if self.packet_loss:
            loss = max(min(1.0, lost / offered_kbps), self._reported_loss(offered_kbps, rng))
            return LinkSample(at=at, rtt_ms=rtt, loss=loss, delivered_kbps=sent * (1 - loss))
        return LinkSample(
            at=at,
            rtt_ms=rtt,
            loss=min(1.0, lost / offered_kbps),
            delivered_kbps=sent * (1 - self.random_loss),
        )

    def _reported_loss(self, offered_kbps: float, rng: random.Random) -> float:
        """The worse of audio's and video's share of packets lost at random this second."""
        video = max(1, round((offered_kbps - AUDIO_KBPS) / VIDEO_PACKET_KBIT))
        shares = []
        for packets in (AUDIO_PACKETS, video):
            lost = sum(1 for _ in range(packets) if rng.random() < self.packet_loss)
            shares.append(lost / packets)
        return max(shares)


@dataclass(frozen=True)
class Run:
    steps: list[Step]  # one a second
    transitions: list[Transition]
    queue_ms: list[float]  # what the bottleneck held, as delay
    losses: list[float]
    ladder: Ladder


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
    return Run(steps, transitions, queue, losses, ladder)
