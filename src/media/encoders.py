"""aiortc encoders whose bitrate the ladder can set while a call runs.

aiortc 1.16 clamps VP8 to 250-1500 kbit/s (`vpx.MIN_BITRATE`, too high for a thin link)
and fixes Opus at 96 kbit/s. `BoundedVp8Encoder` takes the ladder's ceiling (and a floor
down to 30 kbit/s): the receiver's estimate (REMB), which aiortc writes to
`target_bitrate`, is kept as `remote_estimate_bps` and clamped into the bounds. The
VP8 codec context is rebuilt, as aiortc does, when the target moves by more than 10%:
that costs one key frame. `AdjustableOpusEncoder` rebuilds its Opus context when its
target or in-band FEC setting changes (libopus' settings are fixed once it is open); its
first packet after that comes one frame (20 ms) late, which the far end conceals.

`attach_encoder` puts one on an `RTCRtpSender`: aiortc makes its encoder lazily from
the negotiated codec and keeps it in a private attribute; there is no public hook.
"""

from __future__ import annotations

import fractions

from aiortc import RTCRtpSender
from aiortc.codecs.base import Encoder
from aiortc.codecs.opus import SAMPLE_RATE, OpusEncoder
from aiortc.codecs.vpx import Vp8Encoder
from av import AudioCodecContext, CodecContext
from av.frame import Frame

VP8_FLOOR_BPS = 30_000
VP8_CEILING_BPS = 1_500_000
OPUS_MIN_BPS = 6_000
OPUS_MAX_BPS = 128_000
_SENDER_ENCODER = "_RTCRtpSender__encoder"  # RTCRtpSender.__encoder, aiortc 1.16


class BoundedVp8Encoder(Vp8Encoder):
    """VP8 whose target stays within bounds the application sets (the ladder's ceiling)."""

    def __init__(self, ceiling_bps: int = 500_000, floor_bps: int = VP8_FLOOR_BPS) -> None:
        super().__init__()
        self.floor_bps = floor_bps
        self.ceiling_bps = ceiling_bps
        self.remote_estimate_bps: int | None = None
        self.bytes_encoded = 0  # payload bytes out of the encoder, for the ladder's rate
        self._apply(ceiling_bps)

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        payloads, timestamp = super().encode(frame, force_keyframe)
        self.bytes_encoded += sum(len(payload) for payload in payloads)
        return payloads, timestamp

    @property
    def target_bitrate(self) -> int:
        value: int = self._Vp8Encoder__target_bitrate
        return value

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        # aiortc calls this with the receiver's estimate (REMB).
        self.remote_estimate_bps = bitrate
        self._apply(bitrate)

    def set_bounds(self, ceiling_bps: int, floor_bps: int | None = None) -> None:
        """New bounds; the target follows the receiver's estimate within them."""
        self.floor_bps = max(VP8_FLOOR_BPS, floor_bps if floor_bps is not None else self.floor_bps)
        self.ceiling_bps = max(self.floor_bps, min(ceiling_bps, VP8_CEILING_BPS))
        wanted = self.remote_estimate_bps if self.remote_estimate_bps is not None else ceiling_bps
        self._apply(wanted)

    def _apply(self, bitrate: int) -> None:
        bounded = max(self.floor_bps, min(int(bitrate), self.ceiling_bps))
        # Vp8Encoder.encode reads this name for the rate and the buffer size.
        self._Vp8Encoder__target_bitrate = bounded


class AdjustableOpusEncoder(OpusEncoder):
    """Opus at a bitrate (and in-band FEC for an expected loss) that may change mid-call."""

    def __init__(self, bitrate_bps: int = 48_000, expected_loss_pct: int = 0) -> None:
        super().__init__()
        self.target_bitrate = bitrate_bps
        self.expected_loss_pct = expected_loss_pct
        self.rebuilds = 0
        self._open = (-1, -1)

    @property
    def target_bitrate(self) -> int:
        return self._target

    @target_bitrate.setter
    def target_bitrate(self, bitrate: int) -> None:
        self._target = max(OPUS_MIN_BPS, min(int(bitrate), OPUS_MAX_BPS))

    def encode(self, frame: Frame, force_keyframe: bool = False) -> tuple[list[bytes], int]:
        wanted = (self._target, self.expected_loss_pct)
        if wanted != self._open:
            if self._open != (-1, -1):
                self.rebuilds += 1
            self.codec = _opus_context(*wanted)
            self._open = wanted
        return super().encode(frame, force_keyframe)


def _opus_context(bitrate_bps: int, expected_loss_pct: int) -> AudioCodecContext:
    """A libopus encoder set up as aiortc's, at our bitrate; FEC when loss is expected."""
    codec = CodecContext.create("libopus", "w")
    codec.bit_rate = bitrate_bps
    codec.format = "s16"
    codec.layout = "stereo"
    codec.sample_rate = SAMPLE_RATE
    codec.time_base = fractions.Fraction(1, SAMPLE_RATE)
    options = {"application": "voip"}
    if expected_loss_pct > 0:
        options |= {"fec": "1", "packet_loss": str(min(expected_loss_pct, 100))}
    codec.options = options
    return codec


def attach_encoder(sender: RTCRtpSender, encoder: Encoder) -> None:
    """Make `sender` encode with `encoder` from its next frame on.

    Call it after negotiation, once the codec is known (VP8 or Opus), and again if the
    sender restarts. A VP8 encoder swapped in mid-stream starts with a key frame.
    """
    setattr(sender, _SENDER_ENCODER, encoder)


def attached_encoder(sender: RTCRtpSender) -> Encoder | None:
    """The encoder `sender` uses now (None until its first frame or after it stopped)."""
    encoder: Encoder | None = getattr(sender, _SENDER_ENCODER, None)
    return encoder
