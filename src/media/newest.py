"""Bounded hand-offs that keep the newest items: a queue and a one-frame slot (DESIGN 2).

A producer never waits and memory never grows: when the consumer falls behind, the oldest
items are dropped (and counted). Both belong to the runtime thread's event loop, except
`FrameSlot`, which any thread may read.
"""

from __future__ import annotations

import asyncio
import collections
import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class NewestQueue(Generic[T]):
    """A bounded FIFO whose `put` drops the oldest item when full."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._items: collections.deque[T] = collections.deque(maxlen=maxsize)
        self._ready = asyncio.Event()
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> None:
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(item)
        self._ready.set()

    async def get(self) -> T:
        while not self._items:
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    def clear(self) -> None:
        self._items.clear()


class FrameSlot(Generic[T]):
    """The newest item only, for a reader on another thread (a UI painting video)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: T | None = None
        self._version = 0

    def put(self, item: T) -> None:
        with self._lock:
            self._item = item
            self._version += 1

    def take(self) -> tuple[T | None, int]:
        """The newest item and a counter that changes with every `put`."""
        with self._lock:
            return self._item, self._version
