"""Device listing and choice resolution, on recorded system answers: a Linux /sys tree,
FFmpeg's DirectShow and AVFoundation listings, PortAudio's device tables; what a clinician
would see in the device menus and what the visit then opens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outpost.core.device_choice import SYNTHETIC, DeviceChoice
from outpost.core.visits import DeviceKind, MediaDevice
from outpost.media.camera_list import CaptureInput, linux_cameras, parse_avfoundation, parse_dshow
from outpost.media.devices import DeviceList, Resolution, resolve
from outpost.media.sound_devices import SoundSystem, ffmpeg_microphone, parse_devices


def _node(root: Path, number: int, name: str, index: int | None = 0) -> None:
    folder = root / f"video{number}"
    folder.mkdir(parents=True)
    (folder / "name").write_text(name + "\n")
    if index is not None:
        (folder / "index").write_text(f"{index}\n")


def test_linux_cameras_from_sysfs(tmp_path: Path) -> None:
    sys_root = tmp_path / "sys"
    _node(sys_root, 0, "Integrated Camera: Integrated C")
    _node(sys_root, 1, "Integrated Camera: Integrated C", index=1)  # its metadata node
    _node(sys_root, 10, "bcm2835-codec-decode")  # a hardware codec, not a camera
    _node(sys_root, 2, "USB Camera")
    _node(sys_root, 4, "USB Camera")  # a second one of the same model
    _node(sys_root, 6, "Old Driver", index=None)  # no index file: kept
    (sys_root / "v4l-subdev0").mkdir()

    def captures(device: Path) -> bool | None:
        return {"video10": False, "video4": None}.get(device.name, True)

    cameras = linux_cameras(sys_root, tmp_path / "dev", captures)

    assert [(c.name, c.url) for c in cameras] == [
        ("Integrated Camera: Integrated C", str(tmp_path / "dev/video0")),
        ("USB Camera", str(tmp_path / "dev/video2")),
        ("USB Camera (2)", str(tmp_path / "dev/video4")),
        ("Old Driver", str(tmp_path / "dev/video6")),
    ]
    assert {(c.kind, c.input_format) for c in cameras} == {(DeviceKind.CAMERA, "v4l2")}


def test_no_video4linux_means_no_cameras(tmp_path: Path) -> None:
    assert linux_cameras(tmp_path / "missing", tmp_path) == []


DSHOW = """\
"Integrated Webcam" (video)
  Alternative name "@device_pnp_\\\\?\\usb#vid_0c45&pid_6713"
"OBS Virtual Camera" (none)
"Microphone Array (Realtek(R) Audio)" (audio)
  Alternative name "@device_cm_{33D9A762-90C8-11D0-BD43-00A0C911CE86}\\wave"
"""
DSHOW_OLD = """\
DirectShow video devices (some may be both video and audio devices)
 "HD Pro Webcam C920"
    Alternative name "@device_pnp_\\\\?\\usb#vid_046d"
DirectShow audio devices
 "Microphone (HD Pro Webcam C920)"
"""
AVFOUNDATION = """\
AVFoundation video devices:
[0] FaceTime HD Camera
[1] Capture screen 0
AVFoundation audio devices:
[0] MacBook Pro Microphone
"""


def test_dshow_listing_both_formats() -> None:
    assert parse_dshow(DSHOW.splitlines()) == [
        CaptureInput("Integrated Webcam", DeviceKind.CAMERA, "dshow", "video=Integrated Webcam"),
        CaptureInput(
            "Microphone Array (Realtek(R) Audio)",
            DeviceKind.MICROPHONE,
            "dshow",
            "audio=Microphone Array (Realtek(R) Audio)",
        ),
    ]
    assert [(c.name, c.kind) for c in parse_dshow(DSHOW_OLD.splitlines())] == [
        ("HD Pro Webcam C920", DeviceKind.CAMERA),
        ("Microphone (HD Pro Webcam C920)", DeviceKind.MICROPHONE),
    ]


def test_avfoundation_listing_leaves_screens_out() -> None:
    assert parse_avfoundation(AVFOUNDATION.splitlines()) == [
        CaptureInput(
            "FaceTime HD Camera", DeviceKind.CAMERA, "avfoundation", "FaceTime HD Camera:none"
        ),
        CaptureInput(
            "MacBook Pro Microphone",
            DeviceKind.MICROPHONE,
            "avfoundation",
            "none:MacBook Pro Microphone",
        ),
    ]


def _device(index: int, name: str, hostapi: int, ins: int, outs: int) -> dict[str, Any]:
    return {
        "index": index,
        "name": name,
        "hostapi": hostapi,
        "max_input_channels": ins,
        "max_output_channels": outs,
        "default_samplerate": 44100.0,
    }


LINUX_APIS = [
    {"name": "ALSA", "default_input_device": 2, "default_output_device": 2},
    {"name": "OSS", "default_input_device": -1, "default_output_device": -1},
    {"name": "JACK Audio Connection Kit", "default_input_device": 4, "default_output_device": 4},
]
LINUX_DEVICES = [
    _device(0, "HDA Intel PCH: ALC892 Analog (hw:0,0)", 0, 2, 2),
    _device(1, "HDA NVidia: HDMI 0 (hw:1,3)", 0, 0, 8),
    _device(2, "default", 0, 32, 32),
    _device(3, "/dev/dsp", 1, 2, 2),
    _device(4, "system", 2, 2, 2),
]


def test_linux_sound_devices_alsa_and_jack() -> None:
    found = parse_devices(LINUX_DEVICES, LINUX_APIS, "linux")
    rows = [(d.kind, (d.name, d.host_api, d.default)) for d in found]
    microphones = [row for kind, row in rows if kind is DeviceKind.MICROPHONE]
    speakers = [row for kind, row in rows if kind is DeviceKind.SPEAKER]
    assert microphones == [  # JACK has no FFmpeg capture here; OSS is not used
        ("HDA Intel PCH: ALC892 Analog (hw:0,0)", "ALSA", False),
        ("default", "ALSA", True),
    ]
    assert speakers == [
        ("HDA Intel PCH: ALC892 Analog (hw:0,0)", "ALSA", False),
        ("HDA NVidia: HDMI 0 (hw:1,3)", "ALSA", False),
        ("default", "ALSA", True),
        ("system", "JACK Audio Connection Kit", False),  # one default per kind
    ]
    microphone = ffmpeg_microphone(found[0])
    assert (microphone.input_format, microphone.url) == ("alsa", "plughw:0,0")
    assert ffmpeg_microphone(found[1]).url == "default"


def test_windows_takes_one_host_api() -> None:
    apis = [
        {"name": "MME", "default_input_device": 0, "default_output_device": 1},
        {"name": "Windows WASAPI", "default_input_device": 3, "default_output_device": 2},
    ]
    devices = [
        _device(0, "Microphone Array (Realtek(R) Au", 0, 2, 0),  # MME cuts names at 31
        _device(1, "Speakers (Realtek(R) Audio)", 0, 0, 2),
        _device(2, "Speakers (Realtek(R) Audio)", 1, 0, 2),
        _device(3, "Microphone Array (Realtek(R) Audio)", 1, 2, 0),
    ]
    found = parse_devices(devices, apis, "win32")
    assert [(d.name, d.kind, d.index, d.default) for d in found] == [
        ("Microphone Array (Realtek(R) Audio)", DeviceKind.MICROPHONE, 3, True),
        ("Speakers (Realtek(R) Audio)", DeviceKind.SPEAKER, 2, True),
    ]
    assert ffmpeg_microphone(found[0]).url == "audio=Microphone Array (Realtek(R) Audio)"


def _list() -> DeviceList:
    cameras = (
        CaptureInput("Integrated", DeviceKind.CAMERA, "v4l2", "/dev/video0"),
        CaptureInput("USB Camera", DeviceKind.CAMERA, "v4l2", "/dev/video2"),
    )
    sound = parse_devices(LINUX_DEVICES, LINUX_APIS, "linux")
    return DeviceList(cameras, SoundSystem(tuple(sound)))


def test_choices_resolve_to_devices_defaults_and_test_sources() -> None:
    devices = _list()
    choice = DeviceChoice(camera="USB Camera", microphone="Gone Headset", speaker="")
    camera = resolve(devices, choice, DeviceKind.CAMERA)
    assert (camera.resolution, camera.name) == (Resolution.CHOSEN, "USB Camera")
    microphone = resolve(devices, choice, DeviceKind.MICROPHONE)
    assert (microphone.resolution, microphone.name) == (Resolution.CHOSEN_MISSING, "default")
    assert microphone.capture is not None
    assert microphone.capture.url == "default"
    speaker = resolve(devices, choice, DeviceKind.SPEAKER)
    assert (speaker.resolution, speaker.name) == (Resolution.DEFAULT, "default")
    assert resolve(devices, DeviceChoice(camera=""), DeviceKind.CAMERA).name == "Integrated"
    test = resolve(devices, DeviceChoice(speaker=SYNTHETIC), DeviceKind.SPEAKER)
    assert (test.resolution, test.name) == (Resolution.SYNTHETIC, None)


def test_nothing_to_choose_from() -> None:
    empty = DeviceList(sound=SoundSystem(problem="The sound library (PortAudio) is missing"))
    for kind in DeviceKind:
        resolved = resolve(empty, DeviceChoice(camera="Cam"), kind)
        assert (resolved.resolution, resolved.name) == (Resolution.NONE, None)
    assert empty.media_devices() == []


def test_the_device_menus() -> None:
    menus = _list().media_devices()
    analog = "HDA Intel PCH: ALC892 Analog (hw:0,0)"
    assert menus[:3] == [
        MediaDevice("camera:Integrated", DeviceKind.CAMERA, False, "Integrated"),
        MediaDevice("camera:USB Camera", DeviceKind.CAMERA, False, "USB Camera"),
        MediaDevice(f"microphone:{analog}", DeviceKind.MICROPHONE, False, analog),
    ]
    speakers = [d for d in menus if d.kind is DeviceKind.SPEAKER]
    assert (speakers[-1].device_id, speakers[-1].name) == ("speaker:system", "system")
    assert len({d.device_id for d in menus}) == len(menus)  # one id, one device
