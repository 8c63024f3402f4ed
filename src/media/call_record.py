"""The quality record of one call: a summary, the per-second samples, the renegotiations
and the ladder's step changes, as frozen values and as JSON (schema in docs/calls.md)."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass
from typing import Any

from outpost.media.quality import QualitySample

SCHEMA_VERSION = 1


class EndReason(enum.Enum):
    HUNG_UP = "hung-up"  # this side ended it (or its duration ran out)
    REMOTE_BYE = "remote-bye"  # the other side said bye
    SIGNALING_CLOSED = "signaling-closed"  # the room refused or replaced us
    FAILED = "failed"


class RenegotiationReason(enum.Enum):
    FIRST = "first"  # the call's first peer connection (not a reconnection)
    ICE_FAILED = "ice-failed"
    CONNECT_TIMEOUT = "connect-timeout"  # a new connection did not come up in time
    MEDIA_STALLED = "media-stalled"  # nothing arrived for a few seconds
    SIGNALING_RECONNECTED = "signaling-reconnected"
    PEER_REJOINED = "peer-rejoined"  # the other side's socket came back
    STALE_SESSION = "stale-session"  # the room had a newer session than ours
    REMOTE_OFFER = "remote-offer"  # patient side: the clinician started a new session
    NO_RELAY = "no-relay"  # relay-only: the TURN server gave no relay candidate; the next one


@dataclass(frozen=True)
class Renegotiation:
    t_s: float
    session: int
    reason: RenegotiationReason
    stun: str | None = None  # the STUN and TURN server this connection used (URLs only)
    turn: str | None = None


@dataclass(frozen=True)
class StepChange:
    """A move on the step-down ladder (filled in by the ladder)."""

    t_s: float
    step_from: str
    step_to: str
    reason: str


@dataclass(frozen=True)
class CallSummary:
    call_id: str
    role: str  # clinician | patient
    appointment: str | None
    started_at: str  # UTC ISO 8601, when this side joined the room
    admitted_after_s: float | None  # from joining to the admission
    duration_s: float  # from the admission to the end
    ended: EndReason
    sessions: int  # peer connections used
    reconnects: int  # renegotiations after the first
    admit_to_first_video_ms: float | None
    admit_to_first_audio_ms: float | None
    video_frames_sent: int
    video_frames_received: int
    audio_frames_sent: int  # 20 ms frames
    audio_frames_played: int  # of received audio, by the speaker (see quality.py)
    audio_frames_expected: int
    outbound_audio_acknowledged: bool  # the far end's RTCP reports say ours arrived
    outbound_video_acknowledged: bool
    media_flowed_both_ways: bool
    markers_read: int = 0  # synthetic frame numbers legible in received video
    audio_concealed_ms: int | None = None  # the speaker got concealment instead of audio
    audio_dropped_ms: int | None = None  # received audio left out to keep the delay down


@dataclass(frozen=True)
class CallRecord:
    summary: CallSummary
    samples: tuple[QualitySample, ...]
    renegotiations: tuple[Renegotiation, ...]
    step_changes: tuple[StepChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "summary": plain(self.summary),
            "samples": [plain(sample) for sample in self.samples],
            **self.events(),
        }

    def events(self) -> dict[str, Any]:
        """What happened during the call besides the samples, as JSON."""
        return {
            "renegotiations": [plain(item) for item in self.renegotiations],
            "step_changes": [plain(item) for item in self.step_changes],
        }


def plain(value: Any) -> dict[str, Any]:
    """A record's dataclass (summary, sample, event) as a JSON object."""
    data = dataclasses.asdict(value)
    return {key: item.value if isinstance(item, enum.Enum) else item for key, item in data.items()}
