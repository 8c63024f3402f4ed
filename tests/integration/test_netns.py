"""The tests' network namespaces (tests/netns.py): a process inside reaches the root side of
the veth pair, `tbf` limits go on and off, and nothing is left behind, even after a
failure inside the block or a run that was killed."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.netns import PREFIX, network_namespace

ECHO = """
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
s.sendall(b"ping"); print(s.recv(4).decode())
"""


def namespaces() -> set[str]:
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    return {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}


def test_a_process_inside_reaches_the_root_side_and_limits_apply() -> None:
    with network_namespace() as ns:
        with socket.create_server((ns.outer_address, 0)) as server:
            port = server.getsockname()[1]
            child = subprocess.Popen(
                ns.command(sys.executable, "-c", ECHO, ns.outer_address, str(port)),
                stdout=subprocess.PIPE,
                text=True,
            )
            connection, (peer, _) = server.accept()
            with connection:
                connection.sendall(connection.recv(4))
            out, _ = child.communicate(timeout=10)
        assert (out.strip(), peer) == ("ping", ns.inner_address)
        ns.limit_up(400)
        assert "tbf" in ns.qdisc_stats()
        assert "rate 400Kbit" in ns.qdisc_stats()
        ns.limit_up(None)
        assert "tbf" not in ns.qdisc_stats()
        name = ns.name
    assert name not in namespaces()


def test_nothing_is_left_after_a_failure_or_a_killed_run() -> None:
    names: list[str] = []

    def fail_inside() -> None:
        with network_namespace() as ns:
            names.append(ns.name)
            raise RuntimeError("the test failed inside")

    with pytest.raises(RuntimeError):
        fail_inside()
    assert names
    assert names[0] not in namespaces()

    stale = f"{PREFIX}999999999-0"  # a run whose process is gone
    subprocess.run(["ip", "netns", "add", stale], check=True)
    with network_namespace():
        assert stale not in namespaces()
