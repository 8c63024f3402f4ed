"""The app's call service (`CallService`, the `CallPort` the UI drives) against a real
`outpost server` and a real aiortc patient: the waiting list with how long someone has
waited, a room that follows the patient until the clinician admits, pictures for the UI
(newest only, fitted, changing), mute and camera, the test sources and a microphone
switched mid-call, hang-up with a summary, and plain refusals (offline, nobody waiting, a
second visit)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.core.errors import InvalidStateError, OfflineError
from outpost.core.visits import (
    DeviceState,
    LinkQuality,
    VisitCredentials,
    VisitEnd,
    VisitState,
    WaitingState,
)
from outpost.media.call_service import CallService
from outpost.media.link_pressure import LinkSample
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, patient_endpoint
from tests.integration.call_helpers import synthetic_media, until
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links

USER = "dr.rivera"
SMALL = (320, 240)


class FixedCredentials:
    """A `CredentialSource` with one token (the sign-in is tested elsewhere)."""

    def __init__(self, server_url: str, token: str) -> None:
        self.credentials = VisitCredentials(server_url, token)
        self.forgotten = 0

    async def __call__(self) -> VisitCredentials:
        return self.credentials

    def forget(self) -> None:
        self.forgotten += 1


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(Path(tmp_path_factory.mktemp("service")), seed="demo") as running:
        yield running


def _patient(link: str) -> PatientPeer:
    return PatientPeer(
        SignalingClient(patient_endpoint(link)),
        synthetic_media(),
        RemoteMedia(read_markers=True),
        PeerOptions(),
    )


def test_a_visit_from_the_waiting_list_to_hang_up(server: RunningServer) -> None:
    appointment, link = demo_links(server, USER)[0]
    service = CallService(FixedCredentials(server.base_url, server.token(USER)), camera_size=SMALL)

    async def scenario() -> None:
        assert [w.appointment_id for w in await service.waiting()] == []
        patient = _patient(link)
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        try:
            waiting = await service.waiting()
            assert [(w.appointment_id, w.state) for w in waiting] == [
                (appointment, WaitingState.WAITING)
            ]
            assert 0 <= waiting[0].waited_s < 30

            await service.join(appointment)
            with pytest.raises(InvalidStateError):
                await service.join(appointment)  # one visit at a time
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "waiting")
            assert service.remote_video(0, 640, 480) is None  # nothing before admission
            await service.admit()
            await until(lambda: service.status().state is VisitState.IN_CALL, 15, "in call")

            # The UI gets the newest picture, fitted to its box, and it changes.
            await until(lambda: service.remote_video(0, 400, 400) is not None, 10, "a picture")
            first = service.remote_video(0, 400, 400)
            assert first is not None
            assert (first.width, first.height) == (400, 300)
            assert len(first.rgb) == 400 * 300 * 3
            await until(
                lambda: service.remote_video(first.serial, 400, 400) is not None, 5, "newer"
            )
            newer = service.remote_video(first.serial, 400, 400)
            assert newer is not None
            assert newer.serial > first.serial
            assert newer.rgb != first.rgb
            mine = service.local_video(0, 160, 160)
            assert mine is not None
            assert (mine.width, mine.height) == (160, 120)

            await service.set_muted(True)
            await service.set_camera_off(True)
            assert (service.status().muted, service.status().camera_off) == (True, True)
            await service.set_muted(False)
            status = service.status()
            assert (status.camera, status.microphone, status.speaker) == (
                "test-pattern",
                "test-voice",
                "test-speaker",
            )
            assert status.microphone_state is DeviceState.TEST_SOURCE
            await service.use_device("test-voice")  # a fresh synthetic voice, mid-call
            played = patient.remote.counts().audio_frames
            await until(
                lambda: patient.remote.counts().audio_frames > played + 25, 5, "audio after switch"
            )

            summary = await service.hang_up()
            assert summary is not None
            assert summary.ended is VisitEnd.HUNG_UP
            assert summary.media_flowed_both_ways
            assert summary.video_frames_received > 0
            assert service.status().state is VisitState.ENDED
            theirs = await asyncio.wait_for(patient_run, 10)
            assert theirs.summary.video_frames_received > 0
        finally:
            patient_run.cancel()
            await asyncio.gather(patient_run, return_exceptions=True)
            await service.close()

    asyncio.run(scenario())


def test_the_quality_follows_the_ladder_and_the_patient_leaving_ends_the_visit(
    server: RunningServer,
) -> None:
    appointment, link = demo_links(server, USER)[1]
    service = CallService(FixedCredentials(server.base_url, server.token(USER)), camera_size=SMALL)

    async def scenario() -> None:
        patient = _patient(link)
        await service.join(appointment)
        assert service.status().state is VisitState.WAITING_FOR_PATIENT
        with pytest.raises(InvalidStateError):
            await service.admit()  # nobody to let in yet
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        try:
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.admit()
            await until(lambda: service.status().state is VisitState.IN_CALL, 15, "in call")
            assert service.status().quality is LinkQuality.GOOD
            session = service.session
            assert session is not None
            assert session.steps is not None
            steps = session.steps
            loop = asyncio.get_running_loop()
            for _ in range(2):  # two very bad seconds: the ladder steps down at once
                steps.ladder.feed(LinkSample(at=loop.time(), rtt_ms=1500, loss=0.3))
            assert service.status().quality is not LinkQuality.GOOD
            patient.hang_up()
            await until(lambda: service.status().state is VisitState.ENDED, 10, "ended")
            assert service.status().ended is VisitEnd.PATIENT_LEFT
        finally:
            patient_run.cancel()
            await asyncio.gather(patient_run, return_exceptions=True)
            await service.close()

    asyncio.run(scenario())


def test_leaving_the_room_before_admitting_keeps_the_patient_waiting(
    server: RunningServer,
) -> None:
    appointment, link = demo_links(server, USER)[2]
    service = CallService(FixedCredentials(server.base_url, server.token(USER)), camera_size=SMALL)

    async def scenario() -> None:
        patient = _patient(link)
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        try:
            await service.join(appointment)
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            left = await service.hang_up()
            assert left is not None
            assert (left.ended, left.duration_s) == (VisitEnd.HUNG_UP, 0.0)
            waiting = await service.waiting()
            assert [(w.appointment_id, w.state) for w in waiting] == [
                (appointment, WaitingState.WAITING)
            ]
            assert not patient_run.done()  # no bye: still in the waiting room
            await service.join(appointment)  # the clinician comes back and lets them in
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.admit()
            await until(lambda: service.status().state is VisitState.IN_CALL, 15, "in call")
            summary = await service.hang_up()
            assert summary is not None
            assert summary.media_flowed_both_ways
        finally:
            patient_run.cancel()
            await asyncio.gather(patient_run, return_exceptions=True)
            await service.close()

    asyncio.run(scenario())


def test_hanging_up_in_the_empty_room_and_an_unreachable_server() -> None:
    service = CallService(FixedCredentials("http://127.0.0.1:9/fhir", "t"))

    async def scenario() -> None:
        with pytest.raises(OfflineError):
            await service.waiting()
        assert await service.hang_up() is None
        await service.close()

    asyncio.run(scenario())
