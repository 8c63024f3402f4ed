"""The app's visits with the workstation's devices (`CallService` + `VisitDevices`), against
a real `outpost server` and a real aiortc patient, with JACK's dummy sound card as the
speaker and FFmpeg `lavfi` sources as cameras: the patient's voice played on the speaker,
a chosen speaker that is not connected replaced by the default (and said), a microphone
that cannot be opened covered with silence (and said) while the visit goes on, the
microphone, camera and speaker switched mid-call, each choice handed on to be saved (by
the app: to the user's settings file), a camera and a speaker lost mid-call (said), and
the visit's quality record in the encrypted store."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from outpost.app import visit_calls
from outpost.core.device_choice import SYNTHETIC, DeviceChoice
from outpost.core.errors import DeviceBusyError
from outpost.core.ports import ClinicStore
from outpost.core.settings import Profile, Settings, load_settings
from outpost.core.visits import DeviceKind, DeviceState, MediaDevice, VisitState
from outpost.core.worker import StoreWorker
from outpost.media.audio_processing import Samples
from outpost.media.call_service import CallService
from outpost.media.camera_list import CaptureInput
from outpost.media.devices import DeviceList
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.playout import Playout
from outpost.media.playout_buffer import CHUNK_MS
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, patient_endpoint
from outpost.media.sound_devices import SoundDevice, SoundSystem
from outpost.store.call_log import CallLog
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from tests.integration.call_helpers import SMALL, synthetic_media, until
from tests.integration.test_call_service import FixedCredentials
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links
from tests.sound_server import RunningJack, running_jack

USER = "dr.rivera"
LAB_CAMERA = CaptureInput(
    "Lab camera", DeviceKind.CAMERA, "lavfi", "testsrc2=size=320x240,realtime"
)
ENDING_CAMERA = CaptureInput(
    "Old camera", DeviceKind.CAMERA, "lavfi", "testsrc2=size=320x240:duration=1,realtime"
)  # unplugged a second after it gives its first picture
# listed by the sound system but not there: FFmpeg cannot open it (as a busy one)
LAB_MICROPHONE = SoundDevice(
    "Lab microphone (hw:9,0)", DeviceKind.MICROPHONE, "ALSA", 90, False, 48e3
)
LOUD = 300  # RMS of a 10 ms chunk (int16) above which the patient hears something


class ListeningPlayout(Playout):
    """The patient's speaker: counts the 10 ms chunks with something audible in them."""

    def __init__(self) -> None:
        super().__init__(None)
        self.audible = 0

    def read(self, ms: int = CHUNK_MS) -> Samples:
        samples = super().read(ms)
        for chunk in np.array_split(samples.astype(np.float64), max(1, ms // CHUNK_MS)):
            if chunk.size and np.sqrt(np.mean(chunk**2)) > LOUD:
                self.audible += 1
        return samples


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(Path(tmp_path_factory.mktemp("service-devices")), seed="demo") as running:
        yield running


@pytest.fixture
def jack() -> Iterator[RunningJack]:
    with running_jack() as running:
        yield running


def _patient(link: str, playout: Playout) -> PatientPeer:
    return PatientPeer(
        SignalingClient(patient_endpoint(link)),
        synthetic_media(),
        RemoteMedia(playout=playout, read_markers=True),
        PeerOptions(),
    )


def test_devices_at_join_and_switched_mid_call(server: RunningServer, jack: RunningJack) -> None:
    appointment, link = demo_links(server, USER)[0]
    devices = DeviceList((LAB_CAMERA,), SoundSystem((LAB_MICROPHONE, jack.speaker)))
    saved: list[DeviceChoice] = []
    choice = DeviceChoice(camera="Lab camera", microphone=LAB_MICROPHONE.name, speaker="Desk")
    service = CallService(
        FixedCredentials(server.base_url, server.token(USER)),
        camera_size=SMALL,
        choice=choice,
        list_devices=lambda _look_again: devices,
        on_choice=saved.append,
    )
    heard = ListeningPlayout()

    async def scenario() -> None:
        menu = await service.refresh_devices()
        assert MediaDevice("speaker:system", DeviceKind.SPEAKER, False, "system") in menu
        assert MediaDevice("test-voice", DeviceKind.MICROPHONE, True) in menu
        before = service.status()  # what the visit will use, before it opens anything
        assert (before.speaker, before.speaker_state) == (
            "speaker:system",
            DeviceState.DEFAULT_INSTEAD,
        )
        patient = _patient(link, heard)
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        try:
            await service.join(appointment)
            status = service.status()
            assert (status.camera, status.camera_state) == (
                "camera:Lab camera",
                DeviceState.WORKING,
            )
            # The chosen microphone cannot be opened: the visit goes on with silence, and
            # says which device and why.
            assert status.microphone_state is DeviceState.BUSY
            assert isinstance(status.device_error, DeviceBusyError)
            # The chosen speaker is not connected: the default plays, and status says so.
            assert (status.speaker, status.speaker_state) == (
                "speaker:system",
                DeviceState.DEFAULT_INSTEAD,
            )
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.admit()
            await until(lambda: patient.remote.counts().video_frames >= 15, 15, "pictures")
            assert patient.remote.counts().markers_read == 0  # the lab camera, not the test pattern
            assert heard.audible < 25  # silence in place of the busy microphone

            await service.use_device("test-voice")  # mid-call: the patient hears a voice
            audible = heard.audible
            await until(lambda: heard.audible > audible + 50, 10, "the voice at the patient")
            status = service.status()
            assert (status.microphone, status.microphone_state) == (
                "test-voice",
                DeviceState.TEST_SOURCE,
            )
            assert status.device_error is None
            assert saved[-1] == choice.with_device(DeviceKind.MICROPHONE, SYNTHETIC)

            with pytest.raises(DeviceBusyError):  # cannot be opened: the voice stays
                await service.use_device(f"microphone:{LAB_MICROPHONE.name}")
            assert service.status().microphone == "test-voice"
            assert len(saved) == 1
            audible = heard.audible
            await until(lambda: heard.audible > audible + 25, 10, "the voice after a refusal")

            await service.use_device("test-pattern")  # the camera, mid-call
            await until(lambda: patient.remote.counts().markers_read >= 10, 10, "the pattern")
            await service.use_device("speaker:system")  # the speaker, mid-call
            status = service.status()
            assert (status.speaker, status.speaker_state) == ("speaker:system", DeviceState.WORKING)
            assert saved[-1] == DeviceChoice(SYNTHETIC, SYNTHETIC, "system")
            assert service.choice == saved[-1]
            jack.freeze()  # the sound card stops asking for audio: lost, and said
            try:
                await until(lambda: service.status().speaker_state is DeviceState.LOST, 5, "lost")
            finally:
                jack.thaw()
            summary = await service.hang_up()
            assert summary is not None
            assert summary.media_flowed_both_ways
        finally:
            patient_run.cancel()
            await asyncio.gather(patient_run, return_exceptions=True)
            await service.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))


def test_the_patient_is_heard_and_the_visit_is_recorded(
    server: RunningServer, jack: RunningJack, profile: Profile
) -> None:
    appointment, link = demo_links(server, USER)[1]
    worker = StoreWorker(lambda: open_store(profile, SystemKeychain()), Store.close)
    devices = DeviceList((ENDING_CAMERA,), SoundSystem((jack.speaker,)))
    service = CallService(
        FixedCredentials(server.base_url, server.token(USER)),
        camera_size=SMALL,
        choice=DeviceChoice(microphone=SYNTHETIC),  # camera and speaker: the defaults
        list_devices=lambda _look_again: devices,
        quality_store=worker,
    )

    async def scenario() -> float:
        patient = _patient(link, Playout())
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        try:
            await service.join(appointment)
            status = service.status()
            assert (status.camera_state, status.speaker_state) == (
                DeviceState.WORKING,
                DeviceState.WORKING,
            )
            await until(lambda: service.status().state is VisitState.PATIENT_WAITING, 10, "p")
            await service.admit()
            await until(lambda: service.status().in_call_s >= 4, 20, "four seconds of call")
            assert service.status().camera_state is DeviceState.LOST  # unplugged: said
            assert service.status().state is VisitState.IN_CALL  # and the visit goes on
            summary = await service.hang_up()
            assert summary is not None
            assert summary.media_flowed_both_ways
            visit = service.visit_devices
            assert visit is not None
            played = visit.speaker_counts()
            assert played is not None
            assert played.device == "system"
            assert played.errors == 0
            # The speaker played from the join on, in real time, the patient's voice among it.
            assert played.played_s >= 0.85 * summary.duration_s
            assert summary.audio_frames_played >= 0.5 * 50 * (summary.duration_s - 1)
            return summary.duration_s
        finally:
            patient_run.cancel()
            await asyncio.gather(patient_run, return_exceptions=True)
            await service.close()

    try:
        duration_s = asyncio.run(asyncio.wait_for(scenario(), 60))
        (entry,) = worker.submit(lambda s: CallLog(s).recent(), timeout=10).result()
        samples = worker.submit(lambda s: CallLog(s).samples(entry.call_id), timeout=10).result()
    finally:
        worker.close()
    assert (entry.appointment_id, entry.role) == (appointment, "clinician")
    assert entry.summary is not None
    assert entry.summary["media_flowed_both_ways"] is True
    assert entry.summary["duration_s"] == pytest.approx(duration_s, abs=0.01)
    assert len(samples) >= 3  # one a second of the call
    assert [row.seq for row in samples] == list(range(len(samples)))


def test_the_app_remembers_a_picked_device_for_the_next_start(profile: Profile) -> None:
    worker: StoreWorker[ClinicStore] = StoreWorker(
        lambda: open_store(profile, SystemKeychain()), lambda store: store.close()
    )
    try:
        settings = Settings(profile=profile, camera="Ward camera")
        calls = visit_calls(
            settings, SystemKeychain(), worker, list_devices=lambda _look_again: DeviceList()
        )
        assert calls.status().camera_state is DeviceState.NONE  # no camera here at all
        asyncio.run(calls.use_device("test-speaker"))  # between visits
        assert (calls.status().speaker, calls.status().speaker_state) == (
            "test-speaker",
            DeviceState.TEST_SOURCE,
        )
        worker.submit(lambda _store: None, timeout=10).result()  # the save was queued first
    finally:
        worker.close()
    again = load_settings(home=profile.data_dir, environ={}, policy_file=profile.data_dir / "none")
    assert DeviceChoice.from_settings(again) == DeviceChoice("Ward camera", "", SYNTHETIC)
