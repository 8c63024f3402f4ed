"""`CallMeter`: samples one call's quality every second and builds its `CallRecord`.

It reads our own counters (`LocalMedia`, `RemoteMedia`) and the current peer
connection's stats, remembers whether the far end ever acknowledged our audio and video
(RTCP receiver reports), and keeps the renegotiations and ladder steps with their times.
Samples are kept in a bounded buffer (a day of them); listeners (the store, a UI) get
each one as it is made.
"""

from __future__ import annotations

import collections
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from outpost.media import quality
from outpost.media.call_record import (
    CallRecord,
    CallSummary,
    EndReason,
    Renegotiation,
    RenegotiationReason,
    StepChange,
)
from outpost.media.local_media import LocalMedia
from outpost.media.peer import Peer
from outpost.media.quality import AUDIO_FRAME_S, CountsSnapshot, QualitySample, StatsSnapshot
from outpost.media.remote_media import RemoteMedia

MAX_SAMPLES = 24 * 3600
SampleListener = Callable[[QualitySample], None]


class CallMeter:
    def __init__(
        self,
        local: LocalMedia,
        remote: RemoteMedia,
        *,
        role: str,
        appointment: str | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.call_id = str(uuid.uuid4())
        self._local = local
        self._remote = remote
        self._role = role
        self._appointment = appointment
        self._clock = clock
        self._joined_at = clock()
        self._started_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        self.admitted_at: float | None = None
        self._previous: CountsSnapshot | None = None
        self._samples: collections.deque[QualitySample] = collections.deque(maxlen=MAX_SAMPLES)
        self._renegotiations: list[Renegotiation] = []
        self._steps: list[StepChange] = []
        self._acknowledged = {"audio": False, "video": False}
        self.ladder_step: str | None = None
        self.listeners: list[SampleListener] = []

    # -- events ------------------------------------------------------------------------

    def admitted(self) -> None:
        if self.admitted_at is None:
            self.admitted_at = self._clock()

    def since_admitted(self) -> float:
        return 0.0 if self.admitted_at is None else self._clock() - self.admitted_at

    def renegotiated(
        self,
        session: int,
        reason: RenegotiationReason,
        *,
        stun: str | None = None,
        turn: str | None = None,
    ) -> None:
        self._renegotiations.append(
            Renegotiation(round(self.since_admitted(), 3), session, reason, stun, turn)
        )

    def stepped(self, step_from: str, step_to: str, reason: str) -> None:
        """The ladder's seam: record a step change (and the step now in force)."""
        self._steps.append(StepChange(round(self.since_admitted(), 3), step_from, step_to, reason))
        self.ladder_step = step_to

    @property
    def acknowledged(self) -> bool:
        """The far end has reported receiving our audio and our video (RTCP)."""
        return self._acknowledged["audio"] and self._acknowledged["video"]

    @property
    def flowed_both_ways(self) -> bool:
        """Pictures and sound arrived, and the far end confirmed ours arrived."""
        received = self._remote.counts()
        return received.video_frames > 0 and received.audio_frames > 0 and self.acknowledged

    @property
    def reconnects(self) -> int:
        return sum(
            1 for item in self._renegotiations if item.reason is not RenegotiationReason.FIRST
        )

    @property
    def samples(self) -> tuple[QualitySample, ...]:
        return tuple(self._samples)

    # -- sampling ----------------------------------------------------------------------

    async def tick(self, peer: Peer | None) -> QualitySample | None:
        """Take one snapshot; a sample once admitted and a previous snapshot exists."""
        stats = quality.stats_snapshot(await peer.stats()) if peer is not None else StatsSnapshot()
        for kind, kind_stats in (("audio", stats.audio), ("video", stats.video)):
            self._acknowledged[kind] = self._acknowledged[kind] or kind_stats.acknowledged
        now = CountsSnapshot(
            at=self._clock(),
            session=peer.session if peer is not None else 0,
            video_sent=self._local.counts("video"),
            audio_sent=self._local.counts("audio"),
            received=self._remote.counts(),
            stats=stats,
        )
        previous, self._previous = self._previous, now
        if previous is None or self.admitted_at is None:
            return None
        made = quality.sample(previous, now, self.admitted_at, self.ladder_step)
        self._samples.append(made)
        for listener in self.listeners:
            listener(made)
        return made

    # -- the record --------------------------------------------------------------------

    def record(self, ended: EndReason) -> CallRecord:
        now = self._clock()
        received = self._remote.counts()
        video_sent, audio_sent = self._local.counts("video"), self._local.counts("audio")
        audio = quality.audio_totals(received, now)
        flowed = self.flowed_both_ways
        summary = CallSummary(
            call_id=self.call_id,
            role=self._role,
            appointment=self._appointment,
            started_at=self._started_at,
            admitted_after_s=_round(self._after(self._joined_at, self.admitted_at), 3),
            duration_s=round(self.since_admitted(), 3),
            ended=ended,
            sessions=len(self._renegotiations),
            reconnects=self.reconnects,
            admit_to_first_video_ms=_ms(self._after(self.admitted_at, received.first_video_at)),
            admit_to_first_audio_ms=_ms(self._after(self.admitted_at, received.first_audio_at)),
            video_frames_sent=video_sent.frames,
            video_frames_received=received.video_frames,
            audio_frames_sent=round(audio_sent.audio_s / AUDIO_FRAME_S),
            audio_frames_played=audio.played,
            audio_frames_expected=audio.expected,
            outbound_audio_acknowledged=self._acknowledged["audio"],
            outbound_video_acknowledged=self._acknowledged["video"],
            media_flowed_both_ways=flowed,
            markers_read=received.markers_read,
            audio_concealed_ms=audio.concealed_ms,
            audio_dropped_ms=audio.dropped_ms,
        )
        return CallRecord(summary, self.samples, tuple(self._renegotiations), tuple(self._steps))

    @staticmethod
    def _after(start: float | None, end: float | None) -> float | None:
        return None if start is None or end is None else end - start


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)
