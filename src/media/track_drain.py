"""A task that reads a track for as long as it runs and hands each frame on (DESIGN 2:
every track is drained); `stop` ends the task and the track."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from abc import ABC, abstractmethod

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

logger = logging.getLogger(__name__)


class TrackDrain(ABC):
    """Create on the runtime loop; `take` runs there for every frame."""

    def __init__(self, track: MediaStreamTrack, name: str) -> None:
        self.track = track
        self.frames = 0
        self._task = asyncio.get_running_loop().create_task(self._drain(), name=name)

    async def stop(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self.track.stop()

    @abstractmethod
    def take(self, frame: av.VideoFrame | av.AudioFrame) -> None: ...

    async def _drain(self) -> None:
        try:
            while True:
                frame = await self.track.recv()
                if not isinstance(frame, av.VideoFrame | av.AudioFrame):
                    raise TypeError("a device gives decoded frames")
                self.frames += 1
                self.take(frame)
        except MediaStreamError:
            logger.info("%s track ended after %d frames", self.track.kind, self.frames)
