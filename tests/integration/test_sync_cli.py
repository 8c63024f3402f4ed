"""`outpost login`, `outpost sync` and `outpost logout` as real processes against the real
reference server: exactly-once push, pull into the schedule, token refresh, a refused
refresh, sign-out, the lock, and what the messages and logs say."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from outpost.store.keychain import SystemKeychain
from outpost.sync.lock import SyncLock
from outpost.sync.tokens import SessionTokens, TokenStore, read_profile_id
from tests.fault_proxy import FaultProxy
from tests.integration.cli_helpers import login, run_outpost, status
from tests.integration.sync_helpers import USER, note_text, server_notes
from tests.server_process import RunningServer, running_server

EXIT_ATTENTION = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-cli")) as running:
        yield running


def sync(home: Path) -> Any:
    return run_outpost(home, "sync")


def stored_tokens(home: Path) -> TokenStore:
    return TokenStore(SystemKeychain(), read_profile_id(home))


def today_appointment(home: Path) -> str:
    result = run_outpost(home, "schedule", "--json")
    assert result.returncode == 0, result.stderr
    appointments = json.loads(result.stdout)["appointments"]
    assert appointments, "the demo seed books appointments today"
    return str(appointments[0]["id"])


def add_notes(home: Path, appointment: str, *texts: str) -> list[str]:
    lines = "\n".join(json.dumps({"appointment": appointment, "text": t}) for t in texts)
    source = home.parent / f"{home.name}-notes.jsonl"
    source.write_text(lines + "\n", encoding="utf-8")
    result = run_outpost(home, "note", "add", "--jsonl", str(source))
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_offline_notes_reach_the_server_exactly_once(tmp_path: Path, server: RunningServer) -> None:
    home = tmp_path / "profile"
    signed_in = login(home, server)
    assert f"Signed in to {server.base_url} as {USER}" in signed_in.stdout
    first = sync(home)
    assert first.returncode == 0, first.stderr
    assert "Updated from the server: 20 patients" in first.stdout
    appointment = today_appointment(home)  # the pull filled the schedule
    marker = "MARKER-7c1e blood pressure 150/95"
    ids = add_notes(home, appointment, marker, "second note", "third note")
    assert status(home)["pending"] == 3
    pushed = sync(home)
    assert pushed.returncode == 0, pushed.stderr
    assert "Sent 3 change(s): 3 accepted, 0 in conflict, 0 refused." in pushed.stdout
    again = sync(home)
    assert "Nothing to send." in again.stdout
    on_server = {note["id"]: note for note in server_notes(server)}
    for note_id in ids:
        assert note_id in on_server
    assert [note_text(on_server[i]) for i in ids] == [marker, "second note", "third note"]
    assert sum(1 for note in server_notes(server) if note["id"] in ids) == 3
    listed = json.loads(run_outpost(home, "note", "list", "--json").stdout)
    assert {
        row["id"]: row["unsent_actions"] for row in listed if row["id"] in ids
    } == dict.fromkeys(ids, 0)
    report = status(home)
    assert report["pending"] == 0
    assert report["last_sync_at"] is not None
    # Logs hold ids, counts and statuses only: no note text, names, tokens or passwords.
    tokens = stored_tokens(home).load()
    assert tokens is not None
    logs = "\n".join(p.read_text() for p in (home / "logs").glob("*.log*"))
    for secret in ("MARKER-7c1e", "Lindqvist", "Kowalski", tokens.access_token):
        assert secret not in logs
    assert server.users[USER] not in logs
    assert tokens.refresh_token is not None
    assert tokens.refresh_token not in logs


def test_sync_without_the_server_keeps_the_work(tmp_path: Path, server: RunningServer) -> None:
    home = tmp_path / "profile"
    with FaultProxy(server.origin) as proxy:
        login(home, server, url=f"{proxy.origin}/fhir")
        assert sync(home).returncode == 0
        add_notes(home, today_appointment(home), "written in the car", "and another")
    result = sync(home)  # the proxy is gone: connection refused
    assert result.returncode == 1
    assert result.stderr.startswith(f"outpost: Could not reach the server at {proxy.origin}/fhir")
    assert "your 2 changes are kept" in result.stderr
    assert "Traceback" not in result.stderr
    assert status(home)["pending"] == 2


def test_logout_keeps_unsent_work_and_sync_then_asks_to_sign_in(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    login(home, server)
    sync(home)
    (note_id,) = add_notes(home, today_appointment(home), "not sent before sign-out")
    out = run_outpost(home, "logout")
    assert out.returncode == 0, out.stderr
    assert "Signed out." in out.stdout
    assert "1 change is still waiting" in out.stdout
    assert stored_tokens(home).load() is None
    assert status(home)["pending"] == 1
    refused = sync(home)
    assert refused.returncode == 1
    assert "outpost login" in refused.stderr
    login(home, server)
    assert sync(home).returncode == 0
    assert note_id in {note["id"] for note in server_notes(server)}


def _replace_tokens(home: Path, **changes: Any) -> SessionTokens:
    store = stored_tokens(home)
    tokens = store.load()
    assert tokens is not None
    store.save(dataclasses.replace(tokens, **changes))
    return tokens


def test_an_expired_access_token_is_refreshed_transparently(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    login(home, server)
    far = datetime.now(UTC) + timedelta(hours=1)
    before = _replace_tokens(home, access_token="expired-on-the-server", expires_at=far)
    result = sync(home)
    assert result.returncode == 0, result.stderr
    after = stored_tokens(home).load()
    assert after is not None
    assert after.access_token not in (before.access_token, "expired-on-the-server")
    assert after.refresh_token != before.refresh_token  # rotated, and kept


def test_a_token_past_its_expiry_is_refreshed_before_use(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    login(home, server)
    before = _replace_tokens(home, expires_at=datetime.now(UTC) - timedelta(minutes=1))
    result = sync(home)
    assert result.returncode == 0, result.stderr
    after = stored_tokens(home).load()
    assert after is not None
    assert after.refresh_token != before.refresh_token
    assert after.expires_at > datetime.now(UTC)


def _wait_until_refused(server: RunningServer, access_token: str) -> None:
    """Poll (not sleep) until the server no longer takes the token."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        answer = requests.get(
            f"{server.base_url}/Patient",
            params={"_count": "1"},
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=10,
        )
        if answer.status_code == 401:
            return
        time.sleep(0.05)
    raise AssertionError("the short-lived token never expired")


def test_a_token_that_expires_on_the_server_mid_use_is_refreshed_transparently(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path, token_ttl=1, name="short-ttl") as server:
        home = tmp_path / "profile"
        login(home, server)
        # The workstation believes its token is good for an hour; the server disagrees.
        tokens = _replace_tokens(home, expires_at=datetime.now(UTC) + timedelta(hours=1))
        _wait_until_refused(server, tokens.access_token)
        (note_id,) = add_notes(home, today_appointment_after_sync(home), "sent after refresh")
        result = sync(home)
        assert result.returncode == 0, result.stderr
        after = stored_tokens(home).load()
        assert after is not None
        assert after.refresh_token != tokens.refresh_token
        assert note_id in {note["id"] for note in server_notes(server)}


def today_appointment_after_sync(home: Path) -> str:
    """The first appointment of today, pulling the schedule first if it is empty."""
    result = run_outpost(home, "schedule", "--json")
    if not json.loads(result.stdout)["appointments"]:
        assert sync(home).returncode == 0
    return today_appointment(home)


def test_a_refused_refresh_pauses_sync_and_keeps_the_outbox(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    login(home, server)
    sync(home)
    add_notes(home, today_appointment(home), "kept while signed out")
    tokens = _replace_tokens(
        home, access_token="expired", expires_at=datetime.now(UTC) + timedelta(hours=1)
    )
    # Another use of the refresh token rotates it away: the stored one is now dead.
    used = requests.post(
        tokens.token_endpoint,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": "outpost-desktop",
        },
        timeout=10,
    )
    assert used.status_code == 200, used.text
    result = sync(home)
    assert result.returncode == 1
    assert "Sign in again with `outpost login`" in result.stderr
    assert "1 change is kept" in result.stderr
    assert status(home)["pending"] == 1
    login(home, server)
    assert sync(home).returncode == 0
    assert status(home)["pending"] == 0


def test_a_second_sync_on_the_same_profile_is_refused(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    login(home, server)
    with SyncLock(home):
        result = sync(home)
    assert result.returncode == 1
    assert "Another Outpost sync is already running for this profile." in result.stderr


def test_a_conflict_in_a_run_exits_3_and_points_at_outpost_conflicts(
    tmp_path: Path, server: RunningServer
) -> None:
    desk, clinician = tmp_path / "desk", tmp_path / "clinician"
    for home in (desk, clinician):
        login(home, server)
        assert sync(home).returncode == 0
    appointment = today_appointment(desk)
    assert run_outpost(desk, "appointment", "cancel", appointment).returncode == 0
    assert sync(desk).returncode == 0
    assert run_outpost(clinician, "appointment", "check-in", appointment).returncode == 0
    result = sync(clinician)
    assert result.returncode == EXIT_ATTENTION, result.stderr
    assert "Sent 1 change(s): 0 accepted, 1 in conflict, 0 refused." in result.stdout
    assert "outpost conflicts" in result.stdout
    listed = json.loads(run_outpost(clinician, "conflicts", "--json").stdout)
    assert [c["reason"] for c in listed] == [
        "The appointment was cancelled on the server, so it cannot be checked in."
    ]


def test_a_wrong_password_is_refused_and_nothing_is_stored(
    tmp_path: Path, server: RunningServer
) -> None:
    home = tmp_path / "profile"
    result = run_outpost(
        home,
        "login",
        "--server",
        server.base_url,
        "--user",
        USER,
        "--password-stdin",
        stdin="not-the-password\n",
    )
    assert result.returncode == 1
    assert "refused" in result.stderr
    assert "Traceback" not in result.stderr
    assert stored_tokens(home).load() is None


def test_login_to_an_unreachable_server(tmp_path: Path) -> None:
    result = run_outpost(
        tmp_path / "profile",
        "login",
        "--server",
        "http://127.0.0.1:9/fhir",
        "--user",
        USER,
        "--password-stdin",
        stdin="x\n",
    )
    assert result.returncode == 1
    assert "Could not reach the server at http://127.0.0.1:9/fhir" in result.stderr


FAKE_BROWSER = """
import os, sys, urllib.parse, requests
url = sys.argv[1]
query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
form = {**query, "username": os.environ["FAKE_USER"], "password": os.environ["FAKE_PASSWORD"]}
action = url.split("?")[0]
requests.get(url, timeout=10).raise_for_status()  # the sign-in page
requests.post(action, data=form, timeout=10)  # follows the redirect to the loopback
"""


def test_login_without_a_user_signs_in_through_the_browser(
    tmp_path: Path, server: RunningServer
) -> None:
    browser = tmp_path / "browser.py"
    browser.write_text(FAKE_BROWSER, encoding="utf-8")
    home = tmp_path / "profile"
    result = run_outpost(
        home,
        "login",
        "--server",
        server.base_url,
        env={
            "BROWSER": f"{sys.executable} {browser} %s",
            "FAKE_USER": USER,
            "FAKE_PASSWORD": server.users[USER],
        },
    )
    assert result.returncode == 0, result.stderr
    assert "If no browser opens, visit this address:" in result.stdout
    assert "code_challenge_method=S256" in result.stdout
    assert f"Signed in to {server.base_url}" in result.stdout
    assert sync(home).returncode == 0
