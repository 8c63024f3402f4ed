"""The workstation's camera, microphone and speaker choice: from the settings layers, saved
to the user's own file, read back after a restart; the user's other settings untouched."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from outpost.core.device_choice import SYNTHETIC, DeviceChoice, save_device_choice
from outpost.core.errors import ConfigError
from outpost.core.settings import load_settings
from outpost.core.settings_file import edited, update_user_settings
from outpost.core.visits import DeviceKind


def _load(home: Path, policy: Path, **env: str) -> DeviceChoice:
    environ = {f"OUTPOST_{key.upper()}": value for key, value in env.items()}
    return DeviceChoice.from_settings(load_settings(home=home, environ=environ, policy_file=policy))


def test_defaults_are_the_system_devices(tmp_path: Path) -> None:
    assert _load(tmp_path, tmp_path / "none.toml") == DeviceChoice("", "", "")


def test_a_choice_survives_a_restart_and_beats_the_policy(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('camera = "Ward Camera"\nspeaker = "synthetic"\n')
    home = tmp_path / "home"
    first = _load(home, policy)
    assert first == DeviceChoice("Ward Camera", "", SYNTHETIC)  # IT pre-seeded

    chosen = first.with_device(DeviceKind.MICROPHONE, "  USB Headset: Audio (hw:2,0) ")
    chosen = chosen.with_device(DeviceKind.CAMERA, 'Cam "HD" \\ 2')
    save_device_choice(load_settings(home=home, environ={}, policy_file=policy).profile, chosen)

    again = _load(home, policy)  # a new process reads the same files
    assert again == chosen
    assert again.microphone == "USB Headset: Audio (hw:2,0)"
    assert again.of(DeviceKind.CAMERA) == 'Cam "HD" \\ 2'
    assert _load(home, policy, camera="Other").camera == "Other"  # the environment still wins


def test_saving_keeps_the_users_other_settings(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '# my settings\nlog_level = "DEBUG"\ncamera = "Old"\n\n'
        '[unrelated]\ncamera = "not this one"\n'
    )
    update_user_settings(config, {"camera": "New", "speaker": "Headphones"})
    data = tomllib.loads(config.read_text())
    assert data == {
        "log_level": "DEBUG",
        "camera": "New",
        "speaker": "Headphones",
        "unrelated": {"camera": "not this one"},
    }
    assert config.read_text().startswith("# my settings\n")


def test_a_file_it_cannot_edit_safely_is_left_alone(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    original = 'camera = """\nmulti\nline"""\n'
    config.write_text(original)
    with pytest.raises(ConfigError, match="could not be updated safely"):
        update_user_settings(config, {"camera": "New"})
    assert config.read_text() == original


def test_edit_of_an_empty_file() -> None:
    assert edited("", {"speaker": ""}) == 'speaker = ""\n'


@pytest.mark.parametrize(
    "toml", ['camera = "two\\nlines"', f'camera = "{"x" * 201}"', "camera = 3"]
)
def test_a_bad_device_setting_names_the_key(tmp_path: Path, toml: str) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text(toml + "\n")
    with pytest.raises(ConfigError, match="'camera'"):
        load_settings(home=tmp_path, environ={}, policy_file=policy)
