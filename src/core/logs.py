"""Logging configuration, done once by the composition root.

Rules for every log call in Outpost: ids, counts, states and durations only; never note
text, names, tokens or raw SDP (tests/integration/test_phi.py proves it for the main paths).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

LOG_FILE_NAME = "outpost.log"
_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def configure_logging(
    log_dir: Path,
    level: str,
    *,
    to_stderr: bool | None = None,
    max_bytes: int = 5 * 1024 * 1024,
    backups: int = 5,
) -> Path:
    """Send Outpost's records to a rotating file in `log_dir`, and to stderr when it is a
    terminal. Returns the log file's path."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(file_handler)
    if to_stderr is None:
        to_stderr = sys.stderr is not None and sys.stderr.isatty()
    if to_stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream.setLevel(logging.WARNING)
        root.addHandler(stream)
    root.setLevel(level)
    logging.captureWarnings(True)
    return path
