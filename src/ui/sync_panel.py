"""The sync panel: online or offline, what waits to be sent and since when, the last
successful sync (server time), "Sync now", and everything that needs the clinician:
conflicts side by side (`ConflictViewWidget`) and changes the server refused, with its
message. Data comes through `SyncReviewPort` on the store worker; nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outpost.core.conflicts import Conflict, Resolution, ResolutionResult
from outpost.core.domain import Appointment, OutboxStatus, VisitNote
from outpost.core.errors import NotFoundError
from outpost.core.ports import ClinicStore, SyncReviewPort
from outpost.core.review import RefusedChange
from outpost.ui.bridge import Bridge
from outpost.ui.conflict_view import ConflictViewWidget
from outpost.ui.messages import error_text
from outpost.ui.note_list import local_time
from outpost.ui.sync_controller import SyncController
from outpost.ui.sync_words import (
    age_words,
    change_kind_words,
    change_words,
    connection_words,
    resolution_words,
)
from outpost.ui.theme import error_style

_ITEM_ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Visit:
    """Which visit a change belongs to, so the clinician knows what they are deciding."""

    patient: str
    start: datetime


@dataclass(frozen=True)
class Review:
    status: OutboxStatus
    conflicts: list[Conflict]
    refused: list[RefusedChange]
    visits: dict[str, Visit]  # by appointment id


def _appointment_of(record: object) -> str | None:
    if isinstance(record, VisitNote):
        return record.appointment_id
    if isinstance(record, Appointment):
        return record.id
    return None


def _read(store: ClinicStore, review: SyncReviewPort) -> Review:
    conflicts, refused = review.conflicts(), review.refused_changes()
    records = [c.local for c in conflicts] + [r.record for r in refused]
    visits: dict[str, Visit] = {}
    for appointment_id in {a for a in map(_appointment_of, records) if a is not None}:
        try:
            appointment = store.get_appointment(appointment_id)
            patient = store.get_patient(appointment.patient_id)
        except NotFoundError:
            continue  # not on this computer (yet): the line says less
        visits[appointment_id] = Visit(patient.display_name, appointment.start)
    return Review(store.outbox_status(), conflicts, refused, visits)


class SyncPanelWidget(QWidget):
    sig_resolved = Signal()  # a conflict was settled: notes and counts on screen moved

    def __init__(
        self,
        bridge: Bridge,
        review: SyncReviewPort,
        sync: SyncController | None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._review = review
        self._sync = sync
        self._now = now
        self._loads = 0
        self._visits: dict[str, Visit] = {}
        self.connection = self._value("syncConnection")
        self.waiting = self._value("syncWaiting")
        self.oldest = self._value("syncOldest")
        self.last_sync = self._value("syncLast")
        self.sync_now = QPushButton(self.tr("Sync &now"))
        self.sync_now.setObjectName("syncNowButton")
        self.sync_now.setAccessibleName(self.tr("Sync now"))
        self.sync_now.setToolTip(self.tr("Send and fetch changes now (F5)"))
        self.sync_now.setEnabled(sync is not None)
        self.sync_now.clicked.connect(self._on_sync_now_clicked)
        facts = QFormLayout()
        facts.addRow(self.tr("Connection:"), self.connection)
        facts.addRow(self.tr("Waiting to send:"), self.waiting)
        facts.addRow(self.tr("Oldest waiting change:"), self.oldest)
        facts.addRow(self.tr("Last successful sync:"), self.last_sync)
        sync_row = QHBoxLayout()
        sync_row.addWidget(self.sync_now)
        sync_row.addStretch(1)
        facts.addRow("", sync_row)

        self.attention_label = QLabel(self.tr("Needs your &attention"))
        self.attention = QListWidget()
        self.attention.setObjectName("attentionList")
        self.attention.setAccessibleName(self.tr("Changes that need your attention"))
        self.attention_label.setBuddy(self.attention)
        self.attention.currentItemChanged.connect(self._on_attention_current_changed)
        self.conflict_view = ConflictViewWidget()
        self.conflict_view.sig_resolution_chosen.connect(self._on_conflict_view_chosen)
        self.refused_text = QLabel()
        self.refused_text.setObjectName("refusedMessage")
        self.refused_text.setWordWrap(True)
        self.refused_record = QPlainTextEdit()
        self.refused_record.setObjectName("refusedRecord")
        self.refused_record.setAccessibleName(self.tr("The refused change"))
        self.refused_record.setReadOnly(True)
        refused_page = QWidget()
        refused_column = QVBoxLayout(refused_page)
        refused_column.setContentsMargins(0, 0, 0, 0)
        refused_column.addWidget(self.refused_text)
        refused_column.addWidget(self.refused_record, 1)
        self.nothing = QLabel(self.tr("Nothing needs your attention."))
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details = QStackedWidget()
        for page in (self.nothing, self.conflict_view, refused_page):
            self.details.addWidget(page)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.attention)
        split.addWidget(self.details)
        split.setSizes([110, 330])
        self.result = QLabel()
        self.result.setObjectName("resolutionResult")
        self.result.setWordWrap(True)

        column = QVBoxLayout(self)
        column.addLayout(facts)
        column.addWidget(self.attention_label)
        column.addWidget(split, 1)
        column.addWidget(self.result)
        if sync is not None:
            sync.sig_summary_changed.connect(lambda _summary: self.reload())

    def _value(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_me(self, practitioner_reference: str | None) -> None:
        self.conflict_view.set_me(practitioner_reference)

    def reload(self) -> None:
        self._loads += 1
        token, review = self._loads, self._review
        (
            self._bridge.store_op(lambda store: _read(store, review))
            .success(lambda found: self._on_loaded(token, found))
            .failure(lambda error: self._show_result(error_text(error), error=True))
            .run()
        )

    # --- showing ---------------------------------------------------------------------

    def _on_loaded(self, token: int, found: Review) -> None:
        if token != self._loads:
            return
        now = self._now()
        status = found.status
        summary = self._sync.last if self._sync is not None else None
        self.connection.setText(connection_words(summary))
        self.waiting.setText(change_words(status.pending))
        self.oldest.setText(
            self.tr("none")
            if status.oldest_pending_at is None
            else self.tr("{age} ago").format(age=age_words(now - status.oldest_pending_at))
        )
        self.last_sync.setText(
            self.tr("never")
            if status.last_sync_at is None
            else self.tr("{time} (server time)").format(
                time=local_time(status.last_sync_at, "%d %b %H:%M")
            )
        )
        self._fill(found)

    def _fill(self, found: Review) -> None:
        previous = self.attention.currentItem()
        keep = previous.data(_ITEM_ROLE) if previous is not None else None
        self.attention.blockSignals(True)
        self.attention.clear()
        self._visits = found.visits
        for conflict in found.conflicts:
            self._add(conflict, self._conflict_line(conflict))
        for change in found.refused:
            self._add(change, self._refused_line(change))
        self.attention.blockSignals(False)
        count = self.attention.count()
        self.attention_label.setText(self.tr("Needs your &attention ({count})").format(count=count))
        row = next(
            (
                i
                for i in range(count)
                if _key(self.attention.item(i).data(_ITEM_ROLE)) == _key(keep)
            ),
            0,
        )
        if count:
            self.attention.setCurrentRow(row)
            self._show(self.attention.item(row))
        else:
            self.details.setCurrentWidget(self.nothing)

    def _add(self, value: Conflict | RefusedChange, text: str) -> None:
        item = QListWidgetItem(text)
        item.setData(_ITEM_ROLE, value)
        self.attention.addItem(item)

    def visit_words(self, record: object) -> str:
        """ "Maya Lindqvist, visit 1 Dec 09:00" (or less, when the visit is not here)."""
        appointment_id = _appointment_of(record)
        visit = self._visits.get(appointment_id or "")
        if visit is None:
            return self.tr("a visit not on this computer")
        return self.tr("{patient}, visit {time}").format(
            patient=visit.patient, time=local_time(visit.start, "%d %b %H:%M")
        )

    def _conflict_line(self, conflict: Conflict) -> str:
        noun = self.tr("note") if isinstance(conflict.local, VisitNote) else self.tr("status")
        return self.tr("Conflict · {visit} · {noun} · found {time}").format(
            visit=self.visit_words(conflict.local),
            noun=noun,
            time=local_time(conflict.created_at, "%H:%M"),
        )

    def _refused_line(self, change: RefusedChange) -> str:
        return self.tr("Refused · {visit} · {what} · {message}").format(
            visit=self.visit_words(change.record),
            what=change_kind_words(change.kind),
            message=change.message or self.tr("no reason given"),
        )

    def _show(self, item: QListWidgetItem | None) -> None:
        value = None if item is None else item.data(_ITEM_ROLE)
        if isinstance(value, Conflict):
            self.conflict_view.show_conflict(value, self.visit_words(value.local))
            self.details.setCurrentWidget(self.conflict_view)
        elif isinstance(value, RefusedChange):
            self.refused_text.setText(
                self.tr(
                    "The server refused this change: “{message}”. It is kept on this computer "
                    "and not sent again by itself; if the message does not say what to do, "
                    "tell your IT team."
                ).format(message=value.message or self.tr("no reason given"))
            )
            record = value.record
            self.refused_record.setPlainText(
                record.text if isinstance(record, VisitNote) else str(record or "")
            )
            self.details.setCurrentIndex(2)
        else:
            self.details.setCurrentWidget(self.nothing)

    def _show_result(self, text: str, *, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setStyleSheet(error_style(self.result.palette()) if error else "")
        self.result.setAccessibleDescription(text)

    # --- slots -----------------------------------------------------------------------

    def _on_attention_current_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self._show(current)

    def _on_sync_now_clicked(self) -> None:
        if self._sync is not None:
            self._sync.sync_now()
            self._show_result(self.tr("Syncing…"))

    def _on_conflict_view_chosen(self, conflict: Conflict, resolution: Resolution) -> None:
        review = self._review
        (
            self._bridge.store_op(lambda _s: review.resolve_conflict(conflict.id, resolution))
            .success(self._on_resolved)
            .failure(lambda error: self._show_result(error_text(error), error=True))
            .run()
        )

    def _on_resolved(self, result: ResolutionResult) -> None:
        self._show_result(resolution_words(result))
        self.reload()
        self.sig_resolved.emit()
        if self._sync is not None and result.queued is not None:
            self._sync.sync_now()


def _key(value: object) -> object:
    if isinstance(value, Conflict):
        return ("conflict", value.id)
    if isinstance(value, RefusedChange):
        return ("refused", value.mutation_id)
    return None


class SyncPanelDialog(QDialog):
    """The panel in its own window, opened from the Sync menu or the status bar."""

    def __init__(self, panel: SyncPanelWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPanelDialog")
        self.setWindowTitle(self.tr("Sync"))
        self.setAccessibleName(self.tr("Sync"))
        self.resize(900, 640)
        self.panel = panel
        column = QVBoxLayout(self)
        column.addWidget(panel)
