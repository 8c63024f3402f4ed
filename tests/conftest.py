"""Fixtures shared by every test tier."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.core.settings import Profile


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    """A fresh, empty profile folder (database, logs, config) for one test."""
    return Profile.at(tmp_path / "profile")
