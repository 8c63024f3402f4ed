"""No patient data in logs: a note with a unique marker goes through the CLI and the app
window with DEBUG logging, and the marker is in no log file (nor, the store being
encrypted, in the database files)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from outpost.core.logs import configure_logging
from outpost.core.settings import Profile
from tests.integration.cli_helpers import run_outpost
from tests.ui.conftest import Session, WindowFactory, seed
from tests.ui.test_notes import FIRST, open_first_appointment, stored_texts


def _files_containing(folder: Path, marker: str) -> list[Path]:
    needle = marker.encode()
    return [path for path in folder.rglob("*") if path.is_file() and needle in path.read_bytes()]


@pytest.fixture
def debug_logging(profile: Profile) -> Iterator[Path]:
    """The app's own logging setup at DEBUG, as the composition root does it."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    path = configure_logging(profile.log_dir, "DEBUG", to_stderr=False)
    yield path
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)
    logging.captureWarnings(False)


def test_note_text_never_reaches_logs_or_plaintext_store(
    qtbot: QtBot,
    profile: Profile,
    debug_logging: Path,
    session: Session,
    make_window: WindowFactory,
) -> None:
    seed(session)
    window_marker = f"PHI-WINDOW-{uuid.uuid4().hex}"
    window = make_window(session, autosave_ms=100)
    open_first_appointment(qtbot, window)
    window.editor.editor.setFocus()
    QTest.keyClicks(window.editor.editor, f"Patient reports {window_marker}")
    qtbot.waitUntil(lambda: stored_texts(session) == [f"Patient reports {window_marker}"])
    window.close()
    session.close()

    cli_marker = f"PHI-CLI-{uuid.uuid4().hex}"
    added = run_outpost(
        profile.data_dir,
        "--set",
        "log_level=DEBUG",
        "note",
        "add",
        "--appointment",
        FIRST,
        "--text",
        f"Patient reports {cli_marker}",
        "--sign",
    )
    assert added.returncode == 0, added.stderr
    listed = run_outpost(profile.data_dir, "--set", "log_level=DEBUG", "note", "list")
    assert listed.returncode == 0, listed.stderr

    logs = list(profile.log_dir.rglob("*"))
    assert debug_logging in logs
    assert debug_logging.stat().st_size > 0, "the log should have recorded the activity"
    for marker in (window_marker, cli_marker):
        assert _files_containing(profile.log_dir, marker) == []
        assert _files_containing(profile.data_dir, marker) == [], "store must be encrypted"
