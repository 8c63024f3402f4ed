"""`outpost schedule`, `outpost appointment ...` and `outpost conflicts ...` as real processes
on a seeded profile. Conflicts are made through `SyncLedger`, as the sync engine would."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from outpost.core.domain import AppointmentId, AppointmentStatus, NoteStatus, VisitType
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.sync_ledger import SyncLedger
from tests.integration.cli_helpers import run_outpost
from tests.integration.store_helpers import APPOINTMENT, PATIENT, seed

TOKYO = {"TZ": "Asia/Tokyo"}  # UTC+9, no daylight saving time
LATE = dataclasses.replace(
    APPOINTMENT,
    id=AppointmentId("appt-late"),
    start=datetime(2025, 3, 10, 20, 0, tzinfo=UTC),  # 05:00 on the 11th in Tokyo
    end=datetime(2025, 3, 10, 20, 30, tzinfo=UTC),
    visit_type=VisitType.IN_PERSON,
    reason="Knee pain",
)
LINK = "https://video.example/join/abc"


@pytest.fixture
def seeded(profile: Profile) -> Path:
    store = open_store(profile, SystemKeychain())
    try:
        seed(store)
        linked = dataclasses.replace(APPOINTMENT, video_link=LINK)
        store.upsert_server_appointments([(linked, "a-v2"), (LATE, "1")])
    finally:
        store.close()
    return profile.data_dir


def _one_line_error(result: object) -> str:
    stderr = getattr(result, "stderr", "")
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    return str(stderr)


def test_schedule_uses_the_local_day(seeded: Path) -> None:
    result = run_outpost(seeded, "schedule", "--date", "2025-03-10", "--json", env=TOKYO)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["date"] == "2025-03-10"
    [row] = report["appointments"]
    assert row == {
        "id": APPOINTMENT.id,
        "start": "2025-03-10T09:00:00+00:00",
        "end": "2025-03-10T09:20:00+00:00",
        "status": "booked",
        "visit_type": "virtual",
        "video_link": LINK,
        "reason": "Follow-up",
        "patient": {"id": PATIENT.id, "name": "Rosalind Quimby", "birth_date": "1961-04-02"},
    }
    next_day = run_outpost(seeded, "schedule", "--date", "2025-03-11", "--json", env=TOKYO)
    assert [r["id"] for r in json.loads(next_day.stdout)["appointments"]] == [LATE.id]
    utc = run_outpost(seeded, "schedule", "--date", "2025-03-10", "--json", env={"TZ": "UTC"})
    assert [r["id"] for r in json.loads(utc.stdout)["appointments"]] == [APPOINTMENT.id, LATE.id]


def test_schedule_for_people(seeded: Path) -> None:
    result = run_outpost(seeded, "schedule", "--date", "2025-03-10", env=TOKYO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Monday 2025-03-10: 1 appointment"
    assert lines[1].startswith("18:00-18:20  Rosalind Quimby")
    assert "booked" in lines[1]
    assert "video" in lines[1]
    assert "Follow-up" in lines[1]
    assert LINK in lines[2]
    empty = run_outpost(seeded, "schedule", "--date", "2030-01-01")
    assert empty.stdout.strip() == "No appointments on 2030-01-01."


@pytest.mark.parametrize("bad", ["10/03/2025", "2025-13-01", "tomorrow"])
def test_a_bad_date_is_one_clear_line(seeded: Path, bad: str) -> None:
    result = run_outpost(seeded, "schedule", "--date", bad)
    assert result.returncode == 2
    assert "YYYY-MM-DD" in _one_line_error(result)
    assert result.stdout == ""


def test_appointment_status_changes_are_queued(seeded: Path) -> None:
    done = run_outpost(seeded, "appointment", "check-in", APPOINTMENT.id)
    assert done.returncode == 0, done.stderr
    assert "checked-in" in done.stdout
    status = json.loads(run_outpost(seeded, "status", "--json").stdout)
    assert status["pending"] == 1
    listed = run_outpost(seeded, "schedule", "--date", "2025-03-10", "--json", env=TOKYO)
    assert json.loads(listed.stdout)["appointments"][0]["status"] == "checked-in"

    illegal = run_outpost(seeded, "appointment", "no-show", APPOINTMENT.id)
    assert illegal.returncode == 1
    assert "checked-in cannot become noshow" in _one_line_error(illegal)
    missing = run_outpost(seeded, "appointment", "cancel", "no-such-id")
    assert missing.returncode == 1
    assert "No appointment no-such-id" in _one_line_error(missing)


def _note_conflict(profile: Profile, *, server_status: NoteStatus) -> tuple[str, str]:
    """A synced draft edited here and, meanwhile, on the server. Returns (conflict, note)."""
    store = open_store(profile, SystemKeychain())
    try:
        ledger = SyncLedger(store)
        note = store.create_note(APPOINTMENT.id, "first")
        [create] = ledger.claim_batch(10)
        ledger.acknowledge(create.mutation_id, create.record(), "1")
        store.save_draft(note.id, "my text\nsecond line")
        [update] = ledger.claim_batch(10)
        theirs = dataclasses.replace(
            store.get_note(note.id), text="their text", status=server_status
        )
        conflict_id = ledger.record_conflict(
            update.mutation_id,
            server_record=theirs,
            server_version="2",
            reason="The note was changed on the server.",
        )
        return conflict_id, note.id
    finally:
        store.close()


def test_conflicts_listed_and_kept_both(seeded: Path, profile: Profile) -> None:
    none = run_outpost(seeded, "conflicts")
    assert (none.returncode, none.stdout.strip()) == (0, "No conflicts to resolve.")
    conflict_id, note_id = _note_conflict(profile, server_status=NoteStatus.SIGNED)

    listed = run_outpost(seeded, "conflicts", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["id"] == conflict_id
    assert row["record"] == {"type": "DocumentReference", "id": note_id}
    assert row["reason"] == "The note was changed on the server."
    assert row["local"]["text"] == "my text\nsecond line"
    assert row["server"]["text"] == "their text"
    assert row["server"]["status"] == "signed"

    human = run_outpost(seeded, "conflicts")
    assert f"Conflict {conflict_id}: note {note_id}" in human.stdout
    assert "yours:  draft" in human.stdout
    assert "server: signed" in human.stdout

    refused = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-mine")
    assert refused.returncode == 1
    assert "signed note cannot be overwritten" in _one_line_error(refused)

    kept = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-both")
    assert kept.returncode == 0, kept.stderr
    assert kept.stdout.startswith("Kept both")
    notes = {n["id"]: n for n in json.loads(run_outpost(seeded, "note", "list", "--json").stdout)}
    assert notes[note_id]["text"] == "their text"
    [copy] = [n for i, n in notes.items() if i != note_id]
    assert (copy["text"], copy["status"], copy["unsent_actions"]) == (
        "my text\nsecond line",
        "draft",
        1,
    )
    assert json.loads(run_outpost(seeded, "conflicts", "--json").stdout) == []
    again = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-server")
    assert again.returncode == 1
    assert "already resolved" in _one_line_error(again)


def test_keep_server_with_json_output(seeded: Path, profile: Profile) -> None:
    conflict_id, note_id = _note_conflict(profile, server_status=NoteStatus.DRAFT)
    result = run_outpost(seeded, "conflicts", "--json", "resolve", conflict_id, "--keep-server")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["resolution"] == "keep-server"
    assert report["record"] == {"type": "DocumentReference", "id": note_id}
    assert report["queued"] is None
    status = json.loads(run_outpost(seeded, "status", "--json").stdout)
    assert (status["conflicts"], status["pending"]) == (0, 0)


def test_an_appointment_conflict_cannot_keep_both(seeded: Path, profile: Profile) -> None:
    store = open_store(profile, SystemKeychain())
    try:
        ledger = SyncLedger(store)
        store.set_appointment_status(APPOINTMENT.id, AppointmentStatus.CANCELLED)
        [item] = ledger.claim_batch(10)
        theirs = dataclasses.replace(APPOINTMENT, status=AppointmentStatus.FULFILLED)
        conflict_id = ledger.record_conflict(
            item.mutation_id, server_record=theirs, server_version="a-v3", reason="Seen already."
        )
    finally:
        store.close()
    both = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-both")
    assert both.returncode == 1
    assert "one status" in _one_line_error(both)
    mine = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-mine")
    assert mine.returncode == 1
    assert "now fulfilled; it cannot become cancelled" in _one_line_error(mine)
    server = run_outpost(seeded, "conflicts", "resolve", conflict_id, "--keep-server")
    assert server.returncode == 0, server.stderr
    listed = run_outpost(seeded, "schedule", "--date", "2025-03-10", "--json", env=TOKYO)
    assert json.loads(listed.stdout)["appointments"][0]["status"] == "fulfilled"


def test_these_commands_log_no_patient_data(seeded: Path, profile: Profile) -> None:
    conflict_id, _ = _note_conflict(profile, server_status=NoteStatus.DRAFT)
    debug = ("--set", "log_level=DEBUG")
    for args in (
        ("schedule", "--date", "2025-03-10"),
        ("schedule", "--date", "2025-03-10", "--json"),
        ("appointment", "check-in", APPOINTMENT.id),
        ("conflicts",),
        ("conflicts", "--json"),
        ("conflicts", "resolve", conflict_id, "--keep-both"),
    ):
        result = run_outpost(seeded, *debug, *args)
        assert result.returncode == 0, result.stderr
    logs = [path for path in profile.log_dir.rglob("*") if path.is_file()]
    assert logs
    text = b"".join(path.read_bytes() for path in logs)
    assert b"conflict" in text  # the log did record the activity
    for phi in ("my text", "their text", "second line", PATIENT.family_name, "Follow-up", LINK):
        assert phi.encode() not in text, phi
