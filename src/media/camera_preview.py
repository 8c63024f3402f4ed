"""The tech check's camera preview: one task drains the camera track into a one-picture
slot, which the UI reads as `VideoImage`s from its own thread (`ImageReader`).

A `DeviceTrack` covers a camera that gives nothing with black pictures; `first_picture`
waits for a picture from the camera itself.
"""

from __future__ import annotations

import asyncio

import av
from aiortc.mediastreams import MediaStreamTrack

from outpost.core.visits import VideoImage
from outpost.media.capture import DeviceTrack
from outpost.media.newest import FrameSlot
from outpost.media.track_drain import TrackDrain
from outpost.media.video_image import ImageReader

FIRST_PICTURE_S = 4.0  # a camera may take a few seconds to give its first picture
SERIALS_PER_OPEN = 1 << 40  # each opening's pictures are numbered apart from the last's


class CameraPreview(TrackDrain):
    """Drains `track` until `stop`. Create on the runtime loop."""

    def __init__(self, track: MediaStreamTrack, generation: int) -> None:
        self._slot: FrameSlot[av.VideoFrame] = FrameSlot()
        self._reader = ImageReader(self._slot)
        self._base = generation * SERIALS_PER_OPEN
        self._pictured = asyncio.Event()
        super().__init__(track, "camera-preview")

    def image(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        """The newest picture if newer than `since` (any thread)."""
        return self._reader.newer(since, self._base, max_width, max_height)

    async def first_picture(self, timeout_s: float = FIRST_PICTURE_S) -> bool:
        """Whether the camera itself gave a picture within `timeout_s`."""
        try:
            await asyncio.wait_for(self._pictured.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    def take(self, frame: av.VideoFrame | av.AudioFrame) -> None:
        if not isinstance(frame, av.VideoFrame):
            raise TypeError("a camera gives video frames")
        self._slot.put(frame)
        if not isinstance(self.track, DeviceTrack) or self.track.counts().frames > 0:
            self._pictured.set()
