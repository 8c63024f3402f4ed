"""The app's device menu and what a choice means before a visit opens anything
(`visit_devices`), and a switchable track keeping its timestamps going across a switch."""

from __future__ import annotations

import asyncio

import av
import pytest

from outpost.core.device_choice import SYNTHETIC, DeviceChoice
from outpost.core.errors import DeviceBusyError
from outpost.core.visits import DeviceKind, DeviceState
from outpost.media.camera_list import CaptureInput
from outpost.media.devices import DeviceList
from outpost.media.sound_devices import SoundDevice, SoundSystem
from outpost.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from outpost.media.visit_devices import DeviceUse, chosen, menu, planned
from outpost.media.visit_sources import SwitchableTrack

HEADSET = "USB Headset: Audio (hw:2,0)"
DEVICES = DeviceList(
    (CaptureInput("Integrated", DeviceKind.CAMERA, "v4l2", "/dev/video0"),),
    SoundSystem(
        (
            SoundDevice(HEADSET, DeviceKind.MICROPHONE, "ALSA", 1, True, 48e3),
            SoundDevice(HEADSET, DeviceKind.SPEAKER, "ALSA", 1, True, 48e3),
        )
    ),
)


def test_the_menu_tells_a_microphone_from_a_speaker_of_the_same_name() -> None:
    ids = [(d.device_id, d.kind, d.synthetic) for d in menu(DEVICES)]
    assert ids == [
        ("camera:Integrated", DeviceKind.CAMERA, False),
        (f"microphone:{HEADSET}", DeviceKind.MICROPHONE, False),
        (f"speaker:{HEADSET}", DeviceKind.SPEAKER, False),
        ("test-pattern", DeviceKind.CAMERA, True),
        ("test-voice", DeviceKind.MICROPHONE, True),
        ("test-speaker", DeviceKind.SPEAKER, True),
    ]
    assert chosen(f"speaker:{HEADSET}", DEVICES) == (DeviceKind.SPEAKER, HEADSET)
    assert chosen("test-speaker", DEVICES) == (DeviceKind.SPEAKER, SYNTHETIC)
    with pytest.raises(DeviceBusyError):
        chosen("camera:Unplugged", DEVICES)


def test_what_the_next_visit_will_use() -> None:
    choice = DeviceChoice(camera="Gone camera", microphone="", speaker=SYNTHETIC)
    assert planned(DEVICES, choice) == {
        DeviceKind.CAMERA: DeviceUse("camera:Integrated", DeviceState.DEFAULT_INSTEAD),
        DeviceKind.MICROPHONE: DeviceUse(f"microphone:{HEADSET}", DeviceState.WORKING),
        DeviceKind.SPEAKER: DeviceUse("test-speaker", DeviceState.TEST_SOURCE),
    }
    nothing = planned(DeviceList(), DeviceChoice())
    assert set(nothing.values()) == {DeviceUse(None, DeviceState.NONE)}


def test_timestamps_run_on_across_a_switch() -> None:
    async def scenario() -> tuple[list[int], list[int]]:
        video = SwitchableTrack("video", SyntheticVideoTrack(64, 48, fps=50))
        audio = SwitchableTrack("audio", SyntheticAudioTrack())
        stamps: tuple[list[int], list[int]] = ([], [])
        for round_ in range(2):
            for _ in range(5):
                frame = await video.recv()
                assert isinstance(frame, av.VideoFrame)
                stamps[0].append(int(frame.pts or 0))
                stamps[1].append(int((await audio.recv()).pts or 0))
            if round_ == 0:
                video.switch(SyntheticVideoTrack(64, 48, fps=50))  # starts from 0 itself
                audio.switch(SyntheticAudioTrack())
        video.stop()
        audio.stop()
        return stamps

    video_pts, audio_pts = asyncio.run(scenario())
    assert video_pts == sorted(set(video_pts))  # rising, never back to the new source's 0
    assert video_pts[-1] > 90_000 * 8 * 0.02 * 0.5  # the loop's clock, in 90 kHz
    assert audio_pts == [960 * n for n in range(10)]  # 20 ms frames, counted on


def test_a_switch_as_the_read_of_the_old_source_starts_keeps_the_track_going() -> None:
    """The read of the old microphone is scheduled but has not run when the clinician
    switches: the stopped source then refuses it (MediaStreamError), and that error, if
    passed on, ends aiortc's sender loop: the patient hears nothing for the rest of the
    visit. The new source is read instead."""

    async def scenario() -> list[int]:
        audio = SwitchableTrack("audio", SyntheticAudioTrack())
        stamps = [int((await audio.recv()).pts or 0)]
        reading = asyncio.ensure_future(audio.recv())
        await asyncio.sleep(0)  # recv has asked the old source; that read has not run yet
        audio.switch(SyntheticAudioTrack())
        stamps.append(int((await reading).pts or 0))
        stamps.append(int((await audio.recv()).pts or 0))
        audio.stop()
        return stamps

    assert asyncio.run(scenario()) == [0, 960, 1920]
