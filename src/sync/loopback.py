"""A one-shot OAuth redirect listener on 127.0.0.1 (RFC 8252 section 7.3).

Binds an ephemeral port on the loopback interface only, accepts the browser's
`GET /callback?code=...&state=...`, checks `state` and hands back the code. Nothing else is
served; the page tells the clinician to return to Outpost.
"""

from __future__ import annotations

import hmac
import http.server
import logging
import threading
import time
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from outpost.core.errors import SyncError, SyncErrorKind

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Outpost</title></head>"
    "<body style='font-family:sans-serif'><h1>{title}</h1><p>{text}</p></body></html>"
)


class _Server(http.server.HTTPServer):
    expected_state: str
    result: tuple[str | None, str | None] | None  # (code, error)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a browser's idle pre-connection must not block the listener

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != CALLBACK_PATH:
            self._answer(404, "Not found", "This address is only used to finish signing in.")
            return
        query = parse_qs(parts.query)
        state = _first(query, "state") or ""
        code = _first(query, "code")
        error = _first(query, "error")
        if not hmac.compare_digest(state.encode(), self.server.expected_state.encode()):
            self._answer(400, "Sign-in not recognised", "Start the sign-in again from Outpost.")
            return
        if error is not None or not code:
            self.server.result = (None, error or "no code")
            self._answer(200, "Sign-in was not completed", "You can close this window.")
            return
        self.server.result = (code, None)
        self._answer(200, "Signed in", "You can close this window and return to Outpost.")

    def _answer(self, status: int, title: str, text: str) -> None:
        page = _PAGE.format(title=title, text=text).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: object) -> None:
        # The default writes the query (the authorization code) to stderr.
        logger.debug("loopback redirect request answered")


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


class LoopbackRedirect:
    """`with LoopbackRedirect(state) as listener:` then `listener.wait(timeout)` -> code."""

    def __init__(self, state: str, host: str = "127.0.0.1") -> None:
        self._server = _Server((host, 0), _Handler)
        self._server.expected_state = state
        self._server.result = None
        self._server.timeout = 0.25
        port = self._server.server_address[1]
        self.redirect_uri = f"http://{host}:{port}{CALLBACK_PATH}"

    def __enter__(self) -> LoopbackRedirect:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._server.server_close()

    def wait(self, timeout_s: float, cancel: threading.Event | None = None) -> str:
        """Serve until the redirect arrives; the authorization code."""
        deadline = time.monotonic() + timeout_s
        while self._server.result is None:
            if cancel is not None and cancel.is_set():
                raise SyncError(SyncErrorKind.AUTH, "Signing in was cancelled.")
            if time.monotonic() >= deadline:
                raise SyncError(SyncErrorKind.AUTH, "Signing in took too long; start it again.")
            self._server.handle_request()
        code, error = self._server.result
        if code is None:
            logger.info("browser sign-in refused: %s", error)
            raise SyncError(SyncErrorKind.AUTH, f"The sign-in was not completed ({error}).")
        return code
