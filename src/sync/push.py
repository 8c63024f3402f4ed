"""Push: drain the outbox to the server in `seq` order (DESIGN 4, docs/sync-protocol.md).

Notes go in `batch` Bundles of `PUT DocumentReference/<id>` entries (If-Match of the base
version when there is one), batches growing 50 -> 500 while healthy and halving on failure.
Every response entry is read on its own: 2xx acknowledges, 412/409 reads the record back
(our mutation id on it: the write had landed; else the note conflict rule), 404/410 and
other 4xx park the action as rejected, 5xx/429 release it for later. Appointment status
actions go one by one (`status_push`).

Exactly-once without `Idempotency-Key`: a create that is sent again (its earlier attempt may
have landed) is first looked up; an action whose mutation id is already on the server's
current version is acknowledged, or, if the clinician changed it since (an autosave rewrote
the queued payload), re-sent on that version.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial

from outpost.core.domain import EntityType, VisitNote
from outpost.core.errors import SyncError, SyncErrorKind
from outpost.store.outbox import Action
from outpost.store.sync_ledger import OutboxItem, SyncLedger
from outpost.sync.batch_sizer import BatchSizer
from outpost.sync.client import FhirClient, FhirResponse, JsonObject, TransientSyncError
from outpost.sync.fhir_map import mutation_ids, note_from_fhir, note_to_fhir, version_of
from outpost.sync.lineage import landed_version
from outpost.sync.rules import note_conflict_reason, same_note
from outpost.sync.settle import PushCounts, Settlement
from outpost.sync.status_push import push_status_change, supersede_original
from outpost.sync.wire import (
    EntryResult,
    Put,
    batch_bundle,
    batch_request,
    parse_batch_response,
    request_key,
)

logger = logging.getLogger(__name__)

NOTE = EntityType.NOTE.value
ROUNDS = 3  # send, read back, re-send on the version read: then wait for the next sync
NOTE_GONE = "This note no longer exists on the server."


@dataclass(frozen=True)
class _Plan:
    item: OutboxItem
    put: Put


@dataclass(frozen=True)
class _Flight:
    """A note batch whose POST is on the wire (on the pusher's helper thread)."""

    items: list[OutboxItem]
    plans: list[_Plan]
    answer: Future[FhirResponse]

    def outcome(self) -> FhirResponse | BaseException:
        """The server's answer, or why there is none (raised when it is settled)."""
        try:
            return self.answer.result()
        except Exception as exc:  # noqa: BLE001 - handed to the settlement, which raises it
            return exc

    def abandon(self, ledger: SyncLedger, counts: PushCounts) -> None:
        """Something failed meanwhile: wait for the POST, then give every action back.
        If the batch landed, the next push reads the records back and acknowledges."""
        self.answer.exception()
        ledger.release([item.mutation_id for item in self.items], "interrupted")
        counts.released += len(self.items)


class Pusher:
    def __init__(
        self,
        client: FhirClient,
        ledger: SyncLedger,
        sizer: BatchSizer,
        *,
        author: str | None,
        counts: PushCounts | None = None,
    ) -> None:
        self._client = client
        self._ledger = ledger
        self.sizer = sizer
        self._author = author
        self.counts = counts or PushCounts()
        self._use_batch = True

    def run(self) -> PushCounts:
        """Send until nothing sendable is left. Transient failures release their actions
        and raise `TransientSyncError` (the engine backs off and calls again); the
        sign-in failing releases the batch and raises too.

        Pipelined: while one note batch is on the wire (its POST runs on a helper thread),
        the next is claimed and encoded, and the previous one is settled. A claim never
        takes an action whose record has an earlier action still unsettled, so batches on
        the wire at once never touch the same record, and `depends_on` chains go in order.
        """
        self._ledger.recover_inflight()
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-wire") as wire:
            flight: _Flight | None = None
            claimed: list[OutboxItem] = []
            try:
                while True:
                    claimed = self._ledger.claim_batch(self.sizer.size)
                    plans = self._pipelined_plans(claimed)
                    if flight is not None:
                        landed, answer = flight, flight.outcome()
                        flight = None
                        if plans is not None and not isinstance(answer, BaseException):
                            flight, claimed = self._launch(wire, claimed, plans), []
                        self._settled(
                            landed.items, partial(self._rounds, plans=landed.plans, first=answer)
                        )
                    elif not claimed:
                        return self.counts
                    elif plans is not None:
                        flight, claimed = self._launch(wire, claimed, plans), []
                    if claimed:  # not for the pipeline: sent and settled right here
                        batch, claimed = claimed, []
                        self._settled(batch, partial(self._push, items=batch))
            except BaseException:
                if claimed:
                    self._ledger.release([item.mutation_id for item in claimed], "not sent")
                if flight is not None:
                    flight.abandon(self._ledger, self.counts)
                raise

    def _settled(self, items: Sequence[OutboxItem], work: Callable[[Settlement], bool]) -> None:
        """Run `work` on one claimed batch, then write what became of every action; the
        batch size grows after a healthy batch and shrinks on trouble."""
        self.counts.batches += 1
        settle = Settlement(self._ledger, self.counts, items)
        try:
            split = work(settle)
        except BaseException as exc:
            why = exc.kind.value if isinstance(exc, TransientSyncError) else "interrupted"
            try:
                settle.flush()
            finally:
                settle.release_rest(why)
            if isinstance(exc, TransientSyncError):
                self.sizer.shrink()
            raise
        settle.flush()
        if settle.pending:  # defensive: nothing may stay in flight
            settle.release_rest("not settled")
        if split:
            return
        if settle.transient:
            self.sizer.shrink()
            raise TransientSyncError(
                SyncErrorKind.SERVER, "The server could not take some changes yet."
            )
        self.sizer.grow()

    def _push(self, settle: Settlement, items: Sequence[OutboxItem]) -> bool:
        """Settle one claimed batch; True when it was given back to be sent in halves."""
        notes = [item for item in items if item.entity_type is EntityType.NOTE]
        for item in items:
            if item.entity_type is EntityType.APPOINTMENT:
                push_status_change(self._client, settle, item)
            elif item.entity_type is not EntityType.NOTE:
                settle.reject(item, f"Outpost cannot send {item.entity_type.value} changes.")
        return self._push_notes(settle, notes) if notes else False

    def _pipelined_plans(self, items: Sequence[OutboxItem]) -> list[_Plan] | None:
        """The first round of a batch that can go on the wire before the previous one is
        settled: notes only, none needing a read-back first, sent as one Bundle."""
        if not self._use_batch or len(items) < 2:
            return None
        if any(item.entity_type is not EntityType.NOTE for item in items):
            return None
        if any(_creates(item) and item.attempts > 1 for item in items):
            return None
        return [self._plan(item, None if _creates(item) else item.base_version) for item in items]

    def _launch(
        self, wire: ThreadPoolExecutor, items: Sequence[OutboxItem], plans: list[_Plan]
    ) -> _Flight:
        self.counts.sent += len(plans)
        data, key = batch_request(batch_bundle([plan.put for plan in plans]))
        return _Flight(
            list(items), plans, wire.submit(self._client.batch, data, idempotency_key=key)
        )

    # -- notes -----------------------------------------------------------------------

    def _push_notes(self, settle: Settlement, items: Sequence[OutboxItem]) -> bool:
        plans: list[_Plan] = []
        again = {item.mutation_id for item in items if _creates(item) and item.attempts > 1}
        found = self._client.read_many(
            NOTE, [item.entity_id for item in items if item.mutation_id in again]
        )
        for item in items:
            if item.mutation_id in again and item.entity_id in found:
                plan = self._after_readback(settle, item, found[item.entity_id])
                if plan is not None:
                    plans.append(plan)
            else:
                plans.append(self._plan(item, None if _creates(item) else item.base_version))
        return self._rounds(settle, plans, None)

    def _rounds(
        self,
        settle: Settlement,
        plans: list[_Plan],
        first: FhirResponse | BaseException | None,
    ) -> bool:
        """Send (or take `first`, the answer to the batch already sent), settle each entry,
        re-send on newer versions; True when the batch was refused as a whole and given
        back to be sent in halves."""
        for round_number in range(ROUNDS):
            if not plans:
                return False
            if first is None:
                results = self._send(plans)
            elif isinstance(first, BaseException):
                raise first
            else:
                results = self._batch_results(plans, first)
            first = None
            if results is None:  # the whole batch was refused: isolate the bad entry
                settle.release([plan.item for plan in plans], "batch refused")
                settle.transient = False
                self.sizer.shrink(len(plans))
                return True
            plans = self._settle_results(settle, plans, results)
            logger.debug("notes round %d: %d to re-send", round_number + 1, len(plans))
        settle.release([plan.item for plan in plans], "the note kept changing on the server")
        return False

    def _plan(self, item: OutboxItem, if_match: str | None) -> _Plan:
        note = _note(item)
        resource = note_to_fhir(note, mutation_id=item.mutation_id, author=self._author)
        return _Plan(item, Put(NOTE, item.entity_id, resource, if_match))

    def _send(self, plans: list[_Plan]) -> list[EntryResult] | None:
        self.counts.sent += len(plans)
        if self._use_batch and len(plans) > 1:
            data, key = batch_request(batch_bundle([plan.put for plan in plans]))
            return self._batch_results(plans, self._client.batch(data, idempotency_key=key))
        return self._one_by_one(plans)

    def _batch_results(self, plans: list[_Plan], answer: FhirResponse) -> list[EntryResult] | None:
        """Each entry's result; None when the batch was refused as a whole."""
        if answer.ok:  # no body at all is as unreadable as a wrong one
            return parse_batch_response(answer.body or {}, len(plans))
        if answer.status not in (404, 405):
            logger.warning("batch of %d refused as a whole (HTTP %d)", len(plans), answer.status)
            return None
        logger.warning("the server takes no batches (HTTP %d): one by one", answer.status)
        self._use_batch = False
        return self._one_by_one(plans)

    def _one_by_one(self, plans: list[_Plan]) -> list[EntryResult]:
        results = []
        for plan in plans:
            answer = self._client.update(
                NOTE,
                plan.put.resource_id,
                plan.put.resource,
                if_match=plan.put.if_match,
                idempotency_key=_single_key(plan),
            )
            body = answer.body
            resource = body if body is not None and body.get("resourceType") == NOTE else None
            results.append(
                EntryResult(answer.status, resource, answer.version, answer.diagnostics())
            )
        return results

    def _settle_results(
        self, settle: Settlement, plans: list[_Plan], results: list[EntryResult]
    ) -> list[_Plan]:
        """Settle each entry; returns the plans to send again (on a newer version)."""
        landed: list[OutboxItem] = []  # 2xx without a usable resource: read it
        clashed: list[OutboxItem] = []  # 412/409: read it and decide
        for plan, result in zip(plans, results, strict=True):
            item, status = plan.item, result.status
            if result.ok and result.resource is not None:
                self._acknowledge(settle, item, result.resource, result.version)
            elif result.ok:
                landed.append(item)
            elif status in (409, 412):
                clashed.append(item)
            elif status in (404, 410):
                settle.reject(item, NOTE_GONE)
            elif status is None or status in (401, 408, 429) or status >= 500:
                settle.release([item], f"entry {status}")
            else:
                settle.reject(item, result.diagnostics)
        if not landed and not clashed:
            return []
        found = self._client.read_many(NOTE, [item.entity_id for item in landed + clashed])
        again: list[_Plan] = []
        for item in landed:
            if item.entity_id in found:
                self._acknowledge(settle, item, found[item.entity_id])
            else:
                settle.release([item], "written but not readable")
        for item in clashed:
            if item.entity_id not in found:
                settle.reject(item, NOTE_GONE)
                continue
            retry = self._after_readback(settle, item, found[item.entity_id])
            if retry is not None:
                again.append(retry)
        return again

    def _after_readback(
        self, settle: Settlement, item: OutboxItem, current: JsonObject
    ) -> _Plan | None:
        """Decide from the server's current version of the record: acknowledge (our write
        is there, maybe with a later edit on top), re-send on it (our write, then changed
        locally), or conflict (`outpost.sync.lineage` tells our write from a later one
        that still carries our mutation id)."""
        version = version_of(current)
        server = _mapped(current)
        if item.mutation_id in mutation_ids(current):
            if server is not None and same_note(_note(item), server):
                self._acknowledge(settle, item, current)
                return None
            ours = landed_version(self._client, current, item.mutation_id)
            if ours is not None and version_of(ours) == version:
                return self._plan(item, version)  # typed on after our write: send it
            if ours is not None and _same(_note(item), ours):
                # Edited on the server on top of what we sent: that edit stands. Dependants
                # build on our version, so they meet the later edit as a conflict.
                self._acknowledge(settle, item, ours)
                return None
            logger.info("note %s changed on the server after our write", item.entity_id)
        settle.conflict(
            item,
            server_record=server,
            server_version=version,
            reason=note_conflict_reason(server),
        )
        return None

    def _acknowledge(
        self,
        settle: Settlement,
        item: OutboxItem,
        resource: JsonObject,
        etag_version: str | None = None,
    ) -> None:
        try:
            version = version_of(resource)
        except SyncError:
            if etag_version is None:
                settle.release([item], "written without a version")
                return
            version = etag_version
        server = _mapped(resource)
        record = server if server is not None else _note(item)
        if item.action is Action.NOTE_AMEND and record.replaces is not None:
            supersede_original(self._client, record.replaces, item.mutation_id)
        settle.acknowledge(item, record, version)


def _creates(item: OutboxItem) -> bool:
    """Sent without If-Match: a note the server has never seen, or a new amendment."""
    return item.action is Action.NOTE_AMEND or item.base_version is None


def _note(item: OutboxItem) -> VisitNote:
    record = item.record()
    if not isinstance(record, VisitNote):
        raise TypeError(f"outbox row {item.seq} is not a note action")
    return record


def _same(note: VisitNote, resource: JsonObject) -> bool:
    server = _mapped(resource)
    return server is not None and same_note(note, server)


def _mapped(resource: JsonObject) -> VisitNote | None:
    try:
        return note_from_fhir(resource)
    except SyncError:
        logger.warning("note %s from the server cannot be mapped", resource.get("id"))
        return None


def _single_key(plan: _Plan) -> str:
    return request_key(plan.item.mutation_id, plan.put.resource)
