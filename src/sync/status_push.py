"""Writes built on the server's current resource: appointment status changes, and marking
the original of an amended note `superseded`.

Decision (docs/sync-protocol.md): an appointment status action is sent on its own, as
`GET Appointment/id` then `PUT` of that resource with only `status` changed and
`If-Match` of the version just read. The status is a request checked against the server's
current status, not against the version the clinician saw, and the server keeps every field
Outpost does not model. If the record changes between the GET and the PUT (412/409), it is
read and checked again, up to `RACE_ATTEMPTS` times, then released for a later sync.
"""

from __future__ import annotations

import copy
import logging

from outpost.core.domain import Appointment
from outpost.core.errors import SyncError, SyncErrorKind
from outpost.store.sync_ledger import OutboxItem
from outpost.sync.client import FhirClient, JsonObject, TransientSyncError
from outpost.sync.fhir_map import (
    appointment_from_fhir,
    appointment_status_update,
    mutation_ids,
    version_of,
)
from outpost.sync.rules import StatusDecision, appointment_reason, status_decision
from outpost.sync.settle import Settlement
from outpost.sync.wire import request_key

logger = logging.getLogger(__name__)

RACE_ATTEMPTS = 3
APPOINTMENT_GONE = "This appointment no longer exists on the server."
APPOINTMENT_UNREADABLE = "The server's copy of this appointment cannot be read by Outpost."


def push_status_change(client: FhirClient, settle: Settlement, item: OutboxItem) -> None:
    local = item.record()
    if not isinstance(local, Appointment):
        raise TypeError(f"outbox row {item.seq} is not an appointment action")
    for _ in range(RACE_ATTEMPTS):
        response = client.read("Appointment", item.entity_id)
        if response.body is None or not response.ok:
            settle.reject(item, APPOINTMENT_GONE)
            return
        current = response.body
        try:
            server = appointment_from_fhir(current)
            version = version_of(current)
        except SyncError:
            logger.warning("appointment %s from the server cannot be mapped", item.entity_id)
            settle.reject(item, APPOINTMENT_UNREADABLE)
            return
        if item.mutation_id in mutation_ids(current):
            settle.acknowledge(item, server, version)  # it landed; its answer was lost
            return
        decision = status_decision(server.status, local.status)
        if decision is StatusDecision.ALREADY:
            settle.acknowledge(item, server, version)
            return
        if decision is StatusDecision.CONFLICT:
            settle.conflict(
                item,
                server_record=server,
                server_version=version,
                reason=appointment_reason(server.status, local.status),
            )
            return
        body = appointment_status_update(current, local.status, mutation_id=item.mutation_id)
        settle.counts.sent += 1
        answer = client.update(
            "Appointment",
            item.entity_id,
            body,
            if_match=version,
            idempotency_key=request_key(item.mutation_id, body),
        )
        if answer.status in (409, 412):
            logger.info("appointment %s changed meanwhile; checking again", item.entity_id)
            continue
        if answer.status in (404, 410):
            settle.reject(item, APPOINTMENT_GONE)
            return
        if not answer.ok:
            settle.reject(item, answer.diagnostics())
            return
        written = answer.body if _is(answer.body, "Appointment") else None
        if written is None:
            reread = client.read("Appointment", item.entity_id)
            written = reread.body if reread.ok else None
        if written is None:
            settle.release([item], "written but not readable")
            return
        settle.acknowledge(item, appointment_from_fhir(written), version_of(written))
        return
    settle.release([item], "the appointment kept changing on the server")


def supersede_original(client: FhirClient, original_id: str, mutation_id: str) -> None:
    """Mark the note an amendment replaces as `superseded` on the server (standard servers
    do not do it themselves). Done before the amendment is acknowledged, so a failure here
    sends both again later; a 4xx only logs (the amendment itself stands)."""
    for _ in range(RACE_ATTEMPTS):
        response = client.read("DocumentReference", original_id)
        if not response.ok or response.body is None:
            logger.warning("amended note %s is not on the server", original_id)
            return
        current = response.body
        if current.get("status") == "superseded":
            return
        body = _superseded(current)
        answer = client.update(
            "DocumentReference",
            original_id,
            body,
            if_match=version_of(current),
            idempotency_key=request_key(f"{mutation_id}.supersede", body),
        )
        if answer.ok:
            logger.info("note %s marked superseded", original_id)
            return
        if answer.status not in (409, 412):
            logger.warning(
                "note %s could not be marked superseded (HTTP %d)", original_id, answer.status
            )
            return
    raise TransientSyncError(SyncErrorKind.SERVER, "The amended note kept changing on the server.")


def _superseded(current: JsonObject) -> JsonObject:
    body = copy.deepcopy(current)
    body["status"] = "superseded"
    meta = body.get("meta")
    if isinstance(meta, dict):
        meta.pop("versionId", None)
        meta.pop("lastUpdated", None)
    return body


def _is(body: JsonObject | None, resource_type: str) -> bool:
    return body is not None and body.get("resourceType") == resource_type
