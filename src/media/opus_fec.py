"""Opus decoding that recovers a lost packet from the in-band FEC of the one after it.

Our encoder turns on Opus in-band forward error correction on a lossy link
(`encoders.py`): each packet then also carries a coarser copy of the previous 20 ms (the
SILK "LBRR" frame). aiortc decodes Opus with PyAV, which never asks for that copy, so a
lost packet was always concealed. `FecOpusDecoder` calls libopus itself (through ctypes,
the copy PyAV ships or the system's): when a packet arrives after a gap and carries LBRR
data, the last lost frame is decoded from it and handed on before the packet's own audio.
The playout buffer places it by its timestamp and plays it if its time has not passed.
Frames the packet holds no copy of are left to the playout buffer's concealment (the
decoder's own loss concealment still runs on them, so its state stays as libopus wants).

aiortc makes each receiver's decoder with `aiortc.rtcrtpreceiver.get_decoder` on the
decoder thread; there is no per-receiver hook, so `install` wraps that function once for
the process: Opus gets `FecOpusDecoder`, every other codec aiortc's own decoder. It also
adds `useinbandfec=1` to the Opus line of our descriptions (aiortc's codec table), which
tells a browser at the far end that we decode FEC, so it sends it when it sees loss.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import av
import numpy as np
from aiortc import rtcrtpreceiver
from aiortc.codecs import CODECS
from aiortc.codecs.base import Decoder
from aiortc.codecs.opus import SAMPLE_RATE, TIME_BASE
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av.frame import Frame

logger = logging.getLogger(__name__)

CHANNELS = 2
MAX_FRAME_SAMPLES = 5760  # 120 ms, the longest Opus packet
GRANULE_SAMPLES = 120  # 2.5 ms: libopus decodes concealment in multiples of this
_PATCHED = "_outpost_fec"
_HOOK = "get_decoder"  # aiortc.rtcrtpreceiver's import of aiortc.codecs.get_decoder, 1.16


def _candidates() -> Iterator[str]:
    """The libopus PyAV's wheel ships (Linux, Windows, macOS), then the system's."""
    package = Path(av.__file__).resolve().parent
    for folder, pattern in (
        (package.parent / "av.libs", "*opus*.so*"),
        (package.parent / "av.libs", "*opus*.dll"),
        (package / ".dylibs", "*opus*.dylib"),
    ):
        yield from (str(path) for path in sorted(folder.glob(pattern)))
    system = ctypes.util.find_library("opus")
    if system:
        yield system


def load_libopus() -> ctypes.CDLL | None:
    """libopus with the calls FEC needs (`opus_packet_has_lbrr` came in 1.5), or None."""
    for candidate in _candidates():
        try:
            lib = ctypes.CDLL(candidate)
            has_lbrr = lib.opus_packet_has_lbrr
        except (OSError, AttributeError):
            continue
        lib.opus_decoder_create.restype = ctypes.c_void_p
        lib.opus_decoder_create.argtypes = [ctypes.c_int32, ctypes.c_int, ctypes.c_void_p]
        lib.opus_decoder_destroy.argtypes = [ctypes.c_void_p]
        lib.opus_decode.restype = ctypes.c_int
        lib.opus_decode.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int32,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
        ]
        has_lbrr.restype = ctypes.c_int
        has_lbrr.argtypes = [ctypes.c_char_p, ctypes.c_int32]
        lib.opus_packet_get_nb_samples.restype = ctypes.c_int
        lib.opus_packet_get_nb_samples.argtypes = [ctypes.c_char_p, ctypes.c_int32, ctypes.c_int32]
        return lib
    return None


class FecOpusDecoder(Decoder):
    """48 kHz stereo Opus, as aiortc's decoder, plus the last lost frame from FEC.

    Used on aiortc's decoder thread only (one instance per receiver)."""

    def __init__(self, lib: ctypes.CDLL) -> None:
        self._lib = lib
        error = ctypes.c_int(0)
        state = lib.opus_decoder_create(SAMPLE_RATE, CHANNELS, ctypes.byref(error))
        if not state or error.value != 0:
            raise av.FFmpegError(error.value, "libopus could not make a decoder")
        self._state: int = state
        self._pcm = (ctypes.c_int16 * (MAX_FRAME_SAMPLES * CHANNELS))()
        self._next: int | None = None  # the timestamp the next packet should have
        self.recovered = 0  # frames decoded from FEC
        self.unrecoverable = 0  # lost frames with no copy in the next packet

    def __del__(self) -> None:
        state, self._state = getattr(self, "_state", 0), 0
        if state:
            self._lib.opus_decoder_destroy(state)

    def decode(self, encoded_frame: JitterFrame) -> list[Frame]:
        data, timestamp = encoded_frame.data, encoded_frame.timestamp
        samples = self._lib.opus_packet_get_nb_samples(data, len(data), SAMPLE_RATE)
        if samples <= 0:
            logger.debug("Opus packet unreadable (%d)", samples)
            return []
        frames = self._recover(data, timestamp, samples)
        decoded = self._decode(data, MAX_FRAME_SAMPLES, fec=False)
        if decoded > 0:
            frames.append(self._frame(decoded, timestamp))
        self._next = (timestamp + samples) & 0xFFFFFFFF
        return frames

    def _recover(self, data: bytes, timestamp: int, samples: int) -> list[Frame]:
        """The lost frame just before `data` from its FEC copy, if it has one."""
        if self._next is None:
            return []
        missing = (timestamp - self._next) & 0xFFFFFFFF
        if missing == 0 or missing > MAX_FRAME_SAMPLES or missing % GRANULE_SAMPLES:
            return []  # in order, a new timeline, or a gap too long to bridge
        lost = missing // samples if missing % samples == 0 else 1
        if self._lib.opus_packet_has_lbrr(data, len(data)) != 1 or missing < samples:
            self.unrecoverable += lost
            self._decode(None, missing, fec=False)  # keep the decoder's state smooth
            return []
        # One call: concealment for the older part of the gap, FEC for the last frame.
        decoded = self._decode(data, missing, fec=True)
        if decoded != missing:
            self.unrecoverable += lost
            return []
        self.recovered += 1
        self.unrecoverable += lost - 1
        offset = (missing - samples) * CHANNELS
        pcm = np.ctypeslib.as_array(self._pcm)[offset : missing * CHANNELS]
        return [self._samples_frame(pcm, (timestamp - samples) & 0xFFFFFFFF)]

    def _decode(self, data: bytes | None, frame_samples: int, fec: bool) -> int:
        size = len(data) if data is not None else 0
        decoded: int = self._lib.opus_decode(
            self._state, data, size, self._pcm, frame_samples, int(fec)
        )
        if decoded < 0:
            logger.debug("libopus decode error %d", decoded)
        return decoded

    def _frame(self, decoded: int, timestamp: int) -> Frame:
        pcm = np.ctypeslib.as_array(self._pcm)[: decoded * CHANNELS]
        return self._samples_frame(pcm, timestamp)

    @staticmethod
    def _samples_frame(pcm: np.ndarray, timestamp: int) -> Frame:
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1).copy(), format="s16", layout="stereo")
        frame.sample_rate = SAMPLE_RATE
        frame.pts = timestamp
        frame.time_base = TIME_BASE
        return frame


def install() -> bool:
    """Decode every aiortc Opus receiver of this process with `FecOpusDecoder` (once);
    False if no usable libopus was found (aiortc's decoder stays, without FEC)."""
    current: Callable[[RTCRtpCodecParameters], Decoder] = getattr(rtcrtpreceiver, _HOOK)
    if getattr(current, _PATCHED, False):
        return True
    lib = load_libopus()
    if lib is None:
        logger.info("No libopus with FEC decoding found: lost audio packets are concealed")
        return False

    def get_decoder(codec: RTCRtpCodecParameters) -> Decoder:
        if codec.mimeType.lower() == "audio/opus":
            return FecOpusDecoder(lib)
        return current(codec)

    setattr(get_decoder, _PATCHED, True)
    setattr(rtcrtpreceiver, _HOOK, get_decoder)
    for codec in CODECS["audio"]:
        if codec.mimeType.lower() == "audio/opus":
            codec.parameters["useinbandfec"] = 1
    return True
