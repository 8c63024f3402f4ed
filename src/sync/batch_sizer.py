"""How many outbox actions go in the next batch: grows while the link is healthy, shrinks on
trouble (DESIGN 4: on a 300 ms link, batches of 500 were 8x faster than batches of 50)."""

from __future__ import annotations


class BatchSizer:
    """Batch size: doubles after each healthy batch up to `maximum`, halves on trouble."""

    def __init__(self, start: int = 50, maximum: int = 500, minimum: int = 1) -> None:
        self.size = start
        self.maximum = maximum
        self.minimum = minimum

    def grow(self) -> None:
        self.size = min(self.maximum, self.size * 2)

    def shrink(self, sent: int | None = None) -> None:
        """Halve (or halve what was just sent, to isolate an entry the server refuses)."""
        self.size = max(self.minimum, (sent if sent is not None else self.size) // 2)
