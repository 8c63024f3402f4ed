"""The bridge: results come back on the Qt main thread, errors reach the right place, and
nothing is reported after cancel or shutdown."""

from __future__ import annotations

import asyncio
import logging
import threading

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from outpost.core.errors import JobTimeoutError, NotFoundError, StoreFullError
from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.ui.bridge import Bridge
from tests.ui.conftest import Session


class Recorder:
    """Collects callback values and the thread each callback ran on."""

    def __init__(self) -> None:
        self.values: list[object] = []
        self.threads: list[threading.Thread] = []

    def __call__(self, value: object) -> None:
        self.values.append(value)
        self.threads.append(threading.current_thread())


def test_store_op_success_runs_on_the_main_thread(qtbot: QtBot, session: Session) -> None:
    done = Recorder()
    job_threads: list[str] = []

    def job(store: ClinicStore) -> int:
        job_threads.append(threading.current_thread().name)
        return store.outbox_status().pending

    session.bridge.store_op(job).success(done).run()
    assert done.values == []  # never inside run(), even if the worker is quick
    qtbot.waitUntil(lambda: done.values == [0])
    assert done.threads == [threading.main_thread()]
    assert job_threads[0].startswith("outpost-store")


def test_known_failure_goes_to_the_failure_callback(qtbot: QtBot, session: Session) -> None:
    failed = Recorder()
    reported: list[str] = []
    session.bridge.sig_error_reported.connect(reported.append)
    session.bridge.store_op(lambda store: store.get_note("no-such-note")).failure(failed).run()
    qtbot.waitUntil(lambda: len(failed.values) == 1)
    assert isinstance(failed.values[0], NotFoundError)
    assert failed.threads == [threading.main_thread()]
    assert reported == []


def test_unhandled_known_failure_is_reported_in_plain_words(qtbot: QtBot, session: Session) -> None:
    def job(_store: ClinicStore) -> None:
        raise StoreFullError("disk full")

    with qtbot.waitSignal(session.bridge.sig_error_reported) as signal:
        session.bridge.store_op(job).run()
    assert signal.args == ["The disk is full. Free up some disk space on this computer."]


def test_unexpected_failure_is_logged_with_traceback_and_sent_to_excepthook(
    qtbot: QtBot, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    reported: list[str] = []
    session.bridge.sig_error_reported.connect(reported.append)

    def job(_store: ClinicStore) -> None:
        raise ZeroDivisionError("a bug")

    with qtbot.captureExceptions() as exceptions, caplog.at_level(logging.ERROR):
        session.bridge.store_op(job).run()
        qtbot.waitUntil(lambda: len(exceptions) == 1)
    assert exceptions[0][0] is ZeroDivisionError
    record = next(r for r in caplog.records if r.name == "outpost.ui.bridge")
    assert record.exc_info is not None
    assert "ZeroDivisionError" in record.getMessage()
    assert reported == []


def test_a_failing_callback_is_a_bug_not_a_silent_loss(qtbot: QtBot, session: Session) -> None:
    def callback(_value: object) -> None:
        raise KeyError("oops")

    with qtbot.captureExceptions() as exceptions:
        session.bridge.store_op(lambda store: store.outbox_status()).success(callback).run()
        qtbot.waitUntil(lambda: len(exceptions) == 1)
    assert exceptions[0][0] is KeyError


def test_async_op_runs_on_the_runtime_thread(qtbot: QtBot, session: Session) -> None:
    done = Recorder()

    async def work() -> str:
        await asyncio.sleep(0)
        return threading.current_thread().name

    session.bridge.async_op(work, timeout=5).success(done).run()
    qtbot.waitUntil(lambda: len(done.values) == 1)
    assert done.values == ["outpost-runtime"]
    assert done.threads == [threading.main_thread()]


def test_async_op_timeout_is_a_known_error(qtbot: QtBot, session: Session) -> None:
    failed = Recorder()
    never = asyncio.Event  # created on the loop inside the coroutine

    async def stuck() -> None:
        await never().wait()

    session.bridge.async_op(stuck, timeout=0.05).failure(failed).run()
    qtbot.waitUntil(lambda: len(failed.values) == 1)
    assert isinstance(failed.values[0], JobTimeoutError)


def test_cancelled_job_reports_nothing(qtbot: QtBot, session: Session) -> None:
    done = Recorder()
    release = threading.Event()
    session.bridge.store_op(lambda _store: release.wait(5)).run()  # keeps the worker busy
    queued = session.bridge.store_op(lambda store: store.outbox_status()).success(done).run()
    queued.cancel()
    assert queued.cancelled
    release.set()
    # A later op on the same worker proves the cancelled one had its turn and stayed silent.
    after = Recorder()
    session.bridge.store_op(lambda _store: "after").success(after).run()
    qtbot.waitUntil(lambda: after.values == ["after"])
    assert done.values == []


def test_cancelling_a_finished_job_still_drops_its_callback(qtbot: QtBot, session: Session) -> None:
    done = Recorder()
    finished = threading.Event()

    def job(_store: ClinicStore) -> str:
        finished.set()
        return "result"

    handle = session.bridge.store_op(job).success(done).run()
    assert finished.wait(5)
    handle.cancel()  # the result may already be queued to the main thread
    after = Recorder()
    session.bridge.store_op(lambda _store: "after").success(after).run()
    qtbot.waitUntil(lambda: after.values == ["after"])
    assert done.values == []


def test_after_shutdown_results_are_ignored_and_queued_writes_still_land(
    qtbot: QtBot, runtime: Runtime, session: Session
) -> None:
    done = Recorder()
    release = threading.Event()
    landed = threading.Event()

    def write(_store: ClinicStore) -> None:
        release.wait(5)
        landed.set()

    session.bridge.store_op(write).success(done).run()
    session.bridge.shutdown()
    assert session.bridge.is_shut_down
    release.set()
    assert landed.wait(5)  # a queued save is never cancelled by closing the window
    late = session.bridge.store_op(lambda _store: "late").success(done).run()
    assert late.cancelled
    _wait_for_worker_barrier(qtbot, session, runtime)
    assert done.values == []


def test_async_ops_are_cancelled_by_shutdown(session: Session) -> None:
    started = threading.Event()
    cancelled = threading.Event()

    async def long_running() -> None:
        started.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    session.bridge.async_op(long_running, timeout=60).run()
    assert started.wait(5)
    session.bridge.shutdown()
    assert cancelled.wait(5)


def test_destroyed_bridge_drops_results_without_crashing(
    qtbot: QtBot, runtime: Runtime, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    parent = QObject()
    bridge = Bridge(session.worker, runtime, parent=parent)
    release = threading.Event()
    done = Recorder()
    bridge.store_op(lambda _store: release.wait(5)).success(done).run()
    with qtbot.waitSignal(bridge.destroyed):
        parent.deleteLater()
    release.set()
    _wait_for_worker_barrier(qtbot, session, runtime)
    assert done.values == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def _wait_for_worker_barrier(qtbot: QtBot, session: Session, runtime: Runtime) -> None:
    """Wait until every job queued on the worker so far has been reported, through a fresh
    bridge: its result is posted after any result of earlier jobs would have been."""
    barrier = Bridge(session.worker, runtime)
    seen: list[str] = []
    barrier.store_op(lambda _store: "barrier").success(seen.append).run()
    qtbot.waitUntil(lambda: seen == ["barrier"])
    barrier.shutdown()
