"""The one way the UI runs work off the Qt main thread (DESIGN 2, STYLE 2).

`Bridge.store_op` runs a job on the store worker, `Bridge.async_op` a coroutine on the
runtime thread. Either returns an `Op`; `.success(cb)` and `.failure(cb)` name what runs
afterwards and `.run()` starts it. Results come back as a queued signal, so callbacks always
run on the Qt main thread, never inside `run()` itself, and never after `shutdown()`.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.core.worker import StoreWorker
from outpost.ui.messages import error_text

logger = logging.getLogger(__name__)

R = TypeVar("R")

_op_numbers = itertools.count(1)


class _Ticket:
    """One started op: its future and callbacks. Touched by the finishing thread only to be
    handed to the queued signal; read on the main thread."""

    __slots__ = ("cancelled", "future", "kind", "name", "number", "on_failure", "on_success")

    def __init__(
        self,
        kind: str,
        name: str,
        on_success: Callable[[Any], object] | None,
        on_failure: Callable[[Exception], object] | None,
    ) -> None:
        self.kind = kind
        self.name = name
        self.number = next(_op_numbers)
        self.on_success = on_success
        self.on_failure = on_failure
        self.cancelled = False
        self.future: concurrent.futures.Future[Any] | None = None


class _Gate:
    """Decides, under one lock, whether a finished op may still be reported. Closed by
    `Bridge.shutdown()` or by the bridge's C++ object being destroyed, whichever is first,
    so no thread ever emits on a deleted object."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.closed = False
        self.live: set[_Ticket] = set()

    def close(self, *_: object) -> list[_Ticket]:
        with self.lock:
            self.closed = True
            live = list(self.live)
            self.live.clear()
        return live


class Job:
    """Handle of a started op. `cancel()` drops its callbacks and cancels the work if it has
    not started (store jobs) or interrupts it (runtime coroutines)."""

    def __init__(self, ticket: _Ticket) -> None:
        self._ticket = ticket

    def cancel(self) -> None:
        self._ticket.cancelled = True
        future = self._ticket.future
        if future is not None:
            future.cancel()

    @property
    def cancelled(self) -> bool:
        return self._ticket.cancelled

    def done(self) -> bool:
        future = self._ticket.future
        return self._ticket.cancelled or (future is not None and future.done())


class Op(Generic[R]):
    """A piece of background work described before it starts (like Anki's `QueryOp`)."""

    def __init__(
        self,
        bridge: Bridge,
        kind: str,
        name: str,
        start: Callable[[], concurrent.futures.Future[R]],
    ) -> None:
        self._bridge = bridge
        self._kind = kind
        self._name = name
        self._start = start
        self._on_success: Callable[[R], object] | None = None
        self._on_failure: Callable[[Exception], object] | None = None

    def success(self, callback: Callable[[R], object]) -> Op[R]:
        """Run `callback(result)` on the main thread when the work succeeds."""
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[Exception], object]) -> Op[R]:
        """Run `callback(error)` on the main thread when the work fails. Without one, known
        errors go to `Bridge.sig_error_reported` and anything else to `sys.excepthook`."""
        self._on_failure = callback
        return self

    def run(self) -> Job:
        ticket = _Ticket(self._kind, self._name, self._on_success, self._on_failure)
        return self._bridge._launch(ticket, self._start)


class Bridge(QObject):
    """Runs store jobs and coroutines for the UI and reports back on the main thread."""

    sig_error_reported = Signal(str)  # a known error, in plain words, nobody else handled
    _sig_settled = Signal(object)  # a _Ticket whose future is done; always queued

    def __init__(
        self,
        store_worker: StoreWorker[ClinicStore],
        runtime: Runtime,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store_worker = store_worker
        self._runtime = runtime
        self._gate = _Gate()
        # Queued even when emitted on the main thread (a future that was already done), so
        # callbacks never run re-entrantly inside run() or cancel().
        self._sig_settled.connect(self._on_settled, Qt.ConnectionType.QueuedConnection)
        self.destroyed.connect(self._gate.close)

    def store_op(self, job: Callable[[ClinicStore], R], *, timeout: float = 10.0) -> Op[R]:
        """Describe `job(store)` to run on the store worker, failing after `timeout` s."""
        worker = self._store_worker
        return Op(self, "store", _name_of(job), lambda: worker.submit(job, timeout=timeout))

    def async_op(self, factory: Callable[[], Awaitable[R]], *, timeout: float) -> Op[R]:
        """Describe `await factory()` to run on the runtime thread, failing after `timeout`."""
        runtime = self._runtime
        return Op(
            self, "async", _name_of(factory), lambda: runtime.submit(factory, timeout=timeout)
        )

    def shutdown(self) -> None:
        """Stop reporting results and cancel running coroutines. Store jobs already queued
        are left to the worker, whose `close()` finishes them: a queued save must reach the
        disk even when the window is closing."""
        live = self._gate.close()
        cancelled = 0
        for ticket in live:
            ticket.cancelled = True
            if ticket.kind == "async" and ticket.future is not None and ticket.future.cancel():
                cancelled += 1
        logger.info("bridge shut down: %d ops open, %d coroutines cancelled", len(live), cancelled)

    @property
    def is_shut_down(self) -> bool:
        return self._gate.closed

    def _launch(self, ticket: _Ticket, start: Callable[[], concurrent.futures.Future[Any]]) -> Job:
        job = Job(ticket)
        if self._gate.closed:
            ticket.cancelled = True
            return job
        try:
            future = start()
        except Exception as exc:  # noqa: BLE001 - e.g. a closed worker: report it as the op's failure
            future = concurrent.futures.Future()
            future.set_exception(exc)
        ticket.future = future
        with self._gate.lock:
            self._gate.live.add(ticket)
        future.add_done_callback(lambda _done: self._settle(ticket))
        return job

    def _settle(self, ticket: _Ticket) -> None:
        """Any thread: hand the finished ticket to the main thread."""
        with self._gate.lock:
            self._gate.live.discard(ticket)
            if self._gate.closed:
                return
            self._sig_settled.emit(ticket)

    def _on_settled(self, ticket: object) -> None:
        assert isinstance(ticket, _Ticket)
        future = ticket.future
        if self._gate.closed or ticket.cancelled or future is None or future.cancelled():
            return
        error = future.exception()
        if error is None:
            if ticket.on_success is not None:
                self._call(ticket, ticket.on_success, future.result())
            return
        if isinstance(error, Exception) and ticket.on_failure is not None:
            logger.debug("op %s#%d failed: %s", ticket.name, ticket.number, type(error).__name__)
            self._call(ticket, ticket.on_failure, error)
        elif isinstance(error, OutpostError):
            logger.info("op %s#%d failed: %s", ticket.name, ticket.number, type(error).__name__)
            self.sig_error_reported.emit(error_text(error))
        else:
            self._report_bug(ticket, error)

    def _call(self, ticket: _Ticket, callback: Callable[[Any], object], value: Any) -> None:
        try:
            callback(value)
        except Exception:
            logger.exception("callback of op %s#%d raised", ticket.name, ticket.number)
            sys.excepthook(*sys.exc_info())

    @staticmethod
    def _report_bug(ticket: _Ticket, error: BaseException) -> None:
        logger.error(
            "op %s#%d raised %s",
            ticket.name,
            ticket.number,
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__),
        )
        sys.excepthook(type(error), error, error.__traceback__)


def _name_of(function: Callable[..., object]) -> str:
    """A log-safe label for a job: its qualified name, never its arguments."""
    return getattr(function, "__qualname__", type(function).__name__)
