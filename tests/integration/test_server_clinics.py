"""Clinic isolation on the reference server: a clinician sees and changes only their own
clinic's records, whichever interaction they use."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.server_process import FhirClient, RunningServer, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("clinics"), seed="demo") as running:
        running.add_clinician("dr.hale", "hale-password", clinic="ridge-clinic")
        yield running


@pytest.fixture(scope="module")
def demo(server: RunningServer) -> FhirClient:
    return server.client("dr.rivera")


@pytest.fixture(scope="module")
def ridge(server: RunningServer) -> FhirClient:
    return server.client("dr.hale", "hale-password")


def demo_patient(demo: FhirClient) -> dict[str, Any]:
    resource: dict[str, Any] = demo.get("Patient", _count="1").json()["entry"][0]["resource"]
    return resource


def test_another_clinic_cannot_read_or_find_a_patient(demo: FhirClient, ridge: FhirClient) -> None:
    patient = demo_patient(demo)
    path = f"Patient/{patient['id']}"
    assert ridge.get(path).status_code == 404
    assert ridge.get(f"{path}/_history/1").status_code == 404
    assert ridge.get(f"{path}/_history").json().get("entry", []) == []
    assert ridge.get("Patient", _id=patient["id"]).json()["total"] == 0
    assert ridge.get("Patient", _count="0").json()["total"] == 0
    assert ridge.get("Appointment", patient=path, _count="0").json()["total"] == 0
    history = ridge.get("Patient/_history").json()
    assert history.get("entry", []) == []
    batch = {
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [{"request": {"method": "GET", "url": path}}],
    }
    entry = ridge.post("", batch).json()["entry"][0]
    assert entry["response"]["status"].startswith("404")


def test_writes_are_stamped_with_the_writers_clinic(demo: FhirClient, ridge: FhirClient) -> None:
    patient = demo_patient(demo)
    path = f"Patient/{patient['id']}"
    # Same id, other clinic: its own record; the first clinic's one is untouched.
    theirs = {"resourceType": "Patient", "id": patient["id"], "name": [{"family": "Ridge"}]}
    written = ridge.put(path, theirs)
    assert written.status_code == 201
    assert ridge.get(path).json()["name"][0]["family"] == "Ridge"
    ours = demo.get(path)
    assert ours.headers["ETag"] == f'W/"{patient["meta"]["versionId"]}"'
    assert ours.json()["name"] == patient["name"]
    # If-Match sees only the writer's clinic: the other clinic's versions do not count.
    unseen = str(uuid.uuid4())
    demo.put(f"Patient/{unseen}", {"resourceType": "Patient", "id": unseen})
    probe = ridge.put(
        f"Patient/{unseen}", {"resourceType": "Patient", "id": unseen}, {"If-Match": 'W/"1"'}
    )
    assert probe.status_code == 412
    assert "does not exist" in probe.json()["issue"][0]["diagnostics"]
    created = ridge.post("Patient", {"resourceType": "Patient", "name": [{"family": "New"}]})
    assert demo.get(f"Patient/{created.json()['id']}").status_code == 404
