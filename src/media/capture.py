"""Cameras and microphones as call sources: aiortc's `MediaPlayer`, kept bounded and kept
going when the device goes away.

`MediaPlayer` decodes on its own thread into an unbounded queue (DESIGN 5): a call that
falls behind would send ever older pictures. `DeviceTrack` drains that queue as frames
arrive into a `NewestQueue` (the newest picture only; 100 ms of microphone audio), so
what the encoder gets is never older than one frame, and counts what it replaced.

A device that stops mid-call (unplugged, driver gone, FFmpeg error) does not end the
call: the track goes on at the same pace with black pictures or silence and says so in
its `state` (`DISCONNECTED`), once per loss in `disconnects`. A device that gives nothing
for a while (`NO_SIGNAL`) is covered the same way until it gives frames again. A device
missing from the start is `NONE`. A busy device or one the system forbids is a
`DeviceBusyError` when opened.
"""

from __future__ import annotations

import asyncio
import enum
import errno
import fractions
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import av
from aiortc.contrib.media import MediaPlayer
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from outpost.core.errors import DeviceBusyError
from outpost.core.visits import DeviceKind
from outpost.media.blank_frames import black_video, silence
from outpost.media.camera_list import CaptureInput
from outpost.media.newest import NewestQueue

logger = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_KEEP = 5  # 20 ms frames: at most 100 ms of microphone audio waits for the encoder
OPEN_TIMEOUT_S = 10
STALL_S = {DeviceKind.CAMERA: 2.0, DeviceKind.MICROPHONE: 0.5}
_MISSING = frozenset({errno.ENOENT, errno.ENODEV, errno.ENXIO})
_WORDS = {DeviceKind.CAMERA: "camera", DeviceKind.MICROPHONE: "microphone"}


class SourceState(enum.Enum):
    LIVE = "live"
    NONE = "none"  # no such device here: black picture or silence from the start
    NO_SIGNAL = "no-signal"  # open but giving nothing for a while; covered until it does
    DISCONNECTED = "disconnected"  # it ended mid-call; black picture or silence from then


@dataclass(frozen=True)
class SourceCounts:
    state: SourceState
    frames: int  # from the device
    dropped: int  # replaced by newer ones before the call took them
    blank: int  # black pictures or silent frames sent in the device's place
    disconnects: int  # times the device stopped (ended, or went silent)
    age_ms: float | None  # how long the last frame handed on had waited in the wrapper


StateListener = Callable[[DeviceKind, SourceState], None]
Frame = av.VideoFrame | av.AudioFrame


class DeviceTrack(MediaStreamTrack):
    """Create on the runtime loop's thread or hand it to the loop before the first `recv`."""

    def __init__(
        self,
        kind: DeviceKind,
        source: MediaStreamTrack | None,
        *,
        on_state: StateListener | None = None,
        size: tuple[int, int] = (640, 480),
        fps: float = 30.0,
        stall_s: float | None = None,
    ) -> None:
        """`stall_s`: how long the device may give nothing before it is covered (a
        picture may freeze for a moment; a voice may not stop)."""
        super().__init__()
        self.kind = "video" if kind is DeviceKind.CAMERA else "audio"
        self.device_kind = kind
        self._source = source
        self._on_state = on_state
        self._queue: NewestQueue[tuple[float, Frame] | None] = NewestQueue(
            1 if kind is DeviceKind.CAMERA else AUDIO_KEEP
        )
        self._size = size
        self._period = 1.0 / fps if kind is DeviceKind.CAMERA else 0.02
        self._audio = (960, 48_000, "stereo", "s16")  # MediaPlayer's frames until one arrives
        self._stall_s = stall_s or STALL_S[kind]
        self._state = SourceState.LIVE if source is not None else SourceState.NONE
        self._drain_task: asyncio.Task[None] | None = None
        self._ended = False
        self._frames = self._blank = self._disconnects = 0
        self._age_ms: float | None = None
        self._due: float | None = None
        self._last_frame_at: float | None = None
        self._t0: float | None = None
        self._pts = -1

    @property
    def state(self) -> SourceState:
        return self._state

    def counts(self) -> SourceCounts:
        return SourceCounts(
            self._state,
            self._frames,
            self._queue.dropped,
            self._blank,
            self._disconnects,
            self._age_ms,
        )

    async def recv(self) -> Frame:
        if self.readyState != "live":
            raise MediaStreamError
        loop = asyncio.get_running_loop()
        if self._t0 is None:
            self._t0 = self._last_frame_at = loop.time()
            if self._source is not None:
                self._drain_task = loop.create_task(self._drain(), name=f"{self.kind}-device")
        while True:
            frame = await self._next(loop)
            if frame is not None:
                return self._stamped(frame, loop.time())

    async def _next(self, loop: asyncio.AbstractEventLoop) -> Frame | None:
        """The device's next frame, or a blank one when it is due; None to look again."""
        now = loop.time()
        if self._ended or self._source is None:
            return await self._blank_when_due(loop)
        assert self._last_frame_at is not None
        if self._state is SourceState.LIVE:
            wait = self._last_frame_at + self._stall_s - now
        else:
            wait = (self._due or now) - now
        try:
            item = await asyncio.wait_for(self._queue.get(), timeout=max(wait, 0.0))
        except TimeoutError:
            if self._state is SourceState.LIVE:
                logger.warning("%s gave nothing for %.1f s", self.kind, self._stall_s)
                self._set_state(SourceState.NO_SIGNAL)
                self._disconnects += 1
                self._due = loop.time()
            return await self._blank_when_due(loop)
        if item is None:  # the device ended
            self._ended = True
            if self._state is not SourceState.NO_SIGNAL:
                self._disconnects += 1
            self._set_state(SourceState.DISCONNECTED)
            self._due = loop.time()
            return None
        arrived, frame = item
        self._last_frame_at = loop.time()
        self._age_ms = (self._last_frame_at - arrived) * 1000
        self._set_state(SourceState.LIVE)
        return frame

    async def _blank_when_due(self, loop: asyncio.AbstractEventLoop) -> Frame:
        now = loop.time()
        due = now if self._due is None or self._due < now - self._period else self._due
        if due > now:
            await asyncio.sleep(due - now)
        self._due = due + self._period
        self._blank += 1
        if self.device_kind is DeviceKind.CAMERA:
            return black_video(*self._size)
        samples, rate, layout, fmt = self._audio
        return silence(samples, rate, layout, fmt)

    async def _drain(self) -> None:
        """Move the device's frames into the bounded queue as they come."""
        assert self._source is not None
        loop = asyncio.get_running_loop()
        try:
            while True:
                frame = await self._source.recv()
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    raise TypeError("a device gives decoded frames")
                self._frames += 1
                self._queue.put((loop.time(), frame))
        except MediaStreamError:
            logger.warning("%s device ended after %d frames", self.kind, self._frames)
        except Exception as exc:  # noqa: BLE001 - any failure of a device ends only it
            logger.warning("%s device failed after %d frames: %s", self.kind, self._frames, exc)
        self._queue.put(None)

    def _stamped(self, frame: Frame, now: float) -> Frame:
        assert self._t0 is not None
        if isinstance(frame, av.VideoFrame):
            self._size = (frame.width, frame.height)
            self._pts = max(self._pts + 1, int((now - self._t0) * VIDEO_CLOCK))
            frame.pts, frame.time_base = self._pts, fractions.Fraction(1, VIDEO_CLOCK)
        else:
            rate = frame.sample_rate or 48_000
            self._audio = (frame.samples, rate, frame.layout.name, frame.format.name)
            frame.pts, frame.time_base = max(self._pts, 0), fractions.Fraction(1, rate)
            self._pts = max(self._pts, 0) + frame.samples
        return frame

    def _set_state(self, state: SourceState) -> None:
        if state is self._state:
            return
        self._state = state
        logger.info("%s: %s", _WORDS[self.device_kind], state.value)
        if self._on_state is not None:
            self._on_state(self.device_kind, state)

    def stop(self) -> None:
        super().stop()
        if self._drain_task is not None:
            self._drain_task.cancel()
        if self._source is not None:
            self._source.stop()  # MediaPlayer joins its thread: within one device frame


# -- opening devices -----------------------------------------------------------------------


def open_player(device: CaptureInput, options: dict[str, str] | None = None) -> MediaPlayer:
    """Open `device` with FFmpeg (blocking: run it in a thread). A device that is not
    there gives None from `open_device`; busy or forbidden ones a `DeviceBusyError`."""
    return MediaPlayer(
        device.url, format=device.input_format, options=options or {}, timeout=OPEN_TIMEOUT_S
    )


def camera_options(device: CaptureInput, size: tuple[int, int], fps: float) -> dict[str, str]:
    if device.input_format == "lavfi":
        return {}
    options = {"video_size": f"{size[0]}x{size[1]}", "framerate": f"{fps:g}"}
    if device.input_format == "dshow":
        options["rtbufsize"] = "16M"  # DirectShow's own buffer, bounded; it drops when full
    return options


async def open_device(
    kind: DeviceKind,
    device: CaptureInput | None,
    *,
    on_state: StateListener | None = None,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
) -> DeviceTrack:
    """A running source for `device` (None: no such device, black picture or silence)."""
    source: MediaStreamTrack | None = None
    if device is not None:
        options = camera_options(device, size, fps) if kind is DeviceKind.CAMERA else {}
        started = time.monotonic()
        try:
            player = await asyncio.to_thread(open_player, device, options)
        except (av.FFmpegError, OSError) as exc:
            if _errno(exc) not in _MISSING:
                raise busy_error(kind, exc) from exc
            logger.warning("%s not found (%s)", _WORDS[kind], device.input_format)
        else:
            source = player.video if kind is DeviceKind.CAMERA else player.audio
            logger.info(
                "%s opened (%s) in %.0f ms",
                _WORDS[kind],
                device.input_format,
                1000 * (time.monotonic() - started),
            )
    return DeviceTrack(kind, source, on_state=on_state, size=size, fps=fps)


def busy_error(kind: DeviceKind, exc: BaseException) -> DeviceBusyError:
    what = _WORDS[kind]
    code = _errno(exc)
    if code == errno.EBUSY:
        return DeviceBusyError(
            f"The {what} is in use by another program. Close the other program (another "
            f"video call, for example) and try again."
        )
    if code in (errno.EACCES, errno.EPERM):
        return DeviceBusyError(
            f"Outpost is not allowed to use the {what}. Allow it in the system's privacy "
            f"or device settings and try again."
        )
    return DeviceBusyError(f"The {what} could not be opened ({type(exc).__name__} {code}).")


def _errno(exc: BaseException) -> int | None:
    code = getattr(exc, "errno", None)
    return code if isinstance(code, int) else None
