"""What the app knows about syncing, in terms the UI can show: triggers and summaries.

The sync engine lives in `outpost.sync`; the UI sees only these values and `SyncPort`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class SyncTrigger(enum.Enum):
    """Why a sync is wanted (the scheduler turns these into a time)."""

    STARTUP = "startup"
    NOTE_SIGNED = "note-signed"
    RECONNECTED = "reconnected"
    ON_DEMAND = "on-demand"
    SIGNED_IN = "signed-in"


class SyncState(enum.Enum):
    """How the last sync attempt ended."""

    SYNCED = "synced"  # the server was reached; everything that could go, went
    ATTENTION = "attention"  # reached, but some changes conflicted or were refused
    OFFLINE = "offline"  # the server could not be reached; retrying with backoff
    SERVER_BUSY = "server-busy"  # 429/5xx; retrying with backoff
    SIGNED_OUT = "signed-out"  # no sign-in, or it expired: paused until sign-in
    BUSY = "busy"  # another Outpost syncs this profile
    FAILED = "failed"  # anything else (full disk, a bad server answer); retrying


@dataclass(frozen=True)
class SyncSummary:
    state: SyncState
    sent: int = 0
    received: int = 0
    conflicts: int = 0
    rejected: int = 0
    finished_at: datetime | None = None
    retry_in_s: float | None = None  # when the next automatic attempt is due
    detail: str = ""  # a plain sentence for people; no PHI
    clock_skew_s: float | None = None  # set when this computer's clock is notably off
