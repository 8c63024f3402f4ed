"""A decoded video frame as the UI paints it: RGB, fitted within the size asked for.

The conversion (libswscale: YUV to RGB and the scaling in one pass) runs on the thread
that asks, once per new frame: the UI's timer asks at most ~30 times a second and only
when the frame is newer than the one it has.
"""

from __future__ import annotations

import av

from outpost.core.visits import VideoImage
from outpost.media.newest import FrameSlot

MIN_SIDE = 16


def fitted(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """The largest even size with the frame's aspect ratio within the bounds."""
    scale = min(max_width / width, max_height / height)
    fit_w = max(MIN_SIDE, int(width * scale) // 2 * 2)
    fit_h = max(MIN_SIDE, int(height * scale) // 2 * 2)
    return fit_w, fit_h


def to_image(frame: av.VideoFrame, serial: int, max_width: int, max_height: int) -> VideoImage:
    width, height = fitted(frame.width, frame.height, max_width, max_height)
    rgb = frame.reformat(width=width, height=height, format="rgb24").to_ndarray()
    return VideoImage(width, height, rgb.tobytes(), serial)


def newer_image(
    slot: FrameSlot[av.VideoFrame], since: int, base: int, max_width: int, max_height: int
) -> VideoImage | None:
    """The slot's frame as an image if it is newer than serial `since`; serials are
    `base + version`, so another call's pictures never look old."""
    frame, version = slot.take()
    serial = base + version
    if frame is None or serial == since or max_width < MIN_SIDE or max_height < MIN_SIDE:
        return None
    return to_image(frame, serial, max_width, max_height)
