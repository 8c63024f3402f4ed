"""A patient who clicks Join before the browser has opened the camera and microphone (the
permission prompt is still up): the page answers the clinician's offer without them, and
sends them on the same connection as soon as they open. Before the fix it answered
receive-only and never sent anything. Headless Chromium on the join page, the clinician's
`CallSession` (aiortc), a real `outpost server`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.media.call_session import CallConfig, CallSession
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, clinician_endpoint
from tests.browser import chromium
from tests.integration.call_helpers import synthetic_media, until
from tests.server_process import running_server
from tests.signaling_client import demo_links

STATE = "document.body.dataset.state"
STATS = "window.outpostStats"
# getUserMedia waits until the test says the patient has allowed the camera and microphone.
SLOW_PERMISSION = """
(() => {
  const media = navigator.mediaDevices;
  const real = media.getUserMedia.bind(media);
  let allow;
  window.permissionAsked = false;
  window.permission = new Promise((resolve) => (allow = resolve));
  window.allowMedia = () => allow();
  media.getUserMedia = async (constraints) => {
    window.permissionAsked = true;
    await window.permission;
    return real(constraints);
  };
})();
"""


def test_media_allowed_after_joining_reaches_the_clinician(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[0]
        token = server.token("dr.rivera")

        async def access_token() -> str:
            return token

        async def scenario() -> None:
            call = CallSession(
                SignalingClient(clinician_endpoint(server.base_url, appointment, access_token)),
                synthetic_media(),
                RemoteMedia(),
                CallConfig(),
                appointment=appointment,
            )
            async with browser.page(link) as page:
                await page.reload_with(SLOW_PERMISSION)
                await page.wait_for(f"window.permissionAsked && {STATE} === 'preview'")
                await page.click("#join")  # before allowing the camera and microphone
                await page.wait_for(f"{STATE} === 'waiting'")
                await call.connect()
                await call.wait_for_patient(timeout_s=10)
                await call.admit()
                run = asyncio.ensure_future(call.run())
                try:
                    # the page answered and connected, sending nothing yet
                    await page.wait_for(f"{STATE} === 'in-call'", timeout=15)
                    assert call.remote.counts().video_frames == 0
                    await page.evaluate("window.allowMedia()")
                    received = call.remote
                    await until(lambda: received.counts().video_frames > 30, 10, "patient video")
                    await until(lambda: received.counts().audio_frames > 50, 5, "patient audio")
                    stats = await page.wait_for(f"{STATS}.framesDecoded > 30 && {STATS}")
                    assert stats["peerConnections"] == 1  # the same connection, no new offer
                    assert call.session == 1
                    await until(lambda: call.meter.acknowledged, 10, "the page's reports")
                    call.hang_up()
                    record = await asyncio.wait_for(run, 10)
                finally:
                    run.cancel()
                    await asyncio.gather(run, return_exceptions=True)
            assert record.summary.media_flowed_both_ways
            assert record.summary.reconnects == 0

        asyncio.run(scenario())
