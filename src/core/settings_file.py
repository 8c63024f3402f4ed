"""Writing choices back to the user's settings file (`config.toml`), keeping the rest of it.

Settings are read in layers (`settings.py`); a choice made in the app (a camera, a
microphone) belongs in the user's own file, so it survives a restart on this workstation
and still beats the machine policy that IT may have pre-seeded. Only top-level text and
true/false keys are written: an existing `key = ...` line is replaced, a new one goes
before the first table. The result is parsed again before it replaces the file
(atomically), so a file this cannot edit safely is left untouched and a `ConfigError`
says why.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path

from outpost.core.errors import ConfigError

_TABLE = re.compile(r"^\s*\[")


def update_user_settings(path: Path, values: Mapping[str, str | bool]) -> None:
    """Set the top-level text or true/false keys `values` in the TOML file at `path` (made
    if missing)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Settings file {path} cannot be read: {exc}") from exc
    updated = edited(text, values)
    try:
        written = tomllib.loads(updated)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Settings file {path} could not be updated safely: {exc}") from exc
    if any(written.get(key) != value for key, value in values.items()):
        raise ConfigError(f"Settings file {path} could not be updated safely; edit it by hand.")
    _write_atomically(path, updated)


def edited(text: str, values: Mapping[str, str | bool]) -> str:
    """`text` with each key of `values` set at the top level (pure)."""
    lines = text.splitlines()
    top = next((i for i, line in enumerate(lines) if _TABLE.match(line)), len(lines))
    missing: list[str] = []
    for key, value in values.items():
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        found = [i for i in range(top) if pattern.match(lines[i])]
        if found:
            lines[found[0]] = line
        else:
            missing.append(line)
    while missing and top > 0 and not lines[top - 1].strip():
        top -= 1  # keep the blank line before the first table after the new keys
    lines[top:top] = missing
    return "\n".join(lines) + "\n"


def _write_atomically(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".config-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigError(f"Settings file {path} cannot be written: {exc.strerror}") from exc
