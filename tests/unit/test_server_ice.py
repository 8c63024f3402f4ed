"""`outpost server --ice-server URL [--turn-user U --turn-password P]`: what goes into
every `welcome.ice_servers`, and the mistakes refused at start-up."""

from __future__ import annotations

import pytest

from outpost.cli import build_parser
from outpost.core.errors import ConfigError
from outpost.server.main import config_from_args


def _config(*options: str) -> object:
    args = build_parser().parse_args(["server", "--data", "/tmp/x", *options])
    return config_from_args(args).ice_servers


def test_no_ice_servers_by_default() -> None:
    assert _config() == ()


def test_credentials_in_the_url_win_and_are_not_in_error_messages() -> None:
    found = _config("--ice-server", "turn:alice:s%40fe@turn.example:3478?transport=udp")
    assert found == (
        {
            "urls": ["turn:turn.example:3478?transport=udp"],
            "username": "alice",
            "credential": "s@fe",
        },
    )
    with pytest.raises(ConfigError) as refused:
        _config("--ice-server", "turn:alice:hunter2@bad host")
    assert "hunter2" not in str(refused.value)


def test_stun_alone_and_turn_with_credentials_in_the_given_order() -> None:
    found = _config(
        "--ice-server", "turns:turn.example:443?transport=tcp",
        "--ice-server", "stun:stun.example:3478",
        "--turn-user", "u", "--turn-password", "p",
    )  # fmt: skip
    assert found == (
        {"urls": ["turns:turn.example:443?transport=tcp"], "username": "u", "credential": "p"},
        {"urls": ["stun:stun.example:3478"]},
    )


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (("--ice-server", "http://turn.example"), "must start with one of stun"),
        (("--ice-server", "turn:turn.example:99999"), "invalid port"),
        (("--ice-server", "turn:turn.example"), "needs --turn-user"),
        (("--turn-user", "u"), "go together"),
    ],
)
def test_mistakes_stop_the_server_with_a_clear_message(
    options: tuple[str, ...], words: str
) -> None:
    with pytest.raises(ConfigError, match=words):
        _config(*options)
