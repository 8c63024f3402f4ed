"""Quality arithmetic: rates over an interval, a new session resetting RTP counters,
loss, RTT and jitter in the units the record documents, audio played vs expected."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

from aiortc.stats import (
    RTCInboundRtpStreamStats,
    RTCRemoteInboundRtpStreamStats,
    RTCTransportStats,
)

from outpost.media.local_media import SentCounts
from outpost.media.quality import (
    CountsSnapshot,
    KindStats,
    StatsSnapshot,
    sample,
    stats_snapshot,
)
from outpost.media.remote_media import ReceivedCounts
from outpost.media.step_control import held_by_estimate, link_sample

NOW = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _received(video: int, audio_samples: int, first_audio: float | None = 0.0) -> ReceivedCounts:
    return ReceivedCounts(
        video_frames=video,
        audio_frames=audio_samples // 960,
        audio_samples=audio_samples,
        audio_rate=48_000,
        width=640,
        height=480,
        first_video_at=0.0,
        first_audio_at=first_audio,
        last_marker=None,
        markers_read=0,
    )


def _snapshot(
    at: float,
    *,
    session: int = 1,
    sent_video: int = 0,
    received: ReceivedCounts | None = None,
    stats: StatsSnapshot | None = None,
) -> CountsSnapshot:
    return CountsSnapshot(
        at=at,
        session=session,
        video_sent=SentCounts(sent_video, 0.0, 640, 480, 0.0),
        audio_sent=SentCounts(0, 0.0, None, None, None),
        received=received or _received(0, 0, None),
        stats=stats or StatsSnapshot(),
    )


def test_rates_and_audio_over_one_interval() -> None:
    before = _snapshot(
        10.0,
        sent_video=300,
        received=_received(290, 48_000 * 10),
        stats=StatsSnapshot(1_000_000, 2_000_000),
    )
    after = _snapshot(
        12.0,
        sent_video=360,
        received=_received(340, 48_000 * 10 + 96_000 - 960 * 5),  # 5 frames missing
        stats=StatsSnapshot(1_100_000, 2_050_000),
    )
    made = sample(before, after, admitted_at=2.0, step="640x480@30")
    assert made.t_s == 10.0
    assert made.fps_sent == 30.0
    assert made.fps_received == 25.0
    assert made.kbps_sent == 400.0  # 100 kB in 2 s
    assert made.kbps_received == 200.0
    assert (made.audio_frames_played, made.audio_frames_expected) == (95, 100)
    assert made.ladder_step == "640x480@30"
    assert (made.width_received, made.height_received) == (640, 480)


def test_a_new_session_counts_its_bytes_from_zero() -> None:
    before = _snapshot(1.0, session=1, stats=StatsSnapshot(5_000_000, 5_000_000))
    after = _snapshot(2.0, session=2, stats=StatsSnapshot(12_500, 25_000))
    made = sample(before, after, admitted_at=0.0)
    assert made.session == 2
    assert made.kbps_sent == 100.0
    assert made.kbps_received == 200.0


def test_no_audio_yet_expects_none_and_loss_is_unknown() -> None:
    made = sample(_snapshot(1.0), _snapshot(2.0), admitted_at=0.0)
    assert (made.audio_frames_played, made.audio_frames_expected) == (0, 0)
    assert made.loss_received_pct is None
    assert made.rtt_ms is None


def test_loss_is_the_worse_kind_over_the_interval() -> None:
    def stats(audio: tuple[int, int], video: tuple[int, int]) -> StatsSnapshot:
        return StatsSnapshot(
            audio=KindStats(packets_received=audio[0], packets_lost=audio[1]),
            video=KindStats(packets_received=video[0], packets_lost=video[1]),
        )

    before = _snapshot(1.0, stats=stats((100, 0), (1000, 10)))
    after = _snapshot(2.0, stats=stats((145, 5), (1990, 20)))  # audio 10 %, video 1 %
    assert sample(before, after, admitted_at=0.0).loss_received_pct == 10.0


def _stat(cls: type[Any], **fields: Any) -> Any:
    return cls(timestamp=NOW, id=f"{fields['type']}_{fields.get('kind', 'x')}", **fields)


def test_stats_snapshot_reads_aiortc_reports_in_documented_units() -> None:
    report = {
        "t": _stat(
            RTCTransportStats,
            type="transport",
            packetsSent=10,
            packetsReceived=20,
            bytesSent=1000,
            bytesReceived=2000,
            iceRole="controlling",
            dtlsState="connected",
        ),
        "ia": _stat(
            RTCInboundRtpStreamStats,
            type="inbound-rtp",
            ssrc=1,
            kind="audio",
            transportId="t",
            packetsReceived=50,
            packetsLost=2,
            jitter=480,  # RTP units at 48 kHz: 10 ms
        ),
        "ra": _stat(
            RTCRemoteInboundRtpStreamStats,
            type="remote-inbound-rtp",
            ssrc=2,
            kind="video",
            transportId="t",
            packetsReceived=900,
            packetsLost=3,
            jitter=0,
            roundTripTime=0.12,
            fractionLost=64,  # a quarter
        ),
    }
    snapshot = stats_snapshot(report)
    assert (snapshot.bytes_sent, snapshot.bytes_received) == (1000, 2000)
    assert snapshot.audio.jitter_ms == 10.0
    assert snapshot.audio.packets_lost == 2
    assert not snapshot.audio.acknowledged
    assert snapshot.video.acknowledged
    assert snapshot.video.rtt_ms == 120.0
    assert snapshot.video.sent_loss_fraction == 0.25
    after = dataclasses.replace(_snapshot(2.0), stats=snapshot)
    made = sample(_snapshot(1.0), after, admitted_at=0.0)
    assert made.rtt_ms == 120.0
    assert made.loss_sent_pct == 25.0
    assert made.jitter_ms == 10.0


def test_the_ladder_sees_our_rate_less_what_the_far_end_lost() -> None:
    made = dataclasses.replace(
        sample(_snapshot(1.0), _snapshot(2.0), admitted_at=0.0),
        kbps_sent=500.0,
        rtt_ms=120.0,
        loss_sent_pct=10.0,
    )
    link = link_sample(made, at=7.0)
    assert (link.at, link.rtt_ms, link.loss) == (7.0, 120.0, 0.1)
    assert link.delivered_kbps == 450.0
    assert link.available_kbps is None  # aiortc's REMB follows what arrives: no estimate
    unknown = link_sample(dataclasses.replace(made, loss_sent_pct=None), at=8.0)
    assert unknown.loss is None
    assert unknown.delivered_kbps == 500.0


def test_video_that_fills_the_receivers_estimate_is_held_back_by_it() -> None:
    assert held_by_estimate(95.0, 110_000)  # a 150 kbit/s link: the estimate binds
    assert not held_by_estimate(200.0, 310_000)  # room to spare: 1.5x what arrives
    assert not held_by_estimate(0.0, 110_000)  # audio only: no video sent
    assert not held_by_estimate(95.0, None)  # no estimate from the far end yet
    made = sample(_snapshot(1.0), _snapshot(2.0), admitted_at=0.0)
    assert link_sample(made, at=3.0, rate_limited=True).rate_limited
    assert not link_sample(made, at=3.0).rate_limited
