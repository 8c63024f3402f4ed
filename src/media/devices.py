"""Which cameras, microphones and speakers this computer has, and which of them a
`DeviceChoice` means.

Cameras come from `camera_list` (Linux `/sys/class/video4linux`, FFmpeg's listing on
Windows and macOS), microphones and speakers from the sound system (`sound_devices`). A
choice names a device; when that device is not here the system's default is used and
the resolution says so (`CHOSEN_MISSING`), so a clinician whose usual headset is
unplugged still has a visit; with no device of a kind at all it is `NONE` (black
picture, silence, audio not heard).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from outpost.core.device_choice import SYNTHETIC, SYSTEM_DEFAULT, DeviceChoice
from outpost.core.visits import DeviceKind, MediaDevice
from outpost.media.camera_list import CaptureInput, system_cameras
from outpost.media.sound_devices import (
    SoundDevice,
    SoundSystem,
    ffmpeg_microphone,
    sound_system,
)

NO_SOUND = SoundSystem()


@dataclass(frozen=True)
class DeviceList:
    cameras: tuple[CaptureInput, ...] = ()
    sound: SoundSystem = NO_SOUND

    def names(self, kind: DeviceKind) -> list[str]:
        if kind is DeviceKind.CAMERA:
            return [camera.name for camera in self.cameras]
        return [device.name for device in self.sound.of(kind)]

    def media_devices(self) -> list[MediaDevice]:
        """The hardware, for `CallPort.devices` (the test sources are added by the caller)."""
        return [
            MediaDevice(hardware_id(kind, name), kind, synthetic=False, name=name)
            for kind in DeviceKind
            for name in self.names(kind)
        ]


def hardware_id(kind: DeviceKind, name: str) -> str:
    """A device's `MediaDevice.device_id`: its kind and its name, as one microphone and
    one speaker often share a name ("default", a headset's)."""
    return f"{kind.value}:{name}"


def list_devices(*, refresh: bool = False) -> DeviceList:
    """This computer's devices now. `refresh` restarts PortAudio to see new sound devices:
    never while a `Speaker` is open."""
    return DeviceList(tuple(system_cameras()), sound_system(refresh=refresh))


class Resolution(enum.Enum):
    CHOSEN = "chosen"  # the device the choice names
    DEFAULT = "default"  # the system's default, as chosen
    CHOSEN_MISSING = "chosen-missing"  # the chosen device is not here: the default instead
    NONE = "none"  # no device of this kind here
    SYNTHETIC = "synthetic"  # the test sources


@dataclass(frozen=True)
class Resolved:
    kind: DeviceKind
    resolution: Resolution
    chosen: str  # what the settings asked for
    capture: CaptureInput | None = None  # a camera or microphone to open
    speaker: SoundDevice | None = None  # a speaker to play on

    @property
    def name(self) -> str | None:
        """The device in use."""
        if self.capture is not None:
            return self.capture.name
        return self.speaker.name if self.speaker is not None else None


def resolve(devices: DeviceList, choice: DeviceChoice, kind: DeviceKind) -> Resolved:
    chosen = choice.of(kind)
    if chosen == SYNTHETIC:
        return Resolved(kind, Resolution.SYNTHETIC, chosen)
    if kind is DeviceKind.CAMERA:
        cameras = list(devices.cameras)
        named = next((camera for camera in cameras if camera.name == chosen), None)
        fallback = cameras[0] if cameras else None
        return _resolved(kind, chosen, named, fallback, capture=True)
    sound = devices.sound.of(kind)
    named_device = next((device for device in sound if device.name == chosen), None)
    default = devices.sound.default(kind) or (sound[0] if sound else None)
    if kind is DeviceKind.SPEAKER:
        return _resolved(kind, chosen, named_device, default, capture=False)
    microphone = _microphone_input(named_device)
    return _resolved(kind, chosen, microphone, _microphone_input(default), capture=True)


def _microphone_input(device: SoundDevice | None) -> CaptureInput | None:
    return ffmpeg_microphone(device) if device is not None else None


def _resolved(
    kind: DeviceKind,
    chosen: str,
    named: CaptureInput | SoundDevice | None,
    default: CaptureInput | SoundDevice | None,
    *,
    capture: bool,
) -> Resolved:
    if chosen != SYSTEM_DEFAULT and named is not None:
        resolution, device = Resolution.CHOSEN, named
    elif default is None:
        return Resolved(kind, Resolution.NONE, chosen)
    else:
        device = default
        resolution = Resolution.DEFAULT if chosen == SYSTEM_DEFAULT else Resolution.CHOSEN_MISSING
    if capture:
        assert isinstance(device, CaptureInput)
        return Resolved(kind, resolution, chosen, capture=device)
    assert isinstance(device, SoundDevice)
    return Resolved(kind, resolution, chosen, speaker=device)
