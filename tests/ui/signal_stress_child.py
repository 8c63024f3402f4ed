"""Child process of test_signal_stress: N results cross from background threads to the Qt
main thread through the bridge's queued signal (three in four from the runtime thread, one in
four from the store worker, whose per-job timer thread makes it the slower path), with a
bounded number in flight. Prints `delivered=<n>` and exits 0 only if
every result arrived, in a process that did not abort.

Usage: python signal_stress_child.py [N]
"""

from __future__ import annotations

import sys
import threading
from typing import cast

from PySide6.QtCore import QCoreApplication, QTimer

from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.core.worker import StoreWorker
from outpost.ui.bridge import Bridge
from outpost.ui.garbage import MainThreadGarbageCollector

IN_FLIGHT = 256


class Stress:
    def __init__(self, app: QCoreApplication, bridge: Bridge, total: int) -> None:
        self.app = app
        self.bridge = bridge
        self.total = total
        self.submitted = 0
        self.delivered = 0
        self.failures = 0
        self.wrong_thread = 0

    def start(self) -> None:
        for _ in range(min(IN_FLIGHT, self.total)):
            self.submit()

    def submit(self) -> None:
        number = self.submitted
        self.submitted += 1
        if number % 4 == 0:
            op = self.bridge.store_op(lambda _store: number)
        else:

            async def value() -> int:
                return number

            op = self.bridge.async_op(value, timeout=60)
        op.success(self.on_success).failure(self.on_failure).run()

    def on_success(self, _value: int) -> None:
        if threading.current_thread() is not threading.main_thread():
            self.wrong_thread += 1
        self.delivered += 1
        self.next()

    def on_failure(self, _error: Exception) -> None:
        self.failures += 1
        self.next()

    def next(self) -> None:
        if self.submitted < self.total:
            self.submit()
        elif self.delivered + self.failures == self.total:
            self.app.quit()


def main() -> int:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QCoreApplication([])
    collector = MainThreadGarbageCollector()
    runtime = Runtime()
    runtime.start()
    # The stress is about signals, not SQL: the worker owns no real store here.
    worker: StoreWorker[ClinicStore] = StoreWorker(
        lambda: cast(ClinicStore, object()), lambda _: None
    )
    bridge = Bridge(worker, runtime)
    stress = Stress(app, bridge, total)
    QTimer.singleShot(0, stress.start)
    app.exec()
    bridge.shutdown()
    runtime.shutdown()
    worker.close()
    collector.stop()
    print(
        f"delivered={stress.delivered} failures={stress.failures} "
        f"wrong_thread={stress.wrong_thread}",
        flush=True,
    )
    ok = stress.delivered == total and stress.failures == 0 and stress.wrong_thread == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
