"""The reference server's CPU per pushed note: a real `outpost server`, 10,000 notes built
as the sync client builds them (`note_to_fhir`, `batch_bundle`, `batch_request`: the same
bytes and `Idempotency-Key`), POSTed in 500-entry batches back to back; the server's CPU
seconds (user + system, all its threads, from /proc/<pid>/stat) over the posts.

CPU rather than wall time, so other work on the machine changes the figures little. Also
the CPU of single PUTs (what a naive client costs the server per note) and of replaying one
batch by its key. `--src` runs the server from another checkout (e.g. a `git worktree` of an
earlier commit) with the same client-side bodies, for a before/after in one run:

    .venv/bin/python bench/server_batch.py
    git worktree add /tmp/outpost-before HEAD~3
    .venv/bin/python bench/server_batch.py --src /tmp/outpost-before --src .
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from outpost.core.domain import AppointmentId, NoteId, NoteStatus, PatientId, VisitNote
from outpost.sync.fhir_map import note_to_fhir
from outpost.sync.wire import Put, batch_bundle, batch_request

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.server_process import RunningServer, running_server  # noqa: E402

USER = "dr.rivera"
FHIR_JSON = "application/fhir+json"
NOTE_TEXT = "Subjective: feels better. Objective: afebrile, chest clear. " * 12  # as sync.py
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass(frozen=True)
class Run:
    cpu_s: float  # the server's CPU over the batch posts
    wall_s: float
    notes: int
    single_us: float  # server CPU per single PUT
    replay_ms: float  # server CPU to replay one batch by its key

    @property
    def per_note_us(self) -> float:
        return self.cpu_s / self.notes * 1e6


def _notes(visits: list[tuple[str, str]], count: int, author: str) -> list[Put]:
    now = datetime.now(UTC)
    puts = []
    for n in range(count):
        appointment, patient = visits[n % len(visits)]
        stamp = now - timedelta(seconds=count - n)
        note = VisitNote(
            id=NoteId(str(uuid.uuid4())),
            appointment_id=AppointmentId(appointment),
            patient_id=PatientId(patient),
            text=NOTE_TEXT,
            status=NoteStatus.SIGNED if n % 3 == 0 else NoteStatus.DRAFT,
            created_at=stamp,
            updated_at=stamp,
            signed_at=stamp if n % 3 == 0 else None,
        )
        resource = note_to_fhir(note, mutation_id=str(uuid.uuid4()), author=author)
        puts.append(Put("DocumentReference", note.id, resource, None))
    return puts


def _visits(session: requests.Session, base: str) -> list[tuple[str, str]]:
    bundle = session.get(f"{base}/Appointment", params={"_count": "100"}, timeout=30).json()
    visits = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        for participant in resource["participant"]:
            reference = participant["actor"]["reference"]
            if reference.startswith("Patient/"):
                visits.append((resource["id"], reference.removeprefix("Patient/")))
    return visits


def _session(server: RunningServer) -> tuple[requests.Session, str]:
    answer = server.token_response(USER)
    session = requests.Session()
    session.headers.update(
        {
            "Authorization": f"Bearer {answer['access_token']}",
            "Content-Type": FHIR_JSON,
            "Accept": FHIR_JSON,
        }
    )
    return session, f"Practitioner/{answer['practitioner']}"


def _post(session: requests.Session, base: str, body: bytes, key: str, size: int) -> None:
    answer = session.post(base, data=body, headers={"Idempotency-Key": key}, timeout=300)
    if answer.status_code != 200:
        raise AssertionError(f"batch answered {answer.status_code}: {answer.text[:300]}")
    entries = answer.json()["entry"]
    bad = [e["response"]["status"] for e in entries if not e["response"]["status"].startswith("2")]
    if len(entries) != size or bad:
        raise AssertionError(f"batch of {size}: {len(entries)} entries, failed: {bad[:3]}")


def one_run(tmp: Path, notes: int, size: int, singles: int) -> Run:
    with running_server(tmp, name=f"s{uuid.uuid4().hex[:8]}") as server:
        session, author = _session(server)
        base, pid = server.base_url, server.process.pid
        puts = _notes(_visits(session, base), notes + singles, author)
        batches = [batch_request(batch_bundle(puts[i : i + size])) for i in range(0, notes, size)]
        _post(session, base, *batches[0], min(size, notes))  # warm-up, not counted
        before, started = cpu_seconds(pid), time.perf_counter()
        for body, key in batches[1:]:
            _post(session, base, body, key, size)
        cpu, wall = cpu_seconds(pid) - before, time.perf_counter() - started
        counted = notes - min(size, notes)
        before = cpu_seconds(pid)
        for put in puts[notes:]:
            answer = session.put(f"{base}/DocumentReference/{put.resource_id}", json=put.resource)
            if answer.status_code != 201:
                raise AssertionError(f"PUT answered {answer.status_code}")
        single = (cpu_seconds(pid) - before) / max(singles, 1) * 1e6
        replays = 5
        before = cpu_seconds(pid)
        for _ in range(replays):
            _post(session, base, *batches[-1], size)
        replay = (cpu_seconds(pid) - before) / replays * 1000
    return Run(cpu, wall, counted, single, replay)


@contextmanager
def server_from(src: Path) -> Iterator[None]:
    """Run the server subprocesses from `src` (a checkout whose `src/` is the package)."""
    if src.resolve() == ROOT:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="outpost-pkg-") as pkg:
        package = Path(pkg) / "outpost"
        package.mkdir()
        for item in (src / "src").iterdir():
            (package / item.name).symlink_to(item.resolve())
        (package / "resources").symlink_to((src / "resources").resolve())
        old = os.environ.get("PYTHONPATH")
        os.environ["PYTHONPATH"] = pkg
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("PYTHONPATH", None)
            else:
                os.environ["PYTHONPATH"] = old


def commit_of(src: Path) -> str:
    found = subprocess.run(
        ["git", "-C", str(src), "log", "-1", "--format=%h"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(src), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return found.stdout.strip() + (" + uncommitted src/" if dirty else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--singles", type=int, default=300, help="single PUTs timed per run")
    parser.add_argument("--src", type=Path, action="append", help="checkout(s) to run")
    args = parser.parse_args(argv)
    sources: list[Path] = args.src or [ROOT]
    results: dict[Path, list[Run]] = {src: [] for src in sources}
    with tempfile.TemporaryDirectory(prefix="server-batch-") as tmp:
        for number in range(args.runs):  # alternating, so machine noise hits all alike
            for src in sources:
                with server_from(src):
                    run = one_run(Path(tmp), args.notes, args.batch, args.singles)
                results[src].append(run)
                print(
                    f"  run {number + 1} {src}: {run.cpu_s:.2f} CPU-s, {run.wall_s:.2f} s wall",
                    file=sys.stderr,
                    flush=True,
                )
    load = os.getloadavg()[0]
    print(f"server CPU per pushed note, {args.notes} notes in {args.batch}-entry batches")
    print(f"(first batch of each run is a warm-up, not counted); load average {load:.1f}\n")
    print(
        "| server | runs | CPU-s (median) | all runs | µs per note | wall s | "
        "CPU µs per single PUT | CPU ms per batch replay |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    for src, runs in results.items():
        middle = sorted(runs, key=lambda r: r.cpu_s)[(len(runs) - 1) // 2]
        every = ", ".join(f"{r.cpu_s:.2f}" for r in runs)
        print(
            f"| {commit_of(src)} | {len(runs)} | {middle.cpu_s:.2f} | {every} | "
            f"{middle.per_note_us:.0f} | {middle.wall_s:.2f} | "
            f"{statistics.median(r.single_us for r in runs):.0f} | "
            f"{statistics.median(r.replay_ms for r in runs):.0f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
