"""The far end's audio as the clinician's speaker gets it, in real aiortc calls through a
real `outpost server`: on a clean link everything is played at the buffer's lowest delay;
with 5% of the packets lost on the clinician's link (relay-only through coturn, reached
through the thin-link emulator) the gaps are concealed, about 95% is played, and the delay
does not creep up (aiortc's own buffer dropped about 26% and added 210 ms for good)."""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass

from outpost.core.ice_servers import IceServer
from outpost.media import pipeline
from outpost.media.call_session import CallConfig
from outpost.media.local_media import LocalMedia
from outpost.media.peer import PeerOptions
from outpost.media.playout_buffer import MIN_TARGET_MS, PlayoutCounts
from outpost.media.synthetic import SyntheticAudioTrack, SyntheticVideoTrack
from tests.integration.call_helpers import Visit, until, visit
from tests.link_emulator import LinkEmulator, LinkShape
from tests.server_process import RunningServer
from tests.signaling_client import demo_links
from tests.turn_server import RunningTurn

USER = "dr.rivera"


def camera() -> SyntheticVideoTrack:
    """Video at 160x120, 10 fps: this is about audio, and two endpoints in one test
    process must stay cheap on a 2-core machine shared with other work."""
    return SyntheticVideoTrack(160, 120, fps=10)


def audio_visit(
    server: RunningServer,
    room: int,
    config: CallConfig | None = None,
    patient_options: PeerOptions | None = None,
) -> Visit:
    """The clinician with the full media path (echo canceller, playout), the patient
    with a synthetic voice."""
    appointment, link = demo_links(server, USER)[room]
    return visit(
        server,
        appointment,
        link,
        server.token(USER),
        config,
        clinician_media=pipeline.build(SyntheticAudioTrack(), camera(), read_markers=True),
        patient_media=LocalMedia(SyntheticAudioTrack(), camera()),
        patient_options=patient_options,
    )


def playout(call: Visit) -> PlayoutCounts:
    counts = call.clinician.remote.counts().playout
    assert counts is not None, "the clinician's pipeline plays audio"
    return counts


@dataclass
class Heard:
    before: PlayoutCounts
    after: PlayoutCounts
    delays: list[float]  # ms in the buffer, each second
    stall_ms: float  # the event loop's worst lateness meanwhile (a loaded machine)

    def share(self, field: str) -> float:
        expected = self.after.expected - self.before.expected
        return float(getattr(self.after, field) - getattr(self.before, field)) / expected

    def __str__(self) -> str:
        return f"{self.before} -> {self.after}, delays {self.delays}, stalls {self.stall_ms:.0f} ms"


async def listen(call: Visit, seconds: float) -> Heard:
    """What the clinician's speaker got over `seconds` of the call."""
    before = playout(call)
    delays = []
    stall = 0.0
    started = time.monotonic()
    next_second = started + 1.0
    while time.monotonic() - started < seconds:
        asked = time.monotonic()
        await asyncio.sleep(0.01)
        stall = max(stall, time.monotonic() - asked - 0.01)
        if time.monotonic() >= next_second:
            next_second += 1.0
            delay = playout(call).delay_ms
            assert delay is not None
            delays.append(delay)
    return Heard(before, playout(call), delays, stall * 1000)


def test_a_clean_call_plays_all_the_far_ends_audio(demo_server: RunningServer) -> None:
    async def scenario() -> None:
        call = audio_visit(demo_server, 0)
        try:
            await call.start()
            await until(lambda: playout(call).played > 100, 20, "audio playing")
            heard = await listen(call, 5)
            record, _ = await call.end()
        finally:
            await call.cancel()
        expected = heard.after.expected - heard.before.expected
        assert 480 <= expected <= 520, heard  # the speaker asked every 10 ms for 5 s
        # Measured here: everything played, ~30 ms in the buffer. The event loop's stalls
        # on a machine loaded by other work show up as concealment, drops and a higher
        # target, hence the margins.
        assert heard.share("played") >= 0.85, heard
        assert heard.share("dropped") <= 0.08, heard
        assert statistics.median(heard.delays) < 100, heard
        summary = record.summary
        assert summary.audio_frames_played >= 0.85 * summary.audio_frames_expected > 0
        assert summary.audio_concealed_ms is not None
        samples = [s for s in record.samples if s.audio_target_ms is not None]
        assert samples, "the samples carry the speaker's figures"
        assert all(s.audio_frames_expected <= 55 for s in samples)
        assert min(s.audio_target_ms or 0 for s in samples) == MIN_TARGET_MS

    asyncio.run(scenario())


def test_five_percent_loss_is_concealed_and_adds_no_delay(
    demo_server: RunningServer, turn_server: RunningTurn
) -> None:
    turn = turn_server

    async def scenario() -> tuple[Heard, Heard, int]:
        with LinkEmulator(("127.0.0.1", turn.port), seed=7) as link:
            through_link = IceServer(
                f"turn:127.0.0.1:{link.port}?transport=udp", turn.username, turn.password
            )
            direct = IceServer(turn.url("udp"), turn.username, turn.password)
            call = audio_visit(
                demo_server,
                1,
                CallConfig(peer=PeerOptions(ice_servers=(through_link,), relay_only=True)),
                PeerOptions(ice_servers=(direct,), relay_only=True),
            )
            try:
                await call.start()
                await until(lambda: playout(call).played > 100, 20, "audio playing")
                clean = await listen(call, 2)
                link.shape(down=LinkShape(loss=0.05))
                lossy = await listen(call, 10)
                await call.end()
            finally:
                await call.cancel()
            return clean, lossy, link.down_stats.lost

    clean, lossy, lost = asyncio.run(scenario())
    assert lost > 0
    # Each lost packet costs its own 20 ms (measured here: 6.0% concealed, 94.0% played);
    # aiortc's own buffer played 69-71% on this link. Loop stalls add some, hence margins.
    assert 0.01 <= lossy.share("concealed") <= 0.15, lossy
    assert lossy.share("played") >= 0.85, lossy
    assert lossy.share("dropped") <= 0.08, lossy
    # the delay stays where it was: no creeping growth (a stall's short peak aside)
    assert min(lossy.delays[-5:]) <= clean.delays[-1] + 50, (clean, lossy)
