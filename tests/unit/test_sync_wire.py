"""Push wire format, batch sizing and conflict rules: pure pieces of the sync engine."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outpost.core.domain import AppointmentStatus as S
from outpost.core.errors import SyncErrorKind
from outpost.sync.batch_sizer import BatchSizer
from outpost.sync.client import TransientSyncError
from outpost.sync.rules import (
    DRAFT_CHANGED_ELSEWHERE,
    NOTE_SIGNED_ELSEWHERE,
    StatusDecision,
    appointment_reason,
    status_decision,
)
from outpost.sync.wire import (
    Put,
    batch_bundle,
    batch_key,
    instant_text,
    parse_batch_response,
    parse_instant,
    request_key,
)

DOC = {"resourceType": "DocumentReference", "id": "n1"}


def test_batch_bundle_entries_are_puts_with_if_match() -> None:
    bundle = batch_bundle(
        [Put("DocumentReference", "n1", DOC, "3"), Put("DocumentReference", "n2", DOC, None)]
    )
    assert bundle["type"] == "batch"
    first, second = bundle["entry"]
    assert first["request"] == {"method": "PUT", "url": "DocumentReference/n1", "ifMatch": 'W/"3"'}
    assert second["request"] == {"method": "PUT", "url": "DocumentReference/n2"}


def test_idempotency_keys_follow_the_content() -> None:
    one = batch_bundle([Put("DocumentReference", "n1", DOC, None)])
    same = batch_bundle([Put("DocumentReference", "n1", dict(DOC), None)])
    changed = batch_bundle([Put("DocumentReference", "n1", {**DOC, "x": 1}, None)])
    assert batch_key(one) == batch_key(same)
    assert batch_key(one) != batch_key(changed)
    assert request_key("m1", DOC).startswith("m1.")
    assert request_key("m1", DOC) != request_key("m1", {**DOC, "x": 1})
    assert len(batch_key(one)) <= 255


def test_batch_response_entries_are_read_one_by_one() -> None:
    response = {
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": [
            {"resource": DOC, "response": {"status": "201 Created", "etag": 'W/"1"'}},
            {
                "response": {
                    "status": "412 Precondition Failed",
                    "outcome": {
                        "resourceType": "OperationOutcome",
                        "issue": [{"diagnostics": "version 4 is current"}],
                    },
                }
            },
            {"response": {"status": "garbage"}},
            "not an entry",
        ],
    }
    created, clash, garbled, broken = parse_batch_response(response, 4)
    assert (created.status, created.version, created.ok) == (201, "1", True)
    assert created.resource == DOC
    assert (clash.status, clash.diagnostics, clash.ok) == (412, "version 4 is current", False)
    assert garbled.status is None
    assert broken.status is None


@pytest.mark.parametrize(
    "body",
    [
        {"resourceType": "Bundle", "type": "batch-response", "entry": []},
        {"resourceType": "Bundle", "type": "searchset", "entry": [{}]},
        {"resourceType": "OperationOutcome"},
    ],
)
def test_a_batch_response_that_does_not_fit_is_a_network_failure(body: dict[str, object]) -> None:
    with pytest.raises(TransientSyncError) as caught:
        parse_batch_response(body, 1)
    assert caught.value.kind is SyncErrorKind.NETWORK


def test_instants_round_trip_in_any_precision() -> None:
    moment = datetime(2025, 3, 10, 8, 0, 1, 123456, tzinfo=UTC)
    assert instant_text(moment) == "2025-03-10T08:00:01.123456Z"
    assert parse_instant("2025-03-10T08:00:01.123456Z") == moment
    assert parse_instant("2025-03-10T08:00:01.123456789Z") == moment
    assert parse_instant("2025-03-10T10:00:01.1+02:00") == moment.replace(microsecond=100000)
    assert parse_instant("2025-03-10T08:00:01Z") == moment.replace(microsecond=0)
    assert parse_instant("2025-03-10") is None
    assert parse_instant("yesterday") is None


def test_batches_grow_from_50_to_500_while_healthy() -> None:
    sizer = BatchSizer()
    sizes = [sizer.size]
    for _ in range(6):
        sizer.grow()
        sizes.append(sizer.size)
    assert sizes == [50, 100, 200, 400, 500, 500, 500]


def test_batches_halve_on_failure_down_to_one() -> None:
    sizer = BatchSizer(start=500)
    sizer.shrink()
    assert sizer.size == 250
    sizer.shrink(sent=7)  # a refused batch of 7: send 3 next, to isolate the bad entry
    assert sizer.size == 3
    for _ in range(5):
        sizer.shrink()
    assert sizer.size == 1


@pytest.mark.parametrize(
    ("server", "wanted", "decision"),
    [
        (S.BOOKED, S.CHECKED_IN, StatusDecision.APPLY),
        (S.BOOKED, S.CANCELLED, StatusDecision.APPLY),
        (S.CHECKED_IN, S.CHECKED_IN, StatusDecision.ALREADY),
        (S.CANCELLED, S.CHECKED_IN, StatusDecision.CONFLICT),
        (S.FULFILLED, S.CANCELLED, StatusDecision.CONFLICT),
        (S.NOSHOW, S.NOSHOW, StatusDecision.ALREADY),
    ],
)
def test_status_changes_follow_the_state_machine(
    server: S, wanted: S, decision: StatusDecision
) -> None:
    assert status_decision(server, wanted) is decision


def test_reasons_are_plain_sentences() -> None:
    assert (
        appointment_reason(S.CANCELLED, S.CHECKED_IN)
        == "The appointment was cancelled on the server, so it cannot be checked in."
    )
    for server in S:
        for wanted in S:
            assert appointment_reason(server, wanted).endswith(".")
    assert "signed elsewhere" in NOTE_SIGNED_ELSEWHERE
    assert "both versions are kept" in DRAFT_CHANGED_ELSEWHERE
