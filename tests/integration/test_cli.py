"""The headless CLI that IT teams and tests script against: real processes, real store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from tests.integration.cli_helpers import run_outpost
from tests.integration.store_helpers import APPOINTMENT, seed


@pytest.fixture
def seeded(profile: Profile) -> Path:
    """A profile whose store holds one patient and one appointment (as after a sync)."""
    store = open_store(profile, SystemKeychain())
    try:
        seed(store)
    finally:
        store.close()
    return profile.data_dir


def _ids(stdout: str) -> list[str]:
    ids = stdout.split()
    for value in ids:
        uuid.UUID(value)
    return ids


def test_note_add_writes_locally_and_status_counts_it(seeded: Path) -> None:
    added = run_outpost(seeded, "note", "add", "--appointment", APPOINTMENT.id, "--text", "S: ok")
    assert added.returncode == 0, added.stderr
    [note_id] = _ids(added.stdout)

    listed = run_outpost(seeded, "note", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [row] = json.loads(listed.stdout)
    assert row["id"] == note_id
    assert row["text"] == "S: ok"
    assert row["status"] == "draft"
    assert row["unsent_actions"] == 1

    status = run_outpost(seeded, "status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert report["pending"] == 1
    assert report["conflicts"] == 0
    assert report["rejected"] == 0
    assert report["last_sync_at"] is None
    assert 0 <= report["oldest_pending_age_seconds"] < 600

    human = run_outpost(seeded, "status")
    assert "Pending changes:      1" in human.stdout
    assert "Last successful sync: never" in human.stdout


def test_signed_note_from_file_and_stdin(seeded: Path, tmp_path: Path) -> None:
    text_file = tmp_path / "note.txt"
    text_file.write_text("A: stable\nP: review in 3 months\n", encoding="utf-8")
    from_file = run_outpost(
        seeded, "note", "add", "--appointment", APPOINTMENT.id, "--text-file", str(text_file),
        "--sign",
    )  # fmt: skip
    assert from_file.returncode == 0, from_file.stderr
    from_stdin = run_outpost(
        seeded, "note", "add", "--appointment", APPOINTMENT.id, "--text-file", "-",
        stdin="S: from stdin",
    )  # fmt: skip
    assert from_stdin.returncode == 0, from_stdin.stderr
    rows = {
        row["id"]: row for row in json.loads(run_outpost(seeded, "note", "list", "--json").stdout)
    }
    signed = rows[_ids(from_file.stdout)[0]]
    assert signed["status"] == "signed"
    assert signed["text"] == "A: stable\nP: review in 3 months\n"
    assert rows[_ids(from_stdin.stdout)[0]]["text"] == "S: from stdin"


def test_signed_note_is_amended_not_edited(seeded: Path) -> None:
    added = run_outpost(
        seeded, "note", "add", "--appointment", APPOINTMENT.id, "--text", "BP 120/80", "--sign"
    )
    [original] = _ids(added.stdout)
    amended = run_outpost(
        seeded, "note", "amend", original, "--text", "BP 130/80", "--reason", "Typo in BP"
    )
    assert amended.returncode == 0, amended.stderr
    [amendment] = _ids(amended.stdout)
    rows = {
        row["id"]: row for row in json.loads(run_outpost(seeded, "note", "list", "--json").stdout)
    }
    assert rows[original]["status"] == "amended"
    assert rows[original]["text"] == "BP 120/80"
    assert rows[amendment]["replaces"] == original
    assert rows[amendment]["amendment_reason"] == "Typo in BP"

    again = run_outpost(seeded, "note", "sign", original)
    assert again.returncode == 1
    assert "already signed" in again.stderr or "Only a signed note" in again.stderr


def test_jsonl_adds_every_line_or_nothing(seeded: Path, tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(
            json.dumps({"appointment": APPOINTMENT.id, "text": f"note {n}", "sign": n == 2})
            for n in range(3)
        ),
        encoding="utf-8",
    )
    added = run_outpost(seeded, "note", "add", "--jsonl", str(good))
    assert added.returncode == 0, added.stderr
    assert len(_ids(added.stdout)) == 3

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"appointment": APPOINTMENT.id, "text": "fine"})
        + "\n"
        + json.dumps({"appointment": "no-such-appointment", "text": "lost?"})
        + "\n",
        encoding="utf-8",
    )
    refused = run_outpost(seeded, "note", "add", "--jsonl", str(bad))
    assert refused.returncode == 1
    assert "no-such-appointment" in refused.stderr
    assert len(json.loads(run_outpost(seeded, "note", "list", "--json").stdout)) == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "line 1 is not valid JSON"),
        (json.dumps({"appointment": APPOINTMENT.id}), "'text' must be non-empty text"),
        (
            json.dumps({"appointment": APPOINTMENT.id, "text": "x", "sign": "yes"}),
            "'sign' must be true",
        ),
        (
            json.dumps({"appointment": APPOINTMENT.id, "text": "x", "colour": 1}),
            "unknown field(s) colour",
        ),
    ],
)
def test_jsonl_errors_name_the_line(seeded: Path, tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "notes.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    result = run_outpost(seeded, "note", "add", "--jsonl", str(path))
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count("\n") == 1, "one clear line, not a traceback"


def test_unknown_appointment_is_one_clear_line(seeded: Path) -> None:
    result = run_outpost(seeded, "note", "add", "--appointment", "missing", "--text", "x")
    assert result.returncode == 1
    assert result.stderr == "outpost: No appointment missing in the local store.\n"
    assert result.stdout == ""


def test_no_keychain_fails_closed_and_writes_no_database(tmp_path: Path) -> None:
    home = tmp_path / "profile"
    result = run_outpost(
        home, "status", env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    )
    assert result.returncode == 1
    assert "keychain" in result.stderr.lower()
    assert "gnome-keyring" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (home / "outpost.db").exists()


def test_invalid_setting_stops_startup_naming_key_and_file(tmp_path: Path) -> None:
    home = tmp_path / "profile"
    home.mkdir()
    (home / "config.toml").write_text("autosave_ms = 1\n", encoding="utf-8")
    result = run_outpost(home, "status")
    assert result.returncode == 2
    assert "'autosave_ms'" in result.stderr
    assert str(home / "config.toml") in result.stderr
    assert not (home / "outpost.db").exists()


def test_selftest_reports_a_healthy_machine(tmp_path: Path) -> None:
    result = run_outpost(tmp_path / "profile", "selftest", "--json")
    report = json.loads(result.stdout)
    failing = [check for check in report["checks"] if not check["ok"]]
    assert result.returncode == 0, failing
    assert report["healthy"] is True
    names = [check["name"] for check in report["checks"]]
    assert names == [
        "Python",
        "Qt",
        "VP8",
        "Opus",
        "Devices",
        "Keychain",
        "Encryption",
        "Local store",
    ]
    devices = report["checks"][4]["detail"]
    assert "cameras: " in devices
    assert "microphones: " in devices
    assert "speakers: " in devices


def test_selftest_fails_without_keychain(tmp_path: Path) -> None:
    result = run_outpost(
        tmp_path / "profile",
        "selftest",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "FAIL  Keychain" in result.stdout
    assert "Not healthy" in result.stdout


def test_module_entry_point_and_version(tmp_path: Path) -> None:
    result = run_outpost(tmp_path / "profile", "--version")
    assert result.returncode == 0
    assert result.stdout.startswith("outpost ")


def test_a_closed_pipe_is_not_an_error(seeded: Path) -> None:
    """`outpost note list | head`: the reader leaving early is not an error of ours."""
    added = run_outpost(seeded, "note", "add", "--appointment", APPOINTMENT.id, "--text", "x")
    assert added.returncode == 0, added.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is already gone
    writer = subprocess.run(
        [sys.executable, "-m", "outpost", "--home", str(seeded), "note", "list", "--json"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        timeout=60,
        check=False,
    )
    os.close(write_end)
    assert writer.stderr == ""
    assert writer.returncode == 141
