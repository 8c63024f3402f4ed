"""Search and history on the reference server: parameters, prefixes, paging through `next`
links, and `_history?_since=` as a sync client pulls with it (inclusive boundary,
versions in the same second, writes between pages)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.server_process import FhirClient, RunningServer, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("search"), seed="demo") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: RunningServer) -> FhirClient:
    return server.client("dr.rivera")


def pages(client: FhirClient, path: str, **params: str) -> list[dict[str, Any]]:
    """Every Bundle of a search or history, following `next` links."""
    response = client.get(path, **params)
    assert response.status_code == 200, response.text
    bundles = [response.json()]
    while True:
        links = {link["relation"]: link["url"] for link in bundles[-1]["link"]}
        if "next" not in links:
            return bundles
        following = client.get(links["next"])
        assert following.status_code == 200, following.text
        bundles.append(following.json())
        assert len(bundles) < 100, "next links never end"


def resources(bundles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [entry["resource"] for bundle in bundles for entry in bundle.get("entry", [])]


def measure_report(id_: str, note: str = "") -> dict[str, Any]:
    return {
        "resourceType": "MeasureReport",
        "id": id_,
        "status": "complete",
        "type": "summary",
        "measure": f"http://example.org/Measure/visit-quality{note}",
        "period": {"start": "2024-01-01", "end": "2024-01-31"},
    }


def test_search_pages_with_next_links_and_a_total(client: FhirClient) -> None:
    bundles = pages(client, "Patient", _count="6")
    assert [len(b.get("entry", [])) for b in bundles] == [6, 6, 6, 2]
    assert {b["total"] for b in bundles} == {20}
    assert all(b["type"] == "searchset" for b in bundles)
    found = resources(bundles)
    assert len({p["id"] for p in found}) == 20
    stamps = [p["meta"]["lastUpdated"] for p in found]
    assert stamps == sorted(stamps)
    descending = resources(pages(client, "Patient", _count="7", _sort="-_lastUpdated"))
    assert [p["id"] for p in descending] == [p["id"] for p in reversed(found)]
    by_id = resources(pages(client, "Patient", _count="8", _sort="_id"))
    assert [p["id"] for p in by_id] == sorted(p["id"] for p in found)


def test_search_by_id_status_and_last_updated(client: FhirClient) -> None:
    patients = resources(pages(client, "Patient", _count="50"))
    first, second = patients[0]["id"], patients[1]["id"]
    picked = client.get("Patient", _id=f"{first},{second}").json()
    assert {e["resource"]["id"] for e in picked["entry"]} == {first, second}
    boundary = patients[10]["meta"]["lastUpdated"]
    newer = client.get("Patient", _lastUpdated=f"gt{boundary}", _count="50").json()
    assert newer["total"] == 9
    at_or_newer = client.get("Patient", _lastUpdated=f"ge{boundary}", _count="50").json()
    assert at_or_newer["total"] == 10
    older = client.get("Patient", _lastUpdated=f"lt{boundary}", _count="50").json()
    assert older["total"] == 10
    booked = client.get("Appointment", status="booked", _count="0").json()
    assert booked["total"] == 30
    assert client.get("Appointment", status="cancelled,noshow").json()["total"] == 0


def test_appointments_by_date_practitioner_and_patient(
    server: RunningServer, client: FhirClient
) -> None:
    today = date.today()
    day = client.get("Appointment", date=today.isoformat(), _count="50").json()
    assert day["total"] == 10
    assert all(e["resource"]["start"].startswith(today.isoformat()) for e in day["entry"])
    later = client.request(
        "GET",
        "Appointment",
        params=[
            ("date", f"ge{(today + timedelta(days=1)).isoformat()}"),
            ("date", f"lt{(today + timedelta(days=3)).isoformat()}"),
            ("_count", "50"),
        ],
    ).json()
    assert later["total"] == 20
    practitioner = server.token_response("dr.rivera")["practitioner"]
    mine = client.get("Appointment", practitioner=practitioner, date=today.isoformat()).json()
    assert mine["total"] == 5
    as_actor = client.get("Appointment", actor=f"Practitioner/{practitioner}", _count="0")
    assert as_actor.json()["total"] == 15
    patient = day["entry"][0]["resource"]["participant"][0]["actor"]["reference"]
    for value in (patient, patient.removeprefix("Patient/")):
        theirs = client.get("Appointment", patient=value, _count="50").json()
        assert theirs["total"] >= 1
        for entry in theirs["entry"]:
            actors = [p["actor"]["reference"] for p in entry["resource"]["participant"]]
            assert patient in actors
    by_date = resources(pages(client, "Appointment", _sort="date", _count="7"))
    starts = [a["start"] for a in by_date]
    assert len(starts) == 30
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"name": "Rivera"}, "name"),
        ({"date": "tomorrow"}, "date"),
        ({"date": "ap2024-01-01"}, "ap"),
        ({"status:not": "booked"}, "status:not"),
        ({"_count": "many"}, "_count"),
        ({"_sort": "status"}, "_sort"),
        ({"actor": "12345"}, "actor"),
    ],
)
def test_search_refuses_what_it_does_not_understand(
    client: FhirClient, params: dict[str, str], named: str
) -> None:
    refused = client.get("Appointment", **params)
    assert refused.status_code == 400
    assert named in refused.json()["issue"][0]["diagnostics"]


def test_history_pages_oldest_first_and_keeps_writes_between_pages(client: FhirClient) -> None:
    ids = [str(uuid.uuid4()) for _ in range(7)]
    for id_ in ids:
        assert client.put(f"MeasureReport/{id_}", measure_report(id_)).status_code == 201
    first = client.get("MeasureReport/_history", _count="3").json()
    assert first["type"] == "history"
    assert [e["resource"]["id"] for e in first["entry"]] == ids[:3]
    entry = first["entry"][0]
    assert entry["request"] == {"method": "PUT", "url": f"MeasureReport/{ids[0]}"}
    assert entry["response"]["status"] == "201 Created"
    assert entry["response"]["etag"] == 'W/"1"'
    # A write while the client pages: it appears later as a new version; nothing is skipped.
    client.put(f"MeasureReport/{ids[1]}", measure_report(ids[1], "-v2"))
    rest: list[dict[str, Any]] = []
    link = {lk["relation"]: lk["url"] for lk in first["link"]}.get("next")
    while link:
        page = client.get(link).json()
        rest.extend(e["resource"] for e in page["entry"])
        link = {lk["relation"]: lk["url"] for lk in page["link"]}.get("next")
    seen = [(r["id"], r["meta"]["versionId"]) for r in rest]
    assert seen == [(id_, "1") for id_ in ids[3:]] + [(ids[1], "2")]


def _two_versions_in_one_second(client: FhirClient) -> list[dict[str, Any]]:
    """Write two Observations in one batch until both land in the same wall-clock second."""
    for _ in range(10):
        entries: list[dict[str, Any]] = []
        for _ in range(2):
            id_ = str(uuid.uuid4())
            resource = {
                "resourceType": "Observation",
                "id": id_,
                "status": "final",
                "code": {"text": "visit duration"},
                "valueQuantity": {"value": 20, "unit": "min"},
            }
            entries.append(
                {"resource": resource, "request": {"method": "PUT", "url": f"Observation/{id_}"}}
            )
        sent = {"resourceType": "Bundle", "type": "batch", "entry": entries}
        written = [entry["resource"] for entry in client.post("", sent).json()["entry"]]
        stamps = [r["meta"]["lastUpdated"] for r in written]
        if stamps[0][:19] == stamps[1][:19]:
            return written
    raise AssertionError("never managed two writes in the same second")


def test_history_since_is_inclusive_and_misses_nothing_in_the_same_second(
    client: FhirClient,
) -> None:
    first, second = _two_versions_in_one_second(client)
    t_first, t_second = first["meta"]["lastUpdated"], second["meta"]["lastUpdated"]
    assert t_first < t_second  # microsecond precision: distinct and ordered
    ours = {first["id"], second["id"]}

    def pulled(since: str) -> list[tuple[str, str]]:
        found = resources(pages(client, "Observation/_history", _since=since, _count="1"))
        return [(r["id"], r["meta"]["lastUpdated"]) for r in found if r["id"] in ours]

    whole_second = t_first[:19] + "Z"  # a client cursor kept at whole seconds
    assert pulled(whole_second) == [(first["id"], t_first), (second["id"], t_second)]
    assert pulled(t_first) == [(first["id"], t_first), (second["id"], t_second)]
    assert pulled(t_second) == [(second["id"], t_second)]
    # The same question asked twice gives the same order (a stable cursor).
    assert pulled(whole_second) == pulled(whole_second)
    # '+' in a zone offset often arrives as a space; both spellings work.
    offset = t_first[:-1] + "+00:00"
    assert pulled(offset) == pulled(t_first)


def test_history_refuses_unknown_parameters(client: FhirClient) -> None:
    refused = client.get("Patient/_history", _at="2024")
    assert refused.status_code == 400
    assert "_at" in refused.json()["issue"][0]["diagnostics"]
    assert client.get("Patient/_history", _since="not-a-time").status_code == 400
