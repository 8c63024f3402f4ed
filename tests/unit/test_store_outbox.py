"""When a draft save may rewrite the queued row instead of appending one."""

from __future__ import annotations

import pytest

from outpost.core.domain import MutationId
from outpost.store.outbox import Action, OutboxRow, OutboxState, coalesces_into


def _row(action: Action, state: OutboxState) -> OutboxRow:
    return OutboxRow(seq=1, mutation_id=MutationId("m"), action=action, state=state)


def test_nothing_queued_means_append() -> None:
    assert not coalesces_into(None)


@pytest.mark.parametrize("action", [Action.NOTE_CREATE, Action.NOTE_UPDATE])
def test_a_pending_draft_row_is_rewritten(action: Action) -> None:
    assert coalesces_into(_row(action, OutboxState.PENDING))


@pytest.mark.parametrize("state", [s for s in OutboxState if s is not OutboxState.PENDING])
def test_a_row_the_sync_engine_has_taken_is_never_rewritten(state: OutboxState) -> None:
    assert not coalesces_into(_row(Action.NOTE_UPDATE, state))


@pytest.mark.parametrize("action", [Action.NOTE_SIGN, Action.NOTE_AMEND, Action.APPOINTMENT_STATUS])
def test_other_actions_are_never_rewritten(action: Action) -> None:
    assert not coalesces_into(_row(action, OutboxState.PENDING))
