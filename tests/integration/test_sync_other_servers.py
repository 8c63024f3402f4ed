"""Backends that differ from the reference one within standard FHIR R4: no type-level
history (pull by `_lastUpdated` search) and `200 OK` where a create could say `201`."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from outpost.core.domain import EntityType
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.batch_sizer import BatchSizer
from outpost.sync.client import FhirClient
from outpost.sync.discovery import parse_capabilities
from outpost.sync.fhir_map import patient_to_fhir
from outpost.sync.pull import Puller
from outpost.sync.push import Pusher
from tests.fakes import FakeTransport, Reply, body_of, fake_session
from tests.integration.store_helpers import APPOINTMENT, PATIENT

BASE = "http://fhir.test/fhir"
SEARCH_ONLY = parse_capabilities(
    {
        "resourceType": "CapabilityStatement",
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {"type": kind, "interaction": [{"code": "read"}, {"code": "search-type"}]}
                    for kind in ("Patient", "Appointment", "DocumentReference")
                ],
            }
        ],
    }
)


def _patient(patient_id: str, version: str, at: str) -> dict[str, Any]:
    resource = patient_to_fhir(PATIENT)
    resource["id"] = patient_id
    resource["meta"] = {"versionId": version, "lastUpdated": at}
    return resource


def _searchset(*resources: dict[str, Any]) -> Reply:
    entries = [{"resource": resource} for resource in resources]
    return Reply(json={"resourceType": "Bundle", "type": "searchset", "entry": entries})


def test_without_type_history_the_pull_searches_by_last_updated(store: Store) -> None:
    asked: list[tuple[str, dict[str, list[str]]]] = []
    pulls = iter(
        [
            _searchset(_patient("pat-7", "1", "2025-03-10T10:00:01Z")),
            _searchset(
                _patient("pat-7", "1", "2025-03-10T10:00:01Z"),  # the overlap: seen already
                _patient("pat-8", "1", "2025-03-10T10:05:00Z"),
            ),
        ]
    )

    def server(request: requests.PreparedRequest) -> Reply:
        url = urlsplit(request.url or "")
        asked.append((url.path, parse_qs(url.query)))
        assert "_history" not in url.path, "the server never offered history"
        if url.path.endswith("/Patient"):
            return next(pulls)
        return _searchset()

    ledger = SyncLedger(store)
    client = FhirClient(BASE, fake_session(FakeTransport(server)))
    first = Puller(client, ledger, SEARCH_ONLY).run()
    assert first.written["Patient"] == 1
    assert ledger.cursor(EntityType.PATIENT) is not None

    second = Puller(client, ledger, SEARCH_ONLY).run()
    patient_queries = [query for path, query in asked if path.endswith("/Patient")]
    # From the cursor minus the 2 s overlap, so a same-second update is never missed.
    assert patient_queries[1]["_lastUpdated"][0].startswith("ge2025-03-10T09:59:59")
    assert patient_queries[1]["_sort"] == ["_lastUpdated"]
    assert second.written["Patient"] == 1  # pat-8; pat-7 again is a duplicate
    assert store.get_patient("pat-8").id == "pat-8"
    assert ledger.cursor(EntityType.PATIENT) == "2025-03-10T10:05:00Z"


def test_a_create_answered_200_instead_of_201_is_accepted_once(store: Store) -> None:
    notes = [store.create_note(APPOINTMENT.id, f"S: stable {n}") for n in range(3)]
    writes = 0

    def stored(resource: dict[str, Any]) -> dict[str, Any]:
        copied = copy.deepcopy(resource)
        copied["meta"] = copied.get("meta", {}) | {
            "versionId": "1",
            "lastUpdated": "2025-03-10T10:00:00Z",
        }
        return copied

    def server(request: requests.PreparedRequest) -> Reply:
        nonlocal writes
        body = body_of(request)
        if request.method == "PUT":  # a single action may go on its own
            writes += 1
            return Reply(status=200, json=stored(body), headers={"ETag": 'W/"1"'})
        assert request.method == "POST", "an acknowledged note needs no read-back"
        writes += len(body["entry"])
        entries = [
            {"resource": stored(entry["resource"]), "response": {"status": "200 OK"}}
            for entry in body["entry"]
        ]
        return Reply(json={"resourceType": "Bundle", "type": "batch-response", "entry": entries})

    ledger = SyncLedger(store)
    pusher = Pusher(
        FhirClient(BASE, fake_session(FakeTransport(server))), ledger, BatchSizer(), author=None
    )
    pusher.run()
    assert writes == 3
    assert pusher.counts.acknowledged == 3
    assert store.outbox_status().pending == 0
    assert {(e.note.id, e.unsent_actions) for e in store.list_notes()} == {
        (note.id, 0) for note in notes
    }
