"""`outpost visit link APPOINTMENT_ID` as a real process: the patient's join link from the
local store (offline), clear refusals, and a synced demo link that opens the join page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import requests

from outpost.core.domain import AppointmentId, VisitType
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from tests.integration.cli_helpers import login, run_outpost
from tests.integration.store_helpers import APPOINTMENT, seed
from tests.server_process import running_server
from tests.signaling_client import demo_links

LINK = "https://clinic.example/join/s3cr3t-token-for-this-visit-0001"
IN_PERSON = dataclasses.replace(
    APPOINTMENT, id=AppointmentId("appt-in-person"), visit_type=VisitType.IN_PERSON
)


@pytest.fixture
def seeded(profile: Profile) -> Path:
    store = open_store(profile, SystemKeychain())
    try:
        seed(store)
        linked = dataclasses.replace(APPOINTMENT, video_link=LINK)
        store.upsert_server_appointments([(linked, "2"), (IN_PERSON, "1")])
    finally:
        store.close()
    return profile.data_dir


def test_prints_the_link_of_a_video_visit(seeded: Path) -> None:
    result = run_outpost(seeded, "visit", "link", APPOINTMENT.id)
    assert result.returncode == 0, result.stderr
    assert result.stdout == LINK + "\n"


@pytest.mark.parametrize(
    ("appointment", "message"),
    [
        (
            IN_PERSON.id,
            "outpost: Appointment appt-in-person is not a video visit: it has no join link.\n",
        ),
        ("appt-nowhere", "outpost: No appointment appt-nowhere in the local store.\n"),
    ],
)
def test_refuses_what_has_no_link_in_one_line(seeded: Path, appointment: str, message: str) -> None:
    result = run_outpost(seeded, "visit", "link", appointment)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == message


def test_a_synced_demo_link_opens_the_join_page(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with running_server(tmp_path, seed="demo") as server:
        login(home, server)
        synced = run_outpost(home, "sync")
        assert synced.returncode == 0, synced.stderr
        appointment, link = demo_links(server)[0]
        result = run_outpost(home, "visit", "link", appointment)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == link
        page = requests.get(result.stdout.strip(), timeout=10)
        assert page.status_code == 200
        assert "Your video visit" in page.text
    assert link.rsplit("/", 1)[1] not in (home / "logs" / "outpost.log").read_text()
