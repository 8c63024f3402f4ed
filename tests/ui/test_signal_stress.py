"""Regression (DESIGN 2): PySide6 6.12.0 on Python 3.11 aborts the process after about 570
`Signal.emit()` calls. 100,000 results must cross threads through the bridge and arrive.

The emitting runs in a child process so an abort is a clear failure, not a dead test run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("signal_stress_child.py")
SIGNALS = 100_000


@pytest.mark.slow
def test_100k_cross_thread_signals_are_all_delivered() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(CHILD), str(SIGNALS)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"child exited with {result.returncode} (negative = killed by that signal)\n"
        f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
    )
    assert f"delivered={SIGNALS} failures=0 wrong_thread=0" in result.stdout
