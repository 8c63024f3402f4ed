"""Video visits' quality records in the encrypted store: samples in batches, the summary at
the end, the last calls newest first, a crashed call keeping its samples, old samples
pruned while summaries stay; `outpost call`'s writer batching ten samples a transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from outpost.core.settings import Profile
from outpost.core.worker import StoreWorker
from outpost.media.call_record import CallRecord, CallSummary, EndReason
from outpost.media.quality import QualitySample
from outpost.media.quality_writer import QualityWriter
from outpost.store.call_log import SAMPLE_RETENTION_DAYS, CallLog, QualityRow
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from tests.integration.store_helpers import rows


def sample(second: int) -> dict[str, Any]:
    return {"t_s": float(second), "fps_received": 30.0, "audio_frames_played": 50}


def batch(first: int, count: int) -> list[QualityRow]:
    return [QualityRow(n, float(n + 1), sample(n + 1)) for n in range(first, first + count)]


def test_a_call_is_stored_as_it_goes_and_summed_up_at_the_end(
    store: Store, raw: Connection
) -> None:
    log = CallLog(store)
    log.begin("call-1", "appt-1", "clinician")
    log.add_samples("call-1", "appt-1", batch(0, 10))
    log.add_samples("call-1", "appt-1", batch(10, 5))
    (unfinished,) = log.recent()
    assert (unfinished.samples, unfinished.summary, unfinished.ended_at) == (15, None, None)
    log.finish("call-1", {"duration_s": 15.2, "reconnects": 0}, {"renegotiations": []})
    (entry,) = log.recent()
    assert entry.summary == {"duration_s": 15.2, "reconnects": 0}
    assert entry.ended_at is not None
    assert [row.seq for row in log.samples("call-1")] == list(range(15))
    assert log.samples("call-1")[3].sample == sample(4)
    assert rows(raw, "SELECT DISTINCT appointment_id FROM call_quality") == [("appt-1",)]


def test_the_last_calls_come_newest_first(store: Store) -> None:
    log = CallLog(store)
    for number in range(5):
        log.begin(f"call-{number}", f"appt-{number}", "clinician")
    assert [entry.call_id for entry in log.recent(3)] == ["call-4", "call-3", "call-2"]


def test_old_samples_are_pruned_and_summaries_kept(profile: Profile) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    store = open_store(profile, SystemKeychain(), clock=lambda: now)
    try:
        log = CallLog(store)
        log.begin("old", "appt-1", "clinician")
        log.add_samples("old", "appt-1", batch(0, 20))
        log.finish("old", {"duration_s": 20.0}, {})
        now += timedelta(days=SAMPLE_RETENTION_DAYS + 1)
        assert log.begin("new", "appt-2", "clinician") == 20
        old = next(entry for entry in log.recent() if entry.call_id == "old")
        assert (old.samples, old.summary) == (0, {"duration_s": 20.0})
    finally:
        store.close()


def test_the_call_command_writes_samples_in_batches(profile: Profile) -> None:
    worker = StoreWorker(lambda: open_store(profile, SystemKeychain()), Store.close)

    def stored() -> int:
        return worker.submit(lambda s: len(CallLog(s).samples("call-9")), timeout=10).result()

    try:
        writer = QualityWriter(worker, "call-9", "appt-1")
        for second in range(1, 10):
            writer.on_sample(quality_sample(second))
        assert stored() == 0  # nothing written for the first nine seconds ...
        writer.on_sample(quality_sample(10))
        assert stored() == 10  # ... then one transaction for ten
        for second in range(11, 26):
            writer.on_sample(quality_sample(second))
        writer.finish(_record(25))
        assert stored() == 25
        (entry,) = worker.submit(lambda s: CallLog(s).recent(), timeout=10).result()
        assert entry.summary is not None
        assert entry.summary["duration_s"] == 25.0
    finally:
        worker.close()


def quality_sample(second: int) -> QualitySample:
    return QualitySample(
        float(second), 1, 30.0, 30.0, 640, 480, 640, 480, 900.0, 900.0, 20.0, 2.0, 0.0, 0.0, 50, 50
    )


def _record(seconds: int) -> CallRecord:
    summary = CallSummary(
        call_id="call-9",
        role="clinician",
        appointment="appt-1",
        started_at="2026-01-01T00:00:00.000+00:00",
        admitted_after_s=1.0,
        duration_s=float(seconds),
        ended=EndReason.HUNG_UP,
        sessions=1,
        reconnects=0,
        admit_to_first_video_ms=90.0,
        admit_to_first_audio_ms=80.0,
        video_frames_sent=750,
        video_frames_received=750,
        audio_frames_sent=1250,
        audio_frames_played=1250,
        audio_frames_expected=1250,
        outbound_audio_acknowledged=True,
        outbound_video_acknowledged=True,
        media_flowed_both_ways=True,
    )
    return CallRecord(summary, (), (), ())
