"""Several STUN/TURN servers: each new peer connection gets one of each, the next ones
after a connection that never came up, wrapping round."""

from __future__ import annotations

from outpost.core.ice_servers import IceServer, parse_ice_servers
from outpost.media.ice_rotation import IceRotation

SERVERS = parse_ice_servers(
    "stun:stun1.example.org:3478 turn:u:p@turn1.example.org:3478?transport=udp "
    "stun:stun2.example.org turns:u:p@turn2.example.org:443?transport=tcp "
    "turn:u:p@turn3.example.org:3478?transport=tcp"
)


def test_the_first_of_each_to_begin_with() -> None:
    choice = IceRotation().choose(SERVERS)
    assert choice.stun == "stun:stun1.example.org:3478"
    assert choice.turn == "turn:turn1.example.org:3478?transport=udp"
    assert [server.url for server in choice.servers] == [choice.stun, choice.turn]
    assert choice.servers[1].credential == "p"


def test_a_failed_connection_moves_on_and_wraps_round() -> None:
    rotation = IceRotation()
    turns = []
    stuns = []
    for _ in range(4):
        choice = rotation.choose(SERVERS)
        turns.append(choice.turn)
        stuns.append(choice.stun)
        rotation.failed()
    assert turns == [
        "turn:turn1.example.org:3478?transport=udp",
        "turns:turn2.example.org:443?transport=tcp",
        "turn:turn3.example.org:3478?transport=tcp",
        "turn:turn1.example.org:3478?transport=udp",
    ]
    assert stuns == [
        "stun:stun1.example.org:3478",
        "stun:stun2.example.org",
        "stun:stun1.example.org:3478",
        "stun:stun2.example.org",
    ]


def test_a_working_server_is_kept() -> None:
    rotation = IceRotation()
    first = rotation.choose(SERVERS)
    assert rotation.choose(SERVERS) == first  # no failure: the same servers again


def test_none_or_only_stun() -> None:
    assert IceRotation().choose(()).servers == ()
    only = (IceServer("stun:stun.example.org"),)
    choice = IceRotation().choose(only)
    assert (choice.stun, choice.turn) == ("stun:stun.example.org", None)
    assert IceRotation.turn_count(SERVERS) == 3
