"""The patient's join page: `/join/<token>` serves the page (resources/join/) for a valid
link (an appointment's or a rehearsal room's), and a plain page telling the patient to
contact their clinic for an unknown (404) or expired (410) one. The page's script and
style are served from `/join-assets/`."""

from __future__ import annotations

import functools
import html
from importlib import resources

from aiohttp import web

from outpost.server import rehearsals
from outpost.server.join_links import Lookup

ASSETS = {
    "join.js": "text/javascript",
    "call.js": "text/javascript",
    "devices.js": "text/javascript",
    "signal.js": "text/javascript",
    "join.css": "text/css",
}
_CLOSED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/join-assets/join.css"></head>
<body data-state="{state}"><main><section class="card">
<h1>{title}</h1><p>{text}</p>
<p>Please contact your clinic: they can send you a new link or call you instead.</p>
</section></main></body></html>
"""


@functools.cache
def asset(name: str) -> bytes:
    return resources.files("outpost.resources").joinpath("join", name).read_bytes()


def _headers(request: web.Request) -> dict[str, str]:
    host = request.host
    policy = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"media-src 'self' blob: mediastream:; connect-src 'self' ws://{host} wss://{host}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return {
        "Content-Security-Policy": policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",  # the address holds the token
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Permissions-Policy": "camera=(self), microphone=(self)",
    }


def _closed(request: web.Request, status: int, title: str, text: str) -> web.Response:
    body = _CLOSED_PAGE.format(
        title=html.escape(title),
        text=html.escape(text),
        state="unknown" if status == 404 else "expired",
    )
    return web.Response(
        text=body, status=status, content_type="text/html", headers=_headers(request)
    )


async def join(request: web.Request) -> web.Response:
    found, _ = await rehearsals.find_link(request, request.match_info["token"])
    if found is Lookup.UNKNOWN:
        return _closed(
            request, 404, "This visit link does not work", "We could not find this video visit."
        )
    if found is Lookup.EXPIRED:
        return _closed(
            request, 410, "This visit link has expired", "The time for this video visit is over."
        )
    return web.Response(
        body=asset("index.html"),
        content_type="text/html",
        charset="utf-8",
        headers=_headers(request),
    )


async def join_asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound()
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return web.Response(
        body=asset(name), content_type=ASSETS[name], charset="utf-8", headers=headers
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/join/{token}", join)
    app.router.add_get("/join-assets/{name}", join_asset)
