"""Microphones and speakers, from the sound system (PortAudio through `sounddevice`).

PortAudio lists each device once per host API; one set is kept per platform: Linux ALSA
(its `default` goes through PulseAudio or PipeWire where they run) and, for speakers, a
running JACK server; Windows WASAPI (MME where WASAPI is missing); macOS Core Audio.
Microphones are captured by FFmpeg (`capture.py`), so each is also named as FFmpeg opens
it: `alsa` (`hw:X,Y` as `plughw:X,Y`, so FFmpeg gets the format it asks for), `dshow`
(`audio=NAME`), `avfoundation` (`none:NAME`). Speakers are played by PortAudio itself
(`speaker.py`).

PortAudio reads the device list when it starts; `sound_system(refresh=True)` starts it
again to see devices plugged in since, and must not be called while a speaker plays.
Without the PortAudio library the list is empty and `SoundSystem.problem` says why.
"""

from __future__ import annotations

import importlib
import logging
import os
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from outpost.core.visits import DeviceKind
from outpost.media.camera_list import CaptureInput, unique_names

logger = logging.getLogger(__name__)

JACK = "JACK Audio Connection Kit"
# host APIs per platform, in order; `_ALL` platforms list all of them, others the first found
_HOST_APIS = {
    "linux": ("ALSA", JACK),
    "win32": ("Windows WASAPI", "MME"),
    "darwin": ("Core Audio",),
}
_ALL = frozenset({"linux"})
_CAPTURE_APIS = frozenset({"ALSA", "Windows WASAPI", "MME", "Core Audio"})  # FFmpeg opens
_ALSA_HW = re.compile(r"\((hw:\d+,\d+)\)\s*$")


@dataclass(frozen=True)
class SoundDevice:
    name: str  # as the system names it, made unique; the settings store this
    kind: DeviceKind  # MICROPHONE or SPEAKER
    host_api: str
    index: int  # PortAudio's number for it, until the next refresh
    default: bool  # the system's default of its kind
    sample_rate: float  # the device's own rate


@dataclass(frozen=True)
class SoundSystem:
    devices: tuple[SoundDevice, ...] = ()
    problem: str | None = None  # why there is no sound at all (PortAudio missing)

    def of(self, kind: DeviceKind) -> list[SoundDevice]:
        return [device for device in self.devices if device.kind is kind]

    def default(self, kind: DeviceKind) -> SoundDevice | None:
        found = self.of(kind)
        return next((device for device in found if device.default), None)


def portaudio() -> ModuleType:
    """The `sounddevice` module (`OSError` when the PortAudio library is missing)."""
    # Never let a listing start a JACK server on a clinician's computer.
    os.environ.setdefault("JACK_NO_START_SERVER", "1")
    return importlib.import_module("sounddevice")


def sound_system(*, refresh: bool = False) -> SoundSystem:
    try:
        sd = portaudio()
    except OSError as exc:
        logger.warning("no sound system: %s", type(exc).__name__)
        return SoundSystem(problem=f"The sound library (PortAudio) is missing: {exc}")
    if refresh:
        sd._terminate()
        sd._initialize()
    try:
        devices = [dict(item) for item in sd.query_devices()]
        hostapis = [dict(item) for item in sd.query_hostapis()]
    except sd.PortAudioError as exc:
        return SoundSystem(problem=f"The sound system did not answer: {exc}")
    return SoundSystem(tuple(parse_devices(devices, hostapis, sys.platform)))


def parse_devices(
    devices: Sequence[Mapping[str, Any]], hostapis: Sequence[Mapping[str, Any]], platform: str
) -> list[SoundDevice]:
    """The microphones and speakers of this platform's host APIs (pure)."""
    key = "linux" if platform.startswith("linux") else platform
    wanted = [name for name in _HOST_APIS.get(key, ()) if any(h["name"] == name for h in hostapis)]
    if key not in _ALL:
        wanted = wanted[:1]
    found: list[SoundDevice] = []
    for kind, channels, default_key in (
        (DeviceKind.MICROPHONE, "max_input_channels", "default_input_device"),
        (DeviceKind.SPEAKER, "max_output_channels", "default_output_device"),
    ):
        rows: list[tuple[Mapping[str, Any], str, bool]] = []
        defaulted = False
        for api_name in wanted:
            if kind is DeviceKind.MICROPHONE and api_name not in _CAPTURE_APIS:
                continue
            number = next(i for i, h in enumerate(hostapis) if h["name"] == api_name)
            default_index = hostapis[number].get(default_key, -1)
            for device in devices:
                if device["hostapi"] == number and device[channels] > 0:
                    is_default = not defaulted and device["index"] == default_index
                    defaulted = defaulted or is_default
                    rows.append((device, api_name, is_default))
        names = unique_names(str(device["name"]) for device, _, _ in rows)
        found += [
            SoundDevice(
                name,
                kind,
                api_name,
                int(device["index"]),
                is_default,
                float(device.get("default_samplerate") or 48_000),
            )
            for name, (device, api_name, is_default) in zip(names, rows, strict=True)
        ]
    return found


def ffmpeg_microphone(device: SoundDevice) -> CaptureInput:
    """How FFmpeg opens the microphone `device`."""
    if device.host_api == "ALSA":
        hardware = _ALSA_HW.search(device.name)
        url = "plug" + hardware.group(1) if hardware else device.name
        return CaptureInput(device.name, DeviceKind.MICROPHONE, "alsa", url)
    if device.host_api == "Core Audio":
        return CaptureInput(
            device.name, DeviceKind.MICROPHONE, "avfoundation", f"none:{device.name}"
        )
    return CaptureInput(device.name, DeviceKind.MICROPHONE, "dshow", f"audio={device.name}")
