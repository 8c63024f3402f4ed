"""batch and transaction Bundles on the reference server: per-entry answers, failures that
change nothing, all-or-nothing transactions, urn:uuid references, per-entry idempotency."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from tests.server_process import FhirClient, RunningServer, running_server

IDEMPOTENCY_EXTENSION = "urn:outpost:idempotency-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("bundles"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningServer) -> FhirClient:
    return server.client("dr.rivera")


def note(id_: str, text: str = "draft", patient: str = "Patient/p1") -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": id_,
        "status": "current",
        "docStatus": "preliminary",
        "type": {"coding": [{"system": "http://loinc.org", "code": "11506-3"}]},
        "subject": {"reference": patient},
        "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "title": text}}],
    }


def put_entry(resource: dict[str, Any], if_match: str | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": "PUT",
        "url": f"{resource['resourceType']}/{resource['id']}",
    }
    if if_match:
        request["ifMatch"] = if_match
    return {"resource": resource, "request": request}


def bundle(kind: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": kind, "entry": entries}


def test_batch_answers_every_entry_and_failed_entries_change_nothing(client: FhirClient) -> None:
    existing, fresh, other = (str(uuid.uuid4()) for _ in range(3))
    client.put(f"DocumentReference/{existing}", note(existing, "v1"))
    client.put(f"DocumentReference/{existing}", note(existing, "v2"))
    answer = client.post(
        "",
        bundle(
            "batch",
            [
                put_entry(note(fresh, "new")),
                put_entry(note(existing, "stale edit"), if_match='W/"1"'),
                put_entry({**note(other), "docStatus": "scribbled"}),
                {"request": {"method": "GET", "url": f"DocumentReference/{existing}"}},
                {"request": {"method": "DELETE", "url": f"DocumentReference/{existing}"}},
                put_entry(note(existing, "good edit"), if_match='W/"2"'),
            ],
        ),
    )
    assert answer.status_code == 200
    body = answer.json()
    Bundle.model_validate(body)
    assert body["type"] == "batch-response"
    responses = [entry["response"] for entry in body["entry"]]
    assert [r["status"].split()[0] for r in responses] == ["201", "412", "400", "200", "405", "200"]
    assert responses[0]["etag"] == 'W/"1"'
    assert responses[0]["location"] == f"DocumentReference/{fresh}/_history/1"
    assert responses[5]["etag"] == 'W/"3"'
    for failed in (responses[1], responses[2], responses[4]):
        assert failed["outcome"]["resourceType"] == "OperationOutcome"
        assert "etag" not in failed
    assert "DocumentReference.docStatus" in responses[2]["outcome"]["issue"][0]["diagnostics"]
    assert body["entry"][3]["resource"]["meta"]["versionId"] == "2"
    # The stale edit and the invalid note left no trace.
    history = client.get(f"DocumentReference/{existing}/_history").json()
    titles = [e["resource"]["content"][0]["attachment"]["title"] for e in history["entry"]]
    assert titles == ["v1", "v2", "good edit"]
    assert client.get(f"DocumentReference/{other}").status_code == 404


def test_a_failing_entry_among_many_leaves_the_others_committed(tmp_path: Path) -> None:
    ids = [str(uuid.uuid4()) for _ in range(60)]
    entries = [put_entry(note(id_, f"n{number}")) for number, id_ in enumerate(ids)]
    entries[30] = put_entry({**note(ids[30]), "status": "scribbled"})
    with running_server(tmp_path, seed="demo") as first:
        client = first.client("dr.rivera")
        answer = client.post("", bundle("batch", entries))
        expected = [e["resource"] for e in answer.json()["entry"] if "resource" in e]
        assert answer.status_code == 200
        statuses = [entry["response"]["status"].split()[0] for entry in answer.json()["entry"]]
        assert statuses == ["201"] * 30 + ["400"] + ["201"] * 29
        assert client.get(f"DocumentReference/{ids[30]}").status_code == 404
        assert client.get(f"DocumentReference/{ids[30]}/_history").json().get("entry", []) == []
        # Every other entry is committed, searchable, and its lastUpdated is unique and in
        # entry order (one transaction, one stamp each).
        found = client.get("DocumentReference", _id=",".join(ids), _count="100").json()
        assert found["total"] == 59
        stamps = {
            entry["resource"]["id"]: entry["resource"]["meta"]["lastUpdated"]
            for entry in found["entry"]
        }
        ordered = [stamps[id_] for id_ in ids if id_ != ids[30]]
        assert ordered == sorted(ordered)
        assert len(set(ordered)) == 59
    # ... and kept, as answered, across a restart.
    with running_server(tmp_path, seed="demo") as second:
        again = second.client("dr.rivera").get("DocumentReference", _id=",".join(ids), _count="100")
        kept = {entry["resource"]["id"]: entry["resource"] for entry in again.json()["entry"]}
    assert [kept[resource["id"]] for resource in expected] == expected


def test_an_entry_failing_if_match_in_a_batch_changes_nothing(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    client.put(f"DocumentReference/{id_}", note(id_, "v1"))
    answer = client.post(
        "",
        bundle(
            "batch",
            [
                put_entry({**note(id_, "stale"), "status": "superseded"}, if_match='W/"2"'),
                put_entry(note(id_, "edit"), if_match='W/"1"'),
                put_entry(note(id_, "edit again"), if_match='W/"2"'),
                put_entry(note(id_, "late"), if_match='W/"2"'),
            ],
        ),
    )
    responses = [entry["response"] for entry in answer.json()["entry"]]
    assert [r["status"].split()[0] for r in responses] == ["412", "200", "200", "412"]
    assert [r.get("etag") for r in responses[1:3]] == ['W/"2"', 'W/"3"']
    assert "current version is 3" in responses[3]["outcome"]["issue"][0]["diagnostics"]
    history = client.get(f"DocumentReference/{id_}/_history").json()["entry"]
    titles = [e["resource"]["content"][0]["attachment"]["title"] for e in history]
    assert titles == ["v1", "edit", "edit again"]
    # The stale entry's status never reached the search index.
    assert client.get("DocumentReference", _id=id_, status="superseded").json()["total"] == 0
    assert client.get("DocumentReference", _id=id_, status="current").json()["total"] == 1


def test_an_updated_record_is_searchable_only_by_its_new_values(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    client.put(f"DocumentReference/{id_}", note(id_, patient="Patient/before"))
    moved = client.post("", bundle("batch", [put_entry(note(id_, patient="Patient/after"))]))
    assert moved.json()["entry"][0]["response"]["status"] == "200 OK"
    assert client.get("DocumentReference", _id=id_, patient="before").json()["total"] == 0
    assert client.get("DocumentReference", _id=id_, patient="after").json()["total"] == 1


def test_transaction_is_all_or_nothing(client: FhirClient) -> None:
    existing, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    client.put(f"DocumentReference/{existing}", note(existing, "v1"))
    failed = client.post(
        "",
        bundle(
            "transaction",
            [
                put_entry(note(fresh, "would be new")),
                put_entry(note(existing, "would be v2"), if_match='W/"1"'),
                put_entry(note(existing, "stale"), if_match='W/"7"'),
            ],
        ),
    )
    assert failed.status_code == 412
    outcome = failed.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "Bundle.entry[2]" in outcome["issue"][0]["diagnostics"]
    assert client.get(f"DocumentReference/{fresh}").status_code == 404
    assert client.get(f"DocumentReference/{existing}").headers["ETag"] == 'W/"1"'

    applied = client.post(
        "",
        bundle(
            "transaction",
            [
                put_entry(note(fresh, "new")),
                put_entry(note(existing, "v2"), if_match='W/"1"'),
            ],
        ),
    )
    assert applied.status_code == 200
    body = applied.json()
    assert body["type"] == "transaction-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["201 Created", "200 OK"]


def test_transaction_resolves_urn_uuid_references(client: FhirClient) -> None:
    placeholder = f"urn:uuid:{uuid.uuid4()}"
    patient = {"resourceType": "Patient", "name": [{"family": "Transactional"}]}
    document = note(str(uuid.uuid4()), patient=placeholder)
    answer = client.post(
        "",
        bundle(
            "transaction",
            [
                put_entry(document),
                {
                    "fullUrl": placeholder,
                    "resource": patient,
                    "request": {"method": "POST", "url": "Patient"},
                },
            ],
        ),
    )
    assert answer.status_code == 200, answer.text
    entries = answer.json()["entry"]
    patient_id = entries[1]["resource"]["id"]
    assert entries[1]["response"]["status"] == "201 Created"
    assert entries[0]["resource"]["subject"]["reference"] == f"Patient/{patient_id}"
    found = client.get("DocumentReference", patient=patient_id).json()
    assert found["total"] == 1


def test_batch_entries_honour_their_own_idempotency_key(client: FhirClient) -> None:
    id_, key = str(uuid.uuid4()), str(uuid.uuid4())
    entry = put_entry(note(id_, "once"))
    entry["request"]["extension"] = [{"url": IDEMPOTENCY_EXTENSION, "valueString": key}]
    first = client.post("", bundle("batch", [entry])).json()["entry"][0]
    again = client.post("", bundle("batch", [entry])).json()["entry"][0]
    assert first["response"]["status"] == again["response"]["status"] == "201 Created"
    assert again["resource"] == first["resource"]
    assert client.get(f"DocumentReference/{id_}").headers["ETag"] == 'W/"1"'
    # The same key on a plain PUT of the same content is the same request.
    single = client.put(f"DocumentReference/{id_}", note(id_, "once"), {"Idempotency-Key": key})
    assert single.status_code == 201
    assert single.headers["Idempotent-Replayed"] == "true"
    changed = put_entry(note(id_, "twice"))
    changed["request"]["extension"] = entry["request"]["extension"]
    refused = client.post("", bundle("batch", [changed])).json()["entry"][0]
    assert refused["response"]["status"].startswith("422")


def test_a_whole_batch_can_be_replayed_by_its_header_key(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    key = {"Idempotency-Key": str(uuid.uuid4())}
    sent = bundle("batch", [put_entry(note(id_))])
    first = client.post("", sent, key)
    again = client.post("", sent, key)
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"DocumentReference/{id_}").headers["ETag"] == 'W/"1"'


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"resourceType": "Patient"}, "Bundle"),
        ({"resourceType": "Bundle", "type": "collection"}, "Bundle.type"),
        ({"resourceType": "Bundle", "type": "batch", "entry": {}}, "Bundle.entry"),
    ],
)
def test_posting_something_else_to_the_base_is_refused(
    client: FhirClient, body: dict[str, Any], expected: str
) -> None:
    refused = client.post("", body)
    assert refused.status_code == 400
    assert expected in refused.json()["issue"][0]["diagnostics"]
