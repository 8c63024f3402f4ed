"""A network namespace joined to the root one by a veth pair, with `tbf` rate limits: a
real kernel link for call tests and `bench/call.py` (DESIGN 5: the kernel has no
`netem`; namespaces, veth and `tbf` work, as root).

    with network_namespace() as ns:           # fails (never skips) if not root or no `ip`
        server listens on ns.outer_address    # the root side of the pair
        subprocess.Popen(ns.command(sys.executable, "-m", "outpost", ...))  # runs inside
        ns.limit_up(400)                      # inside -> root: 400 kbit/s
        ns.limit_down(1000)                   # root -> inside
        ns.limit_up(None)                     # lifted

Inside, the only addresses are `inner_address` and 127.0.0.1 (no route elsewhere), so a
process there reaches the root namespace's services at `outer_address` and nothing else.
Leaving the block deletes the namespace and its veth pair, also after a failure; a
namespace left behind by a killed run (its name holds the pid) is deleted by the next.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

PREFIX = "outpost-"
TIMEOUT_S = 10.0
SUBNETS = 1 << 14  # /30 subnets of 10.203.0.0/16 (10.203.<a>.<b*4>)
_counter = itertools.count()


class NetnsError(RuntimeError):
    """The machine cannot make namespaces (not root, no `ip`), or a command failed."""


@dataclass(frozen=True)
class Namespace:
    name: str
    outer_device: str  # in the root namespace
    inner_device: str  # in this namespace
    outer_address: str  # root side of the pair (e.g. where a server listens)
    inner_address: str  # this namespace's address

    def command(self, *args: str) -> list[str]:
        """`args` run inside the namespace (`ip netns exec`)."""
        return ["ip", "netns", "exec", self.name, *args]

    def limit_up(
        self, rate_kbit: float | None, *, latency_ms: int = 200, burst_bytes: int = 4000
    ) -> None:
        """Rate-limit what leaves the namespace (`tbf` on its veth); None lifts it.
        `latency_ms` bounds the queue (longer waits are dropped), `burst_bytes` the burst."""
        _tbf(
            ["ip", "netns", "exec", self.name],
            self.inner_device,
            rate_kbit,
            latency_ms,
            burst_bytes,
        )

    def limit_down(
        self, rate_kbit: float | None, *, latency_ms: int = 200, burst_bytes: int = 4000
    ) -> None:
        """Rate-limit what enters the namespace (`tbf` on the root side's veth)."""
        _tbf([], self.outer_device, rate_kbit, latency_ms, burst_bytes)

    def qdisc_stats(self) -> str:
        """`tc -s qdisc` of the inner device (sent, dropped, overlimits), for reports."""
        return _run(
            [
                "ip",
                "netns",
                "exec",
                self.name,
                "tc",
                "-s",
                "qdisc",
                "show",
                "dev",
                self.inner_device,
            ]
        )


def _run(args: list[str], check: bool = True) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if check and result.returncode != 0:
        raise NetnsError(f"{' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def _tbf(prefix: list[str], device: str, rate: float | None, latency: int, burst: int) -> None:
    if rate is None:
        _run([*prefix, "tc", "qdisc", "del", "dev", device, "root"], check=False)
        return
    shape = ["rate", f"{rate:g}kbit", "burst", str(burst), "latency", f"{latency}ms"]
    _run([*prefix, "tc", "qdisc", "replace", "dev", device, "root", "tbf", *shape])


def require() -> None:
    """Fail with what is missing; namespace tests never skip (CI runs as root)."""
    if os.geteuid() != 0:
        raise NetnsError(
            "network namespace tests need root (CI runs as root): run the tests as root"
        )
    for tool in ("ip", "tc"):
        if shutil.which(tool) is None:
            raise NetnsError(f"`{tool}` is missing: install iproute2 (scripts/bootstrap.sh)")


def _used_subnets() -> set[str]:
    text = _run(["ip", "-o", "-4", "addr", "show"])
    return set(re.findall(r"inet (10\.203\.\d+\.\d+)/30", text))


def _subnet(start: int, used: set[str]) -> tuple[str, str]:
    for offset in range(SUBNETS):
        index = (start + offset) % SUBNETS
        base = f"10.203.{index >> 6}.{(index & 63) * 4}"
        outer = f"10.203.{index >> 6}.{(index & 63) * 4 + 1}"
        if outer not in used and base not in used:
            return outer, f"10.203.{index >> 6}.{(index & 63) * 4 + 2}"
    raise NetnsError("no free /30 subnet in 10.203.0.0/16")


def sweep_stale() -> None:
    """Delete namespaces a killed run left behind (their pid is gone)."""
    for line in _run(["ip", "netns", "list"]).splitlines():
        name = line.split()[0] if line.strip() else ""
        match = re.fullmatch(re.escape(PREFIX) + r"(\d+)-\d+", name)
        if match and not os.path.exists(f"/proc/{match.group(1)}"):
            _run(["ip", "netns", "del", name], check=False)


@contextlib.contextmanager
def network_namespace() -> Iterator[Namespace]:
    require()
    sweep_stale()
    pid, serial = os.getpid(), next(_counter)
    name = f"{PREFIX}{pid}-{serial}"
    tag = f"{pid % 100000}x{serial % 100}"
    outer_device, inner_device = f"op{tag}a", f"op{tag}b"
    outer, inner = _subnet(pid * 16 + serial, _used_subnets())
    try:
        _run(["ip", "netns", "add", name])
        _run(["ip", "link", "add", outer_device, "type", "veth", "peer", "name", inner_device])
        _run(["ip", "link", "set", inner_device, "netns", name])
        _run(["ip", "addr", "add", f"{outer}/30", "dev", outer_device])
        _run(["ip", "link", "set", outer_device, "up"])
        _run(["ip", "-n", name, "addr", "add", f"{inner}/30", "dev", inner_device])
        _run(["ip", "-n", name, "link", "set", inner_device, "up"])
        _run(["ip", "-n", name, "link", "set", "lo", "up"])
        yield Namespace(name, outer_device, inner_device, outer, inner)
    finally:
        _run(["ip", "netns", "del", name], check=False)  # takes the veth pair with it
        _run(["ip", "link", "del", outer_device], check=False)
