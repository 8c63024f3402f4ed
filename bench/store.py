"""Note-save latency through the real `Store`: SQLCipher vs plain SQLite, synchronous FULL
vs NORMAL, measured side by side in one run.

Each round, every configuration does one `create_note` and one autosave (`save_draft`) in
a rotating order, so machine noise lands on all four alike. Usage:

    .venv/bin/python bench/store.py [--saves 2000] [--dir /path/on/the/disk/to/test]
"""

from __future__ import annotations

import argparse
import gc
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    Patient,
    PatientId,
    VisitType,
)
from outpost.store.connection import Connection, Synchronous, configure, connect_encrypted
from outpost.store.migrations import migrate
from outpost.store.store import Store

TARGET_P99_MS = 20.0
WARMUP_ROUNDS = 10
NOTE_TEXT = "Subjective: feels better. Objective: afebrile, chest clear. " * 12  # ~700 chars

PATIENT = Patient(PatientId("bench-patient"), "Bench", "Patient", date(1970, 1, 1), "unknown")
START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
APPOINTMENT = Appointment(
    AppointmentId("bench-appointment"),
    PATIENT.id,
    START,
    START + timedelta(minutes=20),
    AppointmentStatus.BOOKED,
    "Benchmark",
    VisitType.VIRTUAL,
)


@dataclass
class Config:
    engine: str  # "sqlcipher" | "sqlite"
    synchronous: Synchronous
    store: Store | None = None
    create_ms: list[float] = field(default_factory=list)
    draft_ms: list[float] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.engine}+{self.synchronous}"

    def open(self, folder: Path) -> None:
        path = folder / f"{self.engine}-{self.synchronous.lower()}.db"
        conn: Connection
        if self.engine == "sqlcipher":
            conn = connect_encrypted(path, secrets.token_hex(32), create=True)
        else:
            conn = sqlite3.connect(path, isolation_level=None)
        configure(conn, synchronous=self.synchronous)
        migrate(conn, folder / "backups", key_hex=None)
        self.store = Store(conn)
        self.store.upsert_server_patients([(PATIENT, "1")])
        self.store.upsert_server_appointments([(APPOINTMENT, "1")])

    def save_once(self, round_number: int, record: bool) -> None:
        """One create_note and one autosave of that note, each timed."""
        assert self.store is not None
        started = time.perf_counter_ns()
        note = self.store.create_note(APPOINTMENT.id, NOTE_TEXT)
        created = time.perf_counter_ns()
        self.store.save_draft(note.id, f"{NOTE_TEXT} round {round_number}")
        drafted = time.perf_counter_ns()
        if record:
            self.create_ms.append((created - started) / 1e6)
            self.draft_ms.append((drafted - created) / 1e6)

    @property
    def all_ms(self) -> list[float]:
        return self.create_ms + self.draft_ms


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(configs: list[Config]) -> str:
    baseline = next(c for c in configs if c.name == "sqlite+NORMAL")
    base_p50 = statistics.median(baseline.all_ms)
    base_p99 = percentile(baseline.all_ms, 0.99)
    lines = [
        "| configuration | saves | median ms | p99 ms | max ms | median x | p99 x "
        "| create median / p99 | save_draft median / p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config in configs:
        samples = config.all_ms
        p50, p99 = statistics.median(samples), percentile(samples, 0.99)
        lines.append(
            f"| {config.name} | {len(samples)} | {p50:.2f} | {p99:.2f} | {max(samples):.2f} "
            f"| {p50 / base_p50:.2f} | {p99 / base_p99:.2f} "
            f"| {statistics.median(config.create_ms):.2f} / "
            f"{percentile(config.create_ms, 0.99):.2f} "
            f"| {statistics.median(config.draft_ms):.2f} / "
            f"{percentile(config.draft_ms, 0.99):.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--saves", type=int, default=2000, help="timed saves per configuration (default 2000)"
    )
    parser.add_argument("--dir", type=Path, default=None, help="folder for the databases")
    args = parser.parse_args(argv)
    rounds = max(1, args.saves // 2)  # each round: one create + one autosave

    configs = [
        Config("sqlcipher", "FULL"),
        Config("sqlcipher", "NORMAL"),
        Config("sqlite", "FULL"),
        Config("sqlite", "NORMAL"),
    ]
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="outpost-bench-") as tmp:
        for config in configs:
            config.open(Path(tmp))
        gc.collect()
        gc.disable()  # a collection would land on whichever configuration is running
        try:
            for number in range(WARMUP_ROUNDS + rounds):
                shift = number % len(configs)
                for config in configs[shift:] + configs[:shift]:
                    config.save_once(number, record=number >= WARMUP_ROUNDS)
        finally:
            gc.enable()
            for config in configs:
                if config.store is not None:
                    config.store.close()

    print(f"note-save latency, {rounds} rounds (python {sys.version.split()[0]}, {tmp})")
    print(report(configs))
    cipher_full = percentile(configs[0].all_ms, 0.99)
    verdict = "met" if cipher_full <= TARGET_P99_MS else "NOT met"
    print(
        f"target p99 <= {TARGET_P99_MS:g} ms for sqlcipher+FULL: {verdict} ({cipher_full:.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
