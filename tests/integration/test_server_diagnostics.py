"""The tech check's network routes on a real `outpost server`: the ping anyone may send,
download and upload only with a sign-in, within their caps, never cached."""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import pytest
import requests

from outpost.server.diagnostics import MAX_BYTES
from tests.server_process import RunningServer, running_server

TIMEOUT = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("diagnostics"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def bearer(server: RunningServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token('dr.rivera')}"}


def test_the_ping_answers_anyone_with_an_empty_uncached_204(server: RunningServer) -> None:
    answer = requests.get(f"{server.origin}/diagnostics/ping", timeout=TIMEOUT)
    assert answer.status_code == 204
    assert answer.content == b""
    assert answer.headers["Cache-Control"] == "no-store"


def test_download_and_upload_need_a_sign_in(server: RunningServer) -> None:
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        down = requests.get(
            f"{server.origin}/diagnostics/download",
            params={"bytes": "1000"},
            headers=headers,
            timeout=TIMEOUT,
        )
        up = requests.post(
            f"{server.origin}/diagnostics/upload",
            data=b"x" * 1000,
            headers=headers,
            timeout=TIMEOUT,
        )
        assert (down.status_code, up.status_code) == (401, 401)
        assert down.content != b"x" * 1000
        assert "Bearer" in down.headers["WWW-Authenticate"]


def test_download_gives_the_bytes_asked_for_incompressible_and_capped(
    server: RunningServer, bearer: dict[str, str]
) -> None:
    def download(size: str) -> requests.Response:
        return requests.get(
            f"{server.origin}/diagnostics/download",
            params={"bytes": size},
            headers={**bearer, "Accept-Encoding": "gzip, deflate"},
            timeout=TIMEOUT,
        )

    small = download("65536")
    assert small.status_code == 200
    assert small.headers["Cache-Control"] == "no-store"
    assert "Content-Encoding" not in small.headers
    assert len(small.content) == 65536
    assert len(zlib.compress(small.content, 9)) > 0.99 * 65536  # a proxy cannot shrink it
    assert len(download("0").content) == 0
    huge = download(str(100 * MAX_BYTES))
    assert huge.status_code == 200
    assert len(huge.content) == MAX_BYTES
    for wrong in ("", "-5", "1e6", "lots"):
        assert download(wrong).status_code == 400


def test_upload_counts_the_body_and_refuses_more_than_the_cap(
    server: RunningServer, bearer: dict[str, str]
) -> None:
    url = f"{server.origin}/diagnostics/upload"
    answer = requests.post(url, data=b"\x00" * 300_000, headers=bearer, timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.json() == {"bytes": 300_000}
    assert answer.headers["Cache-Control"] == "no-store"
    assert requests.post(url, data=b"", headers=bearer, timeout=TIMEOUT).json() == {"bytes": 0}

    too_big = requests.post(url, data=b"\x00" * (MAX_BYTES + 1), headers=bearer, timeout=TIMEOUT)
    assert too_big.status_code == 413

    def chunked() -> Iterator[bytes]:  # no Content-Length: counted while it arrives
        for _ in range(MAX_BYTES // 65536 + 2):
            yield b"\x00" * 65536

    try:
        streamed = requests.post(url, data=chunked(), headers=bearer, timeout=TIMEOUT)
    except requests.ConnectionError:
        pass  # the server may close before the client has sent it all: refused too
    else:
        assert streamed.status_code == 413
    # the server still answers afterwards
    assert requests.get(f"{server.origin}/diagnostics/ping", timeout=TIMEOUT).status_code == 204
