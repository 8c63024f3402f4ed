"""The UI never blocks (issue 5, item 8): while a video visit runs with a synthetic patient
(its own process, as on another computer) and the app pushes 5,000 offline notes to a real
server, a 5 ms timer on the Qt main thread is never held up for long: p99 lateness <= 50 ms.
The patient's pictures keep changing on screen throughout."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from pytestqt.qtbot import QtBot

from outpost.app import GIL_SWITCH_S
from outpost.core.domain import VisitType
from outpost.core.ports import ClinicStore
from outpost.core.sync_state import SyncState, SyncSummary
from outpost.core.visits import VisitState
from outpost.demo.children import PatientBot
from outpost.ui.main_window import MainWindow
from tests.integration.sync_helpers import USER
from tests.server_process import RunningServer, running_server
from tests.ui.app_stack import AppStack, sign_in_with_password
from tests.ui.conftest import AppFactory
from tests.ui.visit_helpers import CallsFactory

NOTES = 5000
TICK_MS = 5
P99_LIMIT_MS = 50.0


class LoopLatency(QObject):
    """A 5 ms timer on the main thread; how late each tick came (ms)."""

    def __init__(self) -> None:
        super().__init__()
        self.late_ms: list[float] = []
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def seconds(self) -> float:
        return (len(self.late_ms) * TICK_MS + sum(self.late_ms)) / 1000

    def percentile(self, share: float) -> float:
        ordered = sorted(self.late_ms)
        return ordered[min(int(share * len(ordered)), len(ordered) - 1)]

    def _on_timer_timeout(self) -> None:
        now = time.perf_counter()
        assert self._last is not None
        self.late_ms.append(max((now - self._last) * 1000 - TICK_MS, 0.0))
        self._last = now


@pytest.fixture
def app_switch_interval() -> Iterator[None]:
    """The interpreter's lock handed over as often as `run_app` has it."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(GIL_SWITCH_S)
    yield
    sys.setswitchinterval(before)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with running_server(tmp_path, seed="demo") as running:
        yield running


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[PatientBot]:
    patient = PatientBot(tmp_path / "patient", admit_timeout_s=120)
    yield patient
    patient.stop()


def other_computer(pid: int | None) -> None:
    """The server and the patient stand for other computers: on this 2-core test machine
    their threads get a lower CPU priority, so what is measured is this app's own loop."""
    assert pid is not None
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.setpriority(os.PRIO_PROCESS, int(task.name), 10)


def hold_automatic_syncs(qtbot: QtBot, app: AppStack) -> None:
    """Stop the sync timer once no sync job is on its way: every job the controller sent
    before has answered (the worker runs jobs in order) and the next sync is minutes away."""

    def next_sync_far() -> bool:
        return app.sync._timer.remainingTime() > 60_000

    def worker_answered() -> None:
        answered: list[object] = []
        app.session.bridge.store_op(lambda _store: None).success(answered.append).run()
        qtbot.waitUntil(lambda: bool(answered), timeout=20_000)

    for _ in range(2):
        qtbot.waitUntil(next_sync_far, timeout=20_000)
        worker_answered()
    qtbot.waitUntil(next_sync_far, timeout=20_000)
    app.sync.stop()


def _offline_notes(store: ClinicStore, appointments: Sequence[str]) -> int:
    for number in range(NOTES):
        store.create_note(appointments[number % len(appointments)], f"Offline note {number}.")
    return store.outbox_status().pending


@pytest.mark.usefixtures("app_switch_interval")
def test_the_ui_keeps_up_during_a_call_and_a_5000_note_sync(
    qtbot: QtBot,
    server: RunningServer,
    make_app: AppFactory,
    call_ports: CallsFactory,
    bot: PatientBot,
) -> None:
    other_computer(server.process.pid)
    app = make_app(server.base_url, calls=call_ports)
    sign_in_with_password(qtbot, app, USER, server.users[USER])
    window: MainWindow = app.window
    qtbot.waitUntil(lambda: window.connection_summary.startswith("Synced at"), timeout=20_000)
    hold_automatic_syncs(qtbot, app)
    idle = LoopLatency()  # the same window with nothing going on, for comparison
    idle.start()
    qtbot.waitUntil(lambda: idle.seconds >= 1.0, timeout=10_000)
    idle.stop()
    visits = window.visits
    assert visits is not None
    model = window.schedule.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    items = [model.item(row) for row in range(model.rowCount())]
    visit = next(i for i in items if i.appointment.visit_type is VisitType.VIRTUAL)
    others = [i.appointment.id for i in items if i is not visit]
    pending = app.session.worker.submit(
        lambda store: _offline_notes(store, others), timeout=300
    ).result()
    assert pending >= NOTES

    assert visit.appointment.video_link is not None
    bot.start(visit.appointment.video_link)
    other_computer(bot.pid)
    visits.join(visit)
    room = visits.room
    qtbot.waitUntil(lambda: room.status.state is VisitState.PATIENT_WAITING, timeout=30_000)
    visits.admit()
    qtbot.waitUntil(lambda: room.status.state is VisitState.IN_CALL, timeout=30_000)
    qtbot.waitUntil(lambda: room.stage.pictures > 10, timeout=10_000)

    waiting = app.session.call(lambda store: store.outbox_status().pending)
    assert waiting >= NOTES, "a sync ran before the measurement"
    summaries: list[SyncSummary] = []
    app.sync.sig_summary_changed.connect(summaries.append)
    meter = LoopLatency()
    meter.start()
    qtbot.waitUntil(lambda: meter.seconds >= 2.0, timeout=10_000)  # the call alone
    pictures_before_sync = room.stage.pictures
    started = time.monotonic()
    app.sync.sync_now()
    qtbot.waitUntil(lambda: bool(summaries), timeout=240_000)
    sync_s = time.monotonic() - started
    pictures_during_sync = room.stage.pictures - pictures_before_sync
    settled = meter.seconds
    qtbot.waitUntil(lambda: meter.seconds >= settled + 1.0, timeout=10_000)
    meter.stop()
    visits.hang_up()
    qtbot.waitUntil(lambda: not visits.room_shown, timeout=15_000)

    p50, p99 = meter.percentile(0.5), meter.percentile(0.99)
    print(
        f"\nUI loop over {meter.seconds:.1f} s ({len(meter.late_ms)} ticks; sync of {NOTES}"
        f" notes {sync_s:.1f} s): lateness p50 {p50:.1f} ms, p99 {p99:.1f} ms,"
        f" max {max(meter.late_ms):.1f} ms, mean {statistics.fmean(meter.late_ms):.1f} ms;"
        f" {pictures_during_sync} pictures shown during the sync; idle window p99"
        f" {idle.percentile(0.99):.1f} ms; load average {os.getloadavg()[0]:.1f}"
    )
    [summary] = summaries
    assert summary.state is SyncState.SYNCED, summary
    assert summary.sent >= NOTES
    assert pictures_during_sync >= sync_s * 5, "the patient's video froze during the sync"
    assert p99 <= P99_LIMIT_MS, (
        f"p99 {p99:.1f} ms; the idle window just before: p99 {idle.percentile(0.99):.1f} ms;"
        f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
