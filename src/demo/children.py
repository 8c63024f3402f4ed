"""The demo's other programs, as child processes: the reference server (`outpost server
--seed demo` on a free loopback port) and a synthetic patient (`outpost patient-bot`)
joining through a visit's link, as a patient's browser would.

Child processes keep their work off the app's interpreter: a server answering a large sync
or a patient encoding video never holds the app's threads. Their output goes to log files
in the demo folder; stopping sends SIGTERM (Ctrl+C's cousin) and waits, then kills.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from outpost.core.errors import OutpostError

logger = logging.getLogger(__name__)

URL_PREFIX = "Outpost reference server: "
ACCOUNT_PREFIX = "Demo account: "
READY_PREFIX = "Ready."
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def outpost_command() -> list[str]:
    """How to start another `outpost` (a packaged app is its own executable)."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "outpost"]


def _child_environment() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


def _stop(process: subprocess.Popen[str] | None, what: str) -> int | None:
    if process is None or process.poll() is not None:
        return None if process is None else process.returncode
    process.terminate()
    try:
        return process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        logger.warning("%s did not stop within %.0f s; killing it", what, STOP_TIMEOUT_S)
        process.kill()
        return process.wait(STOP_TIMEOUT_S)


@dataclass(frozen=True)
class ServerInfo:
    base_url: str  # the FHIR base, http://127.0.0.1:<port>/fhir
    users: dict[str, str]  # demo user -> password

    @property
    def origin(self) -> str:
        return self.base_url.removesuffix("/fhir")

    @property
    def port(self) -> int:
        return int(self.origin.rsplit(":", 1)[1])


class DemoServer:
    """`outpost server --seed demo` with its data in `folder`; restartable on its port."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._process: subprocess.Popen[str] | None = None
        self._output: threading.Thread | None = None
        self.info: ServerInfo | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> ServerInfo:
        """Start (again, on the same port once it has one); returns once it is ready."""
        if self.running:
            assert self.info is not None
            return self.info
        port = 0 if self.info is None else self.info.port
        command = [*outpost_command(), "--home", str(self._folder / "home"), "server"]
        command += ["--host", "127.0.0.1", "--port", str(port)]
        command += ["--data", str(self._folder / "data"), "--seed", "demo"]
        self._folder.mkdir(parents=True, exist_ok=True)
        with (self._folder / "server-errors.log").open("a", encoding="utf-8") as errors:
            process = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
                env=_child_environment(),
            )
        self._process = process
        assert process.stdout is not None
        lines: queue.Queue[str | None] = queue.Queue()
        self._output = _pump(process.stdout, lines)
        try:
            self.info = _read_until_ready(process, lines)
        except BaseException:
            self.stop()
            raise
        logger.info("demo server ready on port %d", self.info.port)
        return self.info

    def stop(self) -> None:
        _stop(self._process, "the demo server")
        if self._output is not None:
            self._output.join(STOP_TIMEOUT_S)  # its pipe is closed once the server is gone
            self._output = None


def _pump(stdout: IO[str], lines: queue.Queue[str | None]) -> threading.Thread:
    """Read the server's output for its whole life, so its pipe never fills."""

    def pump() -> None:
        with stdout:
            for line in stdout:
                lines.put(line.rstrip("\n"))
        lines.put(None)

    thread = threading.Thread(target=pump, name="demo-server-output", daemon=True)
    thread.start()
    return thread


def _read_until_ready(process: subprocess.Popen[str], lines: queue.Queue[str | None]) -> ServerInfo:
    base_url, users = "", {}
    while True:
        try:
            line = lines.get(timeout=START_TIMEOUT_S)
        except queue.Empty:
            raise OutpostError("The demo server did not start in time.") from None
        if line is None:
            code = process.wait(STOP_TIMEOUT_S)
            raise OutpostError(f"The demo server stopped while starting (exit {code}).")
        if line.startswith(URL_PREFIX):
            base_url = line.removeprefix(URL_PREFIX).strip()
        elif line.startswith(ACCOUNT_PREFIX):
            user, _, password = line.removeprefix(ACCOUNT_PREFIX).partition(" / ")
            users[user.strip()] = password.strip()
        elif line.startswith(READY_PREFIX):
            if not base_url or not users:
                raise OutpostError("The demo server started without its demo clinic.")
            return ServerInfo(base_url, users)


class PatientBot:
    """`outpost patient-bot`: a synthetic patient in a visit's waiting room."""

    def __init__(self, folder: Path, *, admit_timeout_s: float = 3600.0) -> None:
        self._folder = folder
        self._admit_timeout_s = admit_timeout_s
        self._process: subprocess.Popen[str] | None = None
        self.link: str | None = None

    @property
    def stats_file(self) -> Path:
        return self._folder / "patient-stats.json"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self, link: str, duration_s: float | None = None) -> None:
        """Join the waiting room behind `link` (a visit's join link; never logged)."""
        self.stop()
        self.link = link
        self.stats_file.unlink(missing_ok=True)
        command = [*outpost_command(), "--home", str(self._folder / "patient"), "patient-bot"]
        command += ["--link", link, "--admit-timeout", f"{self._admit_timeout_s:g}"]
        command += ["--stats-json", str(self.stats_file)]
        if duration_s is not None:
            command += ["--duration", f"{duration_s:g}"]
        self._folder.mkdir(parents=True, exist_ok=True)
        with (self._folder / "patient-bot.log").open("a", encoding="utf-8") as log:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                env=_child_environment(),
            )
        logger.info("test patient started")

    def wait(self, timeout_s: float) -> int | None:
        """Its exit code once it has left (None if still there after `timeout_s`)."""
        if self._process is None:
            return None
        try:
            return self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        _stop(self._process, "the test patient")
