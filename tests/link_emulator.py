"""A thin-link emulator for calls: a UDP relay put in front of a TURN server, so one
peer's media (relayed through TURN over UDP) crosses a link with a rate limit, delay and
random loss, each direction on its own, changeable and cuttable while a call runs.

The kernel here has no `netem` (DESIGN 5), so delay needs a user-space relay; this one is
also what the call benchmark uses for Outpost and Chromium alike. Rate limiting works like
`tbf`: a packet leaves when the link has sent everything queued before it at `rate_kbit`;
one that would wait longer than `queue_ms` is dropped (the queue is full).

    with LinkEmulator(("127.0.0.1", turn.port), up=LinkShape(rate_kbit=400, delay_ms=50),
                      down=LinkShape(delay_ms=50)) as link:
        ice_server = f"turn:127.0.0.1:{link.port}?transport=udp"
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import TracebackType
from typing import cast

Address = tuple[str, int]


@dataclass(frozen=True)
class LinkShape:
    rate_kbit: float | None = None  # None: as fast as loopback
    delay_ms: float = 0.0  # one way
    loss: float = 0.0  # fraction of packets dropped at random
    queue_ms: float = 200.0  # the longest a packet may wait for the rate limit


@dataclass
class DirectionStats:
    packets: int = 0
    delivered: int = 0
    lost: int = 0  # random loss
    overflowed: int = 0  # queue full (rate limit)
    cut: int = 0  # dropped while the link was cut
    bytes_delivered: int = 0


@dataclass
class _Direction:
    shape: LinkShape
    stats: DirectionStats = field(default_factory=DirectionStats)
    free_at: float = 0.0  # when the rate limiter has sent everything queued so far


class _Relay(asyncio.DatagramProtocol):
    """Receives on one socket; `forward` decides what becomes of each datagram."""

    def __init__(self, on_datagram: Callable[[bytes, Address], None]) -> None:
        self._on_datagram = on_datagram
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self._on_datagram(data, addr)


class LinkEmulator:
    def __init__(
        self,
        upstream: Address,
        *,
        up: LinkShape | None = None,
        down: LinkShape | None = None,
        seed: int = 1,
    ) -> None:
        self.upstream = upstream
        self._up = _Direction(up or LinkShape())
        self._down = _Direction(down or LinkShape())
        self._random = random.Random(seed)
        self._cut = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="link", daemon=True)
        self._front: _Relay | None = None
        self._backs: dict[Address, _Relay] = {}  # client address -> its socket upstream
        self.port = 0

    # -- control (any thread) ------------------------------------------------------------

    def __enter__(self) -> LinkEmulator:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._open(), self._loop).result(5)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    def shape(self, *, up: LinkShape | None = None, down: LinkShape | None = None) -> None:
        def change() -> None:
            if up is not None:
                self._up.shape = up
            if down is not None:
                self._down.shape = down

        self._loop.call_soon_threadsafe(change)

    def cut(self) -> None:
        """Drop everything both ways until `restore` (a cable pulled, Wi-Fi gone)."""
        self._loop.call_soon_threadsafe(setattr, self, "_cut", True)

    def restore(self, *, new_address: bool = False) -> None:
        """End a cut. With `new_address`, come back as after a network change: upstream
        sees every client from a new port, so what was set up before (a TURN allocation,
        an ICE pair) is dead and only new connections work."""

        def change() -> None:
            if new_address:
                for back in self._backs.values():
                    if back.transport is not None:
                        back.transport.close()
                self._backs.clear()
            self._cut = False

        self._loop.call_soon_threadsafe(change)

    @property
    def up_stats(self) -> DirectionStats:
        return self._up.stats

    @property
    def down_stats(self) -> DirectionStats:
        return self._down.stats

    # -- the relay (on its own loop) -----------------------------------------------------

    async def _open(self) -> int:
        _, protocol = await self._loop.create_datagram_endpoint(
            lambda: _Relay(self._from_client), local_addr=("127.0.0.1", 0)
        )
        self._front = protocol
        assert protocol.transport is not None
        return int(protocol.transport.get_extra_info("sockname")[1])

    async def _close(self) -> None:
        for relay in [self._front, *self._backs.values()]:
            if relay is not None and relay.transport is not None:
                relay.transport.close()

    def _from_client(self, data: bytes, client: Address) -> None:
        back = self._backs.get(client)
        if back is None:
            back = _Relay(partial(self._from_upstream, client=client))
            self._backs[client] = back
            self._loop.create_task(self._connect(back, data))
            return
        self._pass(self._up, data, lambda: self._send(back, data, self.upstream))

    async def _connect(self, back: _Relay, first: bytes) -> None:
        await self._loop.create_datagram_endpoint(lambda: back, local_addr=("127.0.0.1", 0))
        self._pass(self._up, first, lambda: self._send(back, first, self.upstream))

    def _from_upstream(self, data: bytes, _sender: Address, *, client: Address) -> None:
        front = self._front
        if front is not None:
            self._pass(self._down, data, lambda: self._send(front, data, client))

    @staticmethod
    def _send(relay: _Relay, data: bytes, to: Address) -> None:
        if relay.transport is not None and not relay.transport.is_closing():
            relay.transport.sendto(data, to)

    def _pass(self, direction: _Direction, data: bytes, deliver: Callable[[], None]) -> None:
        stats, shape = direction.stats, direction.shape
        stats.packets += 1
        if self._cut:
            stats.cut += 1
            return
        if shape.loss and self._random.random() < shape.loss:
            stats.lost += 1
            return
        now = self._loop.time()
        leaves = now
        if shape.rate_kbit:
            start = max(now, direction.free_at)
            if start - now > shape.queue_ms / 1000:
                stats.overflowed += 1
                return
            leaves = start + len(data) * 8 / (shape.rate_kbit * 1000)
            direction.free_at = leaves
        stats.delivered += 1
        stats.bytes_delivered += len(data)
        self._loop.call_at(leaves + shape.delay_ms / 1000, deliver)
