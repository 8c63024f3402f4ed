"""What this side sends: the camera and microphone as the peer connections see them.

`LocalMedia` owns the call's sources (devices or synthetic tracks) for the whole call and
hands each new peer connection fresh `OutboundTrack` views of them (aiortc stops a
sender's track when its connection closes; the sources must survive renegotiation). The
views count what reaches the encoder (aiortc's stats hold no frame counts, DESIGN 5) and
implement mute and camera off by sending silence or black frames at the same pace, so the
far end's jitter buffer never notices. The ladder's scaling (`ScaledVideoTrack`) sits
between the camera and this: what is counted is what is sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import av
from aiortc.mediastreams import MediaStreamTrack

from outpost.media.blank_frames import black_like, silence_like

Frame = av.VideoFrame | av.AudioFrame


@dataclass(frozen=True)
class SentCounts:
    frames: int
    audio_s: float  # audio only: seconds of audio sent
    width: int | None  # video only: the last frame's size
    height: int | None
    first_sent_at: float | None  # time.monotonic() of the first frame sent


class _Counter:
    def __init__(self) -> None:
        self.frames = 0
        self.audio_s = 0.0
        self.size: tuple[int, int] | None = None
        self.first_sent_at: float | None = None

    def count(self, frame: Frame) -> None:
        self.frames += 1
        if isinstance(frame, av.AudioFrame):
            self.audio_s += frame.samples / (frame.sample_rate or 48_000)
        else:
            self.size = (frame.width, frame.height)
        if self.first_sent_at is None:
            self.first_sent_at = time.monotonic()

    def snapshot(self) -> SentCounts:
        width, height = self.size or (None, None)
        return SentCounts(self.frames, self.audio_s, width, height, self.first_sent_at)


class LocalMedia:
    """The call's outgoing sources and their switches (mute and camera off)."""

    def __init__(self, audio: MediaStreamTrack | None, video: MediaStreamTrack | None) -> None:
        self._sources = {kind: track for kind, track in (("audio", audio), ("video", video))}
        self._counters = {"audio": _Counter(), "video": _Counter()}
        self.muted = False
        self.camera_off = False

    def tracks(self) -> list[OutboundTrack]:
        """Fresh views for a new peer connection: audio first, then video."""
        return [
            OutboundTrack(self, kind, source)
            for kind, source in self._sources.items()
            if source is not None
        ]

    def counts(self, kind: str) -> SentCounts:
        return self._counters[kind].snapshot()

    def stop(self) -> None:
        for source in self._sources.values():
            if source is not None:
                source.stop()

    def shape_outgoing(self, kind: str, frame: Frame) -> Frame:
        shaped: Frame
        if isinstance(frame, av.AudioFrame):
            shaped = silence_like(frame) if self.muted else frame
        else:
            shaped = black_like(frame) if self.camera_off else frame
        self._counters[kind].count(shaped)
        return shaped


class OutboundTrack(MediaStreamTrack):
    """One peer connection's view of a source; stopping it leaves the source running."""

    def __init__(self, owner: LocalMedia, kind: str, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = kind
        self._owner = owner
        self._source = source

    async def recv(self) -> Frame:
        frame = await self._source.recv()
        if not isinstance(frame, av.VideoFrame | av.AudioFrame):
            raise TypeError("sources must give decoded frames")
        return self._owner.shape_outgoing(self.kind, frame)
