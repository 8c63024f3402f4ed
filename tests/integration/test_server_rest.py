"""The reference server's REST interactions: read, vread, update-as-create, create,
versions and ETags, If-Match, Idempotency-Key, validation and error answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests

from tests.server_process import HTTP_TIMEOUT, FhirClient, RunningServer, running_server

MUTATION_SYSTEM = "urn:outpost:mutation-id"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("rest"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningServer) -> FhirClient:
    return server.client("dr.rivera")


def patient(id_: str, family: str = "Testperson", mutation: str | None = None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": id_,
        "name": [{"family": family, "given": ["Alex"]}],
        "birthDate": "1980-02-03",
        "gender": "other",
    }
    if mutation:
        resource["meta"] = {"tag": [{"system": MUTATION_SYSTEM, "code": mutation}]}
    return resource


def outcome_text(response: requests.Response) -> str:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return " ".join(issue.get("diagnostics", "") for issue in body["issue"])


def assert_fhir(response: requests.Response) -> None:
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    assert parsedate_to_datetime(response.headers["Date"]) is not None


def test_put_creates_then_updates_with_versions_etags_and_last_modified(
    client: FhirClient,
) -> None:
    id_ = str(uuid.uuid4())
    created = client.put(f"Patient/{id_}", patient(id_, mutation="m-1"))
    assert created.status_code == 201, created.text
    assert_fhir(created)
    assert created.headers["ETag"] == 'W/"1"'
    assert created.headers["Location"].endswith(f"/fhir/Patient/{id_}/_history/1")
    assert "Last-Modified" in created.headers
    body = created.json()
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["tag"] == [{"system": MUTATION_SYSTEM, "code": "m-1"}]

    updated = client.put(
        f"Patient/{id_}", patient(id_, "Renamed", "m-2"), headers={"If-Match": 'W/"1"'}
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["ETag"] == 'W/"2"'
    assert updated.json()["meta"]["versionId"] == "2"
    assert updated.json()["meta"]["lastUpdated"] > body["meta"]["lastUpdated"]
    # meta.tag is replaced, not merged: the current version carries only its mutation id.
    assert updated.json()["meta"]["tag"] == [{"system": MUTATION_SYSTEM, "code": "m-2"}]

    read = client.get(f"Patient/{id_}")
    assert read.status_code == 200
    assert_fhir(read)
    assert read.headers["ETag"] == 'W/"2"'
    assert read.headers["Last-Modified"] == updated.headers["Last-Modified"]
    assert read.json()["name"][0]["family"] == "Renamed"

    first = client.get(f"Patient/{id_}/_history/1")
    assert first.status_code == 200
    assert first.headers["ETag"] == 'W/"1"'
    assert first.json()["name"][0]["family"] == "Testperson"
    assert client.get(f"Patient/{id_}/_history/3").status_code == 404

    history = client.get(f"Patient/{id_}/_history").json()
    assert [e["resource"]["meta"]["versionId"] for e in history["entry"]] == ["1", "2"]


def test_server_owns_version_and_timestamp(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    sent = patient(id_)
    sent["meta"] = {"versionId": "77", "lastUpdated": "2001-01-01T00:00:00Z"}
    body = client.put(f"Patient/{id_}", sent).json()
    assert body["meta"]["versionId"] == "1"
    assert body["meta"]["lastUpdated"] > "2020"


def test_post_creates_with_a_server_assigned_id(client: FhirClient) -> None:
    sent = patient("ignored-by-the-server")
    created = client.post("Patient", sent)
    assert created.status_code == 201
    body = created.json()
    assert body["id"] != "ignored-by-the-server"
    assert created.headers["Location"].endswith(f"/Patient/{body['id']}/_history/1")
    assert client.get(f"Patient/{body['id']}").status_code == 200


def test_stale_if_match_is_412_and_changes_nothing(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    client.put(f"Patient/{id_}", patient(id_))
    client.put(f"Patient/{id_}", patient(id_, "Second"), headers={"If-Match": 'W/"1"'})
    stale = client.put(f"Patient/{id_}", patient(id_, "Lost"), headers={"If-Match": 'W/"1"'})
    assert stale.status_code == 412
    assert_fhir(stale)
    assert "current version is 2" in outcome_text(stale)
    assert stale.headers["ETag"] == 'W/"2"'
    current = client.get(f"Patient/{id_}")
    assert current.headers["ETag"] == 'W/"2"'
    assert current.json()["name"][0]["family"] == "Second"
    # If-Match on a record that does not exist cannot match either.
    missing = str(uuid.uuid4())
    absent = client.put(f"Patient/{missing}", patient(missing), headers={"If-Match": 'W/"1"'})
    assert absent.status_code == 412
    assert client.get(f"Patient/{missing}").status_code == 404
    # Strong ETags are accepted too.
    strong = client.put(f"Patient/{id_}", patient(id_, "Third"), headers={"If-Match": '"2"'})
    assert strong.status_code == 200


def test_idempotency_key_replays_the_stored_answer(client: FhirClient) -> None:
    id_, key = str(uuid.uuid4()), str(uuid.uuid4())
    headers = {"Idempotency-Key": key}
    first = client.put(f"Patient/{id_}", patient(id_, mutation=key), headers=headers)
    assert first.status_code == 201
    replay = client.put(f"Patient/{id_}", patient(id_, mutation=key), headers=headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["ETag"] == 'W/"1"'
    assert replay.headers["Location"] == first.headers["Location"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"Patient/{id_}").headers["ETag"] == 'W/"1"'

    different = client.put(f"Patient/{id_}", patient(id_, "Other", key), headers=headers)
    assert different.status_code == 422
    assert "Idempotency-Key" in outcome_text(different)
    assert client.get(f"Patient/{id_}").json()["name"][0]["family"] == "Testperson"

    # A create (POST) replays too: no second resource.
    post_key = {"Idempotency-Key": str(uuid.uuid4())}
    made = client.post("Patient", patient("x"), headers=post_key)
    again = client.post("Patient", patient("x"), headers=post_key)
    assert again.json()["id"] == made.json()["id"]


def test_idempotency_key_does_not_record_failures(client: FhirClient) -> None:
    id_, key = str(uuid.uuid4()), {"Idempotency-Key": str(uuid.uuid4())}
    client.put(f"Patient/{id_}", patient(id_))
    client.put(f"Patient/{id_}", patient(id_, "Moved on"))
    stale = client.put(f"Patient/{id_}", patient(id_, "Mine"), headers={"If-Match": 'W/"1"', **key})
    assert stale.status_code == 412
    # The client re-reads and re-applies the same action on the current version.
    retried = client.put(
        f"Patient/{id_}", patient(id_, "Mine"), headers={"If-Match": 'W/"2"', **key}
    )
    assert retried.status_code == 200
    assert retried.headers["ETag"] == 'W/"3"'


def test_idempotency_keys_belong_to_their_user(server: RunningServer, client: FhirClient) -> None:
    key = {"Idempotency-Key": str(uuid.uuid4())}
    mine = client.post("Patient", patient("x"), headers=key)
    theirs = server.client("dr.okafor").post("Patient", patient("x"), headers=key)
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert theirs.json()["id"] != mine.json()["id"]


@pytest.mark.parametrize(
    ("resource", "status", "expected"),
    [
        ({"resourceType": "Patient", "id": "ID", "birthDate": "yesterday"}, 400, "birthDate"),
        (
            {"resourceType": "Patient", "id": "ID", "name": [{"given": "Alex"}]},
            400,
            "Patient.name[0].given",
        ),
        ({"resourceType": "Patient", "id": "ID", "colour": "red"}, 400, "Patient.colour"),
        ({"resourceType": "Patient", "id": "ID", "gender": "robot"}, 400, "Patient.gender"),
        ({"resourceType": "Observation", "id": "ID"}, 400, "does not match"),
        ({"id": "ID"}, 400, "resourceType"),
        ({"resourceType": "Patient", "id": "other-id"}, 400, "does not match the id in the URL"),
        ({"resourceType": "Patient"}, 400, "Patient.id is missing"),
        (["not", "an", "object"], 400, "JSON object"),
    ],
)
def test_invalid_resources_are_refused_with_the_field_path(
    client: FhirClient, resource: object, status: int, expected: str
) -> None:
    id_ = str(uuid.uuid4())
    if isinstance(resource, dict) and resource.get("id") == "ID":
        resource["id"] = id_
    refused = client.put(f"Patient/{id_}", resource)
    assert refused.status_code == status
    assert_fhir(refused)
    assert expected in outcome_text(refused)
    assert client.get(f"Patient/{id_}").status_code == 404


def test_appointment_status_must_be_a_known_code(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    appointment = {
        "resourceType": "Appointment",
        "id": id_,
        "status": "teleported",
        "participant": [{"actor": {"reference": "Patient/x"}, "status": "accepted"}],
    }
    refused = client.put(f"Appointment/{id_}", appointment)
    assert refused.status_code == 400
    body = refused.json()
    assert body["issue"][0]["expression"] == ["Appointment.status"]


def test_bodies_that_are_not_fhir_json(client: FhirClient) -> None:
    id_ = str(uuid.uuid4())
    url = client.url(f"Patient/{id_}")
    auth = {"Authorization": f"Bearer {client.token}"}
    broken = requests.put(
        url,
        data=b'{"resourceType": "Patient", ',
        headers={**auth, "Content-Type": "application/fhir+json"},
        timeout=HTTP_TIMEOUT,
    )
    assert broken.status_code == 400
    assert "not valid JSON" in outcome_text(broken)
    xml = requests.put(
        url,
        data=b"<Patient/>",
        headers={**auth, "Content-Type": "application/fhir+xml"},
        timeout=HTTP_TIMEOUT,
    )
    assert xml.status_code == 415
    assert_fhir(xml)
    plain_json = requests.put(
        url,
        json={"resourceType": "Patient", "id": id_},
        headers=auth,
        timeout=HTTP_TIMEOUT,
    )
    assert plain_json.status_code == 201


def test_unknown_things_answer_with_operation_outcomes(client: FhirClient) -> None:
    assert client.get("Spaceship/1").status_code == 404
    assert "not supported" in outcome_text(client.get("Spaceship/1"))
    assert client.get(f"Patient/{uuid.uuid4()}").status_code == 404
    assert client.get("Patient/bad id!").status_code == 400
    deleted = client.request("DELETE", f"Patient/{uuid.uuid4()}")
    assert deleted.status_code == 405
    assert_fhir(deleted)
    assert outcome_text(deleted)
    nowhere = client.get("Patient/a/b/c/d")
    assert nowhere.status_code == 404
    assert_fhir(nowhere)
    conditional = client.post("Patient", patient("x"), headers={"If-None-Exist": "name=x"})
    assert conditional.status_code == 400


def test_every_answer_carries_a_date_header(server: RunningServer, client: FhirClient) -> None:
    answers = [
        requests.get(f"{server.base_url}/metadata", timeout=HTTP_TIMEOUT),
        requests.get(f"{server.origin}/oauth/authorize", timeout=HTTP_TIMEOUT),
        requests.post(f"{server.origin}/oauth/token", data={}, timeout=HTTP_TIMEOUT),
        requests.get(f"{server.base_url}/Patient", timeout=HTTP_TIMEOUT),
        client.get("Patient", _count="1"),
        client.get("Spaceship"),
        client.post("", {"resourceType": "Bundle", "type": "batch", "entry": []}),
    ]
    for answer in answers:
        assert parsedate_to_datetime(answer.headers["Date"]) is not None, answer.url
