"""Rehearsal rooms on a real `outpost server` (docs/signaling.md): a signed-in clinician
makes one, its link opens the browser join page and the patient's socket, the clinician's
socket opens it for the same clinic only, it never shows in the waiting list, and it
expires (a second server with 2-second rooms)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
import requests

from outpost.core.visits import is_rehearsal
from tests.server_process import RunningServer, running_server
from tests.signaling_client import SignalPeer, admit, clinician, patient, waiting

TIMEOUT = 10.0
USER = "dr.rivera"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("rehearsals"), seed="demo") as running:
        running.add_clinician("dr.hale", "hale-password", clinic="ridge-clinic")
        yield running


def create(server: RunningServer, token: str) -> requests.Response:
    return requests.post(
        f"{server.origin}/signal/rehearsals",
        headers={"Authorization": f"Bearer {token}"},
        timeout=TIMEOUT,
    )


async def closed(peer: SignalPeer) -> int:
    """The close code, after any messages still on their way (`peer` left, ...)."""
    while True:
        frame = await peer.ws.receive(timeout=8)
        if frame.type is aiohttp.WSMsgType.CLOSE:
            await peer.ws.close()
            return int(frame.data)
        assert frame.type == aiohttp.WSMsgType.TEXT, frame


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(scenario, 60))


def test_a_rehearsal_room_works_like_an_appointments_room(server: RunningServer) -> None:
    token = server.token(USER)
    made = create(server, token)
    assert made.status_code == 201, made.text
    assert made.headers["Cache-Control"] == "no-store"
    body = made.json()
    room, link = body["room"], body["link"]
    assert is_rehearsal(room)
    assert link.startswith(f"{server.origin}/join/")
    expires = datetime.fromisoformat(body["expires"])
    assert timedelta(minutes=29) < expires - datetime.now(UTC) <= timedelta(minutes=30)
    page = requests.get(link, timeout=TIMEOUT)  # e.g. from the clinician's phone
    assert page.status_code == 200
    assert "text/html" in page.headers["Content-Type"]

    async def scenario() -> None:
        async with patient(link) as pat:
            welcome = await pat.expect("welcome")
            assert (welcome["role"], welcome["appointment"]) == ("patient", room)
            await pat.expect("waiting")
            assert [e for e in await waiting(server, token) if is_rehearsal(e["appointment"])] == []
            async with clinician(server, room, token) as doc:
                assert (await doc.expect("welcome"))["peer"] == "waiting"
                assert (await pat.expect("peer"))["state"] == "waiting"
                await admit(doc, pat)
                await doc.send("offer", sdp="v=0 rehearsal", session=1)
                assert (await pat.expect("offer"))["sdp"] == "v=0 rehearsal"
                await doc.send("bye", reason="done")
                assert (await pat.expect("bye"))["reason"] == "done"

    run(scenario())
    assert room in server.log_file.read_text()  # ids are logged, the token never
    assert link.rsplit("/", 1)[1] not in server.log_file.read_text()


def test_only_the_same_clinic_may_open_a_rehearsal_room(server: RunningServer) -> None:
    made = create(server, server.token(USER)).json()
    other = server.token("dr.hale", "hale-password")
    url = f"{server.origin}/signal/rooms/{made['room']}"
    for headers, status in (
        ({"Authorization": f"Bearer {other}"}, 404),  # another clinic's
        ({}, 401),
    ):
        answer = requests.get(url, headers=headers, timeout=TIMEOUT)
        assert answer.status_code == status, answer.text
    unknown = requests.get(
        f"{server.origin}/signal/rooms/rehearsal-0123456789abcdef",
        headers={"Authorization": f"Bearer {server.token(USER)}"},
        timeout=TIMEOUT,
    )
    assert unknown.status_code == 404
    assert create(server, "not-a-token").status_code == 401
    assert requests.get(f"{server.origin}/join/{'A' * 32}", timeout=TIMEOUT).status_code == 404


def test_a_clinic_may_hold_only_a_few_rehearsal_rooms(server: RunningServer) -> None:
    token = server.token("dr.hale", "hale-password")  # a clinic no other test fills
    statuses = [create(server, token).status_code for _ in range(10)]
    assert statuses == [201] * 10
    refused = create(server, token)
    assert refused.status_code == 429
    assert 1700 < int(refused.headers["Retry-After"]) <= 1800
    assert create(server, server.token(USER)).status_code == 201  # other clinics are not held


def test_a_rehearsal_room_expires(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("short-rehearsals")
    with running_server(root, seed="demo", extra_args=("--rehearsal-ttl", "2")) as server:
        token = server.token(USER)
        made = create(server, token).json()
        room, link = made["room"], made["link"]

        async def scenario() -> None:
            async with patient(link) as pat, clinician(server, room, token) as doc:
                await pat.expect("welcome")
                await doc.expect("welcome")
                # both sockets are closed when the room's time is up
                assert await closed(pat) == 4002
                assert await closed(doc) == 4002

        run(scenario())
        assert requests.get(link, timeout=TIMEOUT).status_code == 410
        again = requests.get(
            f"{server.origin}/signal/rooms/{room}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=TIMEOUT,
        )
        assert again.status_code == 410
