"""The sources a visit in the app sends, and the self-view: which devices exist, a camera
whose newest frame is also kept for the clinician's own picture, and a microphone that can
be switched mid-call.

Real cameras and microphones are not supported by the engine yet: the devices are the
synthetic test pattern, voice and tone (`synthetic.py`), and the app says so.
"""

from __future__ import annotations

import asyncio
import fractions
from asyncio import FIRST_COMPLETED

import av
from aiortc.mediastreams import MediaStreamTrack

from outpost.core.errors import DeviceBusyError
from outpost.core.visits import DeviceKind, MediaDevice
from outpost.media.newest import FrameSlot
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack

TEST_PATTERN = "test-pattern"
TEST_VOICE = "test-voice"
TEST_TONE = "test-tone"
DEVICES = (
    MediaDevice(TEST_PATTERN, DeviceKind.CAMERA, synthetic=True),
    MediaDevice(TEST_VOICE, DeviceKind.MICROPHONE, synthetic=True),
    MediaDevice(TEST_TONE, DeviceKind.MICROPHONE, synthetic=True),
)
_VOICES = {TEST_VOICE: AudioKind.SPEECH, TEST_TONE: AudioKind.TONE}


def device(device_id: str) -> MediaDevice:
    for known in DEVICES:
        if known.device_id == device_id:
            return known
    raise DeviceBusyError("That camera or microphone is not available on this computer.")


def microphone(device_id: str) -> MediaStreamTrack:
    """A new source for the microphone `device_id` (create on the runtime loop)."""
    return SyntheticAudioTrack(_VOICES[device(device_id).device_id])


def camera(device_id: str, size: tuple[int, int]) -> MediaStreamTrack:
    device(device_id)
    return SyntheticVideoTrack(*size)


class SelfViewTrack(MediaStreamTrack):
    """Passes the camera's frames on and keeps the newest one for the self-view."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self._source = source
        self.newest = FrameSlot[av.VideoFrame]()

    async def recv(self) -> av.VideoFrame:
        frame = await self._source.recv()
        if not isinstance(frame, av.VideoFrame):
            raise TypeError("a camera gives video frames")
        self.newest.put(frame)
        return frame

    def stop(self) -> None:
        super().stop()
        self._source.stop()


class SwitchableAudioTrack(MediaStreamTrack):
    """A microphone whose source can be replaced while a call runs; timestamps keep
    counting samples across the switch, so the encoder never sees a jump."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self._source = source
        self._switched = asyncio.Event()
        self._samples = 0

    def switch(self, source: MediaStreamTrack) -> None:
        """Read `source` from now on (runtime loop); the old one is stopped."""
        old, self._source = self._source, source
        self._switched.set()
        old.stop()

    async def recv(self) -> av.AudioFrame:
        while True:
            self._switched.clear()
            receiving = asyncio.ensure_future(self._source.recv())
            switched = asyncio.ensure_future(self._switched.wait())
            done, _ = await asyncio.wait({receiving, switched}, return_when=FIRST_COMPLETED)
            switched.cancel()
            if receiving in done:
                return self._restamped(receiving.result())
            receiving.cancel()  # a stopped source never answers: read the new one

    def _restamped(self, frame: object) -> av.AudioFrame:
        if not isinstance(frame, av.AudioFrame):
            raise TypeError("a microphone gives audio frames")
        rate = frame.sample_rate or 48_000
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, rate)
        self._samples += frame.samples
        return frame

    def stop(self) -> None:
        super().stop()
        self._source.stop()
