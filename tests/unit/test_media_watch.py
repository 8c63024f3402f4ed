"""When a call replaces its peer connection: ICE failure at once, a new connection that
does not come up in time, or a connected one through which nothing arrives any more."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from outpost.media.call_record import RenegotiationReason
from outpost.media.peer import LinkState
from outpost.media.remote_media import ReceivedCounts
from outpost.media.watch import CallWatch


@dataclass
class Link:
    state: LinkState = LinkState.CONNECTING
    created_at: float = 0.0
    connected_at: float | None = None
    receives_media: bool = True


class Arrivals:
    def __init__(self) -> None:
        self.frames = 0

    def counts(self) -> ReceivedCounts:
        return ReceivedCounts(0, self.frames, 0, 48_000, None, None, None, None, None, 0)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _watch() -> tuple[CallWatch, Arrivals, Clock]:
    arrivals, clock = Arrivals(), Clock()
    return CallWatch(arrivals, stall_s=4.0, clock=clock), arrivals, clock


def test_a_connection_gets_the_connect_timeout_to_come_up() -> None:
    watch, _arrivals, clock = _watch()
    link = Link()
    clock.now = 9.9
    assert watch.verdict(link, connect_timeout_s=10.0) is None
    clock.now = 10.1
    assert watch.verdict(link, connect_timeout_s=10.0) is RenegotiationReason.CONNECT_TIMEOUT


def test_failure_or_closing_is_acted_on_at_once() -> None:
    watch, _arrivals, _clock = _watch()
    for state in (LinkState.FAILED, LinkState.CLOSED):
        link = Link(state=state, connected_at=0.0)
        assert watch.verdict(link, connect_timeout_s=10.0) is RenegotiationReason.ICE_FAILED


def test_silence_after_connecting_is_a_stall_and_arrivals_reset_it() -> None:
    watch, arrivals, clock = _watch()
    link = Link(state=LinkState.CONNECTED, connected_at=1.0)
    clock.now = 4.9  # connected 3.9 s ago, nothing yet: still waiting for a first frame
    assert watch.verdict(link, 10.0) is None
    assert not watch.flowing()
    arrivals.frames = 50
    clock.now = 6.0
    assert watch.verdict(link, 10.0) is None
    assert watch.flowing()
    clock.now = 9.9
    assert not watch.flowing()
    assert watch.verdict(link, 10.0) is None
    clock.now = 10.1  # 4.1 s without a frame
    assert watch.verdict(link, 10.0) is RenegotiationReason.MEDIA_STALLED
    watch.restart()  # a new connection's silence counts from now
    assert watch.verdict(Link(state=LinkState.CONNECTED, connected_at=10.1), 10.0) is None


@pytest.mark.parametrize("answered_sending", [False, True])
def test_a_far_end_that_sends_nothing_gets_two_more_offers_then_peace(
    answered_sending: bool,
) -> None:
    """Whether its answer says it sends nothing, or says it sends but nothing has come on
    the connection yet (the patient has not allowed the camera and microphone)."""
    watch, arrivals, clock = _watch()
    verdicts = []
    for _attempt in range(4):
        watch.restart()
        link = Link(LinkState.CONNECTED, created_at=clock.now, connected_at=clock.now)
        link.receives_media = answered_sending
        clock.now += 4.5
        verdicts.append(watch.verdict(link, 10.0))
    assert verdicts == [RenegotiationReason.MEDIA_STALLED] * 2 + [None, None]
    arrivals.frames += 1  # media again (the far end's camera came up): the count resets
    watch.verdict(link, 10.0)
    clock.now += 4.5
    assert watch.verdict(link, 10.0) is RenegotiationReason.MEDIA_STALLED
