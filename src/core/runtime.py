"""The asyncio runtime thread: owns every aiortc and aiohttp object (DESIGN 2).

Work arrives as coroutine factories through `submit`, each with a timeout; results leave
as `concurrent.futures.Future`s. `shutdown` cancels what is running, then stops the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from outpost.core.errors import JobTimeoutError

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Runtime:
    """One asyncio event loop in its own daemon thread."""

    def __init__(self, name: str = "outpost-runtime") -> None:
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._closed = False

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def start(self) -> None:
        self._thread.start()
        self._started.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.call_soon(self._started.set)
        try:
            self._loop.run_forever()
        finally:
            self._loop.close()

    def submit(
        self, factory: Callable[[], Awaitable[T]], *, timeout: float
    ) -> concurrent.futures.Future[T]:
        """Run `factory()` on the loop; cancel it and fail with `JobTimeoutError` after
        `timeout` seconds. Cancelling the returned future cancels the coroutine."""
        if self._closed:
            raise RuntimeError("runtime is shut down")

        async def guarded() -> T:
            # A job whose caller has gone (cancelled at shutdown) may still end in an
            # error while it winds down; nobody reads it then, so it is read here rather
            # than printed as "exception never retrieved".
            task = asyncio.current_task()
            if task is not None:
                task.add_done_callback(_read_outcome)
            try:
                return await asyncio.wait_for(factory(), timeout)
            except TimeoutError:
                raise JobTimeoutError(
                    f"The operation did not finish within {timeout:g} seconds."
                ) from None

        return asyncio.run_coroutine_threadsafe(guarded(), self._loop)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Cancel every task, let them finish cancelling, stop the loop, join the thread."""
        if self._closed or not self._thread.is_alive():
            self._closed = True
            return
        self._closed = True

        async def cancel_all() -> None:
            current = asyncio.current_task()
            tasks = [task for task in asyncio.all_tasks() if task is not current]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(cancel_all(), self._loop).result(timeout)
        except (TimeoutError, concurrent.futures.TimeoutError):
            logger.warning("runtime tasks did not cancel within %.1f s", timeout)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)


def _read_outcome(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.debug("runtime job ended with %s", type(task.exception()).__name__)
