"""Backoff: full jitter within its bounds, the cap, Retry-After winning, the reconnect delay."""

from __future__ import annotations

import random

import pytest

from outpost.sync.backoff import Backoff, BackoffPolicy, full_jitter


@pytest.mark.parametrize(
    ("attempt", "ceiling"), [(0, 2.0), (1, 4.0), (2, 8.0), (6, 128.0), (7, 256.0), (8, 300.0)]
)
def test_full_jitter_draws_below_the_exponential_ceiling(attempt: int, ceiling: float) -> None:
    policy = BackoffPolicy()
    assert full_jitter(attempt, policy, lambda: 0.0) == 0.0
    assert full_jitter(attempt, policy, lambda: 0.5) == pytest.approx(ceiling / 2)
    top = full_jitter(attempt, policy, lambda: 0.999999)
    assert top < ceiling
    assert top == pytest.approx(ceiling, rel=1e-5)


def test_random_delays_stay_inside_their_bounds() -> None:
    rng = random.Random(7)
    backoff = Backoff(draw=rng.random)
    for attempt in range(40):
        delay = backoff.next_delay()
        assert 0.0 <= delay <= min(300.0, 2.0 * 2**attempt)


def test_the_cap_holds_for_huge_attempt_counts() -> None:
    assert full_jitter(10_000, BackoffPolicy(), lambda: 0.999999) < 300.0


def test_retry_after_wins_over_the_draw() -> None:
    backoff = Backoff(draw=lambda: 0.0)
    assert backoff.next_delay(retry_after_s=42.0) == 42.0
    assert backoff.next_delay(retry_after_s=900.0) == 900.0  # above the cap: still honoured
    assert backoff.failures == 2


def test_an_absurd_retry_after_is_bounded() -> None:
    assert Backoff().next_delay(retry_after_s=10**9) == BackoffPolicy().retry_after_max_s
    assert Backoff().next_delay(retry_after_s=-5.0) == 0.0


def test_failures_grow_the_ceiling_and_reset_clears_it() -> None:
    backoff = Backoff(draw=lambda: 0.999999)
    delays = [backoff.next_delay() for _ in range(3)]
    assert delays == pytest.approx([2.0, 4.0, 8.0], rel=1e-5)
    backoff.reset()
    assert backoff.next_delay() == pytest.approx(2.0, rel=1e-5)


def test_reconnect_delay_is_0_to_30_seconds_and_starts_over() -> None:
    backoff = Backoff(draw=lambda: 0.5)
    backoff.next_delay()
    backoff.next_delay()
    assert backoff.reconnect_delay() == 15.0
    assert backoff.failures == 0
    assert Backoff(draw=lambda: 0.0).reconnect_delay() == 0.0
    assert Backoff(draw=lambda: 0.999999).reconnect_delay() < 30.0
