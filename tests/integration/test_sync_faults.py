"""Sync through the fault-injecting proxy in front of the real server: lost answers,
partial batches, busy servers and captive portals leave every note on the server exactly
once and nothing lost locally."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.errors import OfflineError
from outpost.sync.engine import EngineOptions
from tests.fault_proxy import Fault, FaultProxy
from tests.integration.sync_helpers import (
    NoIdempotencyKeySession,
    Workstation,
    note_text,
    server_note,
    server_notes,
    versions,
    workstation,
)
from tests.server_process import RunningServer, running_server

BATCH = r"^/fhir/?$"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-faults")) as running:
        yield running


@pytest.fixture
def proxy(server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.origin) as running:
        yield running


def _notes(ws: Workstation, *texts: str) -> list[str]:
    appointment = ws.first_appointment()
    return [ws.store.create_note(appointment, text).id for text in texts]


def _exactly_once(server: RunningServer, note_ids: list[str]) -> None:
    on_server = [note["id"] for note in server_notes(server)]
    for note_id in note_ids:
        assert on_server.count(note_id) == 1


@pytest.mark.parametrize("honours_key", [True, False], ids=["key-honoured", "key-ignored"])
def test_a_lost_batch_answer_is_resent_and_lands_once(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, honours_key: bool
) -> None:
    session = None if honours_key else NoIdempotencyKeySession()
    with workstation(
        tmp_path / "a", server, base_url=f"{proxy.origin}/fhir", session=session
    ) as ws:
        ws.sync()
        ids = _notes(ws, "one", "two", "three")
        proxy.add(Fault("lose", method="POST", path=BATCH))
        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (3, 0, 0)
        assert len(ws.sleeps) == 1  # one backoff, then the resend
        assert ws.store.outbox_status().pending == 0
    _exactly_once(server, ids)
    for note_id in ids:
        assert versions(server, f"DocumentReference/{note_id}") == 1


def test_a_lost_answer_to_an_update_is_recognised_by_its_mutation_id(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        session=NoIdempotencyKeySession(),
    ) as ws:
        ws.sync()
        (note_id,) = _notes(ws, "first")
        ws.sync()
        ws.store.save_draft(note_id, "second")  # type: ignore[arg-type]
        proxy.add(Fault("lose", method="PUT", path="DocumentReference"))
        report = ws.sync()
        assert (report.acknowledged, report.conflicts) == (1, 0)
    assert note_text(server_note(server, note_id)) == "second"
    assert versions(server, f"DocumentReference/{note_id}") == 2


@pytest.mark.parametrize("honours_key", [True, False], ids=["key-honoured", "key-ignored"])
def test_an_autosave_after_a_lost_answer_is_still_sent(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, honours_key: bool
) -> None:
    """The lost write landed; the released action was then rewritten in place by an
    autosave (same mutation id, new text). The new text must reach the server."""
    session = None if honours_key else NoIdempotencyKeySession()
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        session=session,
        options=EngineOptions(max_retries=0),
    ) as ws:
        ws.sync()
        first, second = _notes(ws, "draft 1", "other draft 1")
        proxy.add(Fault("lose", method="POST", path=BATCH))
        with pytest.raises(OfflineError):
            ws.sync()
        ws.store.save_draft(first, "draft 2 typed while offline")  # type: ignore[arg-type]
        assert ws.ledger.counts()["pending"] == 2  # rewritten in place, not appended
        report = ws.sync()
        assert (report.conflicts, report.rejected) == (0, 0)
        assert ws.store.outbox_status().pending == 0
        assert ws.store.get_note(first).text == "draft 2 typed while offline"
    assert note_text(server_note(server, first)) == "draft 2 typed while offline"
    assert note_text(server_note(server, second)) == "other draft 1"
    _exactly_once(server, [first, second])


def test_a_partial_batch_then_a_failure_settles_every_note_once(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        session=NoIdempotencyKeySession(),
    ) as ws:
        ws.sync()
        ids = _notes(ws, "a", "b", "c", "d")
        proxy.add(Fault("partial-batch", method="POST", path=BATCH, keep=2, status=502))
        report = ws.sync()
        assert (report.acknowledged, report.conflicts) == (4, 0)
    _exactly_once(server, ids)
    assert all(versions(server, f"DocumentReference/{i}") == 1 for i in ids)


def test_a_truncated_answer_is_a_network_failure_and_is_retried(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _notes(ws, "x", "y")
        proxy.add(Fault("truncate", method="POST", path=BATCH))
        assert ws.sync().acknowledged == 2
        assert ws.store.outbox_status().pending == 0
    _exactly_once(server, ids)
    assert all(versions(server, f"DocumentReference/{i}") == 1 for i in ids)


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_from_a_busy_server_is_honoured(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, status: int
) -> None:
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _notes(ws, "p", "q")
        proxy.add(
            Fault("status", method="POST", path=BATCH, status=status, headers={"Retry-After": "7"})
        )
        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (2, 0, 0)
        assert ws.sleeps == [7.0]
        assert ws.store.outbox_status().pending == 0
    _exactly_once(server, ids)
    assert all(versions(server, f"DocumentReference/{i}") == 1 for i in ids)


def test_a_server_that_keeps_failing_ends_the_run_and_keeps_the_work(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _notes(ws, "kept 1", "kept 2")
        proxy.add(Fault("status", method="POST", path=BATCH, status=500, times=100))
        with pytest.raises(Exception, match="busy or failing"):
            ws.sync()
        assert len(ws.sleeps) == 3  # EngineOptions.max_retries
        assert ws.store.outbox_status().pending == 2
        assert ws.ledger.counts()["inflight"] == 0
    assert not set(ids) & {note["id"] for note in server_notes(server)}


def test_a_captive_portal_is_offline_and_nothing_is_sent(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _notes(ws, "waiting")
        proxy.add(Fault("portal", path="metadata"))
        with pytest.raises(OfflineError):
            ws.sync()
        assert ws.store.outbox_status().pending == 1
        proxy.add(Fault("portal", method="POST|PUT", times=10))
        with pytest.raises(OfflineError):
            ws.sync()
        assert ws.store.outbox_status().pending == 1
        assert ws.ledger.counts()["inflight"] == 0
    assert not set(ids) & {note["id"] for note in server_notes(server)}


def test_a_refused_note_is_parked_and_the_rest_flows(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": "date is invalid"}],
    }
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        (bad,) = _notes(ws, "refused")
        proxy.add(
            Fault(
                "status",
                method="PUT",
                path="DocumentReference",
                status=422,
                body=json.dumps(outcome),
                headers={"Content-Type": "application/fhir+json"},
            )
        )
        report = ws.sync()
        assert report.rejected == 1
        assert ws.store.outbox_status().rejected == 1
        (good,) = _notes(ws, "accepted")
        assert ws.sync().acknowledged == 1
        assert ws.store.get_note(bad).text == "refused"  # parked, never dropped
    _exactly_once(server, [good])
