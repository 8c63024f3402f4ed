"""The tests' thin-link emulator (tests/link_emulator.py) does what the call tests rely on:
delay each way, a rate limit with a bounded queue, random loss, and a cut link."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from tests.link_emulator import LinkEmulator, LinkShape


@contextmanager
def _echo_server() -> Iterator[tuple[str, int]]:
    """A UDP echo upstream, on a thread of its own."""
    import threading

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                data, peer = sock.recvfrom(65536)
            except TimeoutError:
                continue
            sock.sendto(data, peer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()
    finally:
        stop.set()
        thread.join()
        sock.close()


def _client(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(2.0)
    sock.connect(("127.0.0.1", port))
    return sock


def test_a_delayed_link_delays_each_way() -> None:
    with (
        _echo_server() as upstream,
        LinkEmulator(upstream, up=LinkShape(delay_ms=40), down=LinkShape(delay_ms=40)) as link,
    ):
        sock = _client(link.port)
        sock.send(b"warm up")  # the first datagram opens the upstream socket
        assert sock.recv(100) == b"warm up"
        started = time.monotonic()
        sock.send(b"ping")
        assert sock.recv(100) == b"ping"
        assert time.monotonic() - started >= 0.079
        sock.close()


def test_a_rate_limit_drops_what_its_queue_cannot_hold() -> None:
    # 1,000-byte packets at 400 kbit/s leave every 20 ms; a 100 ms queue holds about 5.
    shape = LinkShape(rate_kbit=400, queue_ms=100)
    with _echo_server() as upstream, LinkEmulator(upstream, up=shape) as link:
        sock = _client(link.port)
        sock.send(b"x")
        sock.recv(100)
        for _ in range(50):
            sock.send(b"y" * 1000)
        received = 0
        sock.settimeout(0.5)
        try:
            while True:
                sock.recv(2000)
                received += 1
        except TimeoutError:
            pass
        assert 4 <= received <= 8
        assert link.up_stats.overflowed == 50 - received
        sock.close()


def test_loss_and_a_cut_link_drop_packets() -> None:
    with (
        _echo_server() as upstream,
        LinkEmulator(upstream, up=LinkShape(loss=0.5), seed=7) as link,
    ):
        sock = _client(link.port)
        sock.send(b"open")
        sock.settimeout(0.3)
        for _ in range(200):
            sock.send(b"z")
        deadline = time.monotonic() + 5
        while link.up_stats.packets < 201 and time.monotonic() < deadline:
            time.sleep(0.01)  # the relay's thread is still reading the burst
        assert link.up_stats.packets == 201
        assert 60 <= link.up_stats.lost <= 140
        link.cut()
        sock.send(b"cut")
        sock.settimeout(0.3)
        try:
            while True:
                sock.recv(10)
        except TimeoutError:
            pass
        assert link.up_stats.cut >= 1
        sock.close()
