"""Black pictures and silence: what is sent while the camera is off or gone, or muted.

Sent at the same pace as the real thing, so the far end's jitter buffer and decoder never
notice a gap (`local_media.py`, `capture.py`).
"""

from __future__ import annotations

from fractions import Fraction

import av
import numpy as np


def black_video(width: int, height: int) -> av.VideoFrame:
    """A black yuv420p picture (BT.601 studio range)."""
    image = np.full((height * 3 // 2, width), 128, dtype=np.uint8)
    image[:height] = 16
    return av.VideoFrame.from_ndarray(image, format="yuv420p")


def silence(samples: int, rate: int, layout: str = "stereo", fmt: str = "s16") -> av.AudioFrame:
    frame = av.AudioFrame(format=fmt, layout=layout, samples=samples)
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    frame.sample_rate = rate
    frame.time_base = Fraction(1, rate)
    return frame


def black_like(frame: av.VideoFrame) -> av.VideoFrame:
    out = black_video(frame.width, frame.height)
    out.pts, out.time_base = frame.pts, frame.time_base
    return out


def silence_like(frame: av.AudioFrame) -> av.AudioFrame:
    out = silence(frame.samples, frame.sample_rate or 48_000, frame.layout.name, frame.format.name)
    out.pts, out.time_base = frame.pts, frame.time_base
    return out
