"""A workstation for sync tests: a real encrypted store, a real sync engine and its client,
signed in to a real `outpost server` (or a proxy in front of it) with the password grant."""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from outpost.core.domain import AppointmentId, ScheduleItem
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.auth import discover, password_login
from outpost.sync.client import FhirClient, Timeouts
from outpost.sync.engine import EngineOptions, SyncEngine, SyncReport
from outpost.sync.lock import SyncLock
from outpost.sync.tokens import TokenManager, TokenStore
from tests.fakes import FakeKeychain
from tests.server_process import RunningServer

USER = "dr.rivera"
COLLEAGUE = "dr.okafor"  # the other clinician of the demo clinic


class NoIdempotencyKeySession(requests.Session):
    """A session whose requests lose their `Idempotency-Key`, as with a server that
    ignores the header: exactly-once must then come from mutation ids alone."""

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        headers = dict(kwargs.get("headers") or {})
        headers.pop("Idempotency-Key", None)
        kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


@dataclass
class Workstation:
    store: Store
    ledger: SyncLedger
    client: FhirClient
    engine: SyncEngine
    tokens: TokenManager
    sleeps: list[float] = field(default_factory=list)

    def sync(self) -> SyncReport:
        return self.engine.sync_once()

    def appointments(self) -> list[ScheduleItem]:
        now = datetime.now(UTC)
        return self.store.schedule(now - timedelta(days=30), now + timedelta(days=30))

    def first_appointment(self) -> AppointmentId:
        items = self.appointments()
        assert items, "the demo seed gives every clinician appointments"
        return items[0].appointment.id


@contextmanager
def workstation(
    home: Path,
    server: RunningServer,
    *,
    base_url: str | None = None,
    user: str = USER,
    session: requests.Session | None = None,
    options: EngineOptions | None = None,
    timeouts: Timeouts | None = None,
) -> Iterator[Workstation]:
    """A signed-in workstation on profile `home`; sleeps are recorded, never slept."""
    http = session or requests.Session()
    url = base_url or server.base_url
    info = discover(http, url)
    tokens = password_login(http, info, user, server.users[user])
    manager = TokenManager(TokenStore(FakeKeychain(), "test-profile"), tokens, http)
    store = open_store(Profile.at(home), SystemKeychain())
    client = FhirClient(url, http, manager, timeouts=timeouts)
    ledger = SyncLedger(store)
    sleeps: list[float] = []
    engine = SyncEngine(
        client,
        ledger,
        SyncLock(Profile.at(home).data_dir),
        author=f"Practitioner/{tokens.practitioner_id}" if tokens.practitioner_id else None,
        options=options,
        sleep=sleeps.append,
    )
    try:
        yield Workstation(store, ledger, client, engine, manager, sleeps)
    finally:
        engine.close()
        store.close()
        http.close()


def server_note(server: RunningServer, note_id: str, user: str = USER) -> dict[str, Any]:
    response = server.client(user).get(f"DocumentReference/{note_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def note_text(resource: dict[str, Any]) -> str:
    data = resource["content"][0]["attachment"]["data"]
    return base64.b64decode(data).decode("utf-8")


def server_notes(server: RunningServer, user: str = USER) -> list[dict[str, Any]]:
    """Every DocumentReference the server holds for the clinic (all pages)."""
    return server_resources(server, "DocumentReference", user)


def server_resources(
    server: RunningServer, resource_type: str, user: str = USER
) -> list[dict[str, Any]]:
    """The current version of every `resource_type` the server holds for the clinic."""
    return _all_pages(server, resource_type, {"_count": "500"}, user)


def history_counts(server: RunningServer, resource_type: str, user: str = USER) -> Counter[str]:
    """How many versions of each `resource_type` resource the server has ever stored."""
    history = _all_pages(server, f"{resource_type}/_history", {"_count": "500"}, user)
    return Counter(resource["id"] for resource in history)


def _all_pages(
    server: RunningServer, path: str, params: dict[str, str], user: str
) -> list[dict[str, Any]]:
    client = server.client(user)
    found: list[dict[str, Any]] = []
    response = client.get(path, **params)
    while True:
        assert response.status_code == 200, response.text
        bundle = response.json()
        found += [entry["resource"] for entry in bundle.get("entry", []) if "resource" in entry]
        following = [link["url"] for link in bundle.get("link", []) if link["relation"] == "next"]
        if not following:
            return found
        response = client.get(following[0])


def versions(server: RunningServer, resource: str, user: str = USER) -> int:
    response = server.client(user).get(f"{resource}/_history")
    assert response.status_code == 200, response.text
    return len(response.json().get("entry", []))


def edit_on_server(server: RunningServer, note_id: str, text: str, user: str = COLLEAGUE) -> None:
    """A colleague's client changes the draft's text (GET, edit, PUT with If-Match)."""
    colleague = server.client(user)
    current = colleague.get(f"DocumentReference/{note_id}").json()
    current["content"][0]["attachment"]["data"] = base64.b64encode(text.encode()).decode()
    version = current["meta"]["versionId"]
    answer = colleague.put(
        f"DocumentReference/{note_id}", current, headers={"If-Match": f'W/"{version}"'}
    )
    assert answer.status_code == 200, answer.text
