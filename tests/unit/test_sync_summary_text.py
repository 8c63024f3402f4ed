"""The status bar's sync sentence: plain words for each way a sync can end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outpost.core.sync_state import SyncState, SyncSummary
from outpost.ui.sync_controller import summary_text

AT = datetime(2026, 12, 1, 14, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (SyncSummary(SyncState.SYNCED, finished_at=AT), "Synced at {at}"),
        (
            SyncSummary(SyncState.ATTENTION, conflicts=1, rejected=1, finished_at=AT),
            "Synced at {at} · 2 need your attention",
        ),
        (
            SyncSummary(SyncState.OFFLINE, retry_in_s=150),
            "Offline: changes are kept on this computer · trying again in 2 min",
        ),
        (
            SyncSummary(SyncState.SERVER_BUSY, retry_in_s=12.4),
            "The server is busy: changes are kept · trying again in 12 s",
        ),
        (
            SyncSummary(SyncState.SIGNED_OUT),
            "Not signed in: changes are kept on this computer until you sign in",
        ),
        (
            SyncSummary(SyncState.FAILED, detail="The disk is full.", retry_in_s=60),
            "Sync failed: The disk is full. · trying again in 60 s",
        ),
        (
            SyncSummary(SyncState.SYNCED, finished_at=AT, clock_skew_s=-310),
            "Synced at {at} · this computer's clock is 5 min off",
        ),
    ],
)
def test_each_outcome_reads_as_plain_words(summary: SyncSummary, expected: str) -> None:
    at = AT.astimezone().strftime("%H:%M")
    assert summary_text(summary) == expected.format(at=at)
