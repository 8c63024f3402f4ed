"""`landed_version`: which version our write created when later versions still carry our
mutation id (numbered versions read back one by one, opaque ones through the history)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from outpost.sync.client import FhirClient
from outpost.sync.fhir_map import MUTATION_TAG_SYSTEM
from outpost.sync.lineage import landed_version
from tests.fakes import FakeTransport, Reply, fake_session

BASE = "http://fhir.test/fhir"
OURS = "m-ours"


def _version(version: str, *tags: str, at: str = "00") -> dict[str, Any]:
    return {
        "resourceType": "DocumentReference",
        "id": "n1",
        "meta": {
            "versionId": version,
            "lastUpdated": f"2025-03-10T09:00:{at}.000000Z",
            "tag": [{"system": MUTATION_TAG_SYSTEM, "code": tag} for tag in tags],
        },
    }


def _client(transport: FakeTransport) -> FhirClient:
    return FhirClient(BASE, fake_session(transport))


def _paths(transport: FakeTransport) -> list[str]:
    return [urlsplit(request.url or "").path for request in transport.requests]


def test_the_first_version_is_ours_without_a_request() -> None:
    transport = FakeTransport()
    current = _version("1", OURS)
    assert landed_version(_client(transport), current, OURS) is current
    assert transport.requests == []


def test_numbered_versions_are_read_back_while_they_carry_our_mutation_id() -> None:
    versions = {
        "1": _version("1", "m-before"),
        "2": _version("2", OURS),  # our write
        "3": _version("3", OURS),  # a later edit that kept our tag
    }

    def server(request: requests.PreparedRequest) -> Reply:
        return Reply(json=versions[urlsplit(request.url or "").path.rsplit("/", 1)[1]])

    transport = FakeTransport(server)
    current = _version("4", OURS, "m-colleague")
    assert landed_version(_client(transport), current, OURS) == versions["2"]
    assert _paths(transport) == [
        "/fhir/DocumentReference/n1/_history/3",
        "/fhir/DocumentReference/n1/_history/2",
        "/fhir/DocumentReference/n1/_history/1",
    ]


def test_opaque_versions_are_ordered_from_a_paged_newest_first_history() -> None:
    newest_first = [
        _version("c", OURS, at="03"),
        _version("b", OURS, at="02"),
        _version("a", at="01"),
    ]
    transport = FakeTransport().queue(
        Reply(
            json={
                "resourceType": "Bundle",
                "entry": [{"resource": r} for r in newest_first[:2]],
                "link": [{"relation": "next", "url": "http://elsewhere/fhir/page2"}],
            }
        ),
        Reply(json={"resourceType": "Bundle", "entry": [{"resource": newest_first[2]}]}),
    )
    assert landed_version(_client(transport), newest_first[0], OURS) == newest_first[1]
    assert _paths(transport) == ["/fhir/DocumentReference/n1/_history", "/fhir/page2"]


def test_a_version_not_numbered_one_by_one_falls_back_to_the_history() -> None:
    history = [_version("7", OURS, at="02"), _version("3", at="01")]
    transport = FakeTransport().queue(
        Reply(status=404, json={"resourceType": "OperationOutcome"}),
        Reply(json={"resourceType": "Bundle", "entry": [{"resource": r} for r in history]}),
    )
    assert landed_version(_client(transport), history[0], OURS) == history[0]


def test_unreadable_versions_give_no_answer() -> None:
    refused = FakeTransport().queue(Reply(status=403, json={"resourceType": "OperationOutcome"}))
    assert landed_version(_client(refused), _version("2", OURS), OURS) is None
    missing = FakeTransport().queue(
        Reply(json={"resourceType": "Bundle", "entry": [{"resource": _version("x", OURS)}]})
    )
    assert landed_version(_client(missing), _version("y", OURS), OURS) is None
