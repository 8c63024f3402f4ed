"""What arrives from the far end: every remote track drained, counted, newest frame kept.

Each remote track of each peer connection gets a task that pulls frames as fast as they
come (an undrained aiortc track grows its queue without bound, DESIGN 2). Video keeps
only the newest frame, in one `FrameSlot` a UI may read from any thread; audio goes to the
call's `Playout` (the jitter buffer the speaker pulls from; without a sound device a task
pulls it in real time) and is counted in samples. Counts run over the whole call, across
renegotiations.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from outpost.media import frame_marker
from outpost.media.newest import FrameSlot
from outpost.media.playout import Playout, play_to_nothing
from outpost.media.playout_buffer import PlayoutCounts

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReceivedCounts:
    video_frames: int
    audio_frames: int
    audio_samples: int
    audio_rate: int  # samples per second of the frames received (48000 for Opus)
    width: int | None
    height: int | None
    first_video_at: float | None  # time.monotonic()
    first_audio_at: float | None
    last_marker: int | None  # the newest synthetic frame number read, if reading
    markers_read: int
    playout: PlayoutCounts | None = None  # what the speaker got, when audio is played


class RemoteMedia:
    """Drains remote tracks for the whole call. Create on the runtime loop."""

    def __init__(
        self,
        *,
        playout: Playout | None = None,
        headless: bool = True,
        read_markers: bool = False,
    ) -> None:
        """`playout` receives the audio; with `headless`, a task pulls it in real time
        from the first audio frame on (no sound device: the UI passes False and pulls it
        from its audio sink)."""
        self.video = FrameSlot[av.VideoFrame]()
        self.playout = playout
        self._headless = headless
        self._speaker: asyncio.Task[None] | None = None
        self._read_markers = read_markers
        self._tasks: set[asyncio.Task[None]] = set()
        self._video_frames = self._audio_frames = self._audio_samples = 0
        self._audio_rate = 48_000
        self._size: tuple[int, int] | None = None
        self._first_video: float | None = None
        self._first_audio: float | None = None
        self._last_marker: int | None = None
        self._markers_read = 0
        self._arrived = asyncio.Event()

    def attach(self, track: MediaStreamTrack, session: int) -> None:
        """Start draining `track` (call from `pc.on("track")`)."""
        task = asyncio.get_running_loop().create_task(
            self._drain(track, session), name=f"drain-{track.kind}-{session}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def counts(self) -> ReceivedCounts:
        width, height = self._size or (None, None)
        return ReceivedCounts(
            video_frames=self._video_frames,
            audio_frames=self._audio_frames,
            audio_samples=self._audio_samples,
            audio_rate=self._audio_rate,
            width=width,
            height=height,
            first_video_at=self._first_video,
            first_audio_at=self._first_audio,
            last_marker=self._last_marker,
            markers_read=self._markers_read,
            playout=self.playout.counts() if self.playout is not None else None,
        )

    async def wait_for_frames(self) -> None:
        """Return once a new frame of any kind has arrived since the last call."""
        self._arrived.clear()
        await self._arrived.wait()

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _drain(self, track: MediaStreamTrack, session: int) -> None:
        logger.info("remote %s track of session %d: draining", track.kind, session)
        frames = 0
        try:
            while True:
                frame = await track.recv()
                frames += 1
                if isinstance(frame, av.VideoFrame):
                    self._on_video(frame)
                elif isinstance(frame, av.AudioFrame):
                    self._on_audio(frame, session)
                self._arrived.set()
        except MediaStreamError:
            pass
        finally:
            logger.info(
                "remote %s track of session %d ended after %d frames", track.kind, session, frames
            )

    def _on_video(self, frame: av.VideoFrame) -> None:
        self._video_frames += 1
        self._size = (frame.width, frame.height)
        if self._first_video is None:
            self._first_video = time.monotonic()
        if self._read_markers:
            number = frame_marker.read_frame(frame)
            if number is not None:
                self._last_marker = number
                self._markers_read += 1
        self.video.put(frame)

    def _on_audio(self, frame: av.AudioFrame, session: int) -> None:
        now = time.monotonic()
        self._audio_frames += 1
        self._audio_samples += frame.samples
        self._audio_rate = frame.sample_rate or self._audio_rate
        if self._first_audio is None:
            self._first_audio = now
        if self.playout is None:
            return
        self.playout.push(frame, session, now)
        if self._headless and self._speaker is None:
            self._speaker = asyncio.get_running_loop().create_task(
                play_to_nothing(self.playout), name="null-speaker"
            )
            self._tasks.add(self._speaker)
