"""One sync engine per profile: an exclusive, non-blocking lock on `<data_dir>/sync.lock`.

The app and an `outpost sync` run on the same profile would otherwise claim the same outbox
rows and both send them. The OS releases the lock when its process dies, so a crash never
leaves the profile locked.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

import filelock

from outpost.core.errors import SyncError, SyncErrorKind

logger = logging.getLogger(__name__)

LOCK_FILE = "sync.lock"
BUSY_MESSAGE = "Another Outpost sync is already running for this profile."


class SyncLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        # thread_local=False: the engine may be built on one thread and closed on another.
        self._lock = filelock.FileLock(self.path, timeout=0, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def acquire(self) -> None:
        """Take the lock now or raise `SyncError(BUSY)`; never waits."""
        if self._lock.is_locked:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(blocking=False)
        except filelock.Timeout as exc:
            logger.info("sync lock busy: another engine runs for this profile")
            raise SyncError(SyncErrorKind.BUSY, BUSY_MESSAGE) from exc

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
