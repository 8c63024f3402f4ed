"""The camera track as sent: scaled and thinned to the ladder's current step.

`ScaledVideoTrack` wraps a video track. On each step it passes frames at the step's
size (`VideoFrame.reformat`, aspect ratio not kept: the steps are all 4:3) and at most
its frame rate (frames are dropped, timestamps kept, so the encoder's rate control sees
the real spacing). On the audio-only step it sends nothing: it keeps draining the
camera (so no queue grows behind it) and returns only when video is back, so the far
end keeps showing the last frame.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import av
from aiortc import MediaStreamTrack

from outpost.media.ladder import SPECS, Step, StepSpec


@dataclass(frozen=True)
class ScaleCounts:
    passed: int
    dropped: int  # thinned out to keep to the step's frame rate, or held back on audio only


class ScaledVideoTrack(MediaStreamTrack):
    """Frames of `source` at the step's resolution and frame rate; none on audio only."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack, step: Step = Step.FULL) -> None:
        super().__init__()
        self._source = source
        self._spec = SPECS[step]
        self._next_due: float | None = None
        self._video_back = asyncio.Event()
        self._passed = 0
        self._dropped = 0
        self.set_step(step)

    @property
    def spec(self) -> StepSpec:
        return self._spec

    @property
    def counts(self) -> ScaleCounts:
        return ScaleCounts(self._passed, self._dropped)

    def set_step(self, step: Step) -> None:
        """Apply a ladder step from the next frame on."""
        self._spec = SPECS[step]
        self._next_due = None
        if self._spec.has_video:
            self._video_back.set()
        else:
            self._video_back.clear()

    async def recv(self) -> av.VideoFrame:
        while True:
            frame = await self._source.recv()
            if not isinstance(frame, av.VideoFrame):
                raise TypeError("ScaledVideoTrack needs a video source")
            if self._spec.has_video and self._due(frame):
                self._passed += 1
                return self._scaled(frame)
            self._dropped += 1

    def stop(self) -> None:
        super().stop()
        self._source.stop()

    def _due(self, frame: av.VideoFrame) -> bool:
        """Keep a frame when it reaches the next slot of the step's frame rate.

        Slots are 1/fps apart from the first frame kept, so the long-run rate is the
        step's; a frame up to a quarter slot early still counts (camera timestamps wobble).
        """
        if frame.pts is None:
            return True
        interval = 1.0 / self._spec.fps
        if self._next_due is None or self._next_due < frame.time - interval:
            self._next_due = frame.time  # the first frame, or after a pause
        if frame.time < self._next_due - interval / 4:
            return False
        self._next_due += interval
        return True

    def _scaled(self, frame: av.VideoFrame) -> av.VideoFrame:
        spec = self._spec
        if (frame.width, frame.height) == (spec.width, spec.height):
            return frame
        scaled = frame.reformat(width=spec.width, height=spec.height, format="yuv420p")
        scaled.pts = frame.pts
        scaled.time_base = frame.time_base
        return scaled
