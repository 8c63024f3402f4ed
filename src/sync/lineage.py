"""Which version of a record our action's write created, when the server's current version
carries our mutation id but not what the clinician now has.

Our mutation id on the current version says that our write landed, not that nothing came
after it: many servers keep tags across versions (HAPI merges them), and a client that
reads a resource, edits it and writes it back sends our tag again. Walking back from the
current version while the version before still carries our mutation id finds the version
our write created. The push then decides (`outpost.sync.push`): our write is the current
version (the clinician typed on after the lost answer: send the new text on it); a later
edit was made on top of what we sent (it stands; our action is done); or the clinician's
text and that later edit differ (the note's conflict rule: both texts kept).

Our own re-send whose answer was lost as well (lost answer, autosave, re-send, lost answer,
autosave) also looks like a later edit: a needless conflict that keeps both texts, never a
lost one. When the versions cannot be read, the push treats the record as a conflict for
the same reason.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from outpost.sync.client import FhirClient, JsonObject, RejectedError
from outpost.sync.fhir_map import mutation_ids, version_of
from outpost.sync.wire import last_updated

logger = logging.getLogger(__name__)

MAX_HISTORY_PAGES = 20
_EARLIEST = datetime.min.replace(tzinfo=UTC)
MAX_STEPS = 50  # versions walked back through one by one


class _UnknownLineageError(Exception):
    """Which version our write created cannot be told."""


def landed_version(client: FhirClient, current: JsonObject, mutation_id: str) -> JsonObject | None:
    """The version our write created, given the server's `current` version carrying
    `mutation_id`: the oldest of the unbroken run of versions carrying it that ends with
    `current` (`current` itself when the one before it does not carry it). None when that
    cannot be told. Network and server failures are raised (`TransientSyncError`)."""
    kind, resource_id = str(current.get("resourceType")), str(current.get("id"))
    try:
        return _walk_back(client, kind, resource_id, current, mutation_id)
    except (_UnknownLineageError, RejectedError):
        logger.info("%s/%s: the version our write created is unknown", kind, resource_id)
        return None


def _walk_back(
    client: FhirClient, kind: str, resource_id: str, current: JsonObject, mutation_id: str
) -> JsonObject:
    ours = current
    for _ in range(MAX_STEPS):
        version = version_of(ours)
        if not version.isdigit():
            return _walk_history(client, kind, resource_id, current, mutation_id)
        if int(version) <= 1:
            return ours
        answer = client.request("GET", f"{kind}/{resource_id}/_history/{int(version) - 1}")
        if answer.status in (404, 410):  # numbered some other way: read the history
            return _walk_history(client, kind, resource_id, current, mutation_id)
        before = answer.raise_for_rejection().body
        if before is None or mutation_id not in mutation_ids(before):
            return ours
        ours = before
    raise _UnknownLineageError(f"more than {MAX_STEPS} versions carry {mutation_id}")


def _walk_history(
    client: FhirClient, kind: str, resource_id: str, current: JsonObject, mutation_id: str
) -> JsonObject:
    ordered = sorted(_history(client, kind, resource_id), key=_order)
    versions = [version_of(resource) for resource in ordered]
    if version_of(current) not in versions:
        raise _UnknownLineageError(f"v{version_of(current)} is not in the history")
    index = versions.index(version_of(current))
    while index > 0 and mutation_id in mutation_ids(ordered[index - 1]):
        index -= 1
    return ordered[index]


def _history(client: FhirClient, kind: str, resource_id: str) -> list[JsonObject]:
    found: list[JsonObject] = []
    url = f"{kind}/{resource_id}/_history"
    for _ in range(MAX_HISTORY_PAGES):
        bundle = client.search(url)
        for entry in bundle.get("entry") or []:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("id") == resource_id:
                meta = resource.get("meta")
                if isinstance(meta, dict) and isinstance(meta.get("versionId"), str):
                    found.append(resource)
        following = _next_link(bundle)
        if following is None:
            return found
        url = following
    raise _UnknownLineageError("history too long")


def _next_link(bundle: JsonObject) -> str | None:
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            if isinstance(url, str) and url:
                return url
    return None


def _order(resource: JsonObject) -> tuple[datetime, int]:
    version = version_of(resource)
    return last_updated(resource) or _EARLIEST, int(version) if version.isdigit() else 0
