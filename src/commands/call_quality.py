"""A call's quality record into the local store, and `outpost call --report`.

`QualityWriter` listens to the call's samples (`CallMeter.listeners`, on the runtime
thread) and hands them to the store worker in batches of `BATCH` (one transaction every
ten seconds of call), so a sample a second costs the call nothing but a list append; the
summary and events follow when the call ends. A failed write is logged and reported once
at the end; it never stops the call. `report` prints the last calls' summaries.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import logging
from typing import Any

from outpost.core.errors import OutpostError
from outpost.core.settings import Settings
from outpost.core.worker import StoreWorker
from outpost.media.call_record import CallRecord, plain
from outpost.media.quality import QualitySample
from outpost.store.call_log import CallEntry, CallLog, QualityRow
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store

logger = logging.getLogger(__name__)

BATCH = 10  # samples per transaction
WRITE_TIMEOUT_S = 30.0


class QualityWriter:
    def __init__(
        self,
        worker: StoreWorker[Store],
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

        def write(store: Store) -> None:
            log = CallLog(store)
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

        def end(store: Store) -> None:
            CallLog(store).finish(self._call_id, summary, events)

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


# -- outpost call --report -----------------------------------------------------------------


def report(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.profile, SystemKeychain())
    try:
        calls = CallLog(store).recent(args.last)
    finally:
        store.close()
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in calls], indent=2))
        return 0
    if not calls:
        print("No calls recorded on this computer yet.")
        return 0
    for entry in calls:
        print(_line(entry))
    return 0


def _entry_json(entry: CallEntry) -> dict[str, Any]:
    return {
        "call_id": entry.call_id,
        "appointment_id": entry.appointment_id,
        "role": entry.role,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "samples": entry.samples,
        "summary": entry.summary,
    }


def _line(entry: CallEntry) -> str:
    head = f"{entry.started_at[:16].replace('T', ' ')} UTC  appointment {entry.appointment_id}"
    summary = entry.summary
    if summary is None:
        return f"{head}: did not end cleanly ({entry.samples} samples stored)"
    played, expected = summary["audio_frames_played"], max(summary["audio_frames_expected"], 1)
    first = summary.get("admit_to_first_video_ms")
    return (
        f"{head}: {summary['duration_s']:.0f} s, {summary['ended']}, "
        f"{summary['reconnects']} reconnection(s), "
        + (f"first picture {first:.0f} ms, " if first is not None else "no picture, ")
        + f"audio {100 * min(played / expected, 1):.0f}% played, "
        + ("media both ways" if summary["media_flowed_both_ways"] else "media NOT both ways")
        + f", {entry.samples} samples"
    )
