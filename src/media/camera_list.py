"""Which cameras this computer has, and how FFmpeg (aiortc's `MediaPlayer`) opens them.

- Linux: every `/sys/class/video4linux/videoN` that is a capture node (a webcam's second
  node, its metadata, has `index` 1; where the device node can be asked, a node without
  video capture, such as a hardware codec, is left out), named from its `name` file and
  opened as `/dev/videoN` through `v4l2`.
- Windows (`dshow`) and macOS (`avfoundation`): FFmpeg's own device listing, read from
  its log (`list_devices`), so the names are exactly those FFmpeg opens. Not exercised
  on Linux test machines; the parsing is tested on recorded listings.

Two devices with one name are told apart as "Name (2)"; the name is what the settings
store, so a camera keeps its choice when it moves to another USB port.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import struct
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import av.logging

from outpost.core.visits import DeviceKind

logger = logging.getLogger(__name__)

SYS_VIDEO4LINUX = Path("/sys/class/video4linux")
DEV = Path("/dev")
_QUERYCAP = 0x80685600  # VIDIOC_QUERYCAP: _IOR('V', 0, struct v4l2_capability), 104 bytes
_CAP_VIDEO_CAPTURE = 0x1
_CAP_VIDEO_CAPTURE_MPLANE = 0x1000
_CAP_DEVICE_CAPS = 0x80000000
_NODE = re.compile(r"^video(\d+)$")


@dataclass(frozen=True)
class CaptureInput:
    """A camera or microphone as FFmpeg opens it: `av.open(url, format=input_format)`."""

    name: str  # as the system names it (made unique); the settings store this
    kind: DeviceKind
    input_format: str  # "v4l2", "alsa", "dshow", "avfoundation", "lavfi"
    url: str


# -- Linux ---------------------------------------------------------------------------------


def v4l2_captures(device: Path) -> bool | None:
    """Whether the node captures video (VIDIOC_QUERYCAP); None if it cannot be asked."""
    import fcntl  # Linux only

    try:
        fd = os.open(device, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        raw = fcntl.ioctl(fd, _QUERYCAP, bytes(104))
    except OSError:
        return None
    finally:
        os.close(fd)
    capabilities, device_caps = struct.unpack_from("<II", raw, 84)
    caps = device_caps if capabilities & _CAP_DEVICE_CAPS else capabilities
    return bool(caps & (_CAP_VIDEO_CAPTURE | _CAP_VIDEO_CAPTURE_MPLANE))


def linux_cameras(
    sys_root: Path = SYS_VIDEO4LINUX,
    dev_root: Path = DEV,
    captures: Callable[[Path], bool | None] = v4l2_captures,
) -> list[CaptureInput]:
    """The video capture nodes under `sys_root`, in node order."""
    try:
        entries = [(int(m.group(1)), p) for p in sys_root.iterdir() if (m := _NODE.match(p.name))]
    except OSError:
        return []
    found: list[tuple[str, str]] = []
    for number, entry in sorted(entries):
        if _read(entry / "index") not in (None, "0"):
            continue  # a second node of the same camera (its metadata)
        device = dev_root / f"video{number}"
        if captures(device) is False:
            continue
        found.append((_read(entry / "name") or f"Camera {number}", str(device)))
    return [
        CaptureInput(name, DeviceKind.CAMERA, "v4l2", url)
        for name, url in zip(
            unique_names(name for name, _ in found), (u for _, u in found), strict=True
        )
    ]


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None


# -- Windows and macOS: FFmpeg's listing ---------------------------------------------------

_DSHOW_LINE = re.compile(r'^\s*"(?P<name>[^"]+)"\s*\((?P<kind>video|audio|none)\)')
_DSHOW_OLD_HEADER = re.compile(r"DirectShow (video|audio) devices")
_DSHOW_OLD_LINE = re.compile(r'^\s*"(?P<name>[^"]+)"\s*$')
_AVF_HEADER = re.compile(r"AVFoundation (video|audio) devices")
_AVF_LINE = re.compile(r"^\s*\[(?P<index>\d+)\]\s+(?P<name>.+?)\s*$")


def parse_dshow(lines: Iterable[str]) -> list[CaptureInput]:
    """Cameras and microphones from `-f dshow -list_devices true` (FFmpeg 4 to 7)."""
    found: list[tuple[str, DeviceKind]] = []
    section: str | None = None
    for line in lines:
        if header := _DSHOW_OLD_HEADER.search(line):
            section = header.group(1)
        elif match := _DSHOW_LINE.match(line):
            if match.group("kind") != "none":
                found.append((match.group("name"), _KINDS[match.group("kind")]))
        elif (match := _DSHOW_OLD_LINE.match(line)) and section is not None:
            found.append((match.group("name"), _KINDS[section]))
    return _inputs(found, "dshow", lambda name, kind: f"{_DSHOW_PREFIX[kind]}={name}")


def parse_avfoundation(lines: Iterable[str]) -> list[CaptureInput]:
    """Cameras and microphones from `-f avfoundation -list_devices true`; screens left
    out."""
    found: list[tuple[str, DeviceKind]] = []
    section: str | None = None
    for line in lines:
        if header := _AVF_HEADER.search(line):
            section = header.group(1)
        elif (match := _AVF_LINE.match(line)) and section is not None:
            name = match.group("name")
            if not name.startswith("Capture screen"):
                found.append((name, _KINDS[section]))
    return _inputs(
        found,
        "avfoundation",
        lambda name, kind: f"{name}:none" if kind is DeviceKind.CAMERA else f"none:{name}",
    )


_KINDS = {"video": DeviceKind.CAMERA, "audio": DeviceKind.MICROPHONE}
_DSHOW_PREFIX = {DeviceKind.CAMERA: "video", DeviceKind.MICROPHONE: "audio"}


def _inputs(
    found: Sequence[tuple[str, DeviceKind]],
    input_format: str,
    url: Callable[[str, DeviceKind], str],
) -> list[CaptureInput]:
    result: list[CaptureInput] = []
    for kind in (DeviceKind.CAMERA, DeviceKind.MICROPHONE):
        names = [name for name, of in found if of is kind]
        result += [
            CaptureInput(shown, kind, input_format, url(name, kind))
            for shown, name in zip(unique_names(names), names, strict=True)
        ]
    return result


def ffmpeg_listing(input_format: str) -> list[str]:
    """What FFmpeg logs when asked to list `input_format`'s devices (it then fails to
    open "dummy", as designed)."""
    level = av.logging.get_level()
    av.logging.set_level(av.logging.INFO)
    try:
        with av.logging.Capture() as logs, contextlib.suppress(av.FFmpegError, OSError):
            av.open("dummy", format=input_format, options={"list_devices": "true"}).close()
    finally:
        av.logging.set_level(level)
    return [message for _level, _name, message in logs for message in message.splitlines()]


def system_cameras(platform: str = sys.platform) -> list[CaptureInput]:
    """This computer's cameras (microphones come from the sound system: `sound_devices`)."""
    if platform.startswith("linux"):
        return linux_cameras()
    input_format = {"win32": "dshow", "darwin": "avfoundation"}.get(platform)
    if input_format is None or input_format not in av.formats_available:
        logger.warning("no camera listing on this platform (%s)", platform)
        return []
    lines = ffmpeg_listing(input_format)
    found = parse_dshow(lines) if input_format == "dshow" else parse_avfoundation(lines)
    return [item for item in found if item.kind is DeviceKind.CAMERA]


def unique_names(names: Iterable[str]) -> list[str]:
    """The names with later duplicates numbered: "Cam", "Cam (2)", "Cam (3)"."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result
