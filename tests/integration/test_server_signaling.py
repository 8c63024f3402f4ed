"""Video visit signaling on a real `outpost server` (docs/signaling.md): a patient with the
demo clinic's join link and a signed-in clinician, both as WebSocket clients."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any

import aiohttp
import pytest
import requests

from tests.server_process import RunningServer, running_server
from tests.signaling_client import (
    admit,
    clinician,
    demo_links,
    patient,
    socket_url,
    wait_for_waiting,
    waiting,
)

ICE_ARGS = (
    "--ice-server", "stun:127.0.0.1:3478",
    "--ice-server", "turn:127.0.0.1:3478?transport=tcp",
    "--turn-user", "visit", "--turn-password", "relay-secret",
)  # fmt: skip
SDP_MARKER = "v=0 sdp-marker-5e1f"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("signaling")
    with running_server(root, seed="demo", extra_args=ICE_ARGS) as running:
        running.add_clinician("dr.hale", "hale-password", clinic="ridge-clinic")
        yield running


@pytest.fixture(scope="module")
def links(server: RunningServer) -> list[tuple[str, str]]:
    found = demo_links(server)
    assert len(found) == 15
    return found


@pytest.fixture(scope="module")
def token(server: RunningServer) -> str:
    return server.token("dr.rivera")


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(scenario, 60))


def test_patient_waits_and_the_clinician_sees_and_admits_them(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[0]

    async def scenario() -> None:
        async with patient(link) as pat:
            welcome = await pat.expect("welcome")
            assert welcome["role"] == "patient"
            assert welcome["appointment"] == appointment
            assert welcome["peer"] == "absent"
            assert welcome["ice_servers"] == [
                {"urls": ["stun:127.0.0.1:3478"]},
                {
                    "urls": ["turn:127.0.0.1:3478?transport=tcp"],
                    "username": "visit",
                    "credential": "relay-secret",
                },
            ]
            since = (await pat.expect("waiting"))["since"]
            listed = await wait_for_waiting(server, token, appointment, "waiting")
            assert listed == {"appointment": appointment, "since": since, "state": "waiting"}

            async with clinician(server, appointment, token) as doc:
                welcome = await doc.expect("welcome")
                assert (welcome["role"], welcome["peer"]) == ("clinician", "waiting")
                assert (await pat.expect("peer"))["state"] == "waiting"
                await doc.send("admit")
                assert (await doc.expect("peer"))["state"] == "admitted"
                await pat.expect("admitted")
                await wait_for_waiting(server, token, appointment, "admitted")

    run(scenario())


def test_offer_and_answer_are_relayed_by_session_only_once_admitted(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[1]

    async def scenario() -> None:
        async with patient(link) as pat, clinician(server, appointment, token) as doc:
            await pat.expect("welcome")
            await pat.expect("waiting")
            await doc.expect("welcome")
            assert (await pat.expect("peer"))["state"] == "waiting"
            await doc.send("offer", sdp=SDP_MARKER, session=1)
            assert (await doc.expect("error"))["code"] == "not-admitted"
            await pat.send("answer", sdp=SDP_MARKER, session=1)
            assert (await pat.expect("error"))["code"] == "not-admitted"

            await admit(doc, pat)
            await doc.send("offer", sdp=SDP_MARKER, session=1)
            assert await pat.expect("offer") == {"type": "offer", "sdp": SDP_MARKER, "session": 1}
            await pat.send("answer", sdp="answer one", session=1)
            assert (await doc.expect("answer"))["sdp"] == "answer one"
            await wait_for_waiting(server, token, appointment, "in-call")

            await doc.send("offer", sdp="offer two", session=2)
            assert (await pat.expect("offer"))["session"] == 2
            await pat.send("answer", sdp="late", session=1)
            assert (await pat.expect("error"))["code"] == "stale-session"
            await pat.send("answer", sdp="answer two", session=2)
            assert (await doc.expect("answer"))["session"] == 2
            await pat.send("dance")
            assert (await pat.expect("error"))["code"] == "unknown-type"
            await doc.nothing_more()

    run(scenario())


def test_a_reload_replaces_the_old_socket_and_keeps_the_admission(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[2]

    async def scenario() -> None:
        async with clinician(server, appointment, token) as doc:
            await doc.expect("welcome")
            async with patient(link) as first:
                await first.expect("welcome")
                await first.expect("waiting")
                assert (await doc.expect("peer"))["state"] == "waiting"
                await admit(doc, first)
                async with patient(link) as second:
                    welcome = await second.expect("welcome")
                    assert welcome["peer"] == "admitted"
                    await second.expect("admitted")
                    assert await first.closed() == 4001
                    assert (await doc.expect("peer"))["state"] == "admitted"
                    await doc.send("offer", sdp="o", session=1)
                    assert (await second.expect("offer"))["session"] == 1
                # A dropped connection: the clinician sees it go and come back admitted.
                assert (await doc.expect("peer"))["state"] == "left"
                assert appointment not in [e["appointment"] for e in await waiting(server, token)]
            async with patient(link) as back:
                welcome = await back.expect("welcome")
                assert (welcome["peer"], welcome["session"]) == ("admitted", 1)
                await back.expect("admitted")
                assert (await doc.expect("peer"))["state"] == "admitted"
                # A second clinician window takes over from the first.
                async with clinician(server, appointment, token) as doc2:
                    assert (await doc2.expect("welcome"))["peer"] == "admitted"
                    assert await doc.closed() == 4001
                    assert (await back.expect("peer"))["state"] == "admitted"
                    await doc2.send("offer", sdp="o", session=2)
                    assert (await back.expect("offer"))["session"] == 2

    run(scenario())


def test_bye_ends_the_visit_and_the_admission(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[3]

    async def scenario() -> None:
        async with clinician(server, appointment, token) as doc:
            await doc.expect("welcome")
            async with patient(link) as pat:
                await pat.expect("welcome")
                await pat.expect("waiting")
                await doc.expect("peer")
                await admit(doc, pat)
                await doc.send("bye", reason="visit finished")
                assert await pat.expect("bye") == {"type": "bye", "reason": "visit finished"}
            assert (await doc.expect("peer"))["state"] == "left"
            async with patient(link) as again:
                assert (await again.expect("welcome"))["peer"] == "waiting"
                await again.expect("waiting")
                await doc.expect("peer")
                await again.send("bye", reason="patient left")
                assert (await doc.expect("bye"))["reason"] == "patient left"
                await doc.send("offer", sdp="o", session=1)
                assert (await doc.expect("error"))["code"] == "not-admitted"

    run(scenario())


def test_a_clinician_of_another_clinic_is_refused(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[4]
    ridge = server.token("dr.hale", "hale-password")

    async def scenario() -> None:
        async with patient(link) as pat:
            await pat.expect("welcome")
            await wait_for_waiting(server, token, appointment, "waiting")
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                async with clinician(server, appointment, ridge):
                    pass
            assert refused.value.status == 404
            assert await waiting(server, ridge) == []
            for bad in ("", "not-a-token", link.rsplit("/", 1)[1]):
                with pytest.raises(aiohttp.WSServerHandshakeError) as unauthorized:
                    async with clinician(server, appointment, bad):
                        pass
                assert unauthorized.value.status == 401
            await pat.expect("waiting")
            await pat.nothing_more()

    run(scenario())
    response = requests.get(f"{server.origin}/signal/waiting", timeout=10)
    assert response.status_code == 401
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_a_link_opens_only_its_own_room(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    (first, first_link), (second, second_link) = links[5], links[6]
    token_of_first = first_link.rsplit("/", 1)[1]
    tampered = first_link[:-1] + ("A" if token_of_first[-1] != "A" else "B")

    async def scenario() -> None:
        async with clinician(server, first, token) as doc:
            await doc.expect("welcome")
            async with patient(second_link) as other:
                assert (await other.expect("welcome"))["appointment"] == second
                await other.expect("waiting")
                await doc.nothing_more()  # not told about another room's patient
            with pytest.raises(aiohttp.WSServerHandshakeError) as unknown:
                async with patient(tampered):
                    pass
            assert unknown.value.status == 404
            async with patient(first_link) as mine:
                assert (await mine.expect("welcome"))["appointment"] == first
                assert (await doc.expect("peer"))["state"] == "waiting"

    run(scenario())


def test_unknown_and_expired_links_get_plain_pages(
    server: RunningServer, links: list[tuple[str, str]]
) -> None:
    from outpost.server import instants
    from tests.signaling_client import record_link

    appointment, link = links[7]
    origin = link.rsplit("/join/", 1)[0]
    expired = record_link(server.data_dir, "demo-clinic", appointment, instants.now_us() - 1)
    for token, status, words in (
        ("x" * 32, 404, "does not work"),
        ("no", 404, "does not work"),
        (expired, 410, "has expired"),
    ):
        page = requests.get(f"{origin}/join/{token}", timeout=10)
        assert page.status_code == status
        assert page.headers["Content-Type"].startswith("text/html")
        assert words in page.text
        assert "contact your clinic" in page.text
        assert page.headers["Referrer-Policy"] == "no-referrer"

        async def refused(url: str = f"{origin}/join/{token}", code: int = status) -> None:
            with pytest.raises(aiohttp.WSServerHandshakeError) as error:
                async with patient(url):
                    pass
            assert error.value.status == code

        run(refused())


def test_an_oversized_frame_closes_the_socket_and_empties_the_room(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[8]

    async def scenario() -> None:
        async with patient(link) as pat:
            await pat.expect("welcome")
            await pat.expect("waiting")
            await wait_for_waiting(server, token, appointment, "waiting")
            await pat.send("offer", sdp="x" * 70_000, session=1)
            assert await pat.closed() == 1009
        deadline = asyncio.get_running_loop().time() + 10
        while any(e["appointment"] == appointment for e in await waiting(server, token)):
            assert asyncio.get_running_loop().time() < deadline, "the room kept the patient"
            await asyncio.sleep(0.05)

    run(scenario())


def test_signaling_logs_hold_no_tokens_or_sdp(
    server: RunningServer, links: list[tuple[str, str]], token: str
) -> None:
    appointment, link = links[9]

    async def scenario() -> None:
        async with clinician(server, appointment, token) as doc, patient(link) as pat:
            await doc.expect("welcome")
            await pat.expect("welcome")
            await pat.expect("waiting")
            assert (await doc.expect("peer"))["state"] == "waiting"
            await admit(doc, pat)
            await doc.send("offer", sdp=SDP_MARKER, session=1)
            await pat.expect("offer")

    run(scenario())
    log = server.log_file.read_text()
    assert f"room {appointment}: patient admitted" in log
    assert SDP_MARKER not in log
    assert link.rsplit("/", 1)[1] not in log
    assert token not in log
    assert "relay-secret" not in log
    assert socket_url(link) not in log


def test_a_link_expiring_during_the_visit_closes_the_patients_socket(
    server: RunningServer, links: list[tuple[str, str]]
) -> None:
    from outpost.server import instants
    from tests.signaling_client import record_link

    appointment, link = links[10]
    soon = record_link(server.data_dir, "demo-clinic", appointment, instants.now_us() + 1_500_000)

    async def scenario() -> None:
        async with patient(link.rsplit("/", 1)[0] + "/" + soon) as pat:
            assert (await pat.expect("welcome"))["appointment"] == appointment
            await pat.expect("waiting")
            assert await pat.closed(timeout=10) == 4002

    run(scenario())


def test_stopping_the_server_closes_the_sockets_at_once(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with running_server(tmp_path_factory.mktemp("signaling-stop"), seed="demo") as running:
        appointment, link = demo_links(running)[0]
        token = running.token("dr.rivera")
        closed: list[int | None] = []

        async def scenario() -> None:
            async with patient(link) as pat, clinician(running, appointment, token) as doc:
                await pat.expect("welcome")
                await pat.expect("waiting")
                await doc.expect("welcome")
                await pat.expect("peer")
                running.process.terminate()
                closed.extend([await pat.closed(timeout=5), await doc.closed(timeout=5)])

        run(scenario())
        assert closed == [1001, 1001]
        assert running.process.wait(10) == 0
