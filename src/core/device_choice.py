"""Which camera, microphone and speaker video visits use on this workstation.

A `DeviceChoice` comes from the settings `camera`, `microphone` and `speaker` (IT may
pre-seed them in the machine policy) and is saved to the user's own settings file when the
clinician picks another device, so the choice survives a restart. Each value is a device's
name as the system gives it (`outpost.media.devices` lists them), `""` for the system's
default, or `"synthetic"` for the test sources (test pattern, synthetic voice; no sound
played).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from outpost.core.settings import Profile, Settings
from outpost.core.settings_file import update_user_settings
from outpost.core.visits import DeviceKind

SYSTEM_DEFAULT = ""
SYNTHETIC = "synthetic"
_FIELDS = {
    DeviceKind.CAMERA: "camera",
    DeviceKind.MICROPHONE: "microphone",
    DeviceKind.SPEAKER: "speaker",
}


@dataclass(frozen=True)
class DeviceChoice:
    camera: str = SYSTEM_DEFAULT
    microphone: str = SYSTEM_DEFAULT
    speaker: str = SYSTEM_DEFAULT

    @classmethod
    def from_settings(cls, settings: Settings) -> DeviceChoice:
        return cls(settings.camera, settings.microphone, settings.speaker)

    @classmethod
    def synthetic(cls) -> DeviceChoice:
        return cls(SYNTHETIC, SYNTHETIC, SYNTHETIC)

    def of(self, kind: DeviceKind) -> str:
        value: str = getattr(self, _FIELDS[kind])
        return value

    def with_device(self, kind: DeviceKind, name: str) -> DeviceChoice:
        return dataclasses.replace(self, **{_FIELDS[kind]: name.strip()})


def save_device_choice(profile: Profile, choice: DeviceChoice) -> None:
    """Write the choice to the user's settings file (`ConfigError` if that fails)."""
    update_user_settings(
        profile.config_file, {field: choice.of(kind) for kind, field in _FIELDS.items()}
    )
