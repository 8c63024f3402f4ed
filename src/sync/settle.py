"""`Settlement`: what became of each action of one claimed batch, written to the ledger.

Every claimed action ends acknowledged, rejected, in conflict, or released back to
`pending`; whatever is still unsettled when something goes wrong is released, so an action
is never left `inflight` by this process. Acknowledgements are written together (`flush`);
if the process dies first, the actions are still `inflight`, are recovered at the next
sync and settle by reading their records back.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from outpost.core.domain import Appointment, MutationId, VisitNote
from outpost.store.sync_ledger import OutboxItem, SyncLedger

logger = logging.getLogger(__name__)


@dataclass
class PushCounts:
    sent: int = 0  # write requests or batch entries sent
    acknowledged: int = 0
    conflicts: int = 0
    rejected: int = 0
    released: int = 0
    batches: int = 0
    conflict_ids: list[str] = field(default_factory=list)


class Settlement:
    def __init__(self, ledger: SyncLedger, counts: PushCounts, items: Sequence[OutboxItem]) -> None:
        self._ledger = ledger
        self.counts = counts
        self.pending: dict[MutationId, OutboxItem] = {item.mutation_id: item for item in items}
        self.transient = False  # some action failed for a reason worth retrying later
        self._acks: list[tuple[MutationId, VisitNote | Appointment, str]] = []

    def acknowledge(self, item: OutboxItem, record: VisitNote | Appointment, version: str) -> None:
        """Recorded with the others at `flush`: one durable commit per batch response."""
        self._acks.append((item.mutation_id, record, version))
        self._done(item)
        self.counts.acknowledged += 1

    def flush(self) -> None:
        acks, self._acks = self._acks, []
        if acks:
            self._ledger.acknowledge_batch(acks)

    def reject(self, item: OutboxItem, message: str) -> None:
        self._ledger.reject(item.mutation_id, message)
        self._done(item)
        self.counts.rejected += 1

    def conflict(
        self,
        item: OutboxItem,
        *,
        server_record: VisitNote | Appointment | None,
        server_version: str | None,
        reason: str,
    ) -> None:
        conflict_id = self._ledger.record_conflict(
            item.mutation_id,
            server_record=server_record,
            server_version=server_version if server_record is not None else None,
            reason=reason,
        )
        self._done(item)
        self.counts.conflicts += 1
        self.counts.conflict_ids.append(str(conflict_id))

    def release(self, items: Sequence[OutboxItem], error: str) -> None:
        """Back to `pending` for a later attempt. `error` is a short text without PHI."""
        waiting = [item for item in items if item.mutation_id in self.pending]
        if not waiting:
            return
        self._ledger.release([item.mutation_id for item in waiting], error)
        for item in waiting:
            self._done(item)
        self.counts.released += len(waiting)
        self.transient = True

    def release_rest(self, error: str) -> None:
        self.release(list(self.pending.values()), error)

    def _done(self, item: OutboxItem) -> None:
        self.pending.pop(item.mutation_id, None)
