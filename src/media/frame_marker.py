"""A frame number drawn into a video frame so the far end can read it back.

A band of 18 flat blocks across the top (a white guard, 16 bits, a black guard), each
`width // 20` pixels square: large enough to survive VP8 at a few hundred kbit/s and any
scaling the ladder applies, since positions are relative to the width. Tests use it to
prove which frames crossed; benchmarks to measure capture-to-decode latency.
"""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt

BITS = 16
BLOCKS = BITS + 2
WHITE, BLACK, GRAY = 235, 16, 128

Plane = npt.NDArray[np.uint8]


def block_size(width: int) -> int:
    return max(width // 20, 2)


def draw(luma: Plane, number: int) -> None:
    """Write `number` (mod 2**16) into the top band of a luma plane, in place."""
    width = luma.shape[1]
    size = block_size(width)
    luma[:size, :] = GRAY
    values = (
        [WHITE]
        + [WHITE if number >> (BITS - 1 - bit) & 1 else BLACK for bit in range(BITS)]
        + [BLACK]
    )
    for index, value in enumerate(values):
        left = size * (index + 1)
        luma[:size, left : left + size] = value


def read_frame(frame: av.VideoFrame) -> int | None:
    """The number in a decoded frame (its luma plane read in place when it is YUV)."""
    if frame.format.name in ("yuv420p", "yuvj420p", "yuv422p", "yuv444p"):
        plane = frame.planes[0]
        rows = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(-1, plane.line_size)
        return read(rows[: frame.height, : frame.width])
    return read(np.asarray(frame.to_ndarray(format="gray"), dtype=np.uint8))


def read(luma: Plane) -> int | None:
    """The number in a (decoded, maybe scaled) luma plane, or None if the band is not
    there or not legible."""
    height, width = luma.shape[:2]
    size = block_size(width)
    if height < size or width < size * (BLOCKS + 1):
        return None
    quarter = max(size // 4, 1)
    top, bottom = size // 2 - quarter, size // 2 + quarter
    bits: list[bool] = []
    for index in range(BLOCKS):
        centre = size * (index + 1) + size // 2
        patch = luma[top:bottom, centre - quarter : centre + quarter]
        mean = float(patch.mean())
        if abs(mean - GRAY) < 40:  # neither white nor black: not our band
            return None
        bits.append(mean > GRAY)
    if not bits[0] or bits[-1]:
        return None
    number = 0
    for bit in bits[1:-1]:
        number = number << 1 | int(bit)
    return number
