"""The sync engine against the real reference server: edit chains, conflicts between two
workstations, appointment status rules, and the second engine refused by the lock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.domain import AppointmentStatus, NoteStatus
from outpost.core.errors import SyncError, SyncErrorKind
from outpost.store.outbox import OutboxState
from outpost.sync.lock import SyncLock
from outpost.sync.rules import DRAFT_CHANGED_ELSEWHERE, NOTE_SIGNED_ELSEWHERE
from tests.integration.sync_helpers import (
    note_text,
    server_note,
    server_notes,
    versions,
    workstation,
)
from tests.server_process import RunningServer, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-engine")) as running:
        yield running


def test_first_sync_pulls_the_schedule(tmp_path: Path, server: RunningServer) -> None:
    with workstation(tmp_path / "a", server) as ws:
        report = ws.sync()
        assert report.written["Patient"] == 20
        assert report.written["Appointment"] > 0
        items = ws.appointments()
        assert items
        assert all(item.patient.family_name for item in items)
        again = ws.sync()
        assert sum(again.written.values()) == 0  # the overlap re-reads, nothing changes
        assert ws.store.outbox_status().last_sync_at is not None


def test_an_edit_chain_across_syncs_is_one_resource_with_the_final_text(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as ws:
        ws.sync()
        note = ws.store.create_note(ws.first_appointment(), "v1 blood pressure")
        assert ws.sync().acknowledged == 1
        ws.store.save_draft(note.id, "v2 blood pressure 140/90")
        ws.store.save_draft(note.id, "v3 blood pressure 140/90, recheck")  # coalesced
        assert ws.sync().acknowledged == 1
        ws.store.save_draft(note.id, "v4 blood pressure 135/85, recheck in 2 weeks")
        report = ws.sync()
        ws.store.sign_note(note.id)
        signed = ws.sync()
        assert (report.conflicts, signed.conflicts, signed.rejected) == (0, 0, 0)
        assert ws.store.list_notes()[0].unsent_actions == 0
    resource = server_note(server, note.id)
    assert resource["docStatus"] == "final"
    assert note_text(resource) == "v4 blood pressure 135/85, recheck in 2 weeks"
    assert [n["id"] for n in server_notes(server)].count(note.id) == 1
    assert versions(server, f"DocumentReference/{note.id}") == 4  # create, 2 edits, sign


def test_one_draft_edited_on_two_workstations_keeps_both_texts(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as a, workstation(tmp_path / "b", server) as b:
        a.sync()
        note = a.store.create_note(a.first_appointment(), "draft from A")
        a.sync()
        b.sync()
        assert b.store.get_note(note.id).text == "draft from A"
        a.store.save_draft(note.id, "A's edit")
        b.store.save_draft(note.id, "B's edit")
        assert a.sync().conflicts == 0
        report = b.sync()
        assert report.conflicts == 1
        assert report.needs_attention
        conflicts = b.ledger.list_conflicts()
        assert len(conflicts) == 1
        assert conflicts[0].reason == DRAFT_CHANGED_ELSEWHERE
        assert b.store.get_note(note.id).text == "B's edit"  # the clinician's text stays
        assert b.ledger.counts()[OutboxState.CONFLICT.value] == 1
        # a conflict holds back only its record: other work still flows
        other = b.store.create_note(b.first_appointment(), "unrelated note from B")
        assert b.sync().acknowledged == 1
    assert note_text(server_note(server, note.id)) == "A's edit"
    assert note_text(server_note(server, other.id)) == "unrelated note from B"


def test_editing_a_note_signed_elsewhere_is_a_conflict(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as a, workstation(tmp_path / "b", server) as b:
        a.sync()
        note = a.store.create_note(a.first_appointment(), "draft")
        a.sync()
        b.sync()
        a.store.sign_note(note.id)
        a.sync()
        b.store.save_draft(note.id, "late edit on B")
        assert b.sync().conflicts == 1
        assert b.ledger.list_conflicts()[0].reason == NOTE_SIGNED_ELSEWHERE
    assert server_note(server, note.id)["docStatus"] == "final"
    assert note_text(server_note(server, note.id)) == "draft"


def test_an_amendment_supersedes_the_original_on_the_server(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as ws:
        ws.sync()
        original = ws.store.create_note(ws.first_appointment(), "signed text", sign=True)
        ws.sync()
        amendment = ws.store.amend_note(original.id, "corrected text", "typo in dose")
        assert ws.sync().acknowledged == 1
        ws.sync()
        assert ws.store.get_note(original.id).status is NoteStatus.AMENDED
    assert server_note(server, original.id)["status"] == "superseded"
    assert note_text(server_note(server, original.id)) == "signed text"
    replacing = server_note(server, amendment.id)
    assert replacing["relatesTo"][0]["target"]["reference"] == f"DocumentReference/{original.id}"


def test_a_check_in_on_a_cancelled_appointment_is_a_conflict(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as a, workstation(tmp_path / "b", server) as b:
        a.sync()
        b.sync()
        appointment = a.appointments()[1].appointment.id
        a.store.set_appointment_status(appointment, AppointmentStatus.CANCELLED)
        a.sync()
        b.store.set_appointment_status(appointment, AppointmentStatus.CHECKED_IN)
        report = b.sync()
        assert report.conflicts == 1
        assert b.ledger.list_conflicts()[0].reason == (
            "The appointment was cancelled on the server, so it cannot be checked in."
        )
    current = server.client("dr.rivera").get(f"Appointment/{appointment}").json()
    assert current["status"] == "cancelled"


def test_a_legal_status_change_is_applied_on_top_of_a_reschedule(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as ws:
        ws.sync()
        appointment = ws.appointments()[2].appointment.id
        ws.store.set_appointment_status(appointment, AppointmentStatus.CHECKED_IN)
        # meanwhile the front desk moves the visit by 15 minutes on the server
        desk = server.client("dr.rivera")
        current = desk.get(f"Appointment/{appointment}").json()
        moved = {**current, "start": current["start"].replace(":00:00", ":15:00")}
        assert desk.put(f"Appointment/{appointment}", moved).status_code == 200
        report = ws.sync()
        assert (report.conflicts, report.acknowledged) == (0, 1)
    final = server.client("dr.rivera").get(f"Appointment/{appointment}").json()
    assert final["status"] == "checked-in"
    assert final["start"] == moved["start"]


def test_a_second_engine_on_the_same_profile_is_refused(
    tmp_path: Path, server: RunningServer
) -> None:
    with workstation(tmp_path / "a", server) as ws:
        ws.sync()
        with pytest.raises(SyncError) as caught:
            SyncLock(tmp_path / "a").acquire()
        assert caught.value.kind is SyncErrorKind.BUSY
        assert "already running" in str(caught.value)
    with SyncLock(tmp_path / "a"):
        pass  # released when the first engine closed
