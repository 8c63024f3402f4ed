"""Video visits in UI tests: the app's real `CallService` (as `outpost.app.visit_calls`
builds it, with a small camera for a 2-core machine) and a synthetic patient (a real
aiortc `PatientPeer`) joining through a visit's link on its own runtime thread."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from outpost.app import tech_checks, visit_calls
from outpost.core.device_choice import SYNTHETIC
from outpost.core.runtime import Runtime
from outpost.core.settings import Profile, Settings
from outpost.core.tech_check import TechCheckPort
from outpost.core.visits import CallPort
from outpost.media.call_record import CallRecord
from outpost.media.call_service import CallService
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, patient_endpoint
from outpost.store.keychain import SystemKeychain
from tests.integration.call_helpers import synthetic_media

if TYPE_CHECKING:
    from tests.ui.conftest import Session

SMALL = (320, 240)
CallsFactory = Callable[["Session"], CallPort]


class SyntheticPatient:
    """A patient in a visit's waiting room; leaves on the clinician's bye or `leave()`."""

    def __init__(self) -> None:
        self._runtime = Runtime(name="test-patient")
        self._runtime.start()
        self.peer: PatientPeer | None = None
        self.run: concurrent.futures.Future[CallRecord] | None = None

    def join(self, link: str) -> None:
        async def start() -> None:
            peer = PatientPeer(
                SignalingClient(patient_endpoint(link)),
                synthetic_media(),
                RemoteMedia(read_markers=True),
                PeerOptions(),
            )
            self.peer = peer
            await peer.connect()

        self._runtime.submit(start, timeout=15).result()
        peer = self.peer
        assert peer is not None
        self.run = self._runtime.submit(lambda: peer.run(admit_timeout_s=120), timeout=300)

    def record(self, timeout: float = 15) -> CallRecord:
        assert self.run is not None
        return self.run.result(timeout)

    def leave(self) -> None:
        peer = self.peer
        if peer is not None:
            self._runtime.loop.call_soon_threadsafe(peer.hang_up)

    def close(self) -> None:
        self.leave()
        if self.run is not None:
            try:
                self.run.result(10)
            except Exception:  # a test that failed midway: leave anyway
                self.run.cancel()
        self._runtime.shutdown()


@pytest.fixture
def synthetic_patient() -> Iterator[SyntheticPatient]:
    joined = SyntheticPatient()
    yield joined
    joined.close()


@pytest.fixture
def call_ports(profile: Profile, runtime: Runtime) -> Iterator[CallsFactory]:
    """Builds the app's call service for a session on the test sources (test pattern,
    synthetic voice, a speaker that plays nothing); closed (hanging up) after the test."""
    made: list[CallService] = []

    def make(session: Session) -> CallPort:
        settings = Settings(
            profile=profile, camera=SYNTHETIC, microphone=SYNTHETIC, speaker=SYNTHETIC
        )
        service = visit_calls(settings, SystemKeychain(), session.worker, camera_size=SMALL)
        made.append(service)
        return service

    yield make
    for service in made:
        runtime.submit(service.close, timeout=15).result(20)


TechCheckFactory = Callable[["Session", str], TechCheckPort]  # session, server URL


@pytest.fixture
def tech_check_ports(profile: Profile, runtime: Runtime) -> Iterator[TechCheckFactory]:
    """Builds the app's tech check (as `outpost.app.tech_checks` does) on the test devices:
    the test pattern, the synthetic voice, and the system's default speaker (a test's JACK
    server, when it runs one). Devices are released after the test."""
    made: list[TechCheckPort] = []

    def make(session: Session, server_url: str) -> TechCheckPort:
        settings = Settings(
            profile=profile, server_url=server_url, camera=SYNTHETIC, microphone=SYNTHETIC
        )
        port = tech_checks(settings, SystemKeychain(), session.worker)
        made.append(port)
        return port

    yield make
    for port in made:
        runtime.submit(port.close_devices, timeout=15).result(20)


def on_runtime(runtime: Runtime, job: Callable[[], None]) -> None:
    """Run a plain function on the runtime loop (the engine's objects live there)."""

    async def call() -> None:
        job()

    runtime.submit(call, timeout=10).result(15)
