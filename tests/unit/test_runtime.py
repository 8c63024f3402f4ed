"""The runtime thread and the store worker: results, errors, timeouts, cancel, shutdown."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Callable, Iterator

import pytest

from outpost.core.errors import JobTimeoutError
from outpost.core.runtime import Runtime
from outpost.core.worker import StoreWorker


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    rt = Runtime()
    rt.start()
    yield rt
    rt.shutdown()


def test_runtime_runs_coroutines_on_its_own_thread(runtime: Runtime) -> None:
    async def where() -> str:
        await asyncio.sleep(0)
        return threading.current_thread().name

    assert runtime.submit(where, timeout=5).result(5) == "outpost-runtime"


class Forever:
    """A job that runs until cancelled and says when it started and when it was cancelled."""

    def __init__(self) -> None:
        self.started, self.cancelled = threading.Event(), threading.Event()

    async def run(self) -> None:
        self.started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled.set()
            raise


def test_runtime_times_out_and_cancels_the_job(runtime: Runtime) -> None:
    job = Forever()
    future = runtime.submit(job.run, timeout=0.05)
    with pytest.raises(JobTimeoutError, match=r"0\.05 seconds"):
        future.result(5)
    assert job.cancelled.wait(5)


def test_cancelling_the_future_cancels_the_coroutine(runtime: Runtime) -> None:
    job = Forever()
    future = runtime.submit(job.run, timeout=60)
    assert job.started.wait(5)
    future.cancel()
    assert job.cancelled.wait(5)


def test_shutdown_cancels_running_work_and_stops_the_thread() -> None:
    rt = Runtime()
    rt.start()
    job = Forever()
    future = rt.submit(job.run, timeout=60)
    assert job.started.wait(5)
    rt.shutdown()
    assert job.cancelled.is_set()
    assert future.cancelled() or isinstance(future.exception(1), concurrent.futures.CancelledError)
    with pytest.raises(RuntimeError, match="shut down"):
        rt.submit(job.run, timeout=1)


class _Resource:
    def __init__(self) -> None:
        self.thread = threading.current_thread().name
        self.closed_on: str | None = None


def test_worker_owns_its_resource_on_one_thread() -> None:
    def close(resource: _Resource) -> None:
        resource.closed_on = threading.current_thread().name

    worker = StoreWorker(_Resource, close)
    resource = worker.submit(lambda r: r, timeout=5).result(5)
    names = {worker.submit(lambda r: threading.current_thread().name, timeout=5).result(5)}
    worker.close()
    assert resource.thread.startswith("outpost-store")
    assert names == {resource.thread}
    assert resource.closed_on == resource.thread


def test_worker_runs_jobs_in_order_and_reports_errors() -> None:
    worker: StoreWorker[list[int]] = StoreWorker(list, lambda r: None)
    seen: list[int] = []

    def record(index: int) -> Callable[[list[int]], None]:
        return lambda resource: seen.append(index)

    futures = [worker.submit(record(i), timeout=5) for i in range(50)]
    concurrent.futures.wait(futures, timeout=5)
    failing = worker.submit(lambda r: 1 // 0, timeout=5)
    with pytest.raises(ZeroDivisionError):
        failing.result(5)
    worker.close()
    assert seen == list(range(50))


def test_worker_timeout_fails_the_caller_and_cancel_skips_queued_jobs() -> None:
    release = threading.Event()
    worker: StoreWorker[list[int]] = StoreWorker(list, lambda r: None)
    slow = worker.submit(lambda r: release.wait(5), timeout=0.05)
    queued_ran = threading.Event()
    queued = worker.submit(lambda r: queued_ran.set(), timeout=60)
    with pytest.raises(JobTimeoutError):
        slow.result(5)
    assert queued.cancel()
    release.set()
    worker.close()
    assert not queued_ran.is_set()
