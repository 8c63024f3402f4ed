"""A call's quality record into the local store, as the call goes (`outpost call` and the
app's visits).

`QualityWriter` listens to the call's samples (`CallMeter.listeners`, on the runtime
thread) and hands them to the store worker in batches of `BATCH` (one transaction every
ten seconds of call), so a sample a second costs the call nothing but a list append; the
summary and events follow when the call ends. A failed write is logged and reported once
at the end; it never stops the call.
"""

from __future__ import annotations

import concurrent.futures
import logging

from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore
from outpost.core.worker import StoreWorker
from outpost.media.call_record import CallRecord, plain
from outpost.media.quality import QualitySample
from outpost.store.call_log import CallLog, QualityRow
from outpost.store.store import Store

logger = logging.getLogger(__name__)

BATCH = 10  # samples per transaction
WRITE_TIMEOUT_S = 30.0


class QualityWriter:
    def __init__(
        self,
        worker: StoreWorker[Store] | StoreWorker[ClinicStore],
        call_id: str,
        appointment_id: str | None,
        role: str = "clinician",
        batch: int = BATCH,
    ) -> None:
        self._worker = worker
        self._call_id = call_id
        self._appointment_id = appointment_id
        self._role = role
        self._batch = batch
        self._pending: list[QualityRow] = []
        self._seq = 0
        self._begun = False
        self._writes: list[concurrent.futures.Future[None]] = []
        self.written = 0

    def on_sample(self, sample: QualitySample) -> None:
        """A `CallMeter` listener (runtime thread): queue it, write a full batch."""
        self._pending.append(QualityRow(self._seq, sample.t_s, plain(sample)))
        self._seq += 1
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        rows, self._pending = self._pending, []
        begin = not self._begun
        self._begun = True

        def write(store: object) -> None:
            log = CallLog(_store(store))
            if begin:
                log.begin(self._call_id, self._appointment_id, self._role)
            log.add_samples(self._call_id, self._appointment_id, rows)

        future = self._worker.submit(write, timeout=WRITE_TIMEOUT_S)
        future.add_done_callback(lambda done: self._written(done, len(rows)))
        self._writes.append(future)

    def _written(self, future: concurrent.futures.Future[None], rows: int) -> None:
        if future.cancelled() or future.exception() is not None:
            logger.warning("call %s: %d quality samples not stored", self._call_id, rows)
        else:
            self.written += rows

    def finish(self, record: CallRecord) -> None:
        """The rest of the samples, then the summary; waits for every write (any thread
        but the runtime's). `OutpostError` if something could not be stored."""
        if self._pending or not self._begun:
            self._flush()
        summary, events = plain(record.summary), record.events()

        def end(store: object) -> None:
            CallLog(_store(store)).finish(self._call_id, summary, events)

        self._writes.append(self._worker.submit(end, timeout=WRITE_TIMEOUT_S))
        failed = 0
        for future in self._writes:
            try:
                future.result(timeout=WRITE_TIMEOUT_S)
            except (OutpostError, concurrent.futures.CancelledError) as exc:
                logger.warning(
                    "call %s: store write failed (%s)", self._call_id, type(exc).__name__
                )
                failed += 1
        if failed:
            raise OutpostError(
                f"The call's quality record could not be fully saved ({failed} write(s) failed)."
            )


def _store(store: object) -> Store:
    """The worker's store (the app's worker is typed by its `ClinicStore` port)."""
    if not isinstance(store, Store):
        raise TypeError("the quality record needs the local store")
    return store
