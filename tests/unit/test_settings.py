"""Layered settings: defaults < policy < user file < environment < command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.core.errors import ConfigError
from outpost.core.settings import Profile, load_settings, parse_override


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_when_no_source_sets_anything(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path, environ={}, policy_file=tmp_path / "absent.toml")
    assert settings.autosave_ms == 1000
    assert settings.log_level == "INFO"
    assert settings.profile == Profile.at(tmp_path)
    assert settings.profile.database == tmp_path.resolve() / "outpost.db"
    assert settings.video_codec == "vp8"
    h264 = load_settings(
        home=tmp_path, environ={"OUTPOST_VIDEO_CODEC": "H264"}, policy_file=tmp_path / "absent"
    )
    assert h264.video_codec == "h264"


def test_each_layer_beats_the_one_below(tmp_path: Path) -> None:
    policy = _write(
        tmp_path / "policy.toml",
        'autosave_ms = 500\nlog_level = "ERROR"\nserver_url = "https://policy.example"\n'
        "idle_lock_minutes = 5\n",
    )
    home = tmp_path / "home"
    _write(home / "config.toml", 'log_level = "WARNING"\nserver_url = "https://user.example/"\n')
    settings = load_settings(
        home=home,
        environ={"OUTPOST_SERVER_URL": "https://env.example", "OUTPOST_IDLE_LOCK_MINUTES": "7"},
        policy_file=policy,
        overrides={"idle_lock_minutes": "9"},
    )
    assert settings.autosave_ms == 500  # policy only
    assert settings.log_level == "WARNING"  # user file beats policy
    assert settings.server_url == "https://env.example"  # environment beats user file
    assert settings.idle_lock_minutes == 9  # command line beats environment


def test_outpost_home_selects_the_profile_and_flag_beats_it(tmp_path: Path) -> None:
    env = {"OUTPOST_HOME": str(tmp_path / "from-env")}
    absent = tmp_path / "absent.toml"
    assert load_settings(environ=env, policy_file=absent).profile == Profile.at(
        tmp_path / "from-env"
    )
    flag = load_settings(home=tmp_path / "flag", environ=env, policy_file=absent)
    assert flag.profile == Profile.at(tmp_path / "flag")


def test_policy_file_location_can_be_set_by_environment(tmp_path: Path) -> None:
    policy = _write(tmp_path / "it" / "policy.toml", "autosave_ms = 250\n")
    env = {"OUTPOST_POLICY_FILE": str(policy)}
    assert load_settings(home=tmp_path, environ=env).autosave_ms == 250


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("autosave_ms = 5", "Invalid setting 'autosave_ms' in policy file"),
        ('autosave_ms = "fast"', "must be a whole number"),
        ('log_level = "LOUD"', "must be one of DEBUG, INFO, WARNING, ERROR"),
        ('server_url = "ftp://x"', "must be an http:// or https:// address"),
        ("autosav_ms = 500", "Unknown setting 'autosav_ms' in policy file"),
        ("autosave_ms = = 1", "is not valid TOML"),
        ('video_codec = "av1"', "must be one of vp8, h264"),
    ],
)
def test_invalid_policy_names_key_and_file(tmp_path: Path, text: str, expected: str) -> None:
    policy = _write(tmp_path / "policy.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_settings(home=tmp_path, environ={}, policy_file=policy)
    assert expected in str(caught.value)
    assert str(policy) in str(caught.value)


def test_invalid_user_file_and_environment_name_their_source(tmp_path: Path) -> None:
    absent = tmp_path / "absent.toml"
    _write(tmp_path / "config.toml", "idle_lock_minutes = -1\n")
    with pytest.raises(ConfigError, match=r"settings file .*config\.toml"):
        load_settings(home=tmp_path, environ={}, policy_file=absent)
    with pytest.raises(ConfigError, match=r"'autosave_ms' in environment \(OUTPOST_\*\)"):
        load_settings(
            home=tmp_path / "other", environ={"OUTPOST_AUTOSAVE_MS": "x"}, policy_file=absent
        )


def test_command_line_override_must_be_key_value() -> None:
    assert parse_override("log_level=DEBUG") == ("log_level", "DEBUG")
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("log_level")


def test_shipped_policy_template_is_valid(tmp_path: Path) -> None:
    template = Path(__file__).parents[2] / "resources" / "policy.example.toml"
    settings = load_settings(home=tmp_path, environ={}, policy_file=template)
    assert settings.idle_lock_minutes == 5
    assert settings.server_url == "https://fhir.example-health.org/fhir"


def test_other_outpost_variables_are_not_settings(tmp_path: Path) -> None:
    env = {"OUTPOST_KEYRING_DIR": "/somewhere", "OUTPOST_LOG_LEVEL": "debug"}
    settings = load_settings(home=tmp_path, environ=env, policy_file=tmp_path / "none.toml")
    assert settings.log_level == "DEBUG"
