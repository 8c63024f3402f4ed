"""The reference server as a process: the demo seed, data kept across restarts, a clean
stop on SIGTERM and SIGINT, and logs without patient data."""

from __future__ import annotations

import signal
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fhir.resources.R4B import get_fhir_model_class

from tests.server_process import FhirClient, running_server

VIRTUAL_SERVICE = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Appointment.virtualService"


def everything(client: FhirClient, type_: str) -> list[dict[str, Any]]:
    body = client.get(type_, _count="500").json()
    assert "next" not in {link["relation"] for link in body["link"]}
    return [entry["resource"] for entry in body.get("entry", [])]


def join_link(appointment: dict[str, Any]) -> str | None:
    for extension in appointment.get("extension", []):
        if extension["url"] == VIRTUAL_SERVICE:
            for sub in extension["extension"]:
                if sub["url"] == "addressUrl":
                    return str(sub["valueUrl"])
    return None


def test_demo_seed_is_a_small_realistic_clinic(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo") as server:
        assert server.users == {"dr.rivera": "outpost-demo", "dr.okafor": "outpost-demo"}
        client = server.client("dr.rivera")
        seeded = {
            type_: everything(client, type_)
            for type_ in ("Organization", "Practitioner", "Patient", "Schedule", "Appointment")
        }
        counts = {type_: len(found) for type_, found in seeded.items()}
        assert counts == {
            "Organization": 1,
            "Practitioner": 2,
            "Patient": 20,
            "Schedule": 2,
            "Appointment": 30,
        }
        for type_, found in seeded.items():
            model = get_fhir_model_class(type_)
            for resource in found:
                model.model_validate(resource)
                assert resource["meta"]["versionId"] == "1"
        practitioners = {f"Practitioner/{p['id']}" for p in seeded["Practitioner"]}
        patients = {f"Patient/{p['id']}" for p in seeded["Patient"]}
        schedule_actors = {s["actor"][0]["reference"] for s in seeded["Schedule"]}
        assert schedule_actors == practitioners

        today = date.today()
        days = Counter(a["start"][:10] for a in seeded["Appointment"])
        assert days == {(today + timedelta(days=n)).isoformat(): 10 for n in range(3)}
        links = []
        for appointment in seeded["Appointment"]:
            assert appointment["status"] == "booked"
            assert appointment["description"]
            actors = {p["actor"]["reference"] for p in appointment["participant"]}
            assert len(actors & patients) == 1
            assert len(actors & practitioners) == 1
            link = join_link(appointment)
            if link is not None:
                links.append(link)
        assert 0 < len(links) < 30
        assert len(set(links)) == len(links)
        for link in links:
            parts = urlsplit(link)
            assert f"{parts.scheme}://{parts.netloc}" == server.origin
            token = parts.path.removeprefix("/join/")
            assert parts.path.startswith("/join/")
            assert len(token) >= 32


def test_data_survives_a_restart_and_the_seed_runs_once(tmp_path: Path) -> None:
    id_ = str(uuid.uuid4())
    with running_server(tmp_path, seed="demo") as first:
        tokens = first.token_response("dr.rivera")
        client = FhirClient(first.base_url, tokens["access_token"])
        client.put(f"Patient/{id_}", {"resourceType": "Patient", "id": id_, "gender": "male"})
        client.put(f"Patient/{id_}", {"resourceType": "Patient", "id": id_, "gender": "female"})
        before = client.get(f"Patient/{id_}").json()
    with running_server(tmp_path, seed="demo") as second:
        assert second.users == first.users
        # Sign-ins persist too: the old token still works on the new port.
        client = FhirClient(second.base_url, tokens["access_token"])
        after = client.get(f"Patient/{id_}")
        assert after.status_code == 200
        assert after.json() == before
        assert after.headers["ETag"] == 'W/"2"'
        assert client.get(f"Patient/{id_}/_history/1").json()["gender"] == "male"
        assert client.get("Patient", _count="0").json()["total"] == 21
        assert client.get("Practitioner", _count="0").json()["total"] == 2
        updated = client.put(
            f"Patient/{id_}", {"resourceType": "Patient", "id": id_}, {"If-Match": 'W/"2"'}
        )
        assert updated.headers["ETag"] == 'W/"3"'
        assert updated.json()["meta"]["lastUpdated"] > before["meta"]["lastUpdated"]


def test_sigint_stops_the_server_cleanly(tmp_path: Path) -> None:
    with running_server(tmp_path, seed=None) as server:
        assert server.users == {}
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(20) == 0
    log = server.log_file.read_text()
    assert "server stopped" in log


def test_logs_hold_no_patient_data_and_no_query_strings(tmp_path: Path) -> None:
    marker = f"Zq{uuid.uuid4().hex[:12]}"
    with running_server(tmp_path, seed="demo") as server:
        client = server.client("dr.rivera")
        id_ = str(uuid.uuid4())
        patient = {"resourceType": "Patient", "id": id_, "name": [{"family": marker}]}
        assert client.put(f"Patient/{id_}", patient).status_code == 201
        assert client.get("Patient", _id=marker).status_code == 200
        assert client.get("Patient", name=marker).status_code == 400
        assert client.put(f"Patient/{id_}", {**patient, "birthDate": marker}).status_code == 400
        assert client.post("", {"resourceType": "Bundle", "type": "batch"}).status_code == 200
        token = server.token("dr.rivera")
    log = server.log_file.read_text()
    assert marker not in log
    assert token not in log
    assert "outpost-demo" not in log
    assert "PUT /fhir/Patient/{id} 201" in log
    assert "GET /fhir/Patient 400" in log
