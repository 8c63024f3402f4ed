"""Frame timestamps for bench/call.py: a trace file per endpoint, and `outpost` run with
probes.

Every endpoint of the benchmark (Outpost's CLI processes, the bare aiortc peers, the
Chromium pages) writes the same trace: the capture time of each video frame it sends
(by its synthetic frame number, src/media/frame_marker.py), the decode time, number and
size of each video frame it receives, and the media time (RTP clock) and arrival of each
audio frame it receives. Times are `time.time()` (CLOCK_REALTIME, the clock a browser's
`performance.timeOrigin + performance.now()` reads), so endpoints in different
processes on one machine compare directly. Lines go straight to the file: nothing piles
up in memory over a 30-minute call.

Run as a script, it is `outpost` with the probes installed (the CLI's own code runs
unchanged; the probes wrap `frame_marker.draw`, `frame_marker.read_frame` and aiortc's
`RemoteStreamTrack.recv`):

    python bench/call_probe.py TRACE GRAIN_BITS -- --home H call --appointment A --synthetic ...
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import av
import numpy as np
import numpy.typing as npt

MARKER_MOD = 1 << 16


class ProbeLog:
    """Appends trace lines; `S n t` sent, `R n t w h` received video (n -1: not legible),
    `A pts t rate samples` received audio."""

    def __init__(self, path: Path) -> None:
        self._file: IO[str] = path.open("w", buffering=1 << 16)

    def sent(self, number: int, at: float | None = None) -> None:
        self._file.write(f"S {number % MARKER_MOD} {time.time() if at is None else at:.6f}\n")

    def received(
        self, number: int | None, width: int, height: int, at: float | None = None
    ) -> None:
        when = time.time() if at is None else at
        self._file.write(f"R {-1 if number is None else number} {when:.6f} {width} {height}\n")

    def audio(self, pts: int | None, rate: int, samples: int) -> None:
        self._file.write(f"A {-1 if pts is None else pts} {time.time():.6f} {rate} {samples}\n")

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class VideoArrival:
    number: int  # -1: the band was not legible
    at: float
    width: int
    height: int


@dataclass(frozen=True)
class AudioArrival:
    pts: int  # RTP media time in samples; -1 unknown
    at: float
    rate: int
    samples: int


@dataclass
class Trace:
    sent: dict[int, float] = field(default_factory=dict)  # frame number -> capture time
    received: list[VideoArrival] = field(default_factory=list)
    audio: list[AudioArrival] = field(default_factory=list)


def read_trace(path: Path) -> Trace:
    trace = Trace()
    if not path.exists():
        return trace
    for line in _lines(path):
        parts = line.split()
        if len(parts) == 3 and parts[0] == "S":
            trace.sent[int(parts[1])] = float(parts[2])
        elif len(parts) == 5 and parts[0] == "R":
            trace.received.append(
                VideoArrival(int(parts[1]), float(parts[2]), int(parts[3]), int(parts[4]))
            )
        elif len(parts) == 5 and parts[0] == "A":
            trace.audio.append(
                AudioArrival(int(parts[1]), float(parts[2]), int(parts[3]), int(parts[4]))
            )
    return trace


def _lines(path: Path) -> Iterator[str]:
    with path.open() as handle:
        yield from handle


# -- outpost with probes --------------------------------------------------------------------


class Grain:
    """Camera-like grain on a synthetic luma plane: the low `bits` bits flipped by a fixed
    random texture seen through a window that moves at random each frame, so every frame
    carries fresh detail the encoder must spend bits on, as a real sensor's noise makes it
    (the bare test pattern compresses to far less than a camera). One in-place XOR."""

    def __init__(self, bits: int, margin: int = 64, seed: int = 7) -> None:
        self.bits = bits
        self._margin = margin
        self._random = np.random.default_rng(seed)
        self._texture: npt.NDArray[np.uint8] | None = None

    def apply(self, luma: npt.NDArray[np.uint8]) -> None:
        if self.bits <= 0:
            return
        height, width = luma.shape
        texture = self._texture
        if texture is None or texture.shape != (height + self._margin, width + self._margin):
            shape = (height + self._margin, width + self._margin)
            texture = self._random.integers(0, 1 << self.bits, shape, dtype=np.uint8)
            self._texture = texture
        dy, dx = (int(value) for value in self._random.integers(0, self._margin, 2))
        np.bitwise_xor(luma, texture[dy : dy + height, dx : dx + width], out=luma)


def install(log: ProbeLog, grain: Grain) -> None:
    """Wrap the synthetic camera's marker drawing (capture), the far end's marker reading
    (decode), and aiortc's remote tracks for audio (arrival from aiortc, before anything
    of Outpost's: its own playout buffer, if any, reports its delay in the record)."""
    from aiortc.rtcrtpreceiver import RemoteStreamTrack

    from outpost.media import frame_marker

    draw, read_frame, receive = frame_marker.draw, frame_marker.read_frame, RemoteStreamTrack.recv

    def probed_draw(luma: frame_marker.Plane, number: int) -> None:
        log.sent(number)
        grain.apply(luma)
        draw(luma, number)

    def probed_read(frame: av.VideoFrame) -> int | None:
        at = time.time()
        number = read_frame(frame)
        log.received(number, frame.width, frame.height, at)
        return number

    async def probed_receive(track: RemoteStreamTrack) -> Any:
        frame = await receive(track)
        if isinstance(frame, av.AudioFrame):
            log.audio(frame.pts, frame.sample_rate or 48_000, frame.samples)
        return frame

    vars(frame_marker)["draw"] = probed_draw
    vars(frame_marker)["read_frame"] = probed_read
    RemoteStreamTrack.recv = probed_receive  # type: ignore[method-assign,assignment]


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[2] != "--":
        print("usage: call_probe.py TRACE GRAIN_BITS -- OUTPOST-ARGS...", file=sys.stderr)
        return 2
    log = ProbeLog(Path(argv[0]))
    install(log, Grain(int(argv[1])))
    from outpost.cli import main as outpost_main

    try:
        return outpost_main(argv[3:])
    finally:
        log.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
