"""The tech check's network test (docs/server.md): round trip and throughput to the server.

- `GET /diagnostics/ping`: no sign-in, an empty 204 answer, nothing read or written.
- `GET /diagnostics/download?bytes=N`: N random (incompressible) bytes, at most
  `MAX_BYTES`, never cached. Bearer token required.
- `POST /diagnostics/upload`: reads and counts the body (at most `MAX_BYTES`, else 413)
  and answers `{"bytes": N}`. Bearer token required.

Nothing here touches the database beyond checking the token; logs are the access log's.
"""

from __future__ import annotations

import functools
import os

from aiohttp import web

from outpost.server.app import bearer_clinic, json_error

MAX_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
NO_STORE = {"Cache-Control": "no-store"}


@functools.cache
def _random_block() -> bytes:
    """`MAX_BYTES` random bytes, made once: answers are slices of it."""
    return os.urandom(MAX_BYTES)


async def ping(_request: web.Request) -> web.Response:
    return web.Response(status=204, headers=NO_STORE)


async def download(request: web.Request) -> web.StreamResponse:
    clinic = await bearer_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    text = request.query.get("bytes", "")
    if not text.isdigit():
        return json_error(400, "bad-request", "bytes must be a whole number of bytes.")
    size = min(int(text), MAX_BYTES)
    return web.Response(
        body=_random_block()[:size],
        content_type="application/octet-stream",
        headers=NO_STORE,
    )


async def upload(request: web.Request) -> web.StreamResponse:
    clinic = await bearer_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    declared = request.content_length
    if declared is not None and declared > MAX_BYTES:
        return _too_large()
    received = 0
    async for chunk in request.content.iter_chunked(CHUNK_BYTES):
        received += len(chunk)
        if received > MAX_BYTES:
            return _too_large()
    return web.json_response({"bytes": received}, headers=NO_STORE)


def _too_large() -> web.Response:
    message = f"At most {MAX_BYTES // 2**20} MiB may be sent."
    return json_error(413, "too-large", message, Connection="close")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/diagnostics/ping", ping)
    app.router.add_get("/diagnostics/download", download)
    app.router.add_post("/diagnostics/upload", upload)
