"""The join page as served by a real `outpost server`: the page for a valid link, its own
scripts (no outside sources), safe headers, and the connection check's socket."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

import aiohttp
import pytest
import requests

from outpost.server.join_page import ASSETS
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links, socket_url, waiting


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("join-page"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def link(server: RunningServer) -> tuple[str, str]:
    return demo_links(server)[0]


def test_a_valid_link_serves_the_page_with_safe_headers(
    server: RunningServer, link: tuple[str, str]
) -> None:
    _, url = link
    page = requests.get(url, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert f"connect-src 'self' ws://{url.split('/')[2]}" in policy
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="en">' in page.text
    assert 'id="survey"' in page.text
    assert 'name="viewport"' in page.text
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert scripts == ["/join-assets/join.css", "/join-assets/join.js"]
    assert requests.head(url, timeout=10).status_code == 200
    assert requests.head(url[:-3] + "zzz", timeout=10).status_code == 404


def test_the_page_uses_only_its_own_files(server: RunningServer) -> None:
    for name, kind in ASSETS.items():
        response = requests.get(f"{server.origin}/join-assets/{name}", timeout=10)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert "http://" not in response.text, name  # no CDN, no outside fonts or trackers
        assert "https://" not in response.text, name
        for imported in re.findall(r'from "\./([^"]+)"', response.text):
            assert imported in ASSETS, f"{name} imports {imported}, which is not served"
    for missing in ("nothing.js", "..%2Fjoin_page.py", "index.html"):
        assert requests.get(f"{server.origin}/join-assets/{missing}", timeout=10).status_code == 404


def test_the_connection_check_answers_without_entering_the_room(
    server: RunningServer, link: tuple[str, str]
) -> None:
    appointment, url = link
    token = server.token("dr.rivera")

    async def scenario() -> None:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(socket_url(url) + "?check=1") as ws,
        ):
            await ws.send_str(json.dumps({"type": "ping"}))
            frame = await ws.receive(timeout=10)
            assert json.loads(frame.data) == {"type": "pong"}
            assert appointment not in [e["appointment"] for e in await waiting(server, token)]

    asyncio.run(asyncio.wait_for(scenario(), 30))
