"""aiortc's audio receiver without its packet-count jitter buffer.

aiortc 1.16 holds audio packets in a `JitterBuffer(capacity=16, prefetch=4)`: a frame is
released only once four later ones are in, and a lost packet blocks everything behind it
until 16 packets have piled up, which are then partly thrown away. At 5% loss that
dropped about 26% of the audio and added about 210 ms for good (DESIGN 5). Our
`PlayoutBuffer` does this job by time, after decoding, so the receiver should hand every
packet on at once: `InOrderPassThrough` stands in for aiortc's buffer. It keeps only the
order aiortc's timestamp mapper needs (a packet older than the newest one passed on is
taken for a 32-bit timestamp wrap there), so a reordered packet is dropped here and
concealed later, like a lost one.
"""

from __future__ import annotations

from aiortc import RTCPeerConnection
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtp import RtpPacket
from aiortc.utils import uint16_add

MAX_MISORDER = 100  # as aiortc: a packet this far behind means the sender started over
_RECEIVER_BUFFER = "_RTCRtpReceiver__jitter_buffer"  # RTCRtpReceiver.__jitter_buffer, 1.16


class InOrderPassThrough:
    """Each audio packet is one frame (Opus): passed on as it arrives, in sequence order."""

    capacity = 1

    def __init__(self) -> None:
        self._last: int | None = None
        self.passed = 0
        self.out_of_order = 0

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        sequence = packet.sequence_number
        if self._last is not None:
            behind = uint16_add(self._last, -sequence)
            if behind < 0x8000 and behind < MAX_MISORDER:  # a duplicate or reordered packet
                self.out_of_order += 1
                return False, None
        self._last = sequence
        self.passed += 1
        data: bytes = packet._data  # type: ignore[attr-defined]  # set by the receiver
        return False, JitterFrame(data=data, timestamp=packet.timestamp)


def pass_audio_through(pc: RTCPeerConnection) -> int:
    """Give every audio receiver of `pc` an `InOrderPassThrough` (call once its
    transceivers exist, before media flows); the number of receivers changed."""
    changed = 0
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "audio":
            setattr(transceiver.receiver, _RECEIVER_BUFFER, InOrderPassThrough())
            changed += 1
    return changed
