"""H.264 for calls that need it, at a preset a clinic PC can afford.

aiortc 1.16's `H264Encoder` runs libx264 at its default preset (`medium`) with only
`tune=zerolatency`: 4-10x the CPU of `veryfast` for a picture a call does not need
(DESIGN 5). `FastH264Encoder` is the same encoder (Constrained Baseline, level 3.1, no
B-frames, aiortc's packetization) at `preset=veryfast`, `tune=zerolatency`. Like
`BoundedVp8Encoder` it keeps the target within bounds the application sets (aiortc's own
floor is 500 kbit/s). `use_fast_h264` installs it on a peer connection's H.264 senders
after negotiation (aiortc makes its encoder lazily and has no public hook).
"""

from __future__ import annotations

import fractions
from collections.abc import Iterator

import av
from aiortc import RTCPeerConnection
from aiortc.codecs.h264 import MAX_FRAME_RATE, H264Encoder

from outpost.media.encoders import attach_encoder

PRESET = "veryfast"
H264_FLOOR_BPS = 100_000
H264_CEILING_BPS = 3_000_000


class FastH264Encoder(H264Encoder):
    def __init__(
        self,
        ceiling_bps: int = 1_000_000,
        floor_bps: int = H264_FLOOR_BPS,
        preset: str = PRESET,
    ) -> None:
        super().__init__()
        self.preset = preset
        self.floor_bps = floor_bps
        self.ceiling_bps = ceiling_bps
        self.remote_estimate_bps: int | None = None
        self._target = ceiling_bps

    @property
    def target_bitrate(self) -> int:
        return self._target

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        # aiortc calls this with the receiver's estimate (REMB).
        self.remote_estimate_bps = bitrate
        self._target = self._bounded(bitrate)

    def set_bounds(self, ceiling_bps: int, floor_bps: int | None = None) -> None:
        self.floor_bps = max(H264_FLOOR_BPS, floor_bps if floor_bps is not None else self.floor_bps)
        self.ceiling_bps = max(self.floor_bps, min(ceiling_bps, H264_CEILING_BPS))
        wanted = self.remote_estimate_bps if self.remote_estimate_bps is not None else ceiling_bps
        self._target = self._bounded(wanted)

    def _bounded(self, bitrate: int) -> int:
        return max(self.floor_bps, min(int(bitrate), self.ceiling_bps))

    def _encode_frame(self, frame: av.VideoFrame, force_keyframe: bool) -> Iterator[bytes]:
        # As aiortc's, with the preset: a new context when the size or the rate (> 10%)
        # changes, a forced I picture on request.
        codec = self.codec
        if codec is not None and (
            frame.width != codec.width
            or frame.height != codec.height
            or abs(self._target - (codec.bit_rate or 1)) > 0.1 * (codec.bit_rate or 1)
        ):
            self.buffer_data = b""
            self.buffer_pts = None
            self.codec = codec = None
        frame.pict_type = (
            av.video.frame.PictureType.I if force_keyframe else av.video.frame.PictureType.NONE
        )
        if codec is None:
            codec = self.codec = self._open(frame.width, frame.height)
        data = b"".join(bytes(packet) for packet in codec.encode(frame))
        if data:
            yield from self._split_bitstream(data)

    def _open(self, width: int, height: int) -> av.VideoCodecContext:
        codec = av.CodecContext.create("libx264", "w")
        codec.width = width
        codec.height = height
        codec.bit_rate = self._target
        codec.pix_fmt = "yuv420p"
        codec.framerate = fractions.Fraction(MAX_FRAME_RATE, 1)
        codec.time_base = fractions.Fraction(1, MAX_FRAME_RATE)
        codec.options = {"level": "31", "tune": "zerolatency", "preset": self.preset}
        codec.profile = "Baseline"
        return codec


def use_fast_h264(pc: RTCPeerConnection, ceiling_bps: int = 1_000_000) -> list[FastH264Encoder]:
    """Give every sender of `pc` that negotiated H.264 a `FastH264Encoder` (call once
    offer and answer are applied, before the first frame)."""
    installed = []
    for transceiver in pc.getTransceivers():
        codecs = transceiver._codecs  # the negotiated ones (aiortc 1.16)
        mime = codecs[0].mimeType.lower() if codecs else ""
        if mime == "video/h264" and transceiver.sender.track is not None:
            encoder = FastH264Encoder(ceiling_bps)
            attach_encoder(transceiver.sender, encoder)
            installed.append(encoder)
    return installed
