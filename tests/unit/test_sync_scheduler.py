"""SyncScheduler: the app's sync policy on a fake monotonic clock."""

from __future__ import annotations

import pytest

from outpost.sync.backoff import Backoff
from outpost.sync.scheduler import Outcome, SchedulePolicy, SyncScheduler, Trigger


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def scheduler(clock: Clock, draw: float = 0.5) -> SyncScheduler:
    policy = SchedulePolicy(interval_s=300, after_signed_note_s=5, startup_delay_s=2)
    return SyncScheduler(policy, Backoff(draw=lambda: draw), clock)


def run(s: SyncScheduler, outcome: Outcome = Outcome.SUCCESS, retry: float | None = None) -> None:
    assert s.due()
    s.started()
    s.finished(outcome, retry)


def test_nothing_is_due_until_something_asks(clock: Clock) -> None:
    s = scheduler(clock)
    assert s.next_run_at() is None
    assert not s.due()


def test_startup_then_the_timer_interval(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.STARTUP)
    assert s.seconds_until_due() == 2
    clock.now += 2
    run(s)
    assert s.seconds_until_due() == 300
    clock.now += 299
    assert not s.due()
    clock.now += 1
    assert s.due()


def test_a_signed_note_brings_the_next_sync_forward_once(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.STARTUP)
    clock.now += 2
    run(s)
    clock.now += 10
    for _ in range(5):  # five notes signed in a row: one sync
        s.request(Trigger.NOTE_SIGNED)
    assert s.seconds_until_due() == 5


def test_on_demand_runs_now_even_while_backing_off(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.TRANSIENT)
    assert s.backing_off
    assert s.seconds_until_due() == 1.0  # half of the 2 s ceiling (draw 0.5)
    s.request(Trigger.ON_DEMAND)
    assert s.due()


def test_failures_back_off_exponentially_with_jitter(clock: Clock) -> None:
    s = scheduler(clock, draw=0.999999)
    s.request(Trigger.ON_DEMAND)
    waits = []
    for _ in range(10):
        run(s, Outcome.TRANSIENT)
        wait = s.seconds_until_due()
        assert wait is not None
        waits.append(round(wait))
        clock.now += wait
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]


def test_retry_after_wins(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.TRANSIENT, retry=120)
    assert s.seconds_until_due() == 120


def test_a_signed_note_does_not_cut_a_backoff_short(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.TRANSIENT, retry=120)
    s.request(Trigger.NOTE_SIGNED)
    assert s.seconds_until_due() == 120


def test_reconnect_waits_a_random_0_to_30_s_and_restarts_the_backoff(clock: Clock) -> None:
    s = scheduler(clock, draw=0.5)
    s.request(Trigger.ON_DEMAND)
    for _ in range(6):
        run(s, Outcome.TRANSIENT)
        clock.now += s.seconds_until_due() or 0
    assert s.backoff.failures == 6
    s.request(Trigger.RECONNECTED)
    assert s.seconds_until_due() == 15.0
    assert not s.backing_off


def test_success_resets_the_backoff(clock: Clock) -> None:
    s = scheduler(clock, draw=0.999999)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.TRANSIENT)
    clock.now += 2
    run(s, Outcome.SUCCESS)
    assert not s.backing_off
    assert s.seconds_until_due() == 300


def test_an_expired_sign_in_pauses_until_signed_in_again(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.AUTH_EXPIRED)
    assert s.paused
    for trigger in (Trigger.ON_DEMAND, Trigger.NOTE_SIGNED, Trigger.RECONNECTED):
        s.request(trigger)
    clock.now += 10_000
    assert not s.due()
    assert s.seconds_until_due() is None
    s.request(Trigger.SIGNED_IN)
    assert s.due()


def test_requests_during_a_run_are_served_after_it(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    s.started()
    assert not s.due()  # never two at once
    s.request(Trigger.NOTE_SIGNED)
    clock.now += 3
    s.finished(Outcome.SUCCESS)
    assert s.seconds_until_due() == 2  # the note's 5 s, counted from the request


def test_failed_runs_back_off_like_transient_ones(clock: Clock) -> None:
    s = scheduler(clock)
    s.request(Trigger.ON_DEMAND)
    run(s, Outcome.FAILED)
    assert s.backing_off
    assert s.seconds_until_due() == 1.0
