"""The store worker: the one thread that owns the SQLite connection (DESIGN 2).

Jobs run one at a time in submission order. A job not yet started can be cancelled; a job
that overruns its timeout is reported as `JobTimeoutError` to its caller (SQLite work
cannot be pre-empted safely, so the worker finishes it and the result is dropped).
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from outpost.core.errors import JobTimeoutError

logger = logging.getLogger(__name__)

R = TypeVar("R")
S = TypeVar("S")


class StoreWorker(Generic[S]):
    """Owns a resource `S` (the store) created on, used on and closed on its thread."""

    def __init__(self, open_resource: Callable[[], S], close_resource: Callable[[S], None]):
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="outpost-store"
        )
        self._close_resource = close_resource
        self._resource: S | None = None
        self._lock = threading.Lock()
        self._resource = self._pool.submit(open_resource).result()

    def submit(self, job: Callable[[S], R], *, timeout: float) -> concurrent.futures.Future[R]:
        """Queue `job(resource)`. The returned future fails with `JobTimeoutError` if the
        job has not finished `timeout` seconds after submission."""
        outer: concurrent.futures.Future[R] = concurrent.futures.Future()
        inner = self._pool.submit(self._call, job)
        timer = threading.Timer(timeout, self._expire, args=(outer, inner, timeout))
        timer.daemon = True

        def settle(done: concurrent.futures.Future[R]) -> None:
            timer.cancel()
            if outer.done():
                return
            if done.cancelled():
                outer.cancel()
                return
            error = done.exception()
            with self._lock:
                if outer.done():
                    return
                if error is not None:
                    outer.set_exception(error)
                else:
                    outer.set_result(done.result())

        def cancel_inner(done: concurrent.futures.Future[R]) -> None:
            if done.cancelled():
                inner.cancel()

        outer.add_done_callback(cancel_inner)
        inner.add_done_callback(settle)
        timer.start()
        return outer

    def _call(self, job: Callable[[S], R]) -> R:
        assert self._resource is not None, "store worker used after close"
        return job(self._resource)

    def _expire(
        self,
        outer: concurrent.futures.Future[R],
        inner: concurrent.futures.Future[R],
        timeout: float,
    ) -> None:
        inner.cancel()
        with self._lock:
            if not outer.done():
                outer.set_exception(
                    JobTimeoutError(f"The operation did not finish within {timeout:g} seconds.")
                )

    def close(self) -> None:
        """Finish queued jobs, close the resource on its own thread, stop the thread."""
        resource = self._resource
        if resource is not None:
            self._pool.submit(self._close_resource, resource).result()
            self._resource = None
        self._pool.shutdown(wait=True)
