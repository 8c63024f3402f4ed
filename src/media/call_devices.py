"""One call's camera, microphone and speaker, from the workstation's `DeviceChoice`.

    choice + DeviceList -> resolve -> open_sources -> (microphone, camera) -> pipeline.build
                                   -> open_speaker(pipeline.playout)

Each kind may be a real device (`capture.DeviceTrack`, `speaker.Speaker`), the test
sources (`synthetic`), or nothing (black picture, silence, audio pulled unheard): the
call goes on in every case. Only a device that is there but busy or forbidden stops the
call from starting (`DeviceBusyError`). Call on the runtime loop.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from aiortc.mediastreams import MediaStreamTrack

from outpost.core.device_choice import DeviceChoice
from outpost.core.visits import DeviceKind
from outpost.media.capture import DeviceTrack, StateListener, open_device
from outpost.media.devices import DeviceList, Resolution, Resolved, resolve
from outpost.media.playout import Playout
from outpost.media.speaker import Speaker
from outpost.media.speaker import StateListener as SpeakerListener
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack


@dataclass(frozen=True)
class CallSources:
    microphone: MediaStreamTrack
    camera: MediaStreamTrack
    resolved: tuple[Resolved, Resolved]  # camera, microphone

    @property
    def device_tracks(self) -> list[DeviceTrack]:
        return [t for t in (self.camera, self.microphone) if isinstance(t, DeviceTrack)]

    @property
    def synthetic_camera(self) -> bool:
        return self.resolved[0].resolution is Resolution.SYNTHETIC


async def open_sources(
    devices: DeviceList,
    choice: DeviceChoice,
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    on_state: StateListener | None = None,
) -> CallSources:
    camera_choice = resolve(devices, choice, DeviceKind.CAMERA)
    microphone_choice = resolve(devices, choice, DeviceKind.MICROPHONE)
    microphone = await open_source(microphone_choice, size, fps, on_state)
    try:
        camera = await open_source(camera_choice, size, fps, on_state)
    except BaseException:
        microphone.stop()
        raise
    return CallSources(microphone, camera, (camera_choice, microphone_choice))


async def open_source(
    resolved: Resolved,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    on_state: StateListener | None = None,
) -> MediaStreamTrack:
    """One camera or microphone: the test source, or the device (`DeviceBusyError`)."""
    if resolved.resolution is Resolution.SYNTHETIC:
        if resolved.kind is DeviceKind.CAMERA:
            return SyntheticVideoTrack(*size, fps=fps)
        return SyntheticAudioTrack(AudioKind.SPEECH)
    return await open_device(resolved.kind, resolved.capture, on_state=on_state, size=size, fps=fps)


def speaker_is_synthetic(devices: DeviceList, choice: DeviceChoice) -> bool:
    """The test setting: nothing is played, the audio is pulled in real time unheard
    (`pipeline.build(headless=True)`)."""
    return resolve(devices, choice, DeviceKind.SPEAKER).resolution is Resolution.SYNTHETIC


async def open_speaker(
    playout: Playout,
    devices: DeviceList,
    choice: DeviceChoice,
    *,
    on_state: SpeakerListener | None = None,
) -> Speaker:
    """Play `playout` on the chosen speaker (or pull it unheard when there is none)."""
    resolved = resolve(devices, choice, DeviceKind.SPEAKER)
    problem = devices.sound.problem or "No speaker was found on this computer."
    return await Speaker.open(playout, resolved.speaker, problem=problem, on_state=on_state)


def stop_sources(sources: CallSources) -> None:
    for track in (sources.microphone, sources.camera):
        with contextlib.suppress(Exception):
            track.stop()
