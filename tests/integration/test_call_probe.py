"""A probe of the link, end to end (docs/calls.md "Probing the link"): the clinician's
video sender sends its copies into a 150 kbit/s uplink (the thin-link emulator in front
of coturn), the patient's receiver times their arrival, its call loop reports the rate
in a `link` message, the server relays it, and the clinician's ladder has it: about 150.
The ladder, which dropped to audio only on that link, keeps it when video is due again
(without the probe it would try 320x240@15 then)."""

from __future__ import annotations

import asyncio

from outpost.media.call_session import CallConfig
from outpost.media.ladder import Step
from tests.integration.call_helpers import through_link, until, visit
from tests.link_emulator import LinkEmulator, LinkShape
from tests.server_process import RunningServer
from tests.signaling_client import demo_links
from tests.turn_server import RunningTurn

USER = "dr.rivera"


def test_a_probe_on_a_150_kbit_link_reads_150_and_keeps_audio_only(
    demo_server: RunningServer, turn_server: RunningTurn
) -> None:
    server, turn = demo_server, turn_server
    appointment, link_url = demo_links(server, USER)[0]
    measured: dict[str, object] = {}

    async def scenario() -> None:
        uplink = LinkShape(rate_kbit=150, delay_ms=20)
        with LinkEmulator(("127.0.0.1", turn.port), up=uplink) as link:
            clinician_options, patient_options = through_link(turn, link.port)
            call = visit(
                server,
                appointment,
                link_url,
                server.token(USER),
                CallConfig(peer=clinician_options),
                ladder=True,
                patient_options=patient_options,
            )
            steps = call.clinician.steps
            assert steps is not None
            try:
                await call.start()
                await until(lambda: steps.step is Step.AUDIO_ONLY, 30, "audio only at 150")
                # 3 s before video is due again (20 s), the ladder probes
                await until(lambda: steps.far_probe_kbps is not None, 30, "the patient's measure")
                measured["probe_kbps"] = steps.far_probe_kbps
                await until(lambda: steps.ladder.held_back > 0, 10, "video due, and held back")
                assert steps.step is Step.AUDIO_ONLY
            finally:
                await call.cancel()

    asyncio.run(scenario())
    print(f"\nprobe through a 150 kbit/s uplink: {measured}")
    kbps = measured["probe_kbps"]
    assert isinstance(kbps, int)
    assert 100 <= kbps < 240  # about 150, and below what 320x240@15 needs
