"""Both sides of a video visit on one event loop, through a real `outpost server`, with
synthetic camera and microphone: the clinician's `CallSession` and the patient's
`PatientPeer`, each with its own signaling socket and peer connections."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from outpost.core.ice_servers import IceServer
from outpost.media import pipeline
from outpost.media.call_record import CallRecord
from outpost.media.call_session import CallConfig, CallSession, CallState
from outpost.media.local_media import LocalMedia
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import (
    SignalingClient,
    clinician_endpoint,
    patient_endpoint,
)
from outpost.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.server_process import RunningServer
from tests.turn_server import RunningTurn

SMALL = (320, 240)  # keeps two endpoints' encoders cheap on a 2-core CI machine


def synthetic_media(size: tuple[int, int] = SMALL) -> LocalMedia:
    return LocalMedia(SyntheticAudioTrack(), SyntheticVideoTrack(*size))


@dataclass
class Visit:
    clinician: CallSession
    patient: PatientPeer
    states: list[CallState]
    runs: list[asyncio.Task[CallRecord]] = field(default_factory=list)

    async def start(self) -> None:
        """The patient joins; the clinician opens the room, admits, and the call runs."""
        await self.patient.connect()
        self.runs.append(asyncio.ensure_future(self.patient.run(admit_timeout_s=30)))
        await self.clinician.connect()
        await self.clinician.wait_for_patient(timeout_s=10)
        await self.clinician.admit()
        self.runs.append(asyncio.ensure_future(self.clinician.run()))

    async def end(self) -> tuple[CallRecord, CallRecord]:
        """The clinician hangs up; (clinician's record, patient's record)."""
        self.clinician.hang_up()
        patient_run, clinician_run = self.runs
        return await asyncio.wait_for(clinician_run, 10), await asyncio.wait_for(patient_run, 10)

    async def cancel(self) -> None:
        for task in self.runs:
            task.cancel()
        await asyncio.gather(*self.runs, return_exceptions=True)


def through_link(turn: RunningTurn, link_port: int) -> tuple[PeerOptions, PeerOptions]:
    """(clinician's, patient's) options: both relay-only through `turn`, the clinician
    reaching it through a `LinkEmulator` on `link_port`, so all its media crosses that link."""
    shaped = IceServer(f"turn:127.0.0.1:{link_port}?transport=udp", turn.username, turn.password)
    direct = IceServer(turn.url("udp"), turn.username, turn.password)
    return (
        PeerOptions(ice_servers=(shaped,), relay_only=True),
        PeerOptions(ice_servers=(direct,), relay_only=True),
    )


def visit(
    server: RunningServer,
    appointment: str,
    link: str,
    token: str,
    config: CallConfig | None = None,
    *,
    ladder: bool = False,
    patient_options: PeerOptions | None = None,
    clinician_url: str | None = None,
    clinician_media: pipeline.Pipeline | None = None,
    patient_media: LocalMedia | None = None,
) -> Visit:
    """Both sides, not yet connected (build inside the running loop). With `ladder`, the
    clinician's media is the full pipeline (echo canceller, ladder, 640x480 camera);
    `clinician_media` is such a pipeline built by the test (e.g. from devices);
    `patient_media` the patient's sources (320x240 synthetic by default).
    `clinician_url` is where the clinician reaches the server (e.g. through a `TcpRelay`);
    the server's own address by default."""

    async def access_token() -> str:
        return token

    states: list[CallState] = []
    media = clinician_media or (pipeline.synthetic() if ladder else None)
    clinician = CallSession(
        SignalingClient(
            clinician_endpoint(clinician_url or server.base_url, appointment, access_token)
        ),
        media.local if media else synthetic_media(),
        media.remote if media else RemoteMedia(read_markers=True),
        config or CallConfig(),
        appointment=appointment,
        on_state=states.append,
        steps=media.steps if media else None,
    )
    patient = PatientPeer(
        SignalingClient(patient_endpoint(link)),
        patient_media or synthetic_media(),
        RemoteMedia(read_markers=True),
        patient_options or PeerOptions(),
    )
    return Visit(clinician, patient, states)


async def until(
    condition: Callable[[], bool], timeout: float, what: str, check: float = 0.05
) -> float:
    """Wait for `condition` (polled), failing with `what` after `timeout`; the seconds it
    took."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        await asyncio.sleep(check)
    return time.monotonic() - started


async def frames_after(remote: RemoteMedia, extra: int, timeout: float, what: str) -> float:
    """Wait until `extra` more video frames (with readable frame numbers) arrived."""
    start = remote.counts().markers_read
    return await until(lambda: remote.counts().markers_read >= start + extra, timeout, what)
