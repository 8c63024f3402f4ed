"""A workstation for `bench/sync.py`: a signed-in profile with its `SyncService` (the same
wiring `outpost sync` and the app use), and a fresh `outpost server` (optionally behind the
tests' `FaultProxy`) for each contender."""

from __future__ import annotations

import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from outpost import __version__
from outpost.core.domain import NoteId
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.auth import discover, password_login
from outpost.sync.engine import EngineOptions, SyncReport
from outpost.sync.scheduler import SyncScheduler
from outpost.sync.service import SyncService
from outpost.sync.tokens import TokenStore, read_profile_id

if TYPE_CHECKING:
    from tests.fault_proxy import FaultProxy
    from tests.server_process import RunningServer

USER = "dr.rivera"
NOTE_TEXT = "Subjective: feels better. Objective: afebrile, chest clear. " * 12  # ~700 chars


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class TimedSession(requests.Session):
    """A plain `requests.Session` that counts its requests and the time spent in them."""

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = f"Outpost/{__version__}"
        self.count = 0
        self.seconds = 0.0
        self.methods: Counter[str] = Counter()

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return super().request(method, url, *args, **kwargs)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started
            self.methods[method if isinstance(method, str) else method.decode()] += 1

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0
        self.methods = Counter()

    def split(self) -> str:
        """`23 POST + 53 GET`: writes (batches, PUTs) and reads (pull pages, read-backs)."""
        return " + ".join(
            f"{n} {method}" for method, n in sorted(self.methods.items(), reverse=True)
        )


@dataclass
class Station:
    store: Store
    session: TimedSession
    service: SyncService
    access_token: str
    author: str | None


@contextmanager
def station(
    home: Path,
    base_url: str,
    password: str,
    *,
    options: EngineOptions | None = None,
    scheduler: SyncScheduler | None = None,
) -> Iterator[Station]:
    """A profile signed in as `outpost login` leaves it (password grant, tokens in the
    keychain) and its `SyncService`, the wiring `outpost sync` and the app use. `options`
    default to the CLI's (`EngineOptions()`)."""
    profile = Profile.at(home)
    keychain = SystemKeychain()
    store = open_store(profile, keychain)
    session = TimedSession()
    try:
        tokens = password_login(session, discover(session, base_url), USER, password)
        token_store = TokenStore(keychain, read_profile_id(profile.data_dir))
        token_store.save(tokens)
        author = f"Practitioner/{tokens.practitioner_id}" if tokens.practitioner_id else None
        service = SyncService(
            store,
            profile,
            token_store,
            scheduler=scheduler,
            options=options or EngineOptions(),
            http=lambda: session,
        )
        try:
            yield Station(store, session, service, tokens.access_token, author)
        finally:
            service.close()
    finally:
        session.close()
        store.close()


@dataclass
class Arena:
    """A fresh server for one contender, the FHIR base to use, the proxy if any."""

    server: RunningServer
    base_url: str
    proxy: FaultProxy | None
    home: Path


@contextmanager
def arena(tmp: Path, name: str, *, proxy: bool = False, delay: float = 0.0) -> Iterator[Arena]:
    """`outpost server` with its data in `<tmp>/<name>` (removed afterwards), optionally
    behind a `FaultProxy`; the contender's profile goes in `<tmp>/<name>/ws`."""
    from tests.fault_proxy import FaultProxy
    from tests.server_process import running_server

    folder = tmp / name
    try:
        with running_server(folder) as srv:
            if not (proxy or delay):
                yield Arena(srv, srv.base_url, None, folder / "ws")
            else:
                with FaultProxy(srv.origin, delay=delay) as front:
                    yield Arena(srv, f"{front.origin}/fhir", front, folder / "ws")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def offline_notes(ws: Station, count: int) -> list[NoteId]:
    """Pull the schedule (untimed), then write `count` notes offline across its visits."""
    ws.service.sync_once()
    now = datetime.now(UTC)
    schedule = ws.store.schedule(now - timedelta(days=365), now + timedelta(days=365))
    visits = [item.appointment.id for item in schedule]
    assert visits, "the demo seed gives every clinician appointments"
    started = time.perf_counter()
    ids = [ws.store.create_note(visits[n % len(visits)], NOTE_TEXT).id for n in range(count)]
    progress(f"  {count} notes written offline in {time.perf_counter() - started:.1f} s")
    return ids


@dataclass
class Timed:
    seconds: float
    requests: int
    http_s: float  # inside `requests` calls: the wire and the server's work
    report: SyncReport | None = None
    note: str = ""
    methods: str = ""  # requests by method

    @property
    def local_s(self) -> float:
        return self.seconds - self.http_s


def timed_sync(ws: Station, notes: int) -> Timed:
    ws.session.reset()
    started = time.perf_counter()
    report = ws.service.sync_once()
    seconds = time.perf_counter() - started
    if report.acknowledged != notes or ws.store.outbox_status().pending:
        raise AssertionError(f"the outbox did not drain: {report}")
    return Timed(seconds, ws.session.count, ws.session.seconds, report, methods=ws.session.split())
