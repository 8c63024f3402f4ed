"""Run the real `outpost` command in a child process, as an IT script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_outpost(
    home: Path,
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("OUTPOST_") or key == "OUTPOST_KEYRING_PASSWORD"
    }
    # Keep the test machine's own IT policy (if any) out of the test.
    environment["OUTPOST_POLICY_FILE"] = str(home.parent / "no-policy.toml")
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "outpost", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )
