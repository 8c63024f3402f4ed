"""The desktop client's call engine with a real browser patient: `CallSession` (aiortc)
as the clinician, headless Debian Chromium on the join page as the patient, through a
real `outpost server`. Frames cross both ways; a failed peer connection is replaced by
session 2, which the page answers with a new connection; hanging up ends the page's
visit."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.media.call_record import EndReason, RenegotiationReason
from outpost.media.call_session import CallConfig, CallSession, CallState
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, clinician_endpoint
from tests.browser import chromium
from tests.integration.call_helpers import synthetic_media, until
from tests.server_process import running_server
from tests.signaling_client import demo_links

STATE = "document.body.dataset.state"
STATS = "window.outpostStats"


def test_a_call_with_a_browser_patient_both_ways_and_through_a_renegotiation(
    tmp_path: Path,
) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[0]
        token = server.token("dr.rivera")

        async def access_token() -> str:
            return token

        async def scenario() -> None:
            states: list[CallState] = []
            call = CallSession(
                SignalingClient(clinician_endpoint(server.base_url, appointment, access_token)),
                synthetic_media(),
                RemoteMedia(),
                CallConfig(),
                appointment=appointment,
                on_state=states.append,
            )
            async with browser.page(link) as page:
                await page.wait_for(f"{STATE} === 'preview'")
                for check in ("camera", "microphone"):  # as a patient would, before joining
                    await page.wait_for(
                        f"document.getElementById('check-{check}').dataset.result === 'ok'"
                    )
                await page.click("#join")
                await page.wait_for(f"{STATE} === 'waiting'")
                await call.connect()
                await call.wait_for_patient(timeout_s=10)
                await call.admit()
                run = asyncio.ensure_future(call.run())
                try:
                    received = call.remote
                    await until(lambda: received.counts().video_frames > 30, 20, "browser video")
                    await until(lambda: received.counts().audio_frames > 50, 5, "browser audio")
                    await page.wait_for(f"{STATE} === 'in-call'")
                    await page.wait_for(f"{STATS}.session === 1 && {STATS}.framesDecoded > 30")
                    await until(lambda: call.state is CallState.IN_CALL, 5, "in call")

                    broken = call.peer
                    assert broken is not None
                    await broken.pc.close()  # as if ICE had failed for good
                    await page.wait_for(
                        f"{STATS}.session === 2 && {STATS}.framesDecoded > 30 && "
                        f"{STATS}.audioPacketsReceived > 50"
                    )
                    before = received.counts().video_frames
                    await until(
                        lambda: received.counts().video_frames > before + 30, 10, "video again"
                    )
                    assert await page.evaluate(f"{STATS}.peerConnections") == 2
                    call.hang_up()
                    record = await asyncio.wait_for(run, 10)
                finally:
                    run.cancel()
                    await asyncio.gather(run, return_exceptions=True)
                await page.wait_for(f"{STATE} === 'ended'")
            summary = record.summary
            assert summary.media_flowed_both_ways, summary
            assert summary.ended is EndReason.HUNG_UP
            assert [item.reason for item in record.renegotiations] == [
                RenegotiationReason.FIRST,
                RenegotiationReason.ICE_FAILED,
            ]
            assert summary.admit_to_first_video_ms is not None
            assert summary.admit_to_first_video_ms < 5000
            assert received.counts().width is not None
            assert states[-1] is CallState.ENDED

        asyncio.run(asyncio.wait_for(scenario(), 90))
