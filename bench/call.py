"""Video visits side by side in one run: Outpost (`outpost call` + `outpost patient-bot`),
a bare aiortc call and headless Chromium, on loopback and on emulated thin links.

Parts (issue 4, section 5): `loopback` (CPU per endpoint and capture-to-decode latency of
a 640x480@30 two-way call), `first-picture` (admission to the first remote frame over
repeated calls), `400k` (400 kbit/s uplink, 100 ms round trip), `loss` (5% loss that
stops), `150k` (150 kbit/s both ways) and `memory` (resident memory over a long call).
Outpost needs a keychain for its signed-in clinician:

    scripts/keyring-session.sh .venv/bin/python bench/call.py
    scripts/keyring-session.sh .venv/bin/python bench/call.py --only loopback,400k --seconds 20
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiortc

from outpost import __version__

# Run as a script: the bench's own modules, and the tests' helpers they use, are imported
# from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.turn_server import running_turn

from bench.call_chromium import browsers
from bench.call_links import loss, narrow, thin
from bench.call_outpost import outpost_site
from bench.call_scenarios import (
    CONTENDERS,
    Context,
    Part,
    first_picture,
    loopback,
    memory,
    progress,
)

PARTS = ("loopback", "first-picture", "400k", "loss", "150k", "memory")
LINKED = ("400k", "loss", "150k")


@contextlib.contextmanager
def _folder(parent: Path | None, keep: bool) -> Iterator[str]:
    if keep:
        name = tempfile.mkdtemp(dir=parent, prefix="outpost-call-bench-")
        progress(f"the run's files stay in {name}")
        yield name
        return
    with tempfile.TemporaryDirectory(dir=parent, prefix="outpost-call-bench-") as name:
        yield name


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} ({os.cpu_count()} cores)"


def _source() -> str:
    """The commit measured, and whether the engine had uncommitted changes (the working
    tree is shared)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "src"], capture_output=True, text=True, check=False
        ).stdout.splitlines()
        return f"commit {head}" + (
            f" + {len(changed)} uncommitted file(s) in src/" if changed else ""
        )
    return "commit ?"


def _chromium_version() -> str:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found = subprocess.run(
            ["chromium", "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        return found.stdout.strip().split(" built")[0]
    return "chromium ?"


async def _parts(ctx: Context, parts: list[str], turn: object) -> list[Part]:
    from tests.turn_server import RunningTurn

    done: list[Part] = []
    for part in parts:
        if part == "loopback":
            found = await loopback(ctx)
        elif part == "first-picture":
            found = await first_picture(ctx)
        elif part == "memory":
            found = await memory(ctx)
        else:
            assert isinstance(turn, RunningTurn)
            scenario = {"400k": thin, "loss": loss, "150k": narrow}[part]
            found = await scenario(ctx, turn)
        print("\n" + found.table, flush=True)
        done.append(found)
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--only", default=",".join(PARTS), help=",".join(PARTS))
    parser.add_argument("--seconds", type=float, default=60.0, help="each measured call (60)")
    parser.add_argument("--duration", type=float, default=1800.0, help="memory call (1800)")
    parser.add_argument("--calls", type=int, default=10, help="first-picture calls (10)")
    parser.add_argument(
        "--grain", type=int, default=3, help="camera grain: low luma bits made noise (3; 0 none)"
    )
    parser.add_argument("--seed", type=int, default=None, help="the link emulator's loss seed")
    parser.add_argument("--contenders", default=",".join(CONTENDERS), help=",".join(CONTENDERS))
    parser.add_argument("--dir", type=Path, default=None, help="folder for the run's files")
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's folder (traces, records, logs)"
    )
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := [part for part in parts if part not in PARTS]:
        parser.error(f"unknown part(s) {unknown}; choose from {', '.join(PARTS)}")
    names = tuple(name.strip() for name in args.contenders.split(",") if name.strip())
    if unknown := [name for name in names if name not in CONTENDERS]:
        parser.error(f"unknown contender(s) {unknown}; choose from {', '.join(CONTENDERS)}")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)

    started = time.perf_counter()
    print(
        f"bench/call.py: python {sys.version.split()[0]}, outpost {__version__}, aiortc "
        f"{aiortc.__version__}, {_chromium_version()}, {_source()}; parts {','.join(parts)}; "
        f"{args.seconds:g} s calls, memory call {args.duration:g} s, {args.calls} calls; "
        f"camera grain {args.grain} bits; seed {seed}; {_load()} at the start",
        flush=True,
    )
    with (
        _folder(args.dir, args.keep) as name,
        contextlib.ExitStack() as stack,
    ):
        folder = Path(name)
        progress("starting the server, the clinician's profile and the browsers")
        site = stack.enter_context(outpost_site(folder / "outpost"))
        found = stack.enter_context(browsers(folder / "chromium"))
        turn = (
            stack.enter_context(running_turn(folder / "turn"))
            if any(part in LINKED for part in parts)
            else None
        )
        ctx = Context(
            folder, site, found, args.seconds, args.calls, args.duration, seed, args.grain, names
        )
        done = asyncio.run(_parts(ctx, parts, turn))
    verdicts = [line for part in done for line in part.verdicts]
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {_load()} at the end")
    print("\n".join(verdicts))
    return 0 if all(not line.startswith("FAIL") for line in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
