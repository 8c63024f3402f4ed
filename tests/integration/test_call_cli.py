"""`outpost call` and `outpost patient-bot` as real processes against a real `outpost
server`: a signed-in, synced clinician calls a synthetic patient who joined through the
appointment's link; both exit 0 only because media flowed both ways, and the statistics
file holds the documented record. Known failures end in one line and exit 1."""

from __future__ import annotations

import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from outpost.core.settings import Profile
from tests.integration.cli_helpers import call_beside_bot, login, run_outpost, start_outpost
from tests.integration.store_helpers import raw_connection
from tests.server_process import RunningServer, running_server

SUMMARY_KEYS = {
    "call_id",
    "role",
    "appointment",
    "started_at",
    "admitted_after_s",
    "duration_s",
    "ended",
    "sessions",
    "reconnects",
    "admit_to_first_video_ms",
    "admit_to_first_audio_ms",
    "video_frames_sent",
    "video_frames_received",
    "audio_frames_sent",
    "audio_frames_played",
    "audio_frames_expected",
    "outbound_audio_acknowledged",
    "outbound_video_acknowledged",
    "media_flowed_both_ways",
    "markers_read",
    "audio_concealed_ms",
    "audio_dropped_ms",
}
SAMPLE_KEYS = {
    "t_s",
    "session",
    "fps_sent",
    "fps_received",
    "width_sent",
    "height_sent",
    "width_received",
    "height_received",
    "kbps_sent",
    "kbps_received",
    "rtt_ms",
    "jitter_ms",
    "loss_sent_pct",
    "loss_received_pct",
    "audio_frames_played",
    "audio_frames_expected",
    "ladder_step",
    "audio_concealed_ms",
    "audio_dropped_ms",
    "audio_delay_ms",
    "audio_target_ms",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("call-cli"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def clinician(server: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profile signed in as the demo clinician, with the clinic's schedule synced."""
    home = tmp_path_factory.mktemp("clinician") / "home"
    login(home, server)
    result = run_outpost(home, "sync")
    assert result.returncode == 0, result.stderr
    return home


def video_visits(home: Path) -> list[tuple[str, str]]:
    result = run_outpost(home, "schedule", "--json")
    assert result.returncode == 0, result.stderr
    found = [
        (item["id"], item["video_link"])
        for item in json.loads(result.stdout)["appointments"]
        if item["video_link"]
    ]
    assert len(found) >= 2, "the demo seed books video visits today"
    return found


def _stdout_line(process: subprocess.Popen[str], prefix: str) -> str:
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(prefix):
            return line
    raise AssertionError(f"the process ended without saying {prefix!r}")


def test_a_headless_call_with_a_patient_bot(clinician: Path, tmp_path: Path) -> None:
    appointment, link = video_visits(clinician)[0]
    bot_stats, call_stats = tmp_path / "patient.json", tmp_path / "clinician.json"
    bot = start_outpost(
        tmp_path / "patient-home", "patient-bot", "--link", link, "--stats-json", str(bot_stats)
    )
    result, bot_out, bot_err = call_beside_bot(
        bot,
        clinician,
        "--appointment",
        appointment,
        "--synthetic",
        "--duration",
        "4",
        "--wait",
        "30",
        "--stats-json",
        str(call_stats),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The patient is in the waiting room." in result.stdout
    assert "Media flowed both ways." in result.stdout
    assert bot.returncode == 0, bot_out + bot_err
    assert "Media flowed both ways." in bot_out

    record = json.loads(call_stats.read_text())
    assert record["schema_version"] == 1
    summary = record["summary"]
    assert set(summary) == SUMMARY_KEYS
    assert summary["role"] == "clinician"
    assert summary["appointment"] == appointment
    assert summary["ended"] == "hung-up"
    assert summary["media_flowed_both_ways"] is True
    assert 4.0 <= summary["duration_s"] < 6.0
    assert summary["video_frames_received"] >= 60
    assert summary["markers_read"] >= 60  # the patient's numbered frames
    assert 0 < summary["admit_to_first_video_ms"] < 4000
    assert len(record["samples"]) >= 4
    assert all(set(sample) == SAMPLE_KEYS for sample in record["samples"])
    late: dict[str, Any] = record["samples"][-2]
    assert late["fps_sent"] >= 15
    assert late["fps_received"] >= 15
    assert (late["width_received"], late["height_received"]) == (640, 480)
    assert [(item["session"], item["reason"]) for item in record["renegotiations"]] == [
        (1, "first")
    ]
    assert record["step_changes"] == []

    token = link.rsplit("/", 1)[1]
    for log in (clinician / "logs" / "outpost.log", tmp_path / "patient-home/logs/outpost.log"):
        text = log.read_text()
        assert "session 1" in text  # the call was logged ...
        for secret in (token, "Bearer", "a=candidate", "v=0", "ice-pwd"):
            assert secret not in text  # ... without tokens or SDP

    theirs = json.loads(bot_stats.read_text())["summary"]
    assert theirs["role"] == "patient"
    assert theirs["ended"] == "remote-bye"
    assert theirs["media_flowed_both_ways"] is True
    assert theirs["markers_read"] >= 60  # the clinician's numbered frames
    stored_in_the_local_store(clinician, record)


def stored_in_the_local_store(home: Path, record: dict[str, Any]) -> None:
    """The call's samples and summary are in the clinician's store, with no patient data."""
    report = run_outpost(home, "call", "--report", "--json", "--last", "1")
    assert report.returncode == 0, report.stderr
    (stored,) = json.loads(report.stdout)
    assert stored["call_id"] == record["summary"]["call_id"]
    assert stored["summary"] == record["summary"]
    assert stored["samples"] == len(record["samples"])  # one a second, every one stored
    lines = run_outpost(home, "call", "--report").stdout
    assert f"appointment {record['summary']['appointment']}: 4 s, hung-up" in lines
    names = [
        item["patient"]["name"]
        for item in json.loads(run_outpost(home, "schedule", "--json").stdout)["appointments"]
    ]
    conn = raw_connection(Profile.at(home))
    try:
        samples = [json.loads(text) for (text,) in conn.execute("SELECT sample FROM call_quality")]
        dump = "\n".join(
            str(row)
            for table in ("call_summary", "call_quality")
            for row in conn.execute(f"SELECT * FROM {table}")
        )
    finally:
        conn.close()
    assert samples == record["samples"]
    assert not [name for name in names if name in dump]


def test_without_a_patient_the_call_gives_up_in_one_line(clinician: Path) -> None:
    appointment, _link = video_visits(clinician)[1]
    result = run_outpost(
        clinician, "call", "--appointment", appointment, "--synthetic", "--wait", "1"
    )
    assert result.returncode == 1
    assert result.stderr == "outpost: No patient came to the waiting room within 1 seconds.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["call", "--appointment", "appt-nowhere", "--synthetic"],
            "outpost: No appointment appt-nowhere in the local store.\n",
        ),
        (
            ["call", "--synthetic"],
            "outpost: `outpost call` needs --appointment ID (or --report).\n",
        ),
        (
            ["call", "--appointment", "{first}", "--synthetic", "--relay-only"],
            "outpost: Relay-only calls need a TURN server: set `ice_servers` "
            "(docs/deployment.md).\n",
        ),
        (
            ["patient-bot", "--link", "{origin}/join/not-a-real-token"],
            "outpost: The server does not know this link.\n",
        ),
    ],
)
def test_refusals(clinician: Path, server: RunningServer, args: list[str], message: str) -> None:
    first = video_visits(clinician)[0][0]
    filled = [arg.format(first=first, origin=server.origin) for arg in args]
    result = run_outpost(clinician, *filled, timeout=60)
    assert result.returncode == 1, result.stdout
    assert result.stderr == message


def test_ctrl_c_hangs_up_cleanly_and_still_writes_the_record(
    clinician: Path, tmp_path: Path
) -> None:
    appointment, link = video_visits(clinician)[2]
    stats = tmp_path / "clinician.json"
    bot = start_outpost(tmp_path / "patient-home", "patient-bot", "--link", link)
    call = start_outpost(
        clinician, "call", "--appointment", appointment, "--synthetic", "--stats-json", str(stats)
    )
    try:
        _stdout_line(bot, "In the waiting room")
        _stdout_line(call, "In the call.")
        _stdout_line(bot, "In the call.")  # both sides have confirmed the other's media
        call.send_signal(signal.SIGINT)
        call_out, call_err = call.communicate(timeout=30)
        bot_out, bot_err = bot.communicate(timeout=30)
    finally:
        for process in (call, bot):
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert call.returncode == 0, call_out + call_err
    assert "Hanging up..." in call_out
    assert json.loads(stats.read_text())["summary"]["ended"] == "hung-up"
    assert bot.returncode == 0, bot_out + bot_err
    assert "Call ended (remote-bye)" in bot_out


def test_ctrl_c_while_waiting_leaves_at_once(clinician: Path) -> None:
    appointment, _link = video_visits(clinician)[3]
    call = start_outpost(clinician, "call", "--appointment", appointment, "--synthetic")
    try:
        _stdout_line(call, "Waiting for the patient")
        call.send_signal(signal.SIGINT)
        _out, err = call.communicate(timeout=15)
    finally:
        if call.poll() is None:
            call.kill()
            call.communicate()
    assert call.returncode == 130
    assert "Traceback" not in err
