"""The clinician's network goes away for 10 s in the middle of a visit and comes back: the
call heals itself, with nobody doing anything.

The clinician is relay-only through coturn, reached through the thin-link emulator, so
all of its media crosses the emulated link; its signaling socket goes through a TCP relay.
A real cut takes both away, so the test cuts both (open connections dropped, new ones
refused) for 10 s, then restores both: as it was (a cable plugged back: the old peer
connection can carry media again at once) or with a new address (a network change: only a
new peer connection works). Media (numbered video frames and audio, each way) must arrive
again within 3 s of the link's return, a new peer connection must take over, and the
call's record must show the reconnection and the silent seconds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import pytest

from outpost.media.call_record import RenegotiationReason
from outpost.media.call_session import CallConfig, CallState
from outpost.media.remote_media import RemoteMedia
from tests.integration.call_helpers import Visit, frames_after, through_link, until, visit
from tests.link_emulator import LinkEmulator
from tests.server_process import RunningServer
from tests.signaling_client import demo_links
from tests.tcp_relay import TcpRelay
from tests.turn_server import RunningTurn

USER = "dr.rivera"
CUT_S = 10.0
BACK_WITHIN_S = 3.0


@dataclass(frozen=True)
class Arrived:
    video: int
    audio: int


def arrived(remote: RemoteMedia) -> Arrived:
    counts = remote.counts()
    return Arrived(counts.markers_read, counts.audio_frames)


async def hold_cut(call: Visit, seconds: float, grace_s: float = 0.5) -> None:
    """Keep the link cut for `seconds`, checking all along that nothing gets through (after
    `grace_s` for what was already on its way)."""
    started = time.monotonic()
    sides = (call.clinician.remote, call.patient.remote)
    while time.monotonic() - started < grace_s:
        await asyncio.sleep(0.05)
    before = [arrived(remote) for remote in sides]
    while time.monotonic() - started < seconds:
        await asyncio.sleep(0.05)
        now = [arrived(remote) for remote in sides]
        assert now == before, f"media crossed a cut link: {before} -> {now}"


async def time_to_media(remote: RemoteMedia, timeout: float) -> tuple[float, float]:
    """Seconds until new video frames (3, numbered) and audio (5 frames) arrive."""
    start = arrived(remote)
    began = time.monotonic()
    video_at = audio_at = None
    while video_at is None or audio_at is None:
        now = arrived(remote)
        elapsed = time.monotonic() - began
        if video_at is None and now.video >= start.video + 3:
            video_at = elapsed
        if audio_at is None and now.audio >= start.audio + 5:
            audio_at = elapsed
        assert elapsed <= timeout, f"no media {timeout:g} s after the link came back"
        await asyncio.sleep(0.02)
    return video_at, audio_at


@pytest.mark.parametrize(
    ("room", "new_address"),
    [(0, False), (1, True)],
    ids=["same-address", "new-address"],
)
def test_media_returns_within_3_s_of_a_10_s_cut(
    demo_server: RunningServer, turn_server: RunningTurn, room: int, new_address: bool
) -> None:
    server, turn = demo_server, turn_server
    appointment, link_url = demo_links(server, USER)[room]
    token = server.token(USER)
    measured: dict[str, float] = {}

    async def scenario() -> None:
        async with TcpRelay(int(server.origin.rsplit(":", 1)[1])) as relay:
            with LinkEmulator(("127.0.0.1", turn.port)) as link:
                clinician_options, patient_options = through_link(turn, link.port)
                call = visit(
                    server,
                    appointment,
                    link_url,
                    token,
                    CallConfig(peer=clinician_options),
                    patient_options=patient_options,
                    clinician_url=f"http://127.0.0.1:{relay.port}/fhir",
                )
                try:
                    await call.start()
                    await frames_after(call.clinician.remote, 30, 20, "patient video")
                    await frames_after(call.patient.remote, 30, 10, "clinician video")
                    await until(lambda: call.clinician.state is CallState.IN_CALL, 5, "in call")
                    session_before = call.clinician.session

                    cut_at = call.clinician.meter.since_admitted()
                    link.cut()
                    relay.pause()
                    relay.cut()
                    await hold_cut(call, CUT_S)
                    link.restore(new_address=new_address)
                    relay.resume()
                    restored_at = call.clinician.meter.since_admitted()

                    at_clinician, at_patient = await asyncio.gather(
                        time_to_media(call.clinician.remote, 15),
                        time_to_media(call.patient.remote, 15),
                    )
                    measured.update(
                        video_at_clinician=at_clinician[0],
                        audio_at_clinician=at_clinician[1],
                        video_at_patient=at_patient[0],
                        audio_at_patient=at_patient[1],
                    )
                    await until(
                        lambda: call.clinician.session > session_before,
                        10,
                        "a new peer connection",
                    )
                    await frames_after(call.patient.remote, 30, 10, "video on the new session")
                    await frames_after(call.clinician.remote, 30, 10, "video on the new session")
                    record, theirs = await call.end()
                finally:
                    await call.cancel()
        print(f"time to media after the link returned: {measured}")
        assert max(measured.values()) <= BACK_WITHIN_S, measured
        assert record.summary.media_flowed_both_ways
        # One new peer connection, offered when the socket came back: none while it was
        # down (an offer could not have reached the patient).
        assert record.summary.reconnects == 1
        assert [item.reason for item in record.renegotiations] == [
            RenegotiationReason.FIRST,
            RenegotiationReason.SIGNALING_RECONNECTED,
        ]
        assert record.samples[-1].session == call.clinician.session > session_before
        during = [s for s in record.samples if cut_at + 1 < s.t_s <= restored_at]
        assert len(during) >= CUT_S - 2
        assert all(s.fps_received == 0 == s.audio_frames_played for s in during), during
        assert record.samples[-1].fps_received > 10
        assert theirs.summary.sessions == record.summary.sessions

    asyncio.run(scenario())
