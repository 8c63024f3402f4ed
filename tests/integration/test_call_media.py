"""Two aiortc endpoints in a video visit through a real `outpost server`: the clinician's
`CallSession` and the patient's `PatientPeer`. Frames are identified by the numbers drawn
into them, so "media flowed" means these frames crossed, in both directions; a cut is
healed by a new peer connection (session 2) with nobody doing anything."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from outpost.media.call_record import EndReason, RenegotiationReason
from outpost.media.call_session import CallState
from outpost.media.ladder import Step
from outpost.media.peer import LinkState
from tests.integration.call_helpers import Visit, frames_after, until, visit
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links

USER = "dr.rivera"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(Path(tmp_path_factory.mktemp("calls")), seed="demo") as running:
        yield running


def _room(server: RunningServer, index: int) -> tuple[str, str]:
    return demo_links(server, USER)[index]


def test_media_flows_both_ways_and_the_call_ends_for_both(server: RunningServer) -> None:
    appointment, link = _room(server, 0)
    token = server.token(USER)

    async def scenario() -> None:
        call = visit(server, appointment, link, token)
        await call.patient.connect()
        patient_run = asyncio.ensure_future(call.patient.run(admit_timeout_s=30))
        welcome = await call.clinician.connect()
        assert welcome.appointment == appointment
        await call.clinician.wait_for_patient(timeout_s=10)
        assert call.clinician.state is CallState.PATIENT_WAITING
        await call.clinician.admit()
        call.runs = [patient_run, asyncio.ensure_future(call.clinician.run())]
        try:
            # Numbered frames arrive on both sides, in order.
            await frames_after(call.clinician.remote, 45, 15, "patient's video at the clinician")
            await frames_after(call.patient.remote, 45, 15, "clinician's video at the patient")
            first = call.patient.remote.counts().last_marker
            await frames_after(call.patient.remote, 10, 5, "more video at the patient")
            later = call.patient.remote.counts().last_marker
            assert first is not None
            assert later is not None
            assert later > first
            frame, _version = call.clinician.remote.video.take()
            assert frame is not None
            assert (frame.width, frame.height) == (320, 240)
            await until(
                lambda: call.clinician.state is CallState.IN_CALL, 5, "the clinician's in-call"
            )
            record, patient_record = await call.end()
        finally:
            await call.cancel()
        summary, theirs = record.summary, patient_record.summary
        assert summary.media_flowed_both_ways, summary
        assert theirs.media_flowed_both_ways, theirs
        assert summary.ended is EndReason.HUNG_UP
        assert theirs.ended is EndReason.REMOTE_BYE
        assert (summary.sessions, summary.reconnects) == (1, 0)
        assert summary.admit_to_first_video_ms is not None
        assert summary.admit_to_first_video_ms < 5000
        assert summary.markers_read >= 45
        assert theirs.markers_read >= 55
        assert summary.audio_frames_played >= 0.9 * summary.audio_frames_expected > 0
        steady = record.samples[-2]
        assert steady.fps_received >= 20, record.samples
        assert steady.kbps_received > 50
        assert steady.rtt_ms is not None
        assert steady.rtt_ms < 500
        assert call.states[:2] == [CallState.PATIENT_WAITING, CallState.CONNECTING_MEDIA]
        assert call.states[-1] is CallState.ENDED

    asyncio.run(scenario())


async def _drop_patient_socket(call: Visit) -> None:
    await call.patient.signaling.drop_connection()


async def _drop_clinician_socket(call: Visit) -> None:
    await call.clinician.signaling.drop_connection()


async def _fail_clinician_peer(call: Visit) -> None:
    broken = call.clinician.peer
    assert broken is not None
    await broken.pc.close()  # as if ICE had failed for good
    assert broken.state is LinkState.CLOSED


@pytest.mark.parametrize(
    ("room", "fault", "reason"),
    [
        (1, _drop_patient_socket, RenegotiationReason.PEER_REJOINED),
        (2, _fail_clinician_peer, RenegotiationReason.ICE_FAILED),
        (4, _drop_clinician_socket, RenegotiationReason.SIGNALING_RECONNECTED),
    ],
    ids=["patient-socket-dropped", "peer-connection-failed", "clinician-socket-dropped"],
)
def test_media_resumes_in_session_2_without_anyone_acting(
    server: RunningServer,
    room: int,
    fault: Callable[[Visit], Awaitable[None]],
    reason: RenegotiationReason,
) -> None:
    appointment, link = _room(server, room)
    token = server.token(USER)

    async def scenario() -> None:
        call = visit(server, appointment, link, token)
        try:
            await call.start()
            await frames_after(call.clinician.remote, 15, 15, "video before the fault")
            await fault(call)
            await until(lambda: call.clinician.session == 2, 10, "the clinician's session 2")
            await until(lambda: call.patient.session == 2, 10, "the patient answering session 2")
            await frames_after(call.clinician.remote, 30, 10, "patient video in session 2")
            await frames_after(call.patient.remote, 30, 10, "clinician video in session 2")
            record, theirs = await call.end()
        finally:
            await call.cancel()
        assert [item.reason for item in record.renegotiations] == [
            RenegotiationReason.FIRST,
            reason,
        ]
        assert record.summary.reconnects == 1
        assert record.summary.media_flowed_both_ways
        assert record.samples[-1].session == 2
        assert [item.session for item in theirs.renegotiations] == [1, 2]

    asyncio.run(scenario())


def test_a_ladder_step_reaches_the_far_end(server: RunningServer) -> None:
    appointment, link = _room(server, 3)
    token = server.token(USER)

    async def scenario() -> None:
        call = visit(server, appointment, link, token, ladder=True)
        steps = call.clinician.steps
        assert steps is not None
        received = call.patient.remote
        try:
            await call.start()
            await until(lambda: received.counts().width == 640, 15, "640x480 at the patient")
            meter = call.clinician.meter
            await until(
                lambda: bool(meter.samples) and meter.samples[-1].rtt_ms is not None,
                10,
                "a sample with the usual round trip (the ladder's baseline)",
            )
            assert [sample.ladder_step for sample in meter.samples] == [Step.FULL.value] * len(
                meter.samples
            )
            # The far end's reports show the round trip up by 400 ms, twice: a queue filling.
            slow = dataclasses.replace(meter.samples[-1], rtt_ms=400.0, loss_sent_pct=0.0)
            steps.on_sample(slow)
            steps.on_sample(slow)
            assert steps.step.value == Step.MEDIUM.value
            await until(lambda: received.counts().width == 480, 10, "480x360 at the patient")
            await frames_after(received, 30, 10, "video at the lower step")
            record, _ = await call.end()
        finally:
            await call.cancel()
        assert (received.counts().width, received.counts().height) == (480, 360)
        change = record.step_changes[0]
        assert (change.step_from, change.step_to) == ("640x480@30", "480x360@30")
        assert "round trip 400 ms" in change.reason
        assert record.samples[-1].ladder_step == "480x360@30"
        assert record.samples[-1].width_sent == 480

    asyncio.run(scenario())
