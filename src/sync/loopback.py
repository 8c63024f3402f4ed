"""A one-shot OAuth redirect listener on 127.0.0.1 (RFC 8252 section 7.3).

Binds an ephemeral port on the loopback interface only, accepts the browser's
`GET /callback?code=...&state=...`, checks `state` and hands back the code. Nothing else is
served; the page tells the clinician to return to Outpost.

`LoopbackRedirect` waits in the calling thread (the CLI); `AsyncLoopbackRedirect` is bound
in any thread and waits on an asyncio loop (the app's runtime thread), so no thread is held
while a person types their password in the browser.
"""

from __future__ import annotations

import asyncio
import hmac
import http
import http.server
import logging
import socket
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from outpost.core.errors import SyncError, SyncErrorKind

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Outpost</title></head>"
    "<body style='font-family:sans-serif'><h1>{title}</h1><p>{text}</p></body></html>"
)


@dataclass(frozen=True)
class CallbackAnswer:
    """What the listener answers to one request, and what it learnt (code or error)."""

    status: int
    title: str
    text: str
    result: tuple[str | None, str | None] | None = None  # (code, error) once settled

    def page(self) -> bytes:
        return _PAGE.format(title=self.title, text=self.text).encode("utf-8")


def callback_answer(target: str, expected_state: str) -> CallbackAnswer:
    """Decide the answer to `GET target`: only `/callback` with the expected `state`
    settles the sign-in; anything else is refused and the listener keeps waiting."""
    parts = urlsplit(target)
    if parts.path != CALLBACK_PATH:
        return CallbackAnswer(404, "Not found", "This address is only used to finish signing in.")
    query = parse_qs(parts.query)
    state = _first(query, "state") or ""
    code = _first(query, "code")
    error = _first(query, "error")
    if not hmac.compare_digest(state.encode(), expected_state.encode()):
        return CallbackAnswer(
            400, "Sign-in not recognised", "Start the sign-in again from Outpost."
        )
    if error is not None or not code:
        return CallbackAnswer(
            200,
            "Sign-in was not completed",
            "You can close this window.",
            (None, error or "no code"),
        )
    return CallbackAnswer(
        200, "Signed in", "You can close this window and return to Outpost.", (code, None)
    )


def answer_headers(answer: CallbackAnswer) -> list[tuple[str, str]]:
    return [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(answer.page()))),
        ("Cache-Control", "no-store"),
    ]


def code_of(result: tuple[str | None, str | None]) -> str:
    """The authorization code, or `SyncError(AUTH)` when the browser brought an error."""
    code, error = result
    if code is None:
        logger.info("browser sign-in refused: %s", error)
        raise SyncError(SyncErrorKind.AUTH, f"The sign-in was not completed ({error}).")
    return code


class _Server(http.server.HTTPServer):
    expected_state: str
    result: tuple[str | None, str | None] | None  # (code, error)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    timeout = 10  # a browser's idle pre-connection must not block the listener

    def do_GET(self) -> None:
        answer = callback_answer(self.path, self.server.expected_state)
        if answer.result is not None:
            self.server.result = answer.result
        self.send_response(answer.status)
        for name, value in answer_headers(answer):
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.page())

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
        return code_of(self._server.result)


class AsyncLoopbackRedirect:
    """`AsyncLoopbackRedirect(state)` binds now; `await listener.wait(timeout)` -> code."""

    def __init__(self, state: str, host: str = "127.0.0.1") -> None:
        self._state = state
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            self._socket.bind((host, 0))
            self._socket.listen(8)
            self._socket.setblocking(False)
        except OSError:
            self._socket.close()
            raise
        port = self._socket.getsockname()[1]
        self.redirect_uri = f"http://{host}:{port}{CALLBACK_PATH}"

    def close(self) -> None:
        self._socket.close()

    async def wait(self, timeout_s: float) -> str:
        """Serve until the redirect arrives (or `timeout_s`); the authorization code. The
        listening socket is closed when this returns, fails or is cancelled."""
        settled: asyncio.Future[tuple[str | None, str | None]] = (
            asyncio.get_running_loop().create_future()
        )

        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                result = await self._answer(reader, writer)
                if result is not None and not settled.done():
                    settled.set_result(result)
            except (TimeoutError, ConnectionError, ValueError):
                logger.debug("loopback redirect connection dropped")
            finally:
                writer.close()

        server: asyncio.Server | None = None
        try:
            async with asyncio.timeout(timeout_s):
                server = await asyncio.start_server(serve, sock=self._socket)
                result = await settled
        except TimeoutError:
            raise SyncError(
                SyncErrorKind.AUTH, "Signing in took too long; start it again."
            ) from None
        finally:
            if server is not None:
                server.close()
            self._socket.close()
        return code_of(result)

    async def _answer(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[str | None, str | None] | None:
        # A browser's idle pre-connection must not hold the listener: each line has 10 s.
        request_line = await asyncio.wait_for(reader.readline(), 10)
        while (await asyncio.wait_for(reader.readline(), 10)).strip():
            pass  # headers: nothing in them matters here
        words = request_line.decode("latin-1").split()
        if len(words) < 2 or words[0] != "GET":
            answer = CallbackAnswer(405, "Not allowed", "This address only finishes signing in.")
        else:
            answer = callback_answer(words[1], self._state)
        status = f"HTTP/1.1 {answer.status} {http.HTTPStatus(answer.status).phrase}\r\n"
        headers = "".join(f"{name}: {value}\r\n" for name, value in answer_headers(answer))
        writer.write(f"{status}{headers}Connection: close\r\n\r\n".encode("latin-1"))
        writer.write(answer.page())
        await writer.drain()
        logger.debug("loopback redirect request answered")
        return answer.result
