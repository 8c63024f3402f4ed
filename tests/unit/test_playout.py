"""`Playout`: decoded aiortc frames in, the speaker's 10 ms out, and the echo canceller's
far-end reference fed with exactly what the speaker got (concealment included); aiortc's
receiver handing audio packets on at once, in order."""

from __future__ import annotations

import fractions

import av
import numpy as np
from aiortc.rtp import RtpPacket

from outpost.media.audio_processing import CHUNK_SAMPLES, SAMPLE_RATE, Samples
from outpost.media.audio_receiver import InOrderPassThrough
from outpost.media.playout import Playout
from outpost.media.processed_track import FarEndReference

FRAME = 2 * CHUNK_SAMPLES


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def stereo_frame(samples: Samples, pts: int) -> av.AudioFrame:
    """As aiortc's Opus decoder gives them: packed s16 stereo, pts = RTP timestamp."""
    interleaved = np.repeat(samples, 2).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(interleaved, format="s16", layout="stereo")
    frame.sample_rate = SAMPLE_RATE
    frame.time_base = fractions.Fraction(1, SAMPLE_RATE)
    frame.pts = pts
    return frame


def ramp(start: int, count: int = FRAME) -> Samples:
    values: Samples = ((start + np.arange(count)) % 20_000).astype(np.int16)
    return values


def test_the_speaker_gets_the_audio_and_the_echo_canceller_the_same() -> None:
    clock = Clock()
    reference = FarEndReference()
    playout = Playout(reference, clock=clock)
    played = []
    for step in range(24):  # 10 ms steps; a packet every 20 ms, the speaker every 10 ms
        clock.now = step / 100
        seq = step // 2
        if step % 2 == 0 and seq < 10 and seq != 4:  # one packet lost
            playout.push(stereo_frame(ramp(seq * FRAME), seq * FRAME), stream=1)
        played.append(playout.read())
    heard = np.concatenate(played)
    fed = np.concatenate([reference.pop_chunk() for _ in range(len(played))])
    assert np.array_equal(heard, fed)  # silence before the start, concealment: all of it
    start = next(i for i, chunk in enumerate(played) if np.array_equal(chunk, ramp(0, 480)))
    assert np.array_equal(np.concatenate(played[start : start + 8]), ramp(0, 8 * CHUNK_SAMPLES))
    counts = playout.counts()
    # all 9 packets played; the lost one and the 20 ms after the last one concealed
    assert (counts.played, counts.concealed) == (18, 4)
    assert reference.counts.silent_chunks == 0


def test_read_bytes_is_48k_mono_s16le() -> None:
    clock = Clock()
    playout = Playout(clock=clock)
    for seq in range(4):
        playout.push(stereo_frame(ramp(seq * FRAME), seq * FRAME), stream=1, arrival=seq / 50)
    clock.now = 0.1
    data = playout.read_bytes(20)
    assert len(data) == 2 * 2 * CHUNK_SAMPLES
    assert np.array_equal(np.frombuffer(data, "<i2"), ramp(0, 2 * CHUNK_SAMPLES))


def test_nothing_arrived_means_silence_and_nothing_expected() -> None:
    playout = Playout(clock=Clock())
    assert not np.any(playout.read(20))
    assert playout.counts().expected == 0


def _packet(sequence: int) -> RtpPacket:
    packet = RtpPacket(payload_type=111, sequence_number=sequence, timestamp=sequence * 960)
    packet._data = bytes([sequence % 256])  # type: ignore[attr-defined]
    return packet


def test_the_receiver_hands_each_audio_packet_on_at_once() -> None:
    buffer = InOrderPassThrough()
    passed = []
    for sequence in (65534, 65535, 0, 2, 1, 2, 3, 5000):
        _, frame = buffer.add(_packet(sequence))
        passed.append(None if frame is None else frame.timestamp // 960)
    # a lost packet holds nothing back; late and duplicate ones are dropped; a jump passes
    assert passed == [65534, 65535, 0, 2, None, None, 3, 5000]
    assert buffer.out_of_order == 2
    restart = buffer.add(_packet(100))[1]  # far behind: the sender started over
    assert restart is not None
