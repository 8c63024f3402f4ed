"""`outpost sync` killed with SIGKILL mid-push and mid-pull (the fault proxy holds its
request so the kill lands there), then run again: everything lands exactly once, nothing
is left unsent, the database is intact and the local copy equals the server's."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from outpost.core.domain import AppointmentStatus, EntityType
from outpost.core.settings import Profile
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from tests.fault_proxy import Fault, FaultProxy, Seen
from tests.integration.cli_helpers import login, run_outpost, start_outpost, status
from tests.integration.store_helpers import raw_connection
from tests.integration.sync_helpers import (
    history_counts,
    note_text,
    server_notes,
    server_resources,
    workstation,
)
from tests.server_process import RunningServer, running_server

BATCH = r"^/fhir/?$"
PULLED = (EntityType.PATIENT, EntityType.APPOINTMENT, EntityType.NOTE)
COLLEAGUE = "dr.okafor"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-kill")) as running:
        yield running


@pytest.fixture
def proxy(server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.origin) as running:
        yield running


def _signed_in(home: Path, server: RunningServer, proxy: FaultProxy) -> None:
    """Signed in through the proxy, with a first sync done (schedule and cursors)."""
    login(home, server, url=f"{proxy.origin}/fhir")
    first = run_outpost(home, "sync")
    assert first.returncode == 0, first.stderr


def _kill_sync_once_seen(home: Path, proxy: FaultProxy, held: Callable[[Seen], bool]) -> None:
    """Start `outpost sync`, SIGKILL it once the proxy holds the request `held`."""
    child = start_outpost(home, "sync")
    try:
        proxy.wait_for(held)
    except AssertionError as exc:
        child.kill()
        _, errors = child.communicate(timeout=30)
        raise AssertionError(f"{exc}\noutpost sync said: {errors}") from None
    child.kill()
    _, errors = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, errors


@contextmanager
def _store(home: Path) -> Iterator[Store]:
    store = open_store(Profile.at(home), SystemKeychain())
    try:
        yield store
    finally:
        store.close()


def _counts(home: Path) -> dict[str, int]:
    with _store(home) as store:
        return SyncLedger(store).counts()


def _integrity(home: Path) -> str:
    conn = raw_connection(Profile.at(home))
    try:
        (result,) = conn.execute("PRAGMA integrity_check").fetchone()
    finally:
        conn.close()
    return str(result)


def _replica(home: Path, entity_type: EntityType) -> dict[str, str]:
    conn = raw_connection(Profile.at(home))
    try:
        rows = conn.execute(
            "SELECT entity_id, version_id FROM replica WHERE entity_type = ?",
            (entity_type.value,),
        ).fetchall()
    finally:
        conn.close()
    return {str(entity_id): str(version) for entity_id, version in rows}


def _on_server(server: RunningServer, entity_type: EntityType) -> dict[str, str]:
    resources = server_resources(server, entity_type.value)
    return {r["id"]: r["meta"]["versionId"] for r in resources}


@pytest.mark.parametrize(
    "kind", ["hang", "hang-after"], ids=["before-the-server-has-it", "after-the-server-committed"]
)
def test_a_sync_killed_mid_push_lands_everything_once_on_the_next_run(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, kind: str
) -> None:
    home = tmp_path / "profile"
    _signed_in(home, server, proxy)
    texts = [f"written before the crash {n}" for n in range(3)]
    with _store(home) as store:
        now = datetime.now(UTC)
        appointment = store.schedule(now - timedelta(days=1), now + timedelta(days=3))[0]
        ids = [store.create_note(appointment.appointment.id, text).id for text in texts]
    proxy.add(Fault(kind, method="POST", path=BATCH))
    _kill_sync_once_seen(home, proxy, lambda seen: seen.fault == kind)
    assert _integrity(home) == "ok"
    assert _counts(home)["inflight"] == 3  # as the killed run left them
    posts_before = sum(1 for seen in proxy.seen if seen.method == "POST")

    result = run_outpost(home, "sync")
    assert result.returncode == 0, result.stderr
    assert "Sent 3 change(s): 3 accepted, 0 in conflict, 0 refused." in result.stdout
    posts = sum(1 for seen in proxy.seen if seen.method == "POST") - posts_before
    assert posts == (0 if kind == "hang-after" else 1)  # a landed batch is not sent again
    versions = history_counts(server, "DocumentReference")
    assert {note_id: versions[note_id] for note_id in ids} == dict.fromkeys(ids, 1)
    on_server = {note["id"]: note_text(note) for note in server_notes(server)}
    assert [on_server[note_id] for note_id in ids] == texts
    assert _counts(home) == {"pending": 0, "inflight": 0, "done": 3, "rejected": 0, "conflict": 0}
    report = status(home)
    assert (report["pending"], report["conflicts"], report["rejected"]) == (0, 0, 0)
    assert _integrity(home) == "ok"


def test_a_sync_killed_mid_pull_catches_up_on_the_next_run(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy
) -> None:
    home = tmp_path / "profile"
    with workstation(tmp_path / "colleague", server, user=COLLEAGUE) as colleague:
        colleague.sync()
        appointment = colleague.first_appointment()
        colleague.store.create_note(appointment, "before the first pull")
        colleague.sync()
        _signed_in(home, server, proxy)  # every type now has a pull cursor
        new = [colleague.store.create_note(appointment, f"pulled {n}").id for n in range(600)]
        colleague.store.set_appointment_status(appointment, AppointmentStatus.CHECKED_IN)
        assert colleague.sync().acknowledged == 601
    # The history of notes comes in pages of 500 (`EngineOptions.page_size`): hold the second.
    proxy.add(Fault("hang", method="GET", path=r"/DocumentReference/_history\?.*_cursor="))
    _kill_sync_once_seen(home, proxy, lambda seen: seen.fault == "hang")
    assert _integrity(home) == "ok"
    halfway = _replica(home, EntityType.NOTE)
    assert 0 < sum(1 for note_id in new if note_id in halfway) < len(new)  # a page, no more
    assert (
        _replica(home, EntityType.APPOINTMENT)[appointment]
        == (_on_server(server, EntityType.APPOINTMENT)[appointment])
    )

    result = run_outpost(home, "sync")
    assert result.returncode == 0, result.stderr
    assert "Nothing to send." in result.stdout
    for entity_type in PULLED:
        assert _replica(home, entity_type) == _on_server(server, entity_type), entity_type
    assert sum(_counts(home).values()) == 0  # nothing was ever queued here
    report = status(home)
    assert (report["pending"], report["conflicts"], report["rejected"]) == (0, 0, 0)
    assert _integrity(home) == "ok"
