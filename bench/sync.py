"""Sync push through the real engine against the real reference server, side by side in one
run: Outpost vs a naive one-PUT-per-note client, a slow link, scaling, injected faults.

Every contender gets a fresh `outpost server` (demo seed) on 127.0.0.1 and its own encrypted
profile; notes are written offline with `Store.create_note`, untimed; only the push is
timed (for Outpost one `sync_once`, which also pulls the notes back). Needs a keychain:

    scripts/keyring-session.sh .venv/bin/python bench/sync.py
    scripts/keyring-session.sh .venv/bin/python bench/sync.py --only faults --seed 1234
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

from outpost import __version__
from outpost.sync.fhir_map import note_to_fhir
from outpost.sync.wire import Put, batch_bundle

# Run as a script: the bench's own modules, and the tests' server and proxy helpers they use,
# are imported from the repository root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.sync_faults import faults_run, faults_table
from bench.sync_station import (
    USER,
    Timed,
    arena,
    offline_notes,
    progress,
    station,
    timed_sync,
)

TARGET_PUSH_S = 5.0
TARGET_SPEEDUP = 10.0
TARGET_GROWTH = 2.3
FLOOR_BATCH = 500
FHIR_JSON = "application/fhir+json"
PARTS = ("push", "latency", "scaling", "faults")


def outpost_push(tmp: Path, name: str, notes: int, delay: float = 0.0) -> Timed:
    with (
        arena(tmp, name, delay=delay) as at,
        station(at.home, at.base_url, at.server.users[USER]) as ws,
    ):
        offline_notes(ws, notes)
        timed = timed_sync(ws, notes)
    progress(f"  {name}: {notes} notes in {timed.seconds:.2f} s, {timed.requests} requests")
    return timed


# -- part 1 contenders: a naive client and the server's own floor ----------------------------


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": FHIR_JSON, "Accept": FHIR_JSON}


def naive_push(tmp: Path, notes: int, sample: int) -> Timed:
    """One `PUT DocumentReference/<id>` per note (mapped with the engine's `note_to_fhir`)
    on the same kind of session; nothing recorded locally. Over `sample` < `notes` notes
    the figures are extrapolated linearly."""
    with arena(tmp, "naive") as at, station(at.home, at.base_url, at.server.users[USER]) as ws:
        ids = offline_notes(ws, notes)
        chosen = [ws.store.get_note(note_id) for note_id in ids[:sample]]
        headers = _headers(ws.access_token)
        ws.session.reset()
        started = time.perf_counter()
        for note in chosen:
            resource = note_to_fhir(note, mutation_id=str(uuid.uuid4()), author=ws.author)
            answer = ws.session.put(
                f"{at.base_url}/DocumentReference/{note.id}",
                data=json.dumps(resource),
                headers=headers,
                timeout=(5, 30),
            )
            if answer.status_code not in (200, 201):
                raise AssertionError(f"naive PUT answered {answer.status_code}")
        seconds = time.perf_counter() - started
        count, http_s = ws.session.count, ws.session.seconds
    scale = notes / len(chosen)
    how = "" if scale == 1 else f"timed on {len(chosen)}, x{scale:g}"
    progress(f"  naive: {len(chosen)} PUTs in {seconds:.2f} s")
    return Timed(seconds * scale, round(count * scale), http_s * scale, note=how)


def floor_push(tmp: Path, name: str, notes: int) -> Timed:
    """The server's own cost: the same notes as pre-built 500-entry batches POSTed back to
    back, no client work at all. No client can push these notes faster."""
    with arena(tmp, name) as at, station(at.home, at.base_url, at.server.users[USER]) as ws:
        puts = [
            Put(
                "DocumentReference",
                note_id,
                note_to_fhir(
                    ws.store.get_note(note_id), mutation_id=str(uuid.uuid4()), author=ws.author
                ),
                None,
            )
            for note_id in offline_notes(ws, notes)
        ]
        bodies = [
            json.dumps(batch_bundle(puts[i : i + FLOOR_BATCH])).encode()
            for i in range(0, len(puts), FLOOR_BATCH)
        ]
        headers = _headers(ws.access_token)
        ws.session.reset()
        started = time.perf_counter()
        for body in bodies:
            answer = ws.session.post(at.base_url, data=body, headers=headers, timeout=(5, 120))
            if answer.status_code != 200:
                raise AssertionError(f"batch answered {answer.status_code}")
        seconds = time.perf_counter() - started
    progress(f"  {name}: {notes} notes in {seconds:.2f} s")
    methods = ws.session.split()
    return Timed(
        seconds,
        ws.session.count,
        ws.session.seconds,
        note=f"{FLOOR_BATCH} a batch",
        methods=methods,
    )


# -- report ------------------------------------------------------------------------------


def _median(runs: list[Timed]) -> Timed:
    """The run with the median time (the lower middle one for an even count)."""
    ordered = sorted(runs, key=lambda run: run.seconds)
    return ordered[(len(ordered) - 1) // 2]


def _times(runs: list[Timed]) -> str:
    return ", ".join(f"{run.seconds:.2f}" for run in runs)


def push_table(notes: int, outpost: list[Timed], floor: list[Timed], naive: Timed) -> str:
    best = _median(outpost)
    lines = [
        f"### push: {notes} offline notes over loopback",
        "",
        "| contender | runs | seconds (median) | requests | in HTTP s | client-local s "
        "| notes/s | naive / this |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs in (
        ("Outpost engine (sync_once)", outpost),
        ("naive: one PUT per note", [naive]),
        ("server floor: pre-built batches", floor),
    ):
        run = _median(runs)
        label = f"{name} ({run.note})" if run.note else name
        lines.append(
            f"| {label} | {len(runs)} | {run.seconds:.2f} | {run.methods or run.requests} "
            f"| {run.http_s:.2f} "
            f"| {run.local_s:.2f} | {notes / run.seconds:,.0f} "
            f"| {naive.seconds / run.seconds:.1f} |"
        )
    if best.report is not None:
        pulled = best.report.pulled.get("DocumentReference", 0)
        lines.append("")
        lines.append(
            f"Outpost runs: {_times(outpost)} s; floor runs: {_times(floor)} s. Outpost's time "
            f"includes pulling its {pulled} notes back (the pull after every push)."
        )
    return "\n".join(lines)


def latency_table(notes: int, delay: float, run: Timed) -> str:
    bound = run.requests * delay
    return "\n".join(
        [
            f"### latency: {notes} notes, {delay * 1000:.0f} ms added to every request",
            "",
            "| notes | seconds | requests | round-trip bound (requests x delay) | x bound "
            "| notes/s |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {notes} | {run.seconds:.2f} | {run.requests} ({run.methods}) | {bound:.2f} "
            f"| {run.seconds / bound:.2f} | {notes / run.seconds:,.0f} |",
        ]
    )


def growth_per_doubling(sizes: list[int], medians: list[float]) -> list[float | None]:
    growth: list[float | None] = [None]
    for (small, t_small), (big, t_big) in zip(
        zip(sizes, medians, strict=True), list(zip(sizes, medians, strict=True))[1:], strict=False
    ):
        growth.append((t_big / t_small) ** (1 / math.log2(big / small)))
    return growth


def scaling_table(results: dict[int, list[Timed]]) -> tuple[str, list[float]]:
    sizes = sorted(results)
    medians = [_median(results[size]).seconds for size in sizes]
    growth = growth_per_doubling(sizes, medians)
    lines = [
        "### scaling: the same push at growing backlogs (loopback)",
        "",
        "| notes | runs | seconds (median) | all runs | requests | in HTTP s | client-local s "
        "| s per 1k notes | growth per doubling |",
        "|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, median, factor in zip(sizes, medians, growth, strict=True):
        run = _median(results[size])
        lines.append(
            f"| {size} | {len(results[size])} | {median:.2f} | {_times(results[size])} "
            f"| {run.methods} | {run.http_s:.2f} | {run.local_s:.2f} | {median / size * 1000:.3f} "
            f"| {'-' if factor is None else f'{factor:.2f}x'} |"
        )
    return "\n".join(lines), [g for g in growth if g is not None]


def verdict(ok: bool, text: str) -> str:
    return f"{'PASS' if ok else 'FAIL'}: {text}"


# -- main ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--notes", type=int, default=10_000, help="offline notes (10000)")
    parser.add_argument("--sizes", default="10000,20000,40000", help="scaling backlogs")
    parser.add_argument("--faults", type=int, default=100, help="faults to inject (100)")
    parser.add_argument("--delay", type=float, default=0.3, help="seconds per request (0.3)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed push (3)")
    parser.add_argument(
        "--naive-sample",
        type=int,
        default=None,
        help="time the naive client on this many notes and extrapolate (default: all)",
    )
    parser.add_argument("--only", default=",".join(PARTS), help="push,latency,scaling,faults")
    parser.add_argument("--seed", type=int, default=None, help="fault seed (replay a run)")
    parser.add_argument("--dir", type=Path, default=None, help="folder for servers/profiles")
    args = parser.parse_args(argv)
    parts = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := [part for part in parts if part not in PARTS]:
        parser.error(f"unknown part(s) {unknown}; choose from {', '.join(PARTS)}")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**31)

    started = time.perf_counter()
    print(
        f"bench/sync.py: python {sys.version.split()[0]}, outpost {__version__}, "
        f"parts {','.join(parts)}, fault seed {seed}",
        flush=True,
    )
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="outpost-sync-bench-") as name:
        tmp = Path(name)
        if "push" in parts:
            progress(f"push: {args.notes} notes, {args.repeat} runs of Outpost and the floor")
            outpost, floor = [], []
            for number in range(args.repeat):
                outpost.append(outpost_push(tmp, f"outpost-{number}", args.notes))
                floor.append(floor_push(tmp, f"floor-{number}", args.notes))
            naive = naive_push(tmp, args.notes, args.naive_sample or args.notes)
            print("\n" + push_table(args.notes, outpost, floor, naive), flush=True)
            best, lowest = _median(outpost).seconds, _median(floor).seconds
            verdicts.append(
                verdict(
                    best <= TARGET_PUSH_S,
                    f"Outpost pushes {args.notes} notes "
                    f"in {best:.2f} s (target <= {TARGET_PUSH_S:g} s)",
                )
            )
            verdicts.append(
                verdict(
                    naive.seconds / best >= TARGET_SPEEDUP,
                    f"Outpost is {naive.seconds / best:.1f}x faster than naive (target >= "
                    f"{TARGET_SPEEDUP:g}x; the server's floor allows at most "
                    f"{naive.seconds / lowest:.1f}x)",
                )
            )
        if "latency" in parts:
            progress(f"latency: {args.notes} notes, {args.delay:g} s a request")
            run = outpost_push(tmp, "latency", args.notes, delay=args.delay)
            print("\n" + latency_table(args.notes, args.delay, run), flush=True)
            verdicts.append(
                f"INFO: {args.delay * 1000:.0f} ms link: {run.seconds:.1f} s, "
                f"{run.requests} requests, {run.seconds / (run.requests * args.delay):.2f}"
                "x the round-trip bound (no target)"
            )
        if "scaling" in parts:
            progress(f"scaling: {sizes}, {args.repeat} runs each")
            results: dict[int, list[Timed]] = {size: [] for size in sizes}
            for number in range(args.repeat):
                for size in sizes if number % 2 == 0 else reversed(sizes):
                    results[size].append(outpost_push(tmp, f"scale-{size}-{number}", size))
            table, growth = scaling_table(results)
            print("\n" + table, flush=True)
            worst = max(growth, default=0.0)
            verdicts.append(
                verdict(
                    worst <= TARGET_GROWTH,
                    f"growth per doubling at most {worst:.2f}x (target <= {TARGET_GROWTH:g}x)",
                )
            )
        if "faults" in parts:
            progress(f"faults: {args.notes} notes, {args.faults} faults, seed {seed}")
            result = faults_run(tmp, args.notes, args.faults, seed)
            print("\n" + faults_table(result), flush=True)
            problems = result.problems(args.faults)
            verdicts.append(
                verdict(
                    not problems,
                    f"{result.injected.total()} faults: "
                    + (
                        "; ".join(problems)
                        if problems
                        else "0 duplicates, 0 missing, replica equal to the server"
                    ),
                )
            )
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print("\n".join(verdicts))
    return 0 if all(not line.startswith("FAIL") for line in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
