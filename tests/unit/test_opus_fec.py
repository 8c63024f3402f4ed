"""Opus FEC recovery on real speech (espeak-ng) encoded as our sender does on a lossy link:
lost packets come back from the next packet's copy, close to what the lost packet held."""

from __future__ import annotations

import asyncio
import ctypes
import random

import av
import numpy as np
import pytest
from aiortc import RTCPeerConnection, codecs, rtcrtpreceiver
from aiortc.codecs import CODECS
from aiortc.codecs.base import Decoder
from aiortc.codecs.opus import OpusDecoder
from aiortc.codecs.vpx import Vp8Decoder
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from outpost.media import opus_fec
from outpost.media.encoders import AdjustableOpusEncoder
from outpost.media.ladder import ORDER, SPECS
from outpost.media.opus_fec import FecOpusDecoder, load_libopus
from outpost.media.step_control import LOSSY_EXPECTED_PCT
from tests.audio_signals import FAR_TEXT, RATE, speech

FRAME = 960


def packets(expected_loss_pct: int, bitrate_bps: int = 24_000) -> list[JitterFrame]:
    """FAR_TEXT spoken, through our Opus encoder, as the receiver's frames (timestamps)."""
    voice = np.clip(speech(FAR_TEXT), -32768, 32767).astype(np.int16)
    encoder = AdjustableOpusEncoder(bitrate_bps, expected_loss_pct)
    out = []
    for index in range(len(voice) // FRAME):
        piece = voice[index * FRAME : (index + 1) * FRAME]
        frame = av.AudioFrame.from_ndarray(
            np.repeat(piece, 2).reshape(1, -1), format="s16", layout="stereo"
        )
        frame.sample_rate, frame.pts = RATE, index * FRAME
        payloads, timestamp = encoder.encode(frame)
        out += [JitterFrame(data, timestamp) for data in payloads]
    return out


@pytest.fixture(scope="module")
def lossy_packets() -> list[JitterFrame]:
    return packets(expected_loss_pct=10)


@pytest.fixture
def lib() -> ctypes.CDLL:
    found = load_libopus()
    assert found is not None, "PyAV's wheel ships libopus"
    return found


def decode_all(decoder: Decoder, frames: list[JitterFrame]) -> dict[int, np.ndarray]:
    """Every decoded frame by timestamp (later copies do not replace earlier ones)."""
    out: dict[int, np.ndarray] = {}
    for encoded in frames:
        for frame in decoder.decode(encoded):
            assert isinstance(frame, av.AudioFrame)
            assert frame.pts is not None
            out.setdefault(frame.pts, frame.to_ndarray().reshape(-1))
    return out


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.astype(np.float64), b.astype(np.float64)
    if not a.any() or not b.any():
        return 1.0 if not a.any() and not b.any() else 0.0
    return float(np.corrcoef(a, b)[0, 1])


def test_every_steps_lossy_opus_rate_carries_fec(lib: ctypes.CDLL) -> None:
    """What the ladder sends on a lossy link: a copy in most packets of speech, at every
    step (below about 18 kbit/s libopus leaves FEC out of stereo speech)."""
    for step in ORDER:
        sent = packets(LOSSY_EXPECTED_PCT, SPECS[step].opus_lossy_kbps * 1000)
        with_copy = sum(lib.opus_packet_has_lbrr(p.data, len(p.data)) == 1 for p in sent)
        assert with_copy >= 0.6 * len(sent), (step, with_copy, len(sent))


def test_without_loss_it_decodes_as_aiortc_does(
    lossy_packets: list[JitterFrame], lib: ctypes.CDLL
) -> None:
    ours = decode_all(FecOpusDecoder(lib), lossy_packets)
    theirs = decode_all(OpusDecoder(), lossy_packets)
    assert sorted(ours) == sorted(theirs)
    assert all(np.array_equal(ours[pts], theirs[pts]) for pts in ours)


def test_five_percent_loss_comes_back_from_the_next_packets_copy(
    lossy_packets: list[JitterFrame], lib: ctypes.CDLL
) -> None:
    clean = decode_all(FecOpusDecoder(lib), lossy_packets)
    chance = random.Random(5)
    lost = {i for i in range(1, len(lossy_packets) - 1) if chance.random() < 0.05}
    lost -= {i + 1 for i in lost}  # single losses: the packet after each one arrives
    decoder = FecOpusDecoder(lib)
    got = decode_all(decoder, [p for i, p in enumerate(lossy_packets) if i not in lost])
    lost_pts = {lossy_packets[i].timestamp for i in lost}
    back = lost_pts & set(got)
    assert len(lost) >= 5
    # Silent stretches carry no copy; speech does (about 80% of this sentence).
    assert len(back) >= 0.6 * len(lost), (len(back), len(lost))
    assert decoder.recovered == len(back)
    assert decoder.recovered + decoder.unrecoverable == len(lost)
    assert all(len(got[pts]) == FRAME * 2 for pts in back)
    similar = [correlation(got[pts], clean[pts]) for pts in back]
    assert float(np.median(similar)) > 0.7, similar


def test_a_burst_brings_back_only_the_last_lost_frame(
    lossy_packets: list[JitterFrame], lib: ctypes.CDLL
) -> None:
    decoder = FecOpusDecoder(lib)
    speaking = next(
        i
        for i in range(10, len(lossy_packets) - 4)
        if all(lib.opus_packet_has_lbrr(p.data, len(p.data)) == 1 for p in lossy_packets[i : i + 4])
    )
    kept = lossy_packets[:speaking] + lossy_packets[speaking + 3 :]
    got = decode_all(decoder, kept)
    missing = [p.timestamp for p in lossy_packets[speaking : speaking + 3]]
    assert [pts in got for pts in missing] == [False, False, True]
    assert (decoder.recovered, decoder.unrecoverable) == (1, 2)


def test_without_fec_in_the_stream_nothing_is_made_up(lib: ctypes.CDLL) -> None:
    plain = packets(expected_loss_pct=0)
    decoder = FecOpusDecoder(lib)
    kept = plain[:50] + plain[51:]
    got = decode_all(decoder, kept)
    assert plain[50].timestamp not in got
    assert (decoder.recovered, decoder.unrecoverable) == (0, 1)


def test_a_new_timeline_is_not_taken_for_loss(
    lossy_packets: list[JitterFrame], lib: ctypes.CDLL
) -> None:
    decoder = FecOpusDecoder(lib)
    decode_all(decoder, lossy_packets[:40])
    restarted = [JitterFrame(p.data, p.timestamp + 10 * RATE) for p in lossy_packets[40:60]]
    backwards = [JitterFrame(p.data, p.timestamp) for p in lossy_packets[:5]]
    decode_all(decoder, restarted + backwards)
    assert (decoder.recovered, decoder.unrecoverable) == (0, 0)


def test_install_gives_opus_receivers_the_fec_decoder_and_offers_say_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # aiortc's own function, whether or not an earlier call in this process installed ours
    get_decoder = codecs.get_decoder
    monkeypatch.setattr(rtcrtpreceiver, "get_decoder", get_decoder)
    for codec in CODECS["audio"]:
        monkeypatch.setattr(codec, "parameters", dict(codec.parameters))
    assert opus_fec.install()
    assert opus_fec.install()  # once is enough: the second call finds it done
    opus = RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48000, channels=2)
    vp8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000)
    installed = rtcrtpreceiver.__dict__["get_decoder"]
    assert installed is not get_decoder
    assert isinstance(installed(opus), FecOpusDecoder)
    assert isinstance(installed(vp8), Vp8Decoder)

    async def offer() -> str:
        pc = RTCPeerConnection()
        pc.addTransceiver("audio")
        await pc.setLocalDescription(await pc.createOffer())
        await pc.close()
        return str(pc.localDescription.sdp)

    fmtp = [line for line in asyncio.run(offer()).splitlines() if line.startswith("a=fmtp:96")]
    assert fmtp == ["a=fmtp:96 useinbandfec=1"]
