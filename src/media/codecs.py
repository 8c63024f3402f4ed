"""Codec availability: can this machine encode the call's VP8 video and Opus audio?"""

from __future__ import annotations

import array
import fractions
import math
import time
from dataclasses import dataclass

import av


@dataclass(frozen=True)
class CodecCheck:
    codec: str
    ok: bool
    detail: str


def check_vp8(width: int = 640, height: int = 480) -> CodecCheck:
    """Encode a few frames of a test pattern with libvpx, as a call would."""
    try:
        encoder = av.CodecContext.create("libvpx", "w")
        encoder.width, encoder.height = width, height
        encoder.pix_fmt = "yuv420p"
        encoder.time_base = fractions.Fraction(1, 30)
        encoder.bit_rate = 500_000
        started = time.perf_counter()
        packets = 0
        for index in range(5):
            frame = av.VideoFrame(width, height, "yuv420p")
            for plane in frame.planes:
                plane.update(bytes([(index * 40) % 255]) * plane.buffer_size)
            frame.pts = index
            packets += len(encoder.encode(frame))
        elapsed = (time.perf_counter() - started) * 1000 / 5
    except Exception as exc:  # noqa: BLE001 - any codec failure is the answer we report
        return CodecCheck("VP8", False, f"{type(exc).__name__}: {exc}")
    if packets == 0:
        return CodecCheck("VP8", False, "the encoder produced no packets")
    return CodecCheck("VP8", True, f"{width}x{height}, {elapsed:.1f} ms per frame")


def check_opus() -> CodecCheck:
    """Encode 100 ms of a 440 Hz tone, 48 kHz stereo, in 20 ms frames."""
    try:
        encoder = av.CodecContext.create("libopus", "w")
        encoder.sample_rate = 48_000
        encoder.layout = "stereo"
        encoder.format = "s16"
        encoder.bit_rate = 32_000
        samples = 960
        packets = 0
        for index in range(5):
            tone = array.array("h")
            for n in range(index * samples, (index + 1) * samples):
                value = int(8000 * math.sin(2 * math.pi * 440 * n / 48_000))
                tone.extend((value, value))
            frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
            frame.planes[0].update(tone.tobytes())
            frame.sample_rate = 48_000
            frame.pts = index * samples
            packets += len(encoder.encode(frame))
    except Exception as exc:  # noqa: BLE001 - any codec failure is the answer we report
        return CodecCheck("Opus", False, f"{type(exc).__name__}: {exc}")
    if packets == 0:
        return CodecCheck("Opus", False, "the encoder produced no packets")
    return CodecCheck("Opus", True, "48 kHz stereo, 20 ms frames")
