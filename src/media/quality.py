"""Per-call quality, sampled once a second (docs/calls.md has the JSON schema).

aiortc's stats hold no frame counts, frame rates or bitrates (DESIGN 5), so frames and
audio come from our own counters (`LocalMedia`, `RemoteMedia`, the playout buffer: audio
played vs expected is what the speaker got); bytes on the wire
from aiortc's transport counters; round-trip time, jitter and loss from its RTP stats and
the far end's RTCP reports. `QualityMeter.sample` is pure arithmetic over two snapshots;
`stats_snapshot` reads an `RTCStatsReport` into plain numbers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from outpost.media.local_media import SentCounts
from outpost.media.playout_buffer import CHUNK_MS, PlayoutCounts
from outpost.media.remote_media import ReceivedCounts

AUDIO_FRAME_S = 0.020  # what "an audio frame" means in every count here
CLOCK_RATES = {"audio": 48_000, "video": 90_000}
_NO_PLAYOUT = PlayoutCounts(0, 0, 0, 0, 0, None, None)


@dataclass(frozen=True)
class KindStats:
    """One kind's RTP figures from one stats report (cumulative since the session began)."""

    packets_received: int = 0
    packets_lost: int = 0
    jitter_ms: float | None = None
    rtt_ms: float | None = None  # from the far end's receiver reports on what we send
    sent_loss_fraction: float | None = None  # the far end's latest report (0..1)
    acknowledged: bool = False  # the far end reported receiving our packets


@dataclass(frozen=True)
class StatsSnapshot:
    bytes_sent: int = 0
    bytes_received: int = 0
    audio: KindStats = field(default_factory=KindStats)
    video: KindStats = field(default_factory=KindStats)


@dataclass(frozen=True)
class CountsSnapshot:
    """Everything `sample` needs at one instant (monotonic seconds)."""

    at: float
    session: int
    video_sent: SentCounts
    audio_sent: SentCounts
    received: ReceivedCounts
    stats: StatsSnapshot


@dataclass(frozen=True)
class QualitySample:
    """One second of a call. Rates are over the interval since the previous sample."""

    t_s: float  # seconds since the patient was admitted
    session: int
    fps_sent: float
    fps_received: float
    width_sent: int | None
    height_sent: int | None
    width_received: int | None
    height_received: int | None
    kbps_sent: float  # bytes on the wire (SRTP, RTCP included)
    kbps_received: float
    rtt_ms: float | None
    jitter_ms: float | None  # inbound audio
    loss_sent_pct: float | None  # the far end's report on our packets
    loss_received_pct: float | None  # what we miss of theirs
    audio_frames_played: int  # 20 ms frames of received audio played this interval
    audio_frames_expected: int  # 20 ms frames the speaker asked for
    ladder_step: str | None = None
    audio_concealed_ms: int | None = None  # played from concealment instead (None: no playout)
    audio_dropped_ms: int | None = None  # left out to bring the delay back down
    audio_delay_ms: float | None = None  # time the played audio waited in the jitter buffer
    audio_target_ms: int | None = None  # the jitter buffer's target delay


def _kind_stats(report: dict[str, Any], kind: str) -> KindStats:
    received = lost = 0
    jitter = rtt = loss = None
    acknowledged = False
    for stats in report.values():
        if getattr(stats, "kind", None) != kind:
            continue
        if stats.type == "inbound-rtp":
            received += stats.packetsReceived
            lost += max(stats.packetsLost, 0)
            jitter = stats.jitter / CLOCK_RATES[kind] * 1000
        elif stats.type == "remote-inbound-rtp":
            if stats.roundTripTime is not None:
                rtt = stats.roundTripTime * 1000
            loss = stats.fractionLost / 256
            acknowledged = acknowledged or stats.packetsReceived > 0
    return KindStats(received, lost, jitter, rtt, loss, acknowledged)


def stats_snapshot(report: dict[str, Any]) -> StatsSnapshot:
    """Plain numbers from aiortc's `RTCStatsReport` (transport bytes summed once each)."""
    transports = [stats for stats in report.values() if stats.type == "transport"]
    return StatsSnapshot(
        bytes_sent=sum(stats.bytesSent for stats in transports),
        bytes_received=sum(stats.bytesReceived for stats in transports),
        audio=_kind_stats(report, "audio"),
        video=_kind_stats(report, "video"),
    )


def _rate(now: int, before: int, seconds: float) -> float:
    return max(now - before, 0) / seconds if seconds > 0 else 0.0


def _loss_pct(now: KindStats, before: KindStats) -> float | None:
    received = now.packets_received - before.packets_received
    lost = now.packets_lost - before.packets_lost
    expected = received + lost
    if expected <= 0:
        return None
    return round(100.0 * max(lost, 0) / expected, 2)


def _worst(*values: float | None) -> float | None:
    present = [value for value in values if value is not None]
    return max(present) if present else None


def sample(
    previous: CountsSnapshot, now: CountsSnapshot, admitted_at: float, step: str | None = None
) -> QualitySample:
    """The interval between two snapshots as one sample. A new session resets the RTP
    and transport counters, so their deltas then start from zero."""
    seconds = now.at - previous.at
    base = previous.stats if previous.session == now.session else StatsSnapshot()
    stats = now.stats
    audio = _audio(previous.received, now.received, previous.at, now.at)
    return QualitySample(
        t_s=round(now.at - admitted_at, 3),
        session=now.session,
        fps_sent=round(_rate(now.video_sent.frames, previous.video_sent.frames, seconds), 2),
        fps_received=round(
            _rate(now.received.video_frames, previous.received.video_frames, seconds), 2
        ),
        width_sent=now.video_sent.width,
        height_sent=now.video_sent.height,
        width_received=now.received.width,
        height_received=now.received.height,
        kbps_sent=round(_rate(stats.bytes_sent, base.bytes_sent, seconds) * 8 / 1000, 1),
        kbps_received=round(
            _rate(stats.bytes_received, base.bytes_received, seconds) * 8 / 1000, 1
        ),
        rtt_ms=_rounded(_worst(stats.audio.rtt_ms, stats.video.rtt_ms)),
        jitter_ms=_rounded(stats.audio.jitter_ms),
        loss_sent_pct=_rounded(
            _percent(_worst(stats.audio.sent_loss_fraction, stats.video.sent_loss_fraction))
        ),
        loss_received_pct=_worst(
            _loss_pct(stats.audio, base.audio), _loss_pct(stats.video, base.video)
        ),
        audio_frames_played=audio.played,
        audio_frames_expected=audio.expected,
        ladder_step=step,
        audio_concealed_ms=audio.concealed_ms,
        audio_dropped_ms=audio.dropped_ms,
        audio_delay_ms=audio.delay_ms,
        audio_target_ms=audio.target_ms,
    )


@dataclass(frozen=True)
class AudioFigures:
    played: int  # 20 ms frames
    expected: int
    concealed_ms: int | None = None
    dropped_ms: int | None = None
    delay_ms: float | None = None
    target_ms: int | None = None


def _frames(chunks: int) -> int:
    return chunks * CHUNK_MS // round(AUDIO_FRAME_S * 1000)


def audio_totals(received: ReceivedCounts, now: float) -> AudioFigures:
    """The whole call's audio figures so far (`now` on the clock of `first_audio_at`)."""
    nothing = dataclasses.replace(
        received,
        audio_samples=0,
        playout=None if received.playout is None else _NO_PLAYOUT,
    )
    start = received.first_audio_at if received.first_audio_at is not None else now
    return _audio(nothing, received, start, now)


def _audio(before: ReceivedCounts, now: ReceivedCounts, start: float, end: float) -> AudioFigures:
    """Played vs expected: from the speaker's side (the playout buffer) when the call plays
    audio; else what arrived against the time since audio first arrived."""
    if now.playout is not None:
        last = before.playout or _NO_PLAYOUT
        return AudioFigures(
            played=_frames(now.playout.played) - _frames(last.played),
            expected=_frames(now.playout.expected) - _frames(last.expected),
            concealed_ms=(now.playout.concealed - last.concealed) * CHUNK_MS,
            dropped_ms=(now.playout.dropped - last.dropped) * CHUNK_MS,
            delay_ms=now.playout.delay_ms,
            target_ms=now.playout.target_ms,
        )
    played = (now.audio_samples - before.audio_samples) / (now.audio_rate * AUDIO_FRAME_S)
    expected = 0.0
    if now.first_audio_at is not None:
        expected = max(end - max(start, now.first_audio_at), 0.0) / AUDIO_FRAME_S
    return AudioFigures(round(played), round(expected))


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else fraction * 100


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
