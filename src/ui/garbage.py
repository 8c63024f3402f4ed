"""Python's cyclic garbage collection, run on the Qt main thread only.

Left automatic, a collection runs on whichever thread happens to allocate (the store worker,
the runtime thread) and may destroy Qt objects caught in reference cycles there, which
crashes Qt. Like Anki's `GarbageCollector`, this turns automatic collection off and runs
the same generational collections from a timer on the main thread instead.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

logger = logging.getLogger(__name__)

INTERVAL_MS = 1000


class MainThreadGarbageCollector(QObject):
    """Create once on the main thread (the app keeps it); `stop()` restores automatic GC."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(interval_ms)

    def collect_if_due(self) -> int:
        """Collect the generations whose counts passed Python's own thresholds."""
        counts = gc.get_count()
        generation = -1
        for index in range(3):
            if counts[index] > self._threshold[index]:
                generation = index
        if generation < 0:
            return 0
        started = time.monotonic()
        found = gc.collect(generation)
        logger.debug(
            "gc generation %d: %d objects, %.1f ms",
            generation,
            found,
            (time.monotonic() - started) * 1000,
        )
        return found

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        gc.enable()
