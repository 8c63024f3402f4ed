"""Retry delays for transient sync failures (DESIGN 4): pure, with injectable randomness.

Exponential backoff with full jitter (a uniform draw in [0, min(cap, base * 2**n)]), so many
workstations coming back at once do not hammer the server in step; a server's `Retry-After`
wins over the draw; after a reconnect a random 0-30 s delay spreads the returning crowd.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

Random = Callable[[], float]  # uniform in [0, 1), like random.random


@dataclass(frozen=True)
class BackoffPolicy:
    base_s: float = 2.0
    cap_s: float = 300.0
    reconnect_max_s: float = 30.0
    # A Retry-After beyond this is treated as this (a broken or hostile header must not
    # park a clinic's notes for days).
    retry_after_max_s: float = 3600.0


def full_jitter(attempt: int, policy: BackoffPolicy, draw: Random) -> float:
    """The delay before retry number `attempt + 1` (attempt 0 is the first failure)."""
    ceiling = min(policy.cap_s, policy.base_s * float(2 ** min(attempt, 32)))
    return draw() * ceiling


class Backoff:
    """Consecutive-failure counter that turns failures into delays; `reset` on success."""

    def __init__(self, policy: BackoffPolicy | None = None, draw: Random = random.random) -> None:
        self.policy = policy or BackoffPolicy()
        self._draw = draw
        self.failures = 0

    def next_delay(self, retry_after_s: float | None = None) -> float:
        """Record one more failure and return how long to wait before trying again."""
        attempt = self.failures
        self.failures += 1
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.policy.retry_after_max_s)
        return full_jitter(attempt, self.policy, self._draw)

    def reconnect_delay(self) -> float:
        """A random 0-30 s pause after the network comes back; also clears the count."""
        self.failures = 0
        return self._draw() * self.policy.reconnect_max_s

    def reset(self) -> None:
        self.failures = 0
