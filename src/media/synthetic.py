"""Synthetic camera and microphone for tests, the demo and rehearsal calls.

`SyntheticVideoTrack`: colour bars, a moving square, the frame number in digits and as a
machine-readable band (`frame_marker`), 640x480 at 30 fps by default.
`SyntheticAudioTrack`: a 440 Hz tone or a speech-like signal (a gliding voiced tone with
syllable rhythm and pauses), 48 kHz mono, 20 ms frames.

Both are paced in real time by a producer task, like a device, into a small queue that
keeps the newest frames: a slow consumer loses old frames, it never builds up delay.
"""

from __future__ import annotations

import asyncio
import enum
import fractions
import math
from abc import abstractmethod
from typing import Any

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from outpost.media import frame_marker
from outpost.media.newest import NewestQueue

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_FRAME_SAMPLES = 960  # 20 ms
GRAIN_LEVELS = 8  # the low 3 bits
GRAIN_MASK = np.uint8(0xFF - (GRAIN_LEVELS - 1))

# 3x5 digits, rows top to bottom.
_DIGITS = (
    "111101101101111",
    "010110010010111",
    "111001111100111",
    "111001111001111",
    "101101111001001",
    "111100111001111",
    "111100111101111",
    "111001001001001",
    "111101111101111",
    "111101111001111",
)
_BARS_YUV = (  # white, yellow, cyan, green, magenta, red, blue (BT.601, 75%)
    (180, 128, 128),
    (162, 44, 142),
    (131, 156, 44),
    (112, 72, 58),
    (84, 184, 198),
    (65, 100, 212),
    (35, 212, 114),
)


class _PacedTrack(MediaStreamTrack):
    """A track whose frames are made on a real-time schedule by its own task."""

    def __init__(self, period_s: float, queue_size: int) -> None:
        super().__init__()
        self._period_s = period_s
        self._queue: NewestQueue[Any] = NewestQueue(queue_size)
        self._task: asyncio.Task[None] | None = None
        self.produced = 0
        self.skipped = 0  # frames never made because the loop stalled

    @property
    def dropped(self) -> int:
        """Frames made but replaced by newer ones before anyone took them."""
        return self._queue.dropped

    async def recv(self) -> Any:
        if self.readyState != "live":
            raise MediaStreamError
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._produce())
        return await self._queue.get()

    def stop(self) -> None:
        super().stop()
        if self._task is not None:
            self._task.cancel()

    async def _produce(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        index = 0
        while True:
            self._queue.put(self.make(index))
            self.produced += 1
            index += 1
            behind = loop.time() - (start + index * self._period_s)
            if behind > self._period_s:  # a stall: skip ahead instead of bursting
                missed = int(behind / self._period_s)
                index += missed
                self.skipped += missed
            await asyncio.sleep(max(start + index * self._period_s - loop.time(), 0.0))

    @abstractmethod
    def make(self, index: int) -> Any: ...


class SyntheticVideoTrack(_PacedTrack):
    kind = "video"

    def __init__(
        self,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        queue_size: int = 2,
        *,
        grain: bool = False,
    ) -> None:
        """`grain`: the low 3 bits of the picture's brightness are noise, new in every
        frame, like a camera sensor's: the encoder then uses what its ceiling allows, as
        with a real camera (the plain pattern needs about 70 kbit/s at any ceiling)."""
        if width % 2 or height % 2 or width < 64 or height < 48:
            raise ValueError("width and height must be even and at least 64x48")
        super().__init__(1.0 / fps, queue_size)
        self.width, self.height, self.fps = width, height, fps
        self._background = _bars(width, height)
        self._grain = np.random.default_rng(0) if grain else None

    def make(self, index: int) -> av.VideoFrame:
        w, h = self.width, self.height
        image = self._background.copy()
        luma = image[:h]
        chroma_u = image[h : h + h // 4].reshape(h // 2, w // 2)
        chroma_v = image[h + h // 4 :].reshape(h // 2, w // 2)
        if self._grain is not None:
            luma &= GRAIN_MASK
            luma |= self._grain.integers(0, GRAIN_LEVELS, luma.shape, dtype=np.uint8)
        side = (h // 6) & ~1
        x = int((w - side) * (0.5 + 0.5 * math.sin(index / self.fps * 1.7))) & ~1
        y = int((h - side) * (0.5 + 0.5 * math.sin(index / self.fps * 1.1 + 1.0))) & ~1
        luma[y : y + side, x : x + side] = 210
        chroma_u[y // 2 : (y + side) // 2, x // 2 : (x + side) // 2] = 16
        chroma_v[y // 2 : (y + side) // 2, x // 2 : (x + side) // 2] = 146
        _digits(luma, str(index), scale=max(h // 60, 2))
        frame_marker.draw(luma, index)
        frame = av.VideoFrame.from_ndarray(image, format="yuv420p")
        frame.pts = round(index * VIDEO_CLOCK / self.fps)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        return frame


def _bars(width: int, height: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """A yuv420p image (planes stacked as PyAV expects) of vertical colour bars."""
    image = np.empty((height * 3 // 2, width), dtype=np.uint8)
    u = np.empty((height // 2, width // 2), dtype=np.uint8)
    v = np.empty((height // 2, width // 2), dtype=np.uint8)
    bar = width / len(_BARS_YUV)
    for index, (luma, cb, cr) in enumerate(_BARS_YUV):
        left, right = round(index * bar), round((index + 1) * bar)
        image[:height, left:right] = luma
        u[:, left // 2 : right // 2] = cb
        v[:, left // 2 : right // 2] = cr
    # Grey (no colour) under the marker band and the frame number.
    band = frame_marker.block_size(width)
    scale = max(height // 60, 2)
    for plane in (u, v):
        plane[: band // 2 + 1, :] = 128
        plane[(height - 8 * scale) // 2 :, : scale * 30 // 2] = 128  # up to 7 digits
    image[height : height + height // 4] = u.reshape(height // 4, width)
    image[height + height // 4 :] = v.reshape(height // 4, width)
    return image


def _digits(luma: np.ndarray[Any, np.dtype[np.uint8]], text: str, scale: int) -> None:
    """Draw `text` (digits) in the bottom-left corner, white on black."""
    height = luma.shape[0]
    top = height - 7 * scale
    luma[top - scale : height - scale, scale : scale * (2 + 4 * len(text))] = 16
    for position, char in enumerate(text):
        pattern = _DIGITS[int(char)]
        left = scale * (2 + 4 * position)
        for cell, lit in enumerate(pattern):
            if lit == "1":
                row, col = divmod(cell, 3)
                y, x = top + row * scale, left + col * scale
                luma[y : y + scale, x : x + scale] = 235


class AudioKind(enum.Enum):
    TONE = "tone"
    SPEECH = "speech"


class SyntheticAudioTrack(_PacedTrack):
    kind = "audio"

    def __init__(
        self, signal: AudioKind = AudioKind.SPEECH, level_dbfs: float = -18.0, queue_size: int = 5
    ) -> None:
        super().__init__(AUDIO_FRAME_SAMPLES / AUDIO_RATE, queue_size)
        self.signal = signal
        self._amplitude = 32767 * 10 ** (level_dbfs / 20)

    def make(self, index: int) -> av.AudioFrame:
        samples = self.samples(index)
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = AUDIO_RATE
        frame.pts = index * AUDIO_FRAME_SAMPLES
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        return frame

    def samples(self, index: int) -> np.ndarray[Any, np.dtype[np.int16]]:
        """Frame `index`'s 960 samples; a pure function of the index (phase continuous)."""
        t = (index * AUDIO_FRAME_SAMPLES + np.arange(AUDIO_FRAME_SAMPLES)) / AUDIO_RATE
        wave = np.sin(2 * np.pi * 440.0 * t) if self.signal is AudioKind.TONE else _speech_like(t)
        return np.round(wave * self._amplitude).astype(np.int16)


def _speech_like(t: np.ndarray[Any, np.dtype[np.float64]]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """A voiced sound with a pitch glide (about 110-170 Hz), vowel-like harmonics, 4 Hz
    syllables and a pause every 2.5 s: close enough to speech for levels, echo and VAD."""
    f0_mean, f0_swing, glide_hz = 140.0, 30.0, 0.7
    # Phase of a tone whose frequency is f0_mean + f0_swing*sin(2 pi glide t).
    phase = 2 * np.pi * f0_mean * t - (f0_swing / glide_hz) * np.cos(2 * np.pi * glide_hz * t)
    wave = np.zeros_like(t)
    for harmonic, weight in ((1, 1.0), (2, 0.6), (3, 0.45), (4, 0.2), (6, 0.15), (8, 0.08)):
        wave += weight * np.sin(harmonic * phase)
    syllables = np.clip(np.sin(2 * np.pi * 4.0 * t), 0.0, None) ** 0.7
    pauses = (np.mod(t, 2.5) < 2.0).astype(np.float64)
    shaped: np.ndarray[Any, np.dtype[np.float64]] = wave / 2.48 * syllables * pauses
    return shaped
