"""Rehearsal calls through the app's call service (`CallService.rehearse`) against a real
`outpost server`: a synthetic patient waits in a new rehearsal room, the clinician joins
and admits as for an appointment, the patient's pictures arrive, and the synthetic
patient is gone once the visit ends: after a hang-up, after leaving before admitting, and
when the service closes. A browser (Chromium, as the clinician's phone would) joins a
rehearsal room with its link."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from outpost.core.errors import OfflineError
from outpost.core.visits import VisitEnd, VisitState, is_rehearsal
from outpost.media.call_service import CallService
from tests.browser import chromium
from tests.integration.call_helpers import until
from tests.integration.test_call_service import FixedCredentials
from tests.server_process import RunningServer, running_server
from tests.signaling_client import clinician

USER = "dr.rivera"
SMALL = (320, 240)
STATE = "document.body.dataset.state"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("rehearsal"), seed="demo") as running:
        yield running


async def patient_present(server: RunningServer, room: str, token: str) -> bool:
    """Whether the room's patient is connected, as a second look at the room shows."""
    async with clinician(server, room, token) as look:
        return bool((await look.expect("welcome"))["peer"] != "absent")


async def until_patient_gone(server: RunningServer, room: str, token: str) -> None:
    deadline = asyncio.get_running_loop().time() + 10
    while await patient_present(server, room, token):
        assert asyncio.get_running_loop().time() < deadline, "the synthetic patient stayed"
        await asyncio.sleep(0.1)  # poll the room again


def service_for(server: RunningServer) -> tuple[CallService, str]:
    token = server.token(USER)
    return CallService(FixedCredentials(server.base_url, token), camera_size=SMALL), token


def test_a_rehearsal_from_the_waiting_room_to_hang_up(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="outpost")
    service, token = service_for(server)
    rooms: list[str] = []

    async def scenario() -> None:
        try:
            room = await service.rehearse()
            rooms.append(room)
            assert is_rehearsal(room)
            await service.join(room)
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.admit()
            await until(lambda: service.status().state is VisitState.IN_CALL, 15, "in call")
            await until(lambda: service.remote_video(0, 320, 240) is not None, 10, "a picture")
            first = service.remote_video(0, 320, 240)
            assert first is not None
            await until(
                lambda: service.remote_video(first.serial, 320, 240) is not None, 5, "newer"
            )
            summary = await service.hang_up()
            assert summary is not None
            assert summary.appointment_id == room
            assert summary.ended is VisitEnd.HUNG_UP
            assert summary.media_flowed_both_ways
            assert summary.video_frames_received > 0
            await until_patient_gone(server, room, token)
        finally:
            await service.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
    assert f"rehearsal {rooms[0]}: the patient left" in caplog.text  # ids and states
    assert "/join/" not in caplog.text  # never the patient's link (its token)
    assert token not in caplog.text


def test_the_synthetic_patient_leaves_when_the_clinician_does_or_the_app_closes(
    server: RunningServer,
) -> None:
    service, token = service_for(server)

    async def scenario() -> None:
        try:
            room = await service.rehearse()
            await service.join(room)
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.hang_up()  # before admitting: no bye, yet the rehearsal is over
            await until_patient_gone(server, room, token)

            second = await service.rehearse()
            assert second != room
            assert await patient_present(server, second, token)
        finally:
            await service.close()
        await until_patient_gone(server, second, token)

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_rehearsing_with_the_server_down_is_offline(server: RunningServer) -> None:
    service = CallService(FixedCredentials("http://127.0.0.1:9/fhir", "token"))

    async def scenario() -> None:
        try:
            with pytest.raises(OfflineError):
                await service.rehearse()
            assert service.status().state is VisitState.IDLE
        finally:
            await service.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_a_browser_joins_a_rehearsal_room_with_its_link(
    server: RunningServer, tmp_path: Path
) -> None:
    """The clinician's own phone as the patient: the join page with the room's link."""
    service, token = service_for(server)
    made = requests.post(
        f"{server.origin}/signal/rehearsals",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert made.status_code == 201
    room, link = made.json()["room"], made.json()["link"]

    with chromium(tmp_path) as browser:

        async def scenario() -> None:
            try:
                async with browser.page(link) as page:
                    await page.wait_for(f"{STATE} === 'preview'")
                    await page.click("#join")
                    await page.wait_for(f"{STATE} === 'waiting'")
                    await service.join(room)
                    await until(
                        lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p"
                    )
                    await service.admit()
                    await until(
                        lambda: service.status().video_frames_received > 30, 20, "browser video"
                    )
                    await page.wait_for(f"{STATE} === 'in-call'")
                    await page.wait_for("window.outpostStats.framesDecoded > 30")
                    session = service.session
                    assert session is not None
                    await until(lambda: session.meter.acknowledged, 10, "the page's reports")
                    summary = await service.hang_up()
                    assert summary is not None
                    assert summary.media_flowed_both_ways
                    await page.wait_for(f"{STATE} === 'ended'")
            finally:
                await service.close()

        asyncio.run(asyncio.wait_for(scenario(), 90))
