"""Part 4 of `bench/sync.py`: push a backlog through the `FaultProxy` while a seeded hook
injects a bounded number of mixed faults, sync until the outbox drains, then check the
server and the client's replica note by note."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bench.sync_station import NOTE_TEXT, USER, arena, offline_notes, station
from outpost.core.domain import EntityType, NoteId
from outpost.core.sync_state import SyncState, SyncTrigger
from outpost.store import codec, records
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.backoff import Backoff, BackoffPolicy
from outpost.sync.fhir_map import mutation_ids, note_from_fhir
from outpost.sync.scheduler import SyncScheduler
from outpost.sync.service import APP_ENGINE_OPTIONS

if TYPE_CHECKING:
    from aiohttp import web
    from tests.fault_proxy import Fault
    from tests.server_process import RunningServer

FAULT_KINDS = ("lose", "500", "503", "429", "after", "partial-batch", "truncate")


class FaultPlan:
    """The proxy's `random_fault` hook: a seeded draw for each FHIR request (sign-in is
    left alone), at most `budget` faults. Batches are hit more often than reads."""

    def __init__(self, seed: int, budget: int, batch_rate: float, other_rate: float) -> None:
        self._random = random.Random(seed)
        self.budget = budget
        self.batch_rate = batch_rate
        self.other_rate = other_rate
        self.injected: Counter[str] = Counter()

    def __call__(self, request: web.Request) -> Fault | None:
        if self.injected.total() >= self.budget or not request.path.startswith("/fhir"):
            return None
        batch = request.method == "POST" and request.path.rstrip("/") == "/fhir"
        if self._random.random() >= (self.batch_rate if batch else self.other_rate):
            return None
        kind = self._random.choice([k for k in FAULT_KINDS if batch or k != "partial-batch"])
        self.injected[kind] += 1
        return self._fault(kind)

    def _fault(self, kind: str) -> Fault:
        from tests.fault_proxy import Fault

        retry_after = {"Retry-After": "1"}  # capped by the engine's backoff policy
        match kind:
            case "500" | "503" | "429":
                headers = retry_after if kind != "500" else {}
                return Fault("status", status=int(kind), headers=headers)
            case "after":
                return Fault("after", status=500)  # the server committed, the answer says 500
            case "partial-batch":
                return Fault("partial-batch", keep=self._random.randrange(1, 50), status=500)
            case _:
                return Fault(kind)  # lose, truncate


@dataclass
class FaultResult:
    notes: int
    seed: int
    injected: Counter[str]
    runs: int
    max_runs: int
    states: Counter[str]  # how the runs ended (`SyncState` values)
    seconds: float
    requests: int
    sleeps_s: float
    missing: int = 0
    extra_versions: int = 0
    extra_resources: int = 0
    repeated_tags: int = 0
    mismatched: int = 0
    unsent: dict[str, int] = field(default_factory=dict)
    drained: bool = False

    def problems(self, budget: int) -> list[str]:
        found = [
            f"{name} {value}"
            for name, value in (
                ("missing", self.missing),
                ("duplicate versions", self.extra_versions),
                ("duplicate resources", self.extra_resources),
                ("repeated mutation tags", self.repeated_tags),
                ("replica mismatches", self.mismatched),
            )
            if value
        ]
        found += [f"{count} {state}" for state, count in self.unsent.items() if count]
        if not self.drained:
            found.append(f"outbox not drained in {self.max_runs} runs")
        if self.states[SyncState.FAILED.value]:
            found.append(f"{self.states[SyncState.FAILED.value]} runs failed unexpectedly")
        if self.injected.total() < budget:
            found.append(f"only {self.injected.total()} of {budget} faults injected")
        return found


def faults_run(tmp: Path, notes: int, budget: int, seed: int) -> FaultResult:
    """The app's own path: `SyncService.run_if_due` with `APP_ENGINE_OPTIONS` (no retries
    inside a run) and its `SyncScheduler` deciding each wait, with the backoff capped
    small (full jitter from 50 ms up to 0.5 s; `Retry-After` capped at 0.5 s)."""
    plan = FaultPlan(seed, budget, batch_rate=0.5, other_rate=0.2)
    policy = BackoffPolicy(base_s=0.05, cap_s=0.5, reconnect_max_s=0.0, retry_after_max_s=0.5)
    scheduler = SyncScheduler(backoff=Backoff(policy, draw=random.Random(seed + 1).random))
    max_runs = max_fault_runs(budget)
    with arena(tmp, "faults", proxy=True) as at:
        password = at.server.users[USER]
        options = APP_ENGINE_OPTIONS
        with station(at.home, at.base_url, password, options=options, scheduler=scheduler) as ws:
            ids = offline_notes(ws, notes)
            assert at.proxy is not None
            at.proxy.random_fault = plan
            ws.session.reset()
            started = time.perf_counter()
            runs, states, slept, drained = 0, Counter[str](), 0.0, False
            ws.service.request(SyncTrigger.ON_DEMAND)
            while runs < max_runs and not drained:
                wait = ws.service.seconds_until_due()
                if wait is None:  # paused (a refused sign-in): nothing more will run
                    break
                time.sleep(wait)
                slept += wait
                summary = ws.service.run_if_due()
                if summary is None:
                    continue
                runs += 1
                states[summary.state.value] += 1
                if summary.state in (SyncState.SYNCED, SyncState.ATTENTION):  # reached
                    drained = ws.store.outbox_status().pending == 0
                    if not drained:
                        ws.service.request(SyncTrigger.ON_DEMAND)
            at.proxy.random_fault = None
            result = FaultResult(
                notes,
                seed,
                plan.injected,
                runs,
                max_runs,
                states,
                time.perf_counter() - started,
                ws.session.count,
                slept,
                drained=drained,
            )
            verify(at.server, ws.store, ids, result)
    return result


def max_fault_runs(budget: int) -> int:
    """Each fault ends at most one run (no retries inside a run), plus room for the rest."""
    return 2 * budget + 50


def verify(srv: RunningServer, store: Store, ids: list[NoteId], result: FaultResult) -> None:
    """Straight to the server (no proxy): every note once, at version 1 (written once),
    one mutation tag each and no tag twice; the client's replica equal to the server's
    current version (text, status, version) and nothing left unsent."""
    from tests.integration.sync_helpers import history_counts, server_resources

    ours = set(ids)
    kind = "DocumentReference"
    current = {str(resource["id"]): resource for resource in server_resources(srv, kind, USER)}
    history = history_counts(srv, kind, USER)
    result.missing = sum(1 for note_id in ids if note_id not in current)
    result.extra_versions = sum(history[note_id] - 1 for note_id in ids if history[note_id] > 1)
    result.extra_resources = sum(1 for note_id in current if note_id not in ours)
    tags = Counter(tag for r in current.values() for tag in mutation_ids(r))
    result.repeated_tags = sum(1 for r in current.values() if len(mutation_ids(r)) != 1)
    result.repeated_tags += sum(count - 1 for count in tags.values() if count > 1)
    visible = {entry.note.id for entry in store.list_notes() if entry.unsent_actions == 0}
    for note_id in ids:
        row = records.replica_row(store.connection, EntityType.NOTE, note_id)
        resource = current.get(note_id)
        if row is None or resource is None or note_id not in visible:
            result.mismatched += 1
            continue
        local, remote = codec.note_from_json(row[0]), note_from_fhir(resource)
        same = (local.text, local.status, row[1]) == (
            remote.text,
            remote.status,
            str(resource["meta"]["versionId"]),
        )
        result.mismatched += 0 if same and local.text == NOTE_TEXT else 1
    result.unsent = {
        state: count
        for state, count in SyncLedger(store).counts().items()
        if state != "done" and count
    }


def faults_table(result: FaultResult) -> str:
    kinds = ", ".join(f"{kind} {result.injected[kind]}" for kind in FAULT_KINDS)
    ended = ", ".join(f"{state} {count}" for state, count in sorted(result.states.items()))
    rows = [
        ("seed", str(result.seed)),
        ("faults injected", f"{result.injected.total()} ({kinds})"),
        ("sync runs until drained (how they ended)", f"{result.runs} ({ended})"),
        (
            "time, requests",
            f"{result.seconds:.1f} s (of which waiting for the scheduler "
            f"{result.sleeps_s:.1f} s), {result.requests} requests",
        ),
        ("notes missing on the server", str(result.missing)),
        (
            "duplicates (extra versions / extra resources / tags)",
            f"{result.extra_versions} / {result.extra_resources} / {result.repeated_tags}",
        ),
        ("notes whose replica differs from the server", str(result.mismatched)),
        ("outbox left unsent", str(result.unsent or 0)),
    ]
    lines = [
        f"### faults: {result.notes} notes through the fault proxy",
        "",
        "| check | result |",
        "|---|---|",
    ]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)
