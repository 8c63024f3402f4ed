"""The desktop app as a user starts it: `outpost demo` on a real X server (Xvfb, Qt's xcb
platform), then a clean shutdown on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.cli_helpers import run_outpost


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll a condition until it holds (like qtbot.waitUntil, for other processes)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def x_display() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is missing: run scripts/bootstrap.sh as root (Debian package xvfb)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    assert number, "Xvfb did not report its display number"
    yield f":{number}"
    server.terminate()
    server.wait(10)


def start_demo_window(home: Path, display: str, tmp_path: Path) -> subprocess.Popen[str]:
    """`outpost demo` on the X display; returns once its main window is shown."""
    log = home / "logs" / "outpost.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY") and not key.startswith("OUTPOST_")
    }
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", OUTPOST_POLICY_FILE=str(tmp_path / "none"))
    app = subprocess.Popen(
        [sys.executable, "-m", "outpost", "--home", str(home), "demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for(
        lambda: app.poll() is not None or (log.exists() and "main window shown" in log.read_text()),
        90,
        "the main window",
    )
    assert app.poll() is None, app.communicate()[1]
    return app


def test_demo_window_opens_on_x11_and_quits_cleanly_on_sigterm(
    tmp_path: Path, x_display: str
) -> None:
    home = tmp_path / "demo"
    log = home / "logs" / "outpost.log"
    app = start_demo_window(home, x_display, tmp_path)
    try:
        app.send_signal(signal.SIGTERM)  # often before the event loop has started
        _, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()  # closes the pipes too
    assert app.returncode == 0, err
    text = log.read_text()
    assert "app stopped" in text
    assert "Traceback" not in text
    # The demo left a usable profile behind: the headless tools open the same store.
    status = run_outpost(home, "status", "--json")
    assert status.returncode == 0, status.stderr


def test_app_without_a_display_says_so(tmp_path: Path) -> None:
    env = {"DISPLAY": "", "WAYLAND_DISPLAY": ""}
    result = run_outpost(tmp_path / "profile", env=env | {"QT_QPA_PLATFORM": ""})
    assert result.returncode == 1
    assert "No display found" in result.stderr
    assert "Traceback" not in result.stderr
