"""The patient's join page in a real browser (headless Debian Chromium with a fake camera
and microphone) against a real `outpost server`: preview and checks, the waiting room as
the clinician sees it, admission, and the end of the visit."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from tests.browser import Page, chromium
from tests.server_process import running_server
from tests.signaling_client import (
    SignalPeer,
    clinician,
    demo_links,
    wait_for_waiting,
    waiting,
)
from tests.tcp_relay import TcpRelay

STATE = "document.body.dataset.state"


def test_a_patient_joins_from_the_browser_waits_and_is_admitted(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[0]
        token = server.token("dr.rivera")

        async def scenario() -> None:
            async with browser.page(link) as page:
                await page.wait_for(f"{STATE} === 'preview'")
                for check in ("camera", "microphone", "connection"):
                    await page.wait_for(
                        f"document.getElementById('check-{check}').dataset.result === 'ok'"
                    )
                assert await page.evaluate("document.getElementById('camera').options.length") >= 1
                # The connection check does not put the patient in the waiting room.
                assert appointment not in [e["appointment"] for e in await waiting(server, token)]

                await page.click("#join")
                await wait_for_waiting(server, token, appointment, "waiting")
                await page.wait_for(f"{STATE} === 'waiting'")
                heading = await page.evaluate("document.getElementById('waiting-title').innerText")
                assert heading == "Your clinician will let you in shortly"
                assert await page.evaluate("document.getElementById('waited').innerText") in (
                    "0:00",
                    "0:01",
                    "0:02",
                )

                async with clinician(server, appointment, token) as doc:
                    assert (await doc.expect("welcome"))["peer"] == "waiting"
                    await doc.send("admit")
                    assert (await doc.expect("peer"))["state"] == "admitted"
                    await page.wait_for(f"{STATE} === 'admitted'")
                    await wait_for_waiting(server, token, appointment, "admitted")
                    await doc.send("bye", reason="visit finished")
                    await page.wait_for(f"{STATE} === 'ended'")
                    assert (await doc.expect("peer"))["state"] == "left"
                assert await page.evaluate("document.getElementById('survey') !== null")
                ended = await page.evaluate("document.getElementById('ended-title').innerText")
                assert ended == "Visit ended"

        asyncio.run(asyncio.wait_for(scenario(), 90))


def test_a_reload_in_the_browser_keeps_the_admission(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[1]
        token = server.token("dr.rivera")

        async def scenario() -> None:
            async with clinician(server, appointment, token) as doc, browser.page(link) as page:
                await doc.expect("welcome")
                await page.wait_for(f"{STATE} === 'preview'")
                await page.click("#join")
                assert (await doc.expect("peer"))["state"] == "waiting"
                await doc.send("admit")
                assert (await doc.expect("peer"))["state"] == "admitted"
                await page.wait_for(f"{STATE} === 'admitted'")
                await page.evaluate("location.reload()")
                await page.wait_for(f"{STATE} === 'preview'")
                await page.click("#join")
                # The new page is admitted at once: no second admit.
                seen = [(await doc.expect("peer"))["state"]]
                while seen[-1] != "admitted":
                    seen.append((await doc.expect("peer"))["state"])
                assert seen in (["left", "admitted"], ["admitted"])
                await page.wait_for(f"{STATE} === 'admitted'")

        asyncio.run(asyncio.wait_for(scenario(), 90))


# A stand-in clinician in a second tab: offers with the browser's WebRTC (full SDP once
# gathering is complete, as Outpost does), the offer and answer relayed over signaling.
OFFER = """(async () => {
  if (window.pc) window.pc.close();
  window.stream = window.stream ||
    await navigator.mediaDevices.getUserMedia({video: true, audio: true});
  const pc = new RTCPeerConnection();
  window.pc = pc;
  for (const track of window.stream.getTracks()) pc.addTrack(track, window.stream);
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {
    if (pc.iceGatheringState === "complete") done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
  });
  return pc.localDescription.sdp;
})()"""
FRAMES_IN = """(async () => {
  let frames = 0;
  (await window.pc.getStats()).forEach((s) => {
    if (s.type === "inbound-rtp" && s.kind === "video") frames += s.framesDecoded || 0;
  });
  return frames;
})()"""


def test_the_page_answers_each_session_with_a_new_connection(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[2]
        token = server.token("dr.rivera")

        async def scenario() -> None:
            async with (
                clinician(server, appointment, token) as doc,
                browser.page(link) as patient_page,
                browser.page(f"{server.origin}/fhir/metadata") as doc_page,
            ):
                await doc.expect("welcome")
                await patient_page.wait_for(f"{STATE} === 'preview'")
                await patient_page.click("#join")
                await doc.expect("peer")
                await doc.send("admit")
                await doc.expect("peer")
                for session in (1, 2):
                    await doc.send("offer", sdp=await doc_page.evaluate(OFFER), session=session)
                    answer = await doc.expect("answer")
                    assert answer["session"] == session
                    assert "a=candidate" in answer["sdp"]  # gathered before sending
                    await doc_page.evaluate(
                        f"window.pc.setRemoteDescription({{type: 'answer', sdp: "
                        f"{json.dumps(answer['sdp'])}}})"
                    )
                    await patient_page.wait_for(f"{STATE} === 'in-call'")
                    await patient_page.wait_for(
                        f"window.outpostStats.session === {session} && "
                        "window.outpostStats.framesDecoded > 10 && "
                        "window.outpostStats.audioPacketsReceived > 10"
                    )
                    await doc_page.wait_for(f"{FRAMES_IN}.then((n) => n > 10)")
                assert await patient_page.evaluate("window.outpostStats.peerConnections") == 2
                await wait_for_waiting(server, token, appointment, "in-call")
                await patient_page.click("#leave")
                assert (await doc.expect("bye"))["reason"] == "patient left"
                await patient_page.wait_for(f"{STATE} === 'ended'")

        asyncio.run(asyncio.wait_for(scenario(), 90))


def test_the_page_reconnects_its_socket_and_stays_admitted(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server, chromium(tmp_path) as browser:
        appointment, link = demo_links(server)[3]
        token = server.token("dr.rivera")
        server_port = int(server.origin.rsplit(":", 1)[1])

        async def scenario() -> None:
            async with TcpRelay(server_port) as relay:
                relayed = link.replace(server.origin, f"http://127.0.0.1:{relay.port}")
                async with (
                    clinician(server, appointment, token) as doc,
                    browser.page(relayed) as page,
                ):
                    await doc.expect("welcome")
                    await page.wait_for(f"{STATE} === 'preview'")
                    await page.click("#join")
                    assert (await doc.expect("peer"))["state"] == "waiting"
                    await admit_and_wait(doc, page)
                    # The patient's network goes away: the socket drops, retries fail.
                    relay.pause()
                    relay.cut()
                    assert (await doc.expect("peer"))["state"] == "left"
                    await page.wait_for(
                        "document.getElementById('notice').textContent.includes('Reconnecting')"
                    )
                    refused = relay.accepted
                    relay.resume()
                    # Back: the page reconnects by itself and is admitted again at once.
                    assert (await doc.expect("peer", timeout=20))["state"] == "admitted"
                    assert relay.accepted > refused
                    await page.wait_for(f"{STATE} === 'admitted'")
                    await page.wait_for("document.getElementById('notice').textContent === ''")

        asyncio.run(asyncio.wait_for(scenario(), 90))


async def admit_and_wait(doc: SignalPeer, page: Page) -> None:
    await doc.send("admit")
    assert (await doc.expect("peer"))["state"] == "admitted"
    await page.wait_for(f"{STATE} === 'admitted'")
