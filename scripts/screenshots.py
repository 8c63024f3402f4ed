#!/usr/bin/env python3
"""Screenshots of the app's screens on a real X server, for the README and review by eye.

Starts a private Xvfb display and a reference server with the demo clinic, opens a
throwaway profile and plays the scenes of `scripts/screenshot_scenes.py` through the real
window: sign-in.png, soap-note.png (signed, amended, history), main-window.png (a draft
being written), sync-conflict.png (the sync panel, a conflict side by side) and lock.png,
then the video visit scenes of `scripts/screenshot_visit.py` with a synthetic patient:
today-waiting.png and visit-room.png, all in docs/screenshots/.

    .venv/bin/python scripts/screenshots.py [--out DIR]

Needs Debian's `xvfb`; without a keychain session it re-runs itself through
scripts/keyring-session.sh.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot_scenes import Scenes, Server  # noqa: E402 - the scenes live beside this file
from screenshot_visit import VisitScenes  # noqa: E402


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private display; its number is read back from Xvfb itself (-displayfd)."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1400x900x24", "-nolisten", "tcp"],  # noqa: S607
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise SystemExit("screenshots: Xvfb did not start (apt-get install xvfb)")
    return xvfb, f":{number}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:  # the child: a display and a keychain are set up
        with tempfile.TemporaryDirectory(prefix="outpost-shot-") as home:
            return capture(Path(home), args.out)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        script = str(ROOT / "scripts" / "keyring-session.sh")
        os.execv(script, [script, sys.executable, *sys.argv])  # noqa: S606
    xvfb, display = start_xvfb()
    try:
        # Qt runs in a child so that the display goes away even if the child aborts.
        child = subprocess.run(
            [sys.executable, __file__, "--inside", "--out", str(args.out)],
            env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"},
            timeout=300,
            check=False,
        )
        return child.returncode
    finally:
        xvfb.terminate()
        xvfb.wait(10)


def start_server(home: Path) -> tuple[subprocess.Popen[str], Server]:
    """The reference backend with the demo clinic, on a free loopback port."""
    command = [sys.executable, "-m", "outpost", "--home", str(home / "server"), "server"]
    command += ["--host", "127.0.0.1", "--port", "0", "--data", str(home / "data")]
    command += ["--seed", "demo"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    base_url, users = "", {}
    for line in process.stdout:
        if line.startswith("Outpost reference server: "):
            base_url = line.removeprefix("Outpost reference server: ").strip()
        elif line.startswith("Demo account: "):
            user, _, password = line.removeprefix("Demo account: ").partition(" / ")
            users[user.strip()] = password.strip()
        elif line.startswith("Ready."):
            break
    if not base_url:
        process.kill()
        raise SystemExit("screenshots: the reference server did not start")
    return process, Server(base_url, users)


def capture(home: Path, out: Path) -> int:
    process, server = start_server(home)
    try:
        return Scenes(home, out, server).run() or VisitScenes(home, out, server).run()
    finally:
        process.terminate()
        process.wait(20)


if __name__ == "__main__":
    sys.exit(main())
