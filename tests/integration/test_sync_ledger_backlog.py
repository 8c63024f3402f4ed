"""The ledger's work per batch does not grow with the backlog: claiming the next batch reads
that batch's rows, not every pending row (it did, and a 10k offline backlog drained in
quadratic time). Measured in SQLite VM steps, which do not depend on the machine."""

from __future__ import annotations

from collections.abc import Callable

from outpost.store.store import Store
from outpost.store.sync_ledger import OutboxItem, SyncLedger
from tests.integration.store_helpers import APPOINTMENT

STEPS_PER_TICK = 100


def _steps(store: Store, action: Callable[[], object]) -> int:
    """SQLite VM steps (in hundreds) that `action` runs on the store's connection."""
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0  # 0: carry on

    store.connection.set_progress_handler(tick, STEPS_PER_TICK)
    try:
        action()
    finally:
        store.connection.set_progress_handler(None, STEPS_PER_TICK)
    return ticks


def _notes(store: Store, count: int) -> None:
    for number in range(count):
        store.create_note(APPOINTMENT.id, f"note {number}")


def _claim_and_ack(store: Store, ledger: SyncLedger) -> int:
    """Steps to claim the next 10 actions (then acknowledged, as a push would)."""
    claimed: list[OutboxItem] = []
    steps = _steps(store, lambda: claimed.extend(ledger.claim_batch(10)))
    assert len(claimed) == 10
    ledger.acknowledge_batch([(item.mutation_id, item.record(), "1") for item in claimed])
    return steps


def test_claiming_a_batch_costs_the_same_behind_a_small_and_a_large_backlog(
    store: Store,
) -> None:
    ledger = SyncLedger(store)
    _notes(store, 100)
    small = _claim_and_ack(store, ledger)
    _notes(store, 2000)
    large = _claim_and_ack(store, ledger)
    assert large < 2 * small + 5, (small, large)


def _ack_steps(store: Store, ledger: SyncLedger) -> int:
    """Steps to acknowledge the next 10 actions as one batch response."""
    claimed = ledger.claim_batch(10)
    assert len(claimed) == 10
    acks = [(item.mutation_id, item.record(), "1") for item in claimed]
    return _steps(store, lambda: ledger.acknowledge_batch(acks))


def test_acknowledging_a_batch_costs_the_same_behind_a_small_and_a_large_backlog(
    store: Store,
) -> None:
    ledger = SyncLedger(store)
    _notes(store, 100)
    small = _ack_steps(store, ledger)
    _notes(store, 2000)
    large = _ack_steps(store, ledger)
    assert large < 2 * small + 5, (small, large)
