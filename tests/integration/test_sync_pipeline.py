"""The pipelined push: a note batch is on the wire while the previous one is settled and
the next one claimed. Failures in the middle of that overlap still leave every note on the
server exactly once, nothing lost locally and nothing stuck in flight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.domain import NoteId
from outpost.sync.rules import DRAFT_CHANGED_ELSEWHERE
from tests.fault_proxy import Fault, FaultProxy
from tests.integration.sync_helpers import (
    Workstation,
    edit_on_server,
    server_notes,
    versions,
    workstation,
)
from tests.server_process import RunningServer, running_server

BATCH = r"^/fhir/?$"
NOTES = 300  # batches of 50, 50, 100, 100: always one on the wire while another settles


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-pipeline")) as running:
        yield running


@pytest.fixture
def proxy(server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.origin) as running:
        yield running


def _offline_notes(ws: Workstation, count: int) -> list[NoteId]:
    appointment = ws.first_appointment()
    return [ws.store.create_note(appointment, f"note {n}").id for n in range(count)]


def _each_once(server: RunningServer, note_ids: list[NoteId]) -> None:
    on_server = [note["id"] for note in server_notes(server)]
    assert [note_id for note_id in note_ids if on_server.count(note_id) != 1] == []


def _settled(ws: Workstation) -> None:
    counts = ws.ledger.counts()
    assert (counts["pending"], counts["inflight"]) == (0, 0)


def test_the_batches_overlap_and_each_note_lands_once(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _offline_notes(ws, NOTES)
        proxy.seen.clear()
        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (NOTES, 0, 0)
        posts = [seen for seen in proxy.seen if seen.method == "POST"]
        assert len(posts) == 4  # 50, 50, 100, 100
        _settled(ws)
    _each_once(server, ids)


def test_a_lost_answer_while_the_next_batch_waits_lands_every_note_once(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    """The second batch lands but its answer is lost, while the third is already claimed
    and encoded: after one backoff the second is recognised by reading it back, the third
    is sent, and nothing is duplicated."""
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        ids = _offline_notes(ws, NOTES)
        proxy.add(Fault("callback", method="POST", path=BATCH, callback=lambda: None))
        proxy.add(Fault("lose", method="POST", path=BATCH))
        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (NOTES, 0, 0)
        assert len(ws.sleeps) == 1
        _settled(ws)
    _each_once(server, ids)
    assert {versions(server, f"DocumentReference/{note_id}") for note_id in ids[50:100]} == {1}


def test_a_failure_while_settling_gives_back_the_batch_on_the_wire(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    """Settling the first batch needs a read-back (a colleague changed one of its notes),
    and the read-back fails while the second batch is on the wire. The second batch is
    given back although it landed; the retry acknowledges it without sending it twice,
    and the changed note becomes a conflict that keeps both texts."""
    with workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        (shared,) = _offline_notes(ws, 1)
        ws.sync()
        edit_on_server(server, shared, "the colleague's text")
        ws.store.save_draft(shared, "my offline text")
        ids = _offline_notes(ws, NOTES)
        proxy.add(Fault("status", method="GET", path=r"_id=", status=503))
        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (NOTES, 1, 0)
        assert len(ws.sleeps) == 1
        assert report.sent == NOTES + 2  # the edit twice; the batch given back was read back
        (conflict,) = ws.ledger.list_conflicts()
        assert (conflict.entity_id, conflict.reason) == (shared, DRAFT_CHANGED_ELSEWHERE)
        assert ws.store.get_note(shared).text == "my offline text"
        _settled(ws)
    _each_once(server, [shared, *ids])
    assert {versions(server, f"DocumentReference/{note_id}") for note_id in ids} == {1}
