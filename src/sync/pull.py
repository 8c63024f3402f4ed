"""Pull: bring server changes into the replica, per resource type (DESIGN 4).

Per type (Patient, Appointment, DocumentReference, in that order so a schedule never shows
an appointment whose patient is missing for long):
- with `history-type` in the CapabilityStatement: `GET [type]/_history?_since=<cursor minus
  the overlap>`, following `next` links; the very first pull (no cursor) asks for the
  current versions only, by search, when the server offers it;
- otherwise `GET [type]?_lastUpdated=ge<cursor minus the overlap>&_sort=_lastUpdated`.

The cursor is the greatest `meta.lastUpdated` seen (server time; the workstation clock
orders nothing), kept as the server wrote it. The overlap (2 s) re-reads the edge, so a
write committed late with an earlier timestamp is not missed; duplicates are dropped by
(type, id, versionId), and within one pull an older version never replaces a newer one.
Each page is applied with its cursor in one transaction while the pages arrive oldest first
(as `_sort=_lastUpdated` and most servers' history do); if they do not (FHIR allows a
newest-first history), the pages are applied without moving the cursor, which moves once
the last page is in, so an interrupted pull never skips anything.

Deleted versions in a history (`request.method` DELETE, no resource) are counted and
ignored: Outpost never deletes clinical records locally because a server did.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from outpost.core.domain import Appointment, EntityType, Patient, VisitNote
from outpost.core.errors import SyncError
from outpost.store.sync_ledger import SyncLedger
from outpost.sync.client import FhirClient, JsonObject
from outpost.sync.discovery import Capabilities
from outpost.sync.fhir_map import (
    appointment_from_fhir,
    note_from_fhir,
    patient_from_fhir,
    version_of,
)
from outpost.sync.wire import instant_text, last_updated, parse_instant

logger = logging.getLogger(__name__)

Record = Patient | Appointment | VisitNote
PULL_ORDER = (EntityType.PATIENT, EntityType.APPOINTMENT, EntityType.NOTE)
_MAPPERS: dict[EntityType, Callable[[JsonObject], Record]] = {
    EntityType.PATIENT: patient_from_fhir,
    EntityType.APPOINTMENT: appointment_from_fhir,
    EntityType.NOTE: note_from_fhir,
}


@dataclass
class PullCounts:
    received: dict[str, int] = field(default_factory=dict)  # new versions per type
    written: dict[str, int] = field(default_factory=dict)  # replica rows changed per type
    skipped: int = 0  # resources Outpost cannot map (other document kinds, broken data)
    deleted_ignored: int = 0
    pages: int = 0


@dataclass
class _TypeState:
    """One type's pull in progress."""

    cursor: str | None
    cursor_at: datetime | None
    newest: dict[str, tuple[datetime | None, str]] = field(default_factory=dict)
    max_seen: tuple[datetime, str] | None = None  # (instant, the server's text)
    in_order: bool = True
    last_seen: datetime | None = None


class Puller:
    def __init__(
        self,
        client: FhirClient,
        ledger: SyncLedger,
        capabilities: Capabilities,
        *,
        overlap_s: float = 2.0,
        page_size: int = 500,
        counts: PullCounts | None = None,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self._capabilities = capabilities
        self._overlap = timedelta(seconds=overlap_s)
        self._page_size = page_size
        self.counts = counts or PullCounts()

    def run(self) -> PullCounts:
        for entity_type in PULL_ORDER:
            self.pull_type(entity_type)
        return self.counts

    def pull_type(self, entity_type: EntityType) -> None:
        kind = entity_type.value
        cursor = self._ledger.cursor(entity_type)
        state = _TypeState(cursor, parse_instant(cursor) if cursor else None)
        first = self._first_request(kind, state)
        if first is None:
            logger.warning("server offers neither history nor search for %s: not pulled", kind)
            return
        url: str | None = first[0]
        params: dict[str, str] | None = first[1]
        followed: set[str] = set()
        while url is not None:
            if url in followed:  # a server handing out the same page again: stop, not loop
                logger.warning("pull %s: the server repeated a page link; stopping", kind)
                break
            followed.add(url)
            bundle = self._client.search(url, params)
            self.counts.pages += 1
            records = self._page(entity_type, bundle, state)
            url, params = _next_link(bundle), None
            cursor_now = self._page_cursor(state, last_page=url is None)
            written = self._ledger.apply_pulled(entity_type, records, cursor_now)
            self.counts.received[kind] = self.counts.received.get(kind, 0) + len(records)
            self.counts.written[kind] = self.counts.written.get(kind, 0) + written
        logger.info(
            "pulled %s: %d new versions, %d written",
            kind,
            self.counts.received.get(kind, 0),
            self.counts.written.get(kind, 0),
        )

    def _first_request(
        self, kind: str, state: _TypeState
    ) -> tuple[str, dict[str, str] | None] | None:
        count = str(self._page_size)
        history = self._capabilities.has_type_history(kind)
        search = self._capabilities.has_search(kind)
        if state.cursor_at is None and search:
            return kind, {"_sort": "_lastUpdated", "_count": count}
        since = None if state.cursor_at is None else instant_text(state.cursor_at - self._overlap)
        if history:
            return f"{kind}/_history", ({"_since": since} if since else {}) | {"_count": count}
        if search:
            return kind, {"_lastUpdated": f"ge{since}", "_sort": "_lastUpdated", "_count": count}
        return None

    def _page(
        self, entity_type: EntityType, bundle: JsonObject, state: _TypeState
    ) -> list[tuple[Record, str]]:
        """The page's new versions, newest per id, mapped; tracks order and the cursor."""
        kind = entity_type.value
        kept: dict[str, tuple[Record, str]] = {}
        entries = _entries(bundle)
        held = self._ledger.replica_versions(entity_type, _resource_ids(entries, kind))
        for entry in entries:
            request = entry.get("request")
            resource = entry.get("resource")
            if isinstance(request, dict) and request.get("method") == "DELETE":
                self.counts.deleted_ignored += 1
                continue
            if not isinstance(resource, dict) or resource.get("resourceType") != kind:
                continue  # an OperationOutcome or an included resource
            stamp = last_updated(resource)
            self._note_order(state, stamp, resource)
            try:
                version = version_of(resource)
                resource_id = str(resource["id"])
            except (SyncError, KeyError):
                self.counts.skipped += 1
                continue
            known = state.newest.get(resource_id)
            if known is not None and (known[1] == version or _older(stamp, version, known)):
                continue  # a duplicate from the overlap, or an older version
            if held.get(resource_id) == version:
                # The replica already holds this very version (typically our own push
                # coming back): received, nothing to map or write.
                state.newest[resource_id] = (stamp, version)
                kept.pop(resource_id, None)
                self.counts.received[kind] = self.counts.received.get(kind, 0) + 1
                continue
            try:
                record = _MAPPERS[entity_type](resource)
            except SyncError:
                logger.warning("%s/%s v%s cannot be mapped: skipped", kind, resource_id, version)
                self.counts.skipped += 1
                continue
            state.newest[resource_id] = (stamp, version)
            kept[resource_id] = (record, version)
        return list(kept.values())

    @staticmethod
    def _note_order(state: _TypeState, stamp: datetime | None, resource: JsonObject) -> None:
        if stamp is None:
            return
        if state.last_seen is not None and stamp < state.last_seen:
            state.in_order = False
        state.last_seen = stamp
        if state.max_seen is None or stamp > state.max_seen[0]:
            meta = resource.get("meta")
            text = meta.get("lastUpdated") if isinstance(meta, dict) else None
            state.max_seen = (stamp, text if isinstance(text, str) else instant_text(stamp))

    @staticmethod
    def _page_cursor(state: _TypeState, *, last_page: bool) -> str | None:
        """The cursor to store with this page (None: leave it)."""
        if state.max_seen is None:
            return None
        if state.cursor_at is not None and state.max_seen[0] <= state.cursor_at:
            return None  # never move it back
        if state.in_order or last_page:
            return state.max_seen[1]
        return None


def _older(stamp: datetime | None, version: str, known: tuple[datetime | None, str]) -> bool:
    known_stamp, known_version = known
    if stamp is not None and known_stamp is not None and stamp != known_stamp:
        return stamp < known_stamp
    if version.isdigit() and known_version.isdigit():
        return int(version) < int(known_version)
    return False


def _entries(bundle: JsonObject) -> list[dict[str, Any]]:
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        return []
    return [entry for entry in entries if isinstance(entry, dict)]


def _resource_ids(entries: list[dict[str, Any]], kind: str) -> list[str]:
    ids = []
    for entry in entries:
        resource = entry.get("resource")
        if isinstance(resource, dict) and resource.get("resourceType") == kind:
            resource_id = resource.get("id")
            if isinstance(resource_id, str):
                ids.append(resource_id)
    return ids


def _next_link(bundle: JsonObject) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            if isinstance(url, str) and url:
                return url
    return None
