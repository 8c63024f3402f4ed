"""FhirClient's classification of answers, over an in-memory transport (no monkeypatching)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from outpost.core.errors import AuthExpiredError, SyncError, SyncErrorKind
from outpost.sync.client import (
    FhirClient,
    RejectedError,
    Timeouts,
    TransientSyncError,
    classify,
    outcome_text,
    parse_retry_after,
    version_from_etag,
)
from tests.fakes import FakeTransport, Reply, fake_session

NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
BASE = "http://fhir.test/fhir"
PATIENT = {"resourceType": "Patient", "id": "p1", "meta": {"versionId": "3"}}


def outcome(text: str) -> dict[str, object]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "invalid", "diagnostics": text}],
    }


class Tokens:
    def __init__(self, *, refused: bool = False) -> None:
        self.current = "token-1"
        self.refreshes = 0
        self.refused = refused

    def access_token(self) -> str:
        return self.current

    def refresh(self) -> str:
        self.refreshes += 1
        if self.refused:
            raise AuthExpiredError("sign in again")
        self.current = f"token-{self.refreshes + 1}"
        return self.current


def client_for(transport: FakeTransport, tokens: Tokens | None = None) -> FhirClient:
    return FhirClient(
        BASE,
        fake_session(transport),
        tokens,
        timeouts=Timeouts(connect_s=3, read_s=11),
        clock=lambda: NOW,
    )


# -- pure classification --------------------------------------------------------------


def test_a_captive_portal_page_with_200_is_a_network_failure() -> None:
    page = b"<html><body>Accept the terms</body></html>"
    with pytest.raises(TransientSyncError) as caught:
        classify(200, {"Content-Type": "text/html"}, page, now=NOW)
    assert caught.value.kind is SyncErrorKind.NETWORK


def test_html_without_a_content_type_is_still_a_portal() -> None:
    with pytest.raises(TransientSyncError) as caught:
        classify(200, {}, b"  <!DOCTYPE html><html></html>", now=NOW)
    assert caught.value.kind is SyncErrorKind.NETWORK


@pytest.mark.parametrize("status", [301, 302, 307, 511])
def test_redirects_and_511_are_network_failures(status: int) -> None:
    with pytest.raises(TransientSyncError) as caught:
        classify(status, {"Location": "http://portal/"}, b"", now=NOW)
    assert caught.value.kind is SyncErrorKind.NETWORK


def test_unreadable_json_on_success_is_a_network_failure() -> None:
    with pytest.raises(TransientSyncError) as caught:
        classify(200, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "Pat', now=NOW)
    assert caught.value.kind is SyncErrorKind.NETWORK


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_busy_or_failing_servers_are_transient_with_retry_after_seconds(status: int) -> None:
    with pytest.raises(TransientSyncError) as caught:
        classify(status, {"Retry-After": "120"}, b"", now=NOW)
    assert caught.value.kind is SyncErrorKind.SERVER
    assert caught.value.retry_after_s == 120.0
    assert caught.value.status == status


def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, NOW) == 90.0
    with pytest.raises(TransientSyncError) as caught:
        classify(503, {"Retry-After": later}, b"", now=NOW)
    assert caught.value.retry_after_s == 90.0


def test_retry_after_in_the_past_or_garbled() -> None:
    earlier = format_datetime(NOW - timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(earlier, NOW) == 0.0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_operation_outcome_diagnostics_are_read() -> None:
    answer = classify(422, {}, b'{"resourceType": "OperationOutcome", "issue": []}', now=NOW)
    assert answer.status == 422
    assert outcome_text(outcome("status: unknown code 'x'"), 400) == "status: unknown code 'x'"
    details = {"resourceType": "OperationOutcome", "issue": [{"details": {"text": "Bad date"}}]}
    assert outcome_text(details, 400) == "Bad date"
    assert outcome_text(None, 403) == "HTTP 403"


def test_etag_versions() -> None:
    assert version_from_etag('W/"12"') == "12"
    assert version_from_etag('"7"') == "7"
    assert version_from_etag(None) is None


# -- the client over a transport ------------------------------------------------------


def test_every_request_has_explicit_timeouts_and_no_redirects() -> None:
    transport = FakeTransport().queue(Reply(json=PATIENT, headers={"ETag": 'W/"3"'}))
    answer = client_for(transport).read("Patient", "p1")
    assert answer.body == PATIENT
    assert answer.version == "3"
    assert transport.timeouts == [(3, 11)]
    assert transport.requests[0].headers["Accept"] == "application/fhir+json"


def test_a_4xx_read_is_rejected_with_the_servers_words() -> None:
    transport = FakeTransport().queue(Reply(400, json=outcome("Unknown search parameter")))
    with pytest.raises(RejectedError) as caught:
        client_for(transport).read("Patient", "p1")
    assert caught.value.kind is SyncErrorKind.REJECTED
    assert caught.value.status == 400
    assert "Unknown search parameter" in str(caught.value)


def test_a_missing_resource_is_an_answer_not_an_error() -> None:
    transport = FakeTransport().queue(Reply(404, json=outcome("gone")))
    assert client_for(transport).read("Patient", "nope").status == 404


@pytest.mark.parametrize(
    "error",
    [
        requests.ConnectionError("refused"),
        requests.ConnectTimeout("slow"),
        requests.ReadTimeout("slow"),
        requests.exceptions.ChunkedEncodingError("reset"),
    ],
)
def test_transport_failures_are_network_failures(error: Exception) -> None:
    transport = FakeTransport().queue(Reply(error=error))
    with pytest.raises(TransientSyncError) as caught:
        client_for(transport).read("Patient", "p1")
    assert caught.value.kind is SyncErrorKind.NETWORK


def test_401_refreshes_once_and_repeats_the_request() -> None:
    transport = FakeTransport().queue(Reply(401), Reply(json=PATIENT))
    tokens = Tokens()
    answer = client_for(transport, tokens).read("Patient", "p1")
    assert answer.ok
    assert tokens.refreshes == 1
    sent = [r.headers["Authorization"] for r in transport.requests]
    assert sent == ["Bearer token-1", "Bearer token-2"]


def test_a_second_401_is_an_auth_failure() -> None:
    transport = FakeTransport().queue(Reply(401), Reply(401))
    with pytest.raises(SyncError) as caught:
        client_for(transport, Tokens()).read("Patient", "p1")
    assert caught.value.kind is SyncErrorKind.AUTH


def test_a_refused_refresh_is_auth_expired() -> None:
    transport = FakeTransport().queue(Reply(401))
    with pytest.raises(AuthExpiredError):
        client_for(transport, Tokens(refused=True)).read("Patient", "p1")
    assert len(transport.requests) == 1


def test_clock_skew_comes_from_the_date_header() -> None:
    server_time = format_datetime(NOW + timedelta(minutes=5), usegmt=True)
    transport = FakeTransport().queue(Reply(json=PATIENT, headers={"Date": server_time}))
    client = client_for(transport)
    client.read("Patient", "p1")
    assert client.clock_skew_s == 300.0


def test_server_links_are_rerooted_onto_the_configured_base() -> None:
    client = client_for(FakeTransport())
    link = "http://internal:8080/fhir/Patient/_history?_cursor=3"
    assert client.resolve(link) == "http://fhir.test/fhir/Patient/_history?_cursor=3"
    assert client.resolve("Patient/1") == "http://fhir.test/fhir/Patient/1"
    assert client.resolve("") == BASE


def test_writes_carry_if_match_and_the_idempotency_key() -> None:
    transport = FakeTransport().queue(Reply(201, json=PATIENT))
    client_for(transport).update("Patient", "p1", PATIENT, if_match="2", idempotency_key="k-1")
    sent = transport.requests[0]
    assert sent.method == "PUT"
    assert sent.headers["If-Match"] == 'W/"2"'
    assert sent.headers["Idempotency-Key"] == "k-1"
    assert sent.headers["Content-Type"].startswith("application/fhir+json")


def test_read_many_uses_one_id_search_per_chunk() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": PATIENT}, {"resource": {**PATIENT, "id": "other"}}],
    }
    transport = FakeTransport().queue(Reply(json=bundle))
    found = client_for(transport).read_many("Patient", ["p1", "p2"])
    assert found == {"p1": PATIENT}
    assert transport.requests[0].url == f"{BASE}/Patient?_id=p1%2Cp2&_count=2"
