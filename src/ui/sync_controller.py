"""`SyncController`: drives the app's syncing through the bridge and reports how it went.

The scheduling rules live in the sync layer (`SyncPort`, on the store worker). This
controller only arms one single-shot timer for the next due sync, passes on why a sync is
wanted (startup, a signed note, the network coming back, "Sync now"), and turns each
`SyncSummary` into one plain sentence for the status bar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from outpost.core.ports import ClinicStore, SyncPort
from outpost.core.sync_state import SyncState, SyncSummary, SyncTrigger
from outpost.ui.bridge import Bridge
from outpost.ui.messages import error_text

logger = logging.getLogger(__name__)

SYNC_JOB_TIMEOUT_S = 3600.0  # a first sync of a large clinic can take minutes on a thin link
_Result = tuple[SyncSummary | None, float | None]


class SyncController(QObject):
    sig_summary_changed = Signal(object)  # SyncSummary
    sig_synced = Signal()  # a sync reached the server: reload what is on screen

    def __init__(self, bridge: Bridge, port: SyncPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._port = port
        self._busy = False
        self.last: SyncSummary | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        self._ask(SyncTrigger.STARTUP)

    def stop(self) -> None:
        self._timer.stop()

    def sync_now(self) -> None:
        self._ask(SyncTrigger.ON_DEMAND)

    def note_signed(self) -> None:
        self._ask(SyncTrigger.NOTE_SIGNED)

    def reconnected(self) -> None:
        self._ask(SyncTrigger.RECONNECTED)

    def signed_in(self) -> None:
        """A clinician just signed in: sync now, even if it was paused for the sign-in."""
        self._ask(SyncTrigger.SIGNED_IN)

    def _ask(self, trigger: SyncTrigger) -> None:
        port = self._port

        def job(_store: ClinicStore) -> _Result:
            port.request(trigger)
            return None, port.seconds_until_due()

        self._submit(job)

    def _on_timer_timeout(self) -> None:
        port = self._port

        def job(_store: ClinicStore) -> _Result:
            return port.run_if_due(), port.seconds_until_due()

        self._submit(job)

    def _submit(self, job: Callable[[ClinicStore], _Result]) -> None:
        (
            self._bridge.store_op(job, timeout=SYNC_JOB_TIMEOUT_S)
            .success(self._on_job_done)
            .failure(self._on_job_failed)
            .run()
        )

    def _on_job_done(self, result: _Result) -> None:
        summary, due_in = result
        if summary is not None:
            self.last = summary
            logger.info("sync %s: %d sent, %d received", summary.state.value, summary.sent,
                        summary.received)  # fmt: skip
            self.sig_summary_changed.emit(summary)
            if summary.state in (SyncState.SYNCED, SyncState.ATTENTION):
                self.sig_synced.emit()
        if due_in is None:
            self._timer.stop()
        else:
            self._timer.start(int(due_in * 1000) + 20)

    def _on_job_failed(self, error: Exception) -> None:
        summary = SyncSummary(state=SyncState.FAILED, detail=error_text(error))
        self.last = summary
        self.sig_summary_changed.emit(summary)
        self._timer.start(60_000)


def summary_text(summary: SyncSummary) -> str:
    """One sentence for the status bar; translated through the controller's context."""
    text = _state_text(summary)
    if summary.clock_skew_s is not None:
        minutes = max(1, round(abs(summary.clock_skew_s) / 60))
        text += QCoreApplication.translate(
            "SyncController", " · this computer's clock is {n} min off"
        ).format(n=minutes)
    return text


def _state_text(summary: SyncSummary) -> str:
    at = summary.finished_at.astimezone().strftime("%H:%M") if summary.finished_at else ""
    retry = _retry_words(summary.retry_in_s)
    if summary.state is SyncState.SYNCED:
        return QCoreApplication.translate("SyncController", "Synced at {time}").format(time=at)
    if summary.state is SyncState.ATTENTION:
        count = summary.conflicts + summary.rejected
        return QCoreApplication.translate(
            "SyncController", "Synced at {time} · {count} need your attention"
        ).format(time=at, count=count)
    if summary.state is SyncState.OFFLINE:
        return QCoreApplication.translate(
            "SyncController", "Offline: changes are kept on this computer{retry}"
        ).format(retry=retry)
    if summary.state is SyncState.SERVER_BUSY:
        return QCoreApplication.translate(
            "SyncController", "The server is busy: changes are kept{retry}"
        ).format(retry=retry)
    if summary.state is SyncState.SIGNED_OUT:
        return QCoreApplication.translate(
            "SyncController", "Not signed in: changes are kept on this computer until you sign in"
        )
    if summary.state is SyncState.BUSY:
        return QCoreApplication.translate(
            "SyncController", "Another Outpost window is syncing this profile"
        )
    return QCoreApplication.translate("SyncController", "Sync failed: {detail}{retry}").format(
        detail=summary.detail, retry=retry
    )


def _retry_words(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 90:
        return QCoreApplication.translate("SyncController", " · trying again in {n} s").format(
            n=max(1, round(seconds))
        )
    return QCoreApplication.translate("SyncController", " · trying again in {n} min").format(
        n=round(seconds / 60)
    )
