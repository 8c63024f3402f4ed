"""Run the real `outpost` command in a child process, as an IT script would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer


def outpost_environment(home: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OUTPOST_") or key == "OUTPOST_KEYRING_PASSWORD"
    }
    # Keep the test machine's own IT policy (if any) out of the test.
    environment["OUTPOST_POLICY_FILE"] = str(home.parent / "no-policy.toml")
    environment.update(env or {})
    return environment


def outpost_command(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "outpost", "--home", str(home), *args]


def run_outpost(
    home: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        outpost_command(home, *args),
        input=stdin,
        capture_output=True,
        text=True,
        env=outpost_environment(home, env),
        timeout=timeout,
        check=False,
    )


def start_outpost(home: Path, *args: str) -> subprocess.Popen[str]:
    """The command running in the background (for tests that kill it mid-way)."""
    return subprocess.Popen(
        outpost_command(home, *args),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=outpost_environment(home),
    )


def call_beside_bot(
    bot: subprocess.Popen[str], home: Path, *args: str, timeout: float = 90
) -> tuple[subprocess.CompletedProcess[str], str, str]:
    """Once the patient bot `bot` says it is in the waiting room, run `outpost call ARGS`;
    then the bot's own stdout and stderr once it has left (it is killed if it does not)."""
    try:
        assert bot.stdout is not None
        assert bot.stdout.readline().startswith("In the waiting room"), "the bot did not wait"
        result = run_outpost(home, "call", *args, timeout=timeout)
        bot_out, bot_err = bot.communicate(timeout=30)
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.communicate()
    return result, bot_out, bot_err


def login(home: Path, server: RunningServer, *, url: str | None = None) -> Any:
    """`outpost login` with the password grant as the demo clinician."""
    result = run_outpost(
        home,
        "login",
        "--server",
        url or server.base_url,
        "--user",
        USER,
        "--password-stdin",
        stdin=server.users[USER] + "\n",
    )
    assert result.returncode == 0, result.stderr
    return result


def status(home: Path) -> dict[str, Any]:
    """`outpost status --json`."""
    result = run_outpost(home, "status", "--json")
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report
