"""`outpost demo --headless` end to end as a newcomer runs it: a demo server of its own, the
demo clinician signed in and synced, a test patient in the waiting room, admitted, a call
with video both ways, a note written and signed during it and synced afterwards; a fresh
start on every run; a real profile is refused, never emptied."""

from __future__ import annotations

import json
import re
import signal
from pathlib import Path

from tests.integration.cli_helpers import run_outpost
from tests.integration.test_app_process import start_demo_window, x_display  # noqa: F401


def test_headless_demo_holds_a_visit_and_syncs_the_note(tmp_path: Path) -> None:
    home = tmp_path / "demo"
    result = run_outpost(home, "demo", "--headless", "--duration", "3", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(r"Demo server: http://127\.0\.0\.1:\d+/fhir", out), out
    assert "Signed in as dr.rivera (password grant, tokens in the keychain) and synced" in out
    assert "the patient was in the waiting room after" in out
    assert "Note written and signed during the call." in out
    frames = re.search(r"sent (\d+) frames and received (\d+); the patient received (\d+)", out)
    assert frames is not None, out
    assert all(int(count) > 30 for count in frames.groups()), out
    assert "the signed note is on the server" in out
    assert out.rstrip().endswith("Demo visit complete: video both ways and the note synced.")
    # The profile is usable afterwards: the signed note is there, and synced.
    notes = json.loads(run_outpost(home, "note", "list", "--json").stdout)
    assert [note["status"] for note in notes] == ["signed"]
    status = json.loads(run_outpost(home, "status", "--json").stdout)
    assert status["pending"] == 0, status
    assert "Traceback" not in (home / "logs" / "outpost.log").read_text()


def test_the_demo_refuses_a_real_profile(tmp_path: Path) -> None:
    home = tmp_path / "real"
    made = run_outpost(home, "note", "list")  # opens (creates) a real profile
    assert made.returncode == 0, made.stderr
    before = sorted(path.name for path in home.iterdir())
    result = run_outpost(home, "demo", "--headless")
    assert result.returncode != 0
    assert "not a demo" in result.stderr
    assert sorted(path.name for path in home.iterdir()) == before


def _demo_children(home: Path) -> list[str]:
    """Command lines of running processes started for this demo folder."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            line = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if str(home) in line and ("server" in line or "patient-bot" in line):
            found.append(line)
    return found


def test_the_demo_window_starts_server_and_patient_and_stops_them_on_quit(
    tmp_path: Path,
    x_display: str,  # noqa: F811 - the fixture imported above
) -> None:
    home = tmp_path / "demo"
    log = home / "logs" / "outpost.log"
    app = start_demo_window(home, x_display, tmp_path)
    try:
        text = log.read_text()
        assert "demo server ready on port" in text
        assert "test patient started" in text
        assert len(_demo_children(home)) == 2, _demo_children(home)
        app.send_signal(signal.SIGTERM)
        _, err = app.communicate(timeout=60)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
    assert app.returncode == 0, err
    assert _demo_children(home) == []  # the server and the test patient went with it
    assert "Traceback" not in log.read_text()
