"""Push and pull on a real store against a scripted server (an in-memory transport): every
kind of batch entry answer, and history pages that arrive newest first."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from outpost.core.domain import EntityType
from outpost.core.errors import SyncErrorKind
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.batch_sizer import BatchSizer
from outpost.sync.client import FhirClient, TransientSyncError
from outpost.sync.discovery import parse_capabilities
from outpost.sync.fhir_map import MUTATION_TAG_SYSTEM, patient_to_fhir
from outpost.sync.pull import Puller
from outpost.sync.push import Pusher
from outpost.sync.rules import DRAFT_CHANGED_ELSEWHERE
from tests.fakes import FakeTransport, Reply, body_of, fake_session
from tests.integration.store_helpers import APPOINTMENT, PATIENT

BASE = "http://fhir.test/fhir"


def _client(transport: FakeTransport) -> FhirClient:
    return FhirClient(BASE, fake_session(transport))


def _stored(resource: dict[str, Any], version: str, tag: str | None = None) -> dict[str, Any]:
    stored = copy.deepcopy(resource)
    stored["meta"] = {"versionId": version, "lastUpdated": "2025-03-10T09:00:00.000000Z"}
    if tag is not None:
        stored["meta"]["tag"] = [{"system": MUTATION_TAG_SYSTEM, "code": tag}]
    else:
        stored["meta"]["tag"] = resource["meta"]["tag"]
    return stored


def test_every_entry_of_a_batch_response_is_settled_on_its_own(store: Store) -> None:
    notes = [store.create_note(APPOINTMENT.id, f"note {i}") for i in range(5)]
    sent: dict[str, dict[str, Any]] = {}

    def server(request: requests.PreparedRequest) -> Reply:
        url = urlsplit(request.url or "")
        if request.method == "POST":
            bundle = body_of(request)
            for entry in bundle["entry"]:
                sent[entry["resource"]["id"]] = entry["resource"]
            first = bundle["entry"][0]["resource"]
            outcome = {"resourceType": "OperationOutcome", "issue": [{"diagnostics": "bad date"}]}
            return Reply(
                json={
                    "resourceType": "Bundle",
                    "type": "batch-response",
                    "entry": [
                        {"resource": _stored(first, "1"), "response": {"status": "201 Created"}},
                        {"response": {"status": "201 Created", "etag": 'W/"1"'}},
                        {"response": {"status": "412 Precondition Failed"}},
                        {"response": {"status": "422 Unprocessable Entity", "outcome": outcome}},
                        {"response": {"status": "503 Service Unavailable"}},
                    ],
                }
            )
        ids = parse_qs(url.query)["_id"][0].split(",")
        found = []
        for note_id in ids:
            if note_id == notes[1].id:  # landed, answered without a body
                found.append(_stored(sent[note_id], "1"))
            if note_id == notes[2].id:  # another workstation's edit
                other = _stored(sent[note_id], "2", tag="someone-else")
                other["content"][0]["attachment"]["data"] = "b3RoZXIgdGV4dA=="  # "other text"
                found.append(other)
        return Reply(
            json={
                "resourceType": "Bundle",
                "type": "searchset",
                "entry": [{"resource": r} for r in found],
            }
        )

    ledger = SyncLedger(store)
    pusher = Pusher(_client(FakeTransport(server)), ledger, BatchSizer(), author=None)
    with pytest.raises(TransientSyncError) as caught:
        pusher.run()  # the 503 entry makes the run back off once the rest is settled
    assert caught.value.kind is SyncErrorKind.SERVER
    counts = pusher.counts
    assert (counts.acknowledged, counts.conflicts, counts.rejected, counts.released) == (2, 1, 1, 1)
    status = store.outbox_status()
    assert (status.pending, status.conflicts, status.rejected) == (1, 1, 1)
    [conflict] = ledger.list_conflicts()
    assert conflict.entity_id == notes[2].id
    assert conflict.reason == DRAFT_CHANGED_ELSEWHERE
    assert conflict.server is not None
    assert store.get_note(notes[2].id).text == "note 2"  # the clinician's text is kept
    assert [e.unsent_actions for e in store.list_notes() if e.note.id == notes[3].id] == [1]
    assert pusher.sizer.size == 25  # halved after trouble


def _patient(patient_id: str, version: str, at: str, given: str = "Ana") -> dict[str, Any]:
    resource = patient_to_fhir(PATIENT)
    resource["id"] = patient_id
    resource["name"][0]["given"] = [given]
    resource["meta"] = {"versionId": version, "lastUpdated": at}
    return resource


T1, T2, T3 = (f"2025-03-10T10:00:0{s}.000000Z" for s in (1, 2, 3))
CURSOR = "2025-03-10T10:00:00.500000Z"
CAPABILITIES = parse_capabilities(
    {
        "resourceType": "CapabilityStatement",
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {"type": "Patient", "interaction": [{"code": "history-type"}]},
                ],
            }
        ],
    }
)


def test_a_newest_first_history_moves_the_cursor_only_after_its_last_page(store: Store) -> None:
    ledger = SyncLedger(store)
    ledger.apply_pulled(EntityType.PATIENT, [], CURSOR)
    page_two_fails = [True]
    asked: list[dict[str, list[str]]] = []

    def server(request: requests.PreparedRequest) -> Reply:
        query = parse_qs(urlsplit(request.url or "").query)
        asked.append(query)
        if "_cursor" not in query:
            return Reply(
                json={
                    "resourceType": "Bundle",
                    "type": "history",
                    "link": [{"relation": "next", "url": f"{BASE}/Patient/_history?_cursor=2"}],
                    "entry": [
                        {"resource": _patient("pat-2", "2", T3, "Newest")},
                        {"resource": _patient("pat-3", "1", T2)},
                    ],
                }
            )
        if page_two_fails[0]:
            page_two_fails[0] = False
            return Reply(error=requests.ConnectionError("reset"))
        return Reply(
            json={
                "resourceType": "Bundle",
                "type": "history",
                "entry": [
                    {"resource": _patient("pat-2", "1", T1, "Oldest")},
                    {"request": {"method": "DELETE", "url": "Patient/pat-9"}},
                    {"resource": _patient("pat-3", "1", T2)},  # a duplicate
                ],
            }
        )

    puller = Puller(_client(FakeTransport(server)), ledger, CAPABILITIES)
    with pytest.raises(TransientSyncError):
        puller.run()
    assert ledger.cursor(EntityType.PATIENT) == CURSOR  # page one applied, cursor kept
    assert store.get_patient("pat-2").given_name == "Newest"
    assert asked[0]["_since"] == ["2025-03-10T09:59:58.500000Z"]  # cursor minus 2 s

    puller = Puller(_client(FakeTransport(server)), ledger, CAPABILITIES)
    counts = puller.run()
    assert ledger.cursor(EntityType.PATIENT) == T3
    assert store.get_patient("pat-2").given_name == "Newest"  # never replaced by v1
    assert counts.deleted_ignored == 1
    assert counts.received["Patient"] == 2  # pat-2 v2 and pat-3 v1; v1 and the copy dropped


def test_oldest_first_pages_move_the_cursor_page_by_page(store: Store) -> None:
    ledger = SyncLedger(store)
    ledger.apply_pulled(EntityType.PATIENT, [], CURSOR)

    def server(request: requests.PreparedRequest) -> Reply:
        if "_cursor" not in (request.url or ""):
            return Reply(
                json={
                    "resourceType": "Bundle",
                    "type": "history",
                    "link": [{"relation": "next", "url": f"{BASE}/Patient/_history?_cursor=2"}],
                    "entry": [
                        {"resource": _patient("pat-2", "1", T1)},
                        {"resource": _patient("pat-3", "1", T2)},
                    ],
                }
            )
        return Reply(status=503, headers={"Retry-After": "5"})

    with pytest.raises(TransientSyncError):
        Puller(_client(FakeTransport(server)), ledger, CAPABILITIES).run()
    assert ledger.cursor(EntityType.PATIENT) == T2
    assert store.get_patient("pat-3").id == "pat-3"  # page one is in
