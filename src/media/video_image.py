"""A decoded video frame as the UI paints it: RGB, fitted within the size asked for.

The conversion (libswscale: YUV to RGB and the scaling in one pass) runs on the thread
that asks, once per new frame: the UI's timer asks at most ~30 times a second and only
when the frame is newer than the one it has.
"""

from __future__ import annotations

import threading

import av
from av.video.reformatter import VideoReformatter

from outpost.core.visits import VideoImage
from outpost.media.newest import FrameSlot

MIN_SIDE = 16


def fitted(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """The largest even size with the frame's aspect ratio within the bounds."""
    scale = min(max_width / width, max_height / height)
    fit_w = max(MIN_SIDE, int(width * scale) // 2 * 2)
    fit_h = max(MIN_SIDE, int(height * scale) // 2 * 2)
    return fit_w, fit_h


class ImageReader:
    """Turns one source's newest frames into `VideoImage`s. It has its own converter: a
    frame's built-in one (`VideoFrame.reformat`) is shared by every thread that touches the
    frame, and two threads scaling the same camera frame at once deadlock in libswscale."""

    def __init__(self, slot: FrameSlot[av.VideoFrame]) -> None:
        self._slot = slot
        self._lock = threading.Lock()
        self._converter = VideoReformatter()

    def newer(self, since: int, base: int, max_width: int, max_height: int) -> VideoImage | None:
        """The slot's frame as an image if it is newer than serial `since`; serials are
        `base + version`, so another call's pictures never look old."""
        frame, version = self._slot.take()
        serial = base + version
        if frame is None or serial == since or max_width < MIN_SIDE or max_height < MIN_SIDE:
            return None
        width, height = fitted(frame.width, frame.height, max_width, max_height)
        with self._lock:
            rgb = self._converter.reformat(frame, width=width, height=height, format="rgb24")
            pixels = rgb.to_ndarray().tobytes()
        return VideoImage(width, height, pixels, serial)
