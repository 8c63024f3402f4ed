"""The `ice_servers` and `relay_only` settings: syntax, order, merging, no leaked secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.core.errors import ConfigError
from outpost.core.ice_servers import (
    IceServer,
    from_browser_shape,
    merged,
    parse_ice_server,
    parse_ice_servers,
)
from outpost.core.settings import load_settings


def test_entries_keep_their_order_and_lose_credentials_from_the_url() -> None:
    servers = parse_ice_servers(
        "stun:stun.example.org, turn:alice:s3cret@turn.example.org:3478?transport=udp "
        "turns:alice:s3cret@turn.example.org:443?transport=tcp"
    )
    assert [server.url for server in servers] == [
        "stun:stun.example.org",
        "turn:turn.example.org:3478?transport=udp",
        "turns:turn.example.org:443?transport=tcp",
    ]
    assert servers[1].username == "alice"
    assert servers[1].credential == "s3cret"
    assert servers[1].is_turn
    assert not servers[0].is_turn
    assert "s3cret" not in repr(servers)


def test_percent_encoded_credentials_and_ipv6_hosts() -> None:
    server = parse_ice_server("turn:a%40clinic:p%3Aw%2Cd@[2001:db8::1]:3478")
    assert (server.username, server.credential) == ("a@clinic", "p:w,d")
    assert server.url == "turn:[2001:db8::1]:3478"


def test_a_toml_list_is_accepted() -> None:
    servers = parse_ice_servers(["stun:127.0.0.1:3478", "turn:u:p@127.0.0.1"])
    assert [server.scheme for server in servers] == ["stun", "turn"]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("http://turn.example.org", "must start with"),
        ("stun:user:pw@stun.example.org", "take no credentials"),
        ("turn:user@turn.example.org", "USER:CREDENTIAL@"),
        ("turn:turn.example.org:99999", "invalid port"),
        ("turn:turn.example.org?transport=sctp", "only [?]transport"),
        ("turns:turn.example.org?transport=udp", "TCP only"),
        ("stun:stun.example.org?transport=udp", "no transport"),
        ("turn::3478", "no valid host"),
    ],
)
def test_malformed_entries_are_refused_with_a_reason(entry: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_ice_server(entry)


def test_an_invalid_setting_names_the_key_but_never_the_credential(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(
            home=tmp_path,
            environ={},
            policy_file=tmp_path / "absent.toml",
            overrides={"ice_servers": "turn:alice:topsecret@turn.example.org:0"},
        )
    message = str(caught.value)
    assert "ice_servers" in message
    assert "topsecret" not in message


def test_settings_carry_servers_and_relay_only(tmp_path: Path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text('ice_servers = ["turns:u:p@relay.example.org:443?transport=tcp"]\n')
    settings = load_settings(
        home=tmp_path,
        environ={"OUTPOST_RELAY_ONLY": "yes"},
        policy_file=policy,
    )
    assert settings.relay_only is True
    assert settings.ice_servers == (
        IceServer("turns:relay.example.org:443?transport=tcp", "u", "p"),
    )
    with pytest.raises(ConfigError, match="relay_only"):
        load_settings(
            home=tmp_path, environ={}, policy_file=policy, overrides={"relay_only": "maybe"}
        )


def test_browser_shapes_are_read_and_merged_after_local_servers() -> None:
    offered = from_browser_shape(
        {
            "urls": ["stun:stun.example.org", "turn:turn.example.org", "bogus:x"],
            "username": "u",
            "credential": "c",
        }
    )
    assert [server.url for server in offered] == ["stun:stun.example.org", "turn:turn.example.org"]
    assert offered[1].credential == "c"
    assert from_browser_shape("not an object") == ()
    local = parse_ice_servers("turn:me:pw@turn.example.org")
    combined = merged(local, offered)
    assert [(s.url, s.username) for s in combined] == [
        ("turn:turn.example.org", "me"),
        ("stun:stun.example.org", "u"),
    ]
    assert combined[0].browser_shape() == {
        "urls": ["turn:turn.example.org"],
        "username": "me",
        "credential": "pw",
    }
