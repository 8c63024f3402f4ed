"""Sync scenarios through the fault proxy in front of the real server, each checked down to
the exact end state on both sides: a server that never answers, one conflict among a
thousand actions, an edit saved while its upload is in the air, a colleague's edit on top
of a write whose answer was lost, and server updates in the same second as the pull
cursor."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from outpost.core.domain import EntityType, NoteId, VisitNote
from outpost.core.errors import OfflineError
from outpost.core.settings import Profile
from outpost.store import codec
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.client import Timeouts
from outpost.sync.engine import EngineOptions
from outpost.sync.rules import DRAFT_CHANGED_ELSEWHERE
from tests.fault_proxy import Fault, FaultProxy
from tests.integration.sync_helpers import (
    COLLEAGUE,
    USER,
    NoIdempotencyKeySession,
    Workstation,
    edit_on_server,
    history_counts,
    note_text,
    server_note,
    server_notes,
    server_resources,
    workstation,
)
from tests.server_process import RunningServer, running_server

BATCH = r"^/fhir/?$"
SHORT = Timeouts(connect_s=2.0, read_s=5.0, batch_read_s=1.0)  # the batch is held
NOTHING_LEFT = {"pending": 0, "inflight": 0, "rejected": 0, "conflict": 0}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("sync-scenarios")) as running:
        yield running


@pytest.fixture
def proxy(server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(server.origin) as running:
        yield running


def _unsent(ws: Workstation) -> dict[str, int]:
    counts = ws.ledger.counts()
    return {state: counts[state] for state in NOTHING_LEFT}


def _versions_of(server: RunningServer, note_ids: Sequence[str]) -> dict[str, int]:
    """Versions the server ever stored for each note (0: it never got it)."""
    counts = history_counts(server, "DocumentReference")
    return {note_id: counts[note_id] for note_id in note_ids}


def _version_texts(server: RunningServer, note_id: str) -> list[str]:
    """The note's text in each version the server stored, oldest first."""
    response = server.client(USER).get(f"DocumentReference/{note_id}/_history")
    assert response.status_code == 200, response.text
    resources = [entry["resource"] for entry in response.json()["entry"]]
    resources.sort(key=lambda resource: int(resource["meta"]["versionId"]))
    return [note_text(resource) for resource in resources]


# -- a server that accepts the request and never answers ----------------------------------


@pytest.mark.parametrize(
    "kind", ["hang", "hang-after"], ids=["never-forwarded", "committed-then-silent"]
)
def test_a_server_that_never_answers_ends_the_run_offline_and_loses_nothing(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, kind: str
) -> None:
    texts = ["hang 1", "hang 2", "hang 3"]
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        options=EngineOptions(max_retries=0),
        timeouts=SHORT,
    ) as ws:
        ws.sync()
        appointment = ws.first_appointment()
        ids = [ws.store.create_note(appointment, text).id for text in texts]
        proxy.add(Fault(kind, method="POST", path=BATCH))
        started = time.monotonic()
        with pytest.raises(OfflineError):
            ws.sync()
        waited = time.monotonic() - started
        assert SHORT.batch_read_s <= waited < 10, "the client's short read timeout ended it"
        assert ws.sleeps == []
        assert _unsent(ws) == {**NOTHING_LEFT, "pending": 3}  # released, none left in flight
        assert [ws.store.get_note(note_id).text for note_id in ids] == texts
        proxy.wait_for(lambda seen: seen.fault == kind)  # recorded once forwarded (or not)
        committed = kind == "hang-after"
        assert _versions_of(server, ids) == dict.fromkeys(ids, 1 if committed else 0)

        report = ws.sync()  # the fault is gone
        # A write that had landed is recognised by its mutation id and not sent again.
        assert (report.sent, report.acknowledged, report.conflicts) == (
            0 if committed else 3,
            3,
            0,
        )
        assert _unsent(ws) == NOTHING_LEFT
        assert ws.ledger.list_conflicts() == []
    assert _versions_of(server, ids) == dict.fromkeys(ids, 1)
    assert [note_text(server_note(server, note_id)) for note_id in ids] == texts


# -- one conflict among a thousand actions ------------------------------------------------


@pytest.mark.slow
def test_one_conflict_among_a_thousand_actions_holds_back_nothing_else(tmp_path: Path) -> None:
    with (
        running_server(tmp_path, name="thousand") as server,
        FaultProxy(server.origin) as proxy,
        workstation(tmp_path / "a", server, base_url=f"{proxy.origin}/fhir") as ws,
    ):
        ws.sync()
        appointment = ws.first_appointment()
        draft = ws.store.create_note(appointment, "draft as both clinicians saw it")
        assert ws.sync().acknowledged == 1
        edit_on_server(server, draft.id, "the colleague's text")
        ids = [ws.store.create_note(appointment, f"offline note {n}").id for n in range(500)]
        ws.store.save_draft(draft.id, "my offline text")  # queued in the middle
        ids += [ws.store.create_note(appointment, f"offline note {n}").id for n in range(500, 1000)]

        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected, report.released) == (
            1000,
            1,
            0,
            0,
        )
        assert ws.ledger.counts() == {**NOTHING_LEFT, "conflict": 1, "done": 1001}
        (conflict,) = ws.ledger.list_conflicts()
        assert (conflict.entity_id, conflict.reason) == (draft.id, DRAFT_CHANGED_ELSEWHERE)
        assert isinstance(conflict.local, VisitNote)
        assert isinstance(conflict.server, VisitNote)
        assert (conflict.local.text, conflict.server.text) == (
            "my offline text",
            "the colleague's text",
        )
        assert ws.store.get_note(draft.id).text == "my offline text"
        unsent = {entry.note.id: entry.unsent_actions for entry in ws.store.list_notes()}
        assert unsent == {**dict.fromkeys(ids, 0), draft.id: 1}

        again = ws.sync()  # the conflict waits for the clinician; nothing is re-sent
        assert (again.sent, again.conflicts) == (0, 0)
        assert ws.store.get_note(draft.id).text == "my offline text"
        on_server = {note["id"]: note_text(note) for note in server_notes(server)}
        versions = history_counts(server, "DocumentReference")
    assert versions == Counter({**dict.fromkeys(ids, 1), draft.id: 2})
    assert on_server == {
        **{note_id: f"offline note {n}" for n, note_id in enumerate(ids)},
        draft.id: "the colleague's text",
    }


# -- an edit saved while its upload is in the air -----------------------------------------


def _outbox_of(store: Store, note_id: str) -> list[tuple[str, str, str]]:
    rows = store.connection.execute(
        "SELECT action, state, payload FROM outbox WHERE entity_id = ? ORDER BY seq", (note_id,)
    ).fetchall()
    return [(action, state, codec.loads(payload)["text"]) for action, state, payload in rows]


@pytest.mark.parametrize("in_flight", ["create", "update"])
def test_an_edit_saved_while_its_upload_is_in_flight_is_sent_after_it(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, in_flight: str
) -> None:
    home = tmp_path / "a"
    with workstation(home, server, base_url=f"{proxy.origin}/fhir") as ws:
        ws.sync()
        note = ws.store.create_note(ws.first_appointment(), "first text")
        texts = ["first text"]
        if in_flight == "update":
            ws.sync()
            ws.store.save_draft(note.id, "second text")
            texts.append("second text")
        other = ws.store.create_note(ws.first_appointment(), "in the same batch")
        queued: list[list[tuple[str, str, str]]] = []

        def save_in_another_window() -> None:
            second = open_store(Profile.at(home), SystemKeychain())
            try:
                second.save_draft(NoteId(note.id), "newest text")
                queued.append(_outbox_of(second, note.id))
            finally:
                second.close()

        proxy.add(Fault("callback", method="POST", path=BATCH, callback=save_in_another_window))
        report = ws.sync()
        sent_before = [("note.create", "done", "first text")] if in_flight == "update" else []
        action = "note.create" if in_flight == "create" else "note.update"
        # Not coalesced into the row in flight: a new row, waiting for it.
        assert queued == [
            [
                *sent_before,
                (action, "inflight", texts[-1]),
                ("note.update", "pending", "newest text"),
            ]
        ]
        # The edit went in the same run, once the row it waited for was done.
        assert (report.acknowledged, report.conflicts, report.rejected) == (3, 0, 0)
        assert ws.sync().sent == 0
        assert _unsent(ws) == NOTHING_LEFT
        assert ws.store.get_note(note.id).text == "newest text"
    # The upload in the air carried the text it was sent with; the edit came after it.
    assert _version_texts(server, note.id) == [*texts, "newest text"]
    assert _versions_of(server, [note.id, other.id]) == {note.id: len(texts) + 1, other.id: 1}
    assert [n["id"] for n in server_notes(server)].count(note.id) == 1


# -- a colleague's edit on top of a write whose answer was lost ----------------------------


@pytest.mark.parametrize("typed_on", [False, True], ids=["as-sent", "typed-on-after"])
@pytest.mark.parametrize("lost", ["create", "update"])
def test_a_colleague_edit_after_a_lost_answer_is_never_overwritten(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, lost: str, typed_on: bool
) -> None:
    """Our write landed, its answer was lost; a colleague's client then edited the note
    on top of it, keeping the tags as it read them (a generic GET-edit-PUT client; HAPI
    keeps tags across versions anyway), so our mutation id is still on the server's
    current version. Their edit stands: our action is done if the clinician's text is what
    landed, else both texts are kept as a conflict. Re-sending ours would revert theirs."""
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        session=NoIdempotencyKeySession(),  # exactly-once from mutation ids alone
        options=EngineOptions(max_retries=0),
    ) as ws:
        ws.sync()
        note = ws.store.create_note(ws.first_appointment(), "mine 1")
        landed = ["mine 1"]
        if lost == "update":
            ws.sync()
            ws.store.save_draft(note.id, "mine 2")
            landed.append("mine 2")
        proxy.add(Fault("lose", method="PUT", path="DocumentReference"))
        with pytest.raises(OfflineError):
            ws.sync()
        assert _version_texts(server, note.id) == landed  # it landed
        edit_on_server(server, note.id, "the colleague's text")
        mine = landed[-1]
        if typed_on:
            mine = "typed on after the answer was lost"
            ws.store.save_draft(note.id, mine)

        report = ws.sync()
        assert (report.acknowledged, report.conflicts, report.rejected) == (
            (0, 1, 0) if typed_on else (1, 0, 0)
        )
        if typed_on:
            (conflict,) = ws.ledger.list_conflicts()
            assert (conflict.entity_id, conflict.reason) == (note.id, DRAFT_CHANGED_ELSEWHERE)
            assert isinstance(conflict.local, VisitNote)
            assert isinstance(conflict.server, VisitNote)
            assert (conflict.local.text, conflict.server.text) == (mine, "the colleague's text")
            assert ws.store.get_note(note.id).text == mine
            assert _unsent(ws) == {**NOTHING_LEFT, "conflict": 1}
        else:
            assert ws.ledger.list_conflicts() == []
            assert ws.store.get_note(note.id).text == "the colleague's text"  # pulled
            assert _unsent(ws) == NOTHING_LEFT
    assert _version_texts(server, note.id) == [*landed, "the colleague's text"]


# -- server updates in the same second as the pull cursor --------------------------------


def _rename(server: RunningServer, patient_id: str, given: str) -> str:
    """A colleague renames a patient on the server; the new version's `lastUpdated`."""
    colleague = server.client(COLLEAGUE)
    current = colleague.get(f"Patient/{patient_id}").json()
    current["name"][0]["given"] = [given]
    version = current["meta"]["versionId"]
    answer = colleague.put(f"Patient/{patient_id}", current, headers={"If-Match": f'W/"{version}"'})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["meta"]["lastUpdated"])


def _replica_versions(ws: Workstation, entity_type: EntityType) -> dict[str, str]:
    rows = ws.store.connection.execute(
        "SELECT entity_id, version_id FROM replica WHERE entity_type = ?", (entity_type.value,)
    ).fetchall()
    return {str(entity_id): str(version) for entity_id, version in rows}


@pytest.mark.parametrize("overlap_s", [0.0, 2.0], ids=["cursor-exactly", "default-overlap"])
def test_updates_in_the_same_second_as_the_pull_cursor_are_all_pulled_once(
    tmp_path: Path, server: RunningServer, proxy: FaultProxy, overlap_s: float
) -> None:
    with workstation(
        tmp_path / "a",
        server,
        base_url=f"{proxy.origin}/fhir",
        options=EngineOptions(overlap_s=overlap_s),
    ) as ws:
        ws.sync()
        first, second, third = sorted(p["id"] for p in server_resources(server, "Patient"))[:3]
        same_second = False
        for attempt in range(5):  # until A, the pull, B and C fall within one second
            a = _rename(server, first, f"A{attempt}")
            ws.sync()
            assert ws.ledger.cursor(EntityType.PATIENT) == a  # the cursor sits on A
            b = _rename(server, second, f"B{attempt}")
            c = _rename(server, third, f"C{attempt}")
            report = ws.sync()
            assert report.written.get("Patient") == 2  # B and C; A again is a duplicate
            names = [ws.store.get_patient(p).given_name for p in (first, second, third)]
            assert names == [f"A{attempt}", f"B{attempt}", f"C{attempt}"]
            assert ws.ledger.cursor(EntityType.PATIENT) == c
            if a[:19] == b[:19] == c[:19]:
                same_second = True
                break
        assert same_second, "A, the pull, B and C never fell within one second"
        on_server = {p["id"]: p["meta"]["versionId"] for p in server_resources(server, "Patient")}
        assert _replica_versions(ws, EntityType.PATIENT) == on_server
        assert sum(ws.sync().written.values()) == 0
