"""The demo's folder: a profile of its own (kept apart from the clinician's real one) that
starts fresh on every run, so the demo clinic's schedule is always today's.

Only a folder the demo made (it holds a marker file), the platform's own demo folder, or an
empty one is ever reset; a real profile given with `--home` is refused, never emptied.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import platformdirs

from outpost.core.errors import ConfigError
from outpost.core.settings import APP_NAME, Profile, Settings
from outpost.store.database import PROFILE_ID_FILE

logger = logging.getLogger(__name__)

MARKER = "outpost-demo.txt"
SERVER_DIR = "demo-server"
_FRESH = ("outpost.db", "outpost.db-wal", "outpost.db-shm", "backups", SERVER_DIR)


def platform_demo_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "demo"


def demo_profile(settings: Settings) -> Profile:
    """`--home` when given, else the platform's demo folder (never the real profile)."""
    if settings.profile != Profile.platform_default():
        return settings.profile
    return Profile.at(platform_demo_dir())


def start_fresh(profile: Profile) -> None:
    """Empty the demo's store and server data (the store key and logs stay)."""
    folder = profile.data_dir
    ours = (folder / MARKER).exists() or folder == platform_demo_dir()
    used = folder.exists() and any(
        (folder / name).exists() for name in ("outpost.db", PROFILE_ID_FILE)
    )
    if used and not ours:
        raise ConfigError(
            f"{folder} holds an Outpost profile that is not a demo. The demo starts fresh each"
            " time, so give it an empty folder with --home (or none)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name in _FRESH:
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    (folder / MARKER).write_text(
        "Outpost demo profile: emptied and filled again by every `outpost demo`.\n",
        encoding="utf-8",
    )
    logger.info("demo folder made fresh")


def server_dir(profile: Profile) -> Path:
    return profile.data_dir / SERVER_DIR
