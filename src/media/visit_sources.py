"""The tracks an app visit sends its camera and microphone through: `SwitchableTrack`
lets the clinician change the device mid-call, `SelfViewTrack` keeps the newest picture
for the clinician's own view. Which devices feed them is `visit_devices.py`'s business.
"""

from __future__ import annotations

import asyncio
import fractions
from asyncio import FIRST_COMPLETED

import av
from aiortc.mediastreams import MediaStreamTrack

from outpost.media.newest import FrameSlot

VIDEO_CLOCK = 90_000


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


class SwitchableTrack(MediaStreamTrack):
    """A camera or microphone whose source can be replaced while a call runs. Timestamps
    keep counting across the switch (audio: samples; video: the loop's clock), so the
    encoder and the ladder's frame pacing never see a jump."""

    def __init__(self, kind: str, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = kind
        self._source = source
        self._switched = asyncio.Event()
        self._next_pts = 0
        self._t0: float | None = None

    @property
    def source(self) -> MediaStreamTrack:
        return self._source

    def switch(self, source: MediaStreamTrack) -> None:
        """Read `source` from now on (runtime loop); the old one is stopped."""
        old, self._source = self._source, source
        self._switched.set()
        old.stop()

    async def recv(self) -> av.AudioFrame | av.VideoFrame:
        while True:
            self._switched.clear()
            source = self._source
            receiving = asyncio.ensure_future(source.recv())
            switched = asyncio.ensure_future(self._switched.wait())
            done, _ = await asyncio.wait({receiving, switched}, return_when=FIRST_COMPLETED)
            switched.cancel()
            if receiving not in done:
                receiving.cancel()  # a stopped source never answers: read the new one
            elif source is self._source or receiving.exception() is None:
                return self._restamped(receiving.result())
            # else the old source, stopped before our read of it ran, refused it
            # (MediaStreamError): passed on, that would end aiortc's sender for good

    def _restamped(self, frame: object) -> av.AudioFrame | av.VideoFrame:
        if isinstance(frame, av.AudioFrame) and self.kind == "audio":
            rate = frame.sample_rate or 48_000
            frame.pts = self._next_pts
            frame.time_base = fractions.Fraction(1, rate)
            self._next_pts += frame.samples
            return frame
        if isinstance(frame, av.VideoFrame) and self.kind == "video":
            now = asyncio.get_running_loop().time()
            if self._t0 is None:
                self._t0 = now
            frame.pts = max(self._next_pts, int((now - self._t0) * VIDEO_CLOCK))
            frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
            self._next_pts = frame.pts + 1
            return frame
        raise TypeError(f"a {self.kind} source gave another kind of frame")

    def stop(self) -> None:
        super().stop()
        self._source.stop()
