"""Several STUN and TURN servers, tried in order across peer connections.

aiortc (through aioice) uses only the first STUN and the first TURN server it is given.
`IceRotation` hands each new peer connection one of each: the first ones to begin with,
and the next ones (wrapping round) after a connection that never came up, so a dead or
unreachable server costs one connection attempt, not the visit. A server that once
worked is kept. Pure: the call decides when a connection failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outpost.core.ice_servers import IceServer


@dataclass(frozen=True)
class IceChoice:
    """The servers one peer connection gets, and their URLs for the record (no secrets)."""

    servers: tuple[IceServer, ...]
    stun: str | None
    turn: str | None


class IceRotation:
    def __init__(self) -> None:
        self._attempt = 0
        self.advances = 0

    def choose(self, servers: Sequence[IceServer]) -> IceChoice:
        """This attempt's STUN and TURN server out of `servers` (in preference order)."""
        stuns = [server for server in servers if not server.is_turn]
        turns = [server for server in servers if server.is_turn]
        stun = stuns[self._attempt % len(stuns)] if stuns else None
        turn = turns[self._attempt % len(turns)] if turns else None
        chosen = tuple(server for server in (stun, turn) if server is not None)
        return IceChoice(
            chosen, stun.url if stun is not None else None, turn.url if turn is not None else None
        )

    def failed(self) -> None:
        """The last connection never came up: the next one tries the next servers."""
        self._attempt += 1
        self.advances += 1

    @staticmethod
    def turn_count(servers: Sequence[IceServer]) -> int:
        return sum(1 for server in servers if server.is_turn)
