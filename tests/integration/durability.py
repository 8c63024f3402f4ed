"""Kill -9 durability trials for the store, shared by the test suite and bench/durability.py.

A child process saves notes in a loop and reports each note's id after its commit returns.
The parent reads a random number of ids, SIGKILLs the child at that moment (it is usually
inside its next transaction), reopens the store and checks that every reported note is
there with its outbox row and that `PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from outpost.core.settings import Profile
from outpost.store.connection import Connection
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from tests.integration.store_helpers import APPOINTMENT, raw_connection, seed

CHILD = Path(__file__).with_name("durability_child.py")


@dataclass(frozen=True)
class TrialResult:
    trial: int
    target: int  # ids to read before the kill
    reported: tuple[str, ...]
    missing: tuple[str, ...]  # reported, yet not in overlay + outbox after reopening
    integrity: str
    seconds: float
    child_error: str = ""

    @property
    def ok(self) -> bool:
        reached = len(self.reported) == self.target
        return reached and not self.missing and self.integrity == "ok"


@dataclass
class TrialsReport:
    seed: int
    results: list[TrialResult] = field(default_factory=list)
    missing_at_end: tuple[str, ...] = ()

    @property
    def failures(self) -> list[TrialResult]:
        return [result for result in self.results if not result.ok]

    def summary(self) -> str:
        saves = sum(len(r.reported) for r in self.results)
        seconds = sum(r.seconds for r in self.results)
        return (
            f"seed={self.seed} trials={len(self.results)} reported_saves={saves} "
            f"failed_trials={len(self.failures)} missing_at_end={len(self.missing_at_end)} "
            f"time={seconds:.1f}s"
        )


def prepare(profile: Profile) -> None:
    """Create the profile's store with one appointment to write notes on."""
    store = open_store(profile, SystemKeychain())
    seed(store)
    store.close()


def _present(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Ids that have both their visible note (overlay) and their outbox row."""
    wanted = sorted(set(ids))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(
            row[0]
            for row in conn.execute(
                f"SELECT o.entity_id FROM overlay AS o WHERE o.entity_id IN ({marks})"
                " AND EXISTS (SELECT 1 FROM outbox AS b WHERE b.entity_id = o.entity_id"
                " AND b.action = 'note.create')",
                chunk,
            )
        )
    return found


def run_trial(profile: Profile, rng: random.Random, trial: int, *, max_saves: int) -> TrialResult:
    started = time.monotonic()
    target = rng.randint(1, max_saves)
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(profile.data_dir), APPOINTMENT.id, str(max_saves * 100)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(120, child.kill)  # a hung child fails the trial, not the run
    watchdog.start()
    reported: list[str] = []
    try:
        assert child.stdout is not None
        while len(reported) < target:
            line = child.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        child.kill()  # SIGKILL on POSIX, mid-save
    finally:
        watchdog.cancel()
        _, errors = child.communicate()

    store = open_store(profile, SystemKeychain())  # recovery runs here, as in the app
    store.close()
    conn = raw_connection(profile)
    try:
        missing = set(reported) - _present(conn, reported)
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    return TrialResult(
        trial=trial,
        target=target,
        reported=tuple(reported),
        missing=tuple(sorted(missing)),
        integrity=str(integrity),
        seconds=time.monotonic() - started,
        child_error="" if len(reported) == target else errors[-2000:],
    )


def run_trials(
    profile: Profile,
    trials: int,
    seed_value: int,
    *,
    max_saves: int = 40,
    progress: Callable[[TrialResult], None] | None = None,
) -> TrialsReport:
    """Run `trials` kill -9 trials on one profile (which keeps growing), then check that
    every id reported in any trial is still there."""
    rng = random.Random(seed_value)
    prepare(profile)
    report = TrialsReport(seed=seed_value)
    for trial in range(trials):
        result = run_trial(profile, rng, trial, max_saves=max_saves)
        report.results.append(result)
        if progress is not None:
            progress(result)
    everything = {note_id for result in report.results for note_id in result.reported}
    conn = raw_connection(profile)
    try:
        report.missing_at_end = tuple(sorted(everything - _present(conn, everything)))
    finally:
        conn.close()
    return report
