"""One frozen `Settings`, loaded once from layered sources.

Precedence, lowest first: built-in defaults < the machine's policy file (written by IT)
< the user's file < `OUTPOST_*` environment variables < command-line `--set KEY=VALUE`.
An invalid or unknown key stops startup with a `ConfigError` naming the key and its source.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from outpost.core.errors import ConfigError
from outpost.core.ice_servers import IceServer, parse_ice_servers

APP_NAME = "Outpost"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LANGUAGES = ("en", "es")  # the app's shipped translations; "" follows the system


def default_policy_file() -> Path:
    """Where IT places the machine policy, per OS (docs/deployment.md)."""
    if sys.platform == "win32":
        return Path(os.environ.get("PROGRAMDATA", r"C:\ProgramData")) / APP_NAME / "policy.toml"
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME / "policy.toml"
    return Path("/etc/outpost/policy.toml")


@dataclass(frozen=True)
class Profile:
    """The folders of one user profile: database, logs and the user's settings file."""

    data_dir: Path
    log_dir: Path
    config_file: Path

    @property
    def database(self) -> Path:
        return self.data_dir / "outpost.db"

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @classmethod
    def at(cls, home: Path) -> Profile:
        home = home.expanduser().resolve()
        return cls(data_dir=home, log_dir=home / "logs", config_file=home / "config.toml")

    @classmethod
    def platform_default(cls) -> Profile:
        return cls(
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
            config_file=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
            / "config.toml",
        )


def _log_level(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in LOG_LEVELS:
        raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
    return value.upper()


def _int_between(low: int, high: int) -> Callable[[object], int]:
    def parse(value: object) -> int:
        if isinstance(value, bool):
            raise ValueError("must be a whole number")
        if not isinstance(value, int | str):
            raise ValueError("must be a whole number")
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _language(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in ("", *LANGUAGES):
        raise ValueError(f"must be empty (the system's language) or one of {', '.join(LANGUAGES)}")
    return value.strip().lower()


VIDEO_CODECS = ("vp8", "h264")


def _video_codec(value: object) -> str:
    if not isinstance(value, str) or value.strip().lower() not in VIDEO_CODECS:
        raise ValueError(f"must be one of {', '.join(VIDEO_CODECS)}")
    return value.strip().lower()


DEVICE_NAME_MAX = 200


def _device(value: object) -> str:
    """A camera, microphone or speaker as the system names it ("" the system's default,
    "synthetic" the test sources; core/device_choice.py)."""
    if not isinstance(value, str):
        raise ValueError("must be text: a device name, empty for the system's default")
    name = value.strip()
    if len(name) > DEVICE_NAME_MAX or any(ord(char) < 32 for char in name):
        raise ValueError(f"must be one line of at most {DEVICE_NAME_MAX} characters")
    return name


def _server_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    if value == "":
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an http:// or https:// address")
    return value.rstrip("/")


_TRUE = ("true", "1", "yes", "on")
_FALSE = ("false", "0", "no", "off")


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE + _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("must be true or false")


@dataclass(frozen=True)
class Settings:
    """Validated settings; passed down through constructors, never read from globals."""

    profile: Profile
    log_level: str = "INFO"
    autosave_ms: int = 1000
    server_url: str = ""
    idle_lock_minutes: int = 10
    ice_servers: tuple[IceServer, ...] = ()  # STUN/TURN, in order (core/ice_servers.py)
    relay_only: bool = False  # calls use TURN relays only (locked-down networks)
    video_codec: str = "vp8"  # what video visits offer first: one of VIDEO_CODECS
    language: str = ""  # the app's language: "" follows the system, else one of LANGUAGES
    # video visits' devices on this workstation: "" the system's default, "synthetic" the
    # test sources, else the device's name (core/device_choice.py)
    camera: str = ""
    microphone: str = ""
    speaker: str = ""
    # the guided first run was finished or skipped (IT may set it to skip the tour)
    first_run_done: bool = False


# key -> parser; every key here may appear in a file, as OUTPOST_<KEY>, or in --set.
_FIELDS: dict[str, Callable[[object], Any]] = {
    "log_level": _log_level,
    "autosave_ms": _int_between(100, 10_000),
    "server_url": _server_url,
    "idle_lock_minutes": _int_between(0, 24 * 60),
    "ice_servers": parse_ice_servers,
    "relay_only": _bool,
    "video_codec": _video_codec,
    "language": _language,
    "camera": _device,
    "microphone": _device,
    "speaker": _device,
    "first_run_done": _bool,
}
_MAY_HOLD_SECRETS = frozenset({"ice_servers"})


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Settings file {path} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"Settings file {path} cannot be read: {exc.strerror}") from exc


def _apply(values: dict[str, Any], raw: Mapping[str, object], source: str) -> None:
    for key, value in raw.items():
        parse = _FIELDS.get(key)
        if parse is None:
            known = ", ".join(sorted(_FIELDS))
            raise ConfigError(f"Unknown setting '{key}' in {source} (known: {known}).")
        try:
            values[key] = parse(value)
        except ValueError as exc:
            # TURN credentials must not reach a terminal or a log: name the entry only.
            shown = "" if key in _MAY_HOLD_SECRETS else f"{value!r} "
            raise ConfigError(f"Invalid setting '{key}' in {source}: {shown}{exc}.") from exc


def load_settings(
    *,
    home: Path | None = None,
    overrides: Mapping[str, str] | None = None,
    environ: Mapping[str, str] | None = None,
    policy_file: Path | None = None,
) -> Settings:
    """Build the one `Settings` of this process.

    `home` (from `--home`) beats `OUTPOST_HOME`; without either the platform's standard
    folders are used. `OUTPOST_POLICY_FILE` relocates the policy file (for IT and tests).
    """
    env = os.environ if environ is None else environ
    if home is None and env.get("OUTPOST_HOME"):
        home = Path(env["OUTPOST_HOME"])
    profile = Profile.at(home) if home is not None else Profile.platform_default()
    if policy_file is None:
        policy_file = Path(env["OUTPOST_POLICY_FILE"]) if env.get("OUTPOST_POLICY_FILE") else None
    policy = policy_file or default_policy_file()

    values: dict[str, Any] = {}
    _apply(values, _read_toml(policy), f"policy file {policy}")
    _apply(values, _read_toml(profile.config_file), f"settings file {profile.config_file}")
    # Only OUTPOST_<KEY> for a known key is a setting; other OUTPOST_* variables belong to
    # the tooling around Outpost (keychain sessions, test harnesses) and are left alone.
    from_env = {
        key: env[f"OUTPOST_{key.upper()}"] for key in _FIELDS if f"OUTPOST_{key.upper()}" in env
    }
    _apply(values, from_env, "environment (OUTPOST_*)")
    _apply(values, overrides or {}, "command line (--set)")
    return dataclasses.replace(Settings(profile=profile), **values)


def parse_override(text: str) -> tuple[str, str]:
    """`KEY=VALUE` from the command line."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"'--set {text}' must look like KEY=VALUE.")
    return key.strip(), value
