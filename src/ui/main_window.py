"""The main window: assembles the day's schedule, the selected visit's notes and the status
bar, and wires keyboard shortcuts. It holds no rules of its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import OutboxStatus, ScheduleItem
from outpost.core.sync_state import SyncSummary
from outpost.ui.appointment_header import AppointmentHeaderWidget
from outpost.ui.bridge import Bridge
from outpost.ui.note_editor import NoteEditorWidget
from outpost.ui.schedule_panel import SchedulePanelWidget
from outpost.ui.sync_controller import SyncController, summary_text

ERROR_MESSAGE_MS = 30_000


class MainWindow(QMainWindow):
    """Schedule on the left, the selected appointment and its notes on the right."""

    def __init__(
        self,
        bridge: Bridge,
        *,
        autosave_ms: int,
        today: Callable[[], date] = date.today,
        profile_label: str = "",
        sync: SyncController | None = None,
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self._sync = sync
        self.setWindowTitle(self.tr("Outpost"))
        self.setAccessibleName(self.tr("Outpost"))
        self.resize(1200, 720)

        self.schedule = SchedulePanelWidget(bridge, today=today)
        self.header = AppointmentHeaderWidget(self.schedule.model, today=today)
        self.editor = NoteEditorWidget(bridge, autosave_ms=autosave_ms)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.header)
        right_column.addWidget(self.editor, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.setAccessibleName(self.tr("Schedule and notes"))
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.schedule)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 640])
        central = QWidget()
        central_column = QVBoxLayout(central)
        central_column.setContentsMargins(8, 8, 8, 0)
        central_column.addWidget(splitter)
        self.setCentralWidget(central)

        self._sync_label = QLabel(self.tr("Checking changes waiting to sync…"))
        self._sync_label.setObjectName("syncSummary")
        self._sync_label.setAccessibleName(self.tr("Sync status"))
        self.statusBar().setAccessibleName(self.tr("Status bar"))
        self.statusBar().addPermanentWidget(self._sync_label)
        self._connection_label = QLabel(self.tr("Not synced yet"))
        self._connection_label.setObjectName("connectionState")
        self._connection_label.setAccessibleName(self.tr("Connection to the server"))
        if sync is not None:
            self._connection_label.setContentsMargins(12, 0, 0, 0)
            self.statusBar().addPermanentWidget(self._connection_label)
        if profile_label:
            profile = QLabel(self.tr("Profile: {profile}").format(profile=profile_label))
            profile.setObjectName("profileLabel")
            profile.setContentsMargins(12, 0, 0, 0)
            profile.setAccessibleName(self.tr("Profile"))
            self.statusBar().addPermanentWidget(profile)

        self._add_actions()
        self.schedule.sig_appointment_selected.connect(self._on_schedule_appointment_selected)
        self.editor.sig_notes_changed.connect(self.refresh_sync_summary)
        self.editor.sig_error_reported.connect(self.show_error)
        bridge.sig_error_reported.connect(self.show_error)
        if sync is not None:
            self.editor.sig_note_signed.connect(sync.note_signed)
            sync.sig_summary_changed.connect(self._on_sync_summary_changed)
            sync.sig_synced.connect(self.schedule.reload)

        self.schedule.reload()
        self.refresh_sync_summary()

    def _add_actions(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setAccessibleName(self.tr("Menu bar"))
        extension = menu_bar.findChild(QToolButton, "qt_menubar_ext_button")
        if extension is not None:
            extension.setAccessibleName(self.tr("More menus"))
        note_menu = menu_bar.addMenu(self.tr("&Note"))
        note_menu.setAccessibleName(self.tr("Note menu"))
        day_menu = menu_bar.addMenu(self.tr("&Day"))
        day_menu.setAccessibleName(self.tr("Day menu"))
        self.action_new_note = self._action(
            note_menu, self.tr("&New note"), [QKeySequence("Ctrl+N")], self._on_new_note
        )
        self.action_sign_note = self._action(
            note_menu,
            self.tr("&Sign note…"),
            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
            self.editor.request_sign,
        )
        self.action_previous_day = self._action(
            day_menu,
            self.tr("&Previous day"),
            [QKeySequence("Alt+Left")],
            self.schedule.previous_day,
        )
        self.action_next_day = self._action(
            day_menu, self.tr("N&ext day"), [QKeySequence("Alt+Right")], self.schedule.next_day
        )
        self.action_today = self._action(
            day_menu, self.tr("&Today"), [QKeySequence("Ctrl+T")], self.schedule.go_today
        )
        if self._sync is not None:
            sync_menu = menu_bar.addMenu(self.tr("&Sync"))
            sync_menu.setAccessibleName(self.tr("Sync menu"))
            self.action_sync_now = self._action(
                sync_menu, self.tr("Sync &now"), [QKeySequence("F5")], self._sync.sync_now
            )

    def _action(
        self,
        menu: QMenu,
        text: str,
        keys: list[QKeySequence],
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even while the menu bar is hidden
        menu.addAction(action)
        return action

    # --- public API ------------------------------------------------------------------

    def flush(self) -> None:
        """Hand the draft on screen to the store now (closing, crash handler)."""
        self.editor.flush()

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text, ERROR_MESSAGE_MS)

    def refresh_sync_summary(self) -> None:
        (
            self._bridge.store_op(lambda store: store.outbox_status())
            .success(self._on_outbox_status_loaded)
            .failure(lambda _error: self._sync_label.setText(self.tr("Sync status unknown")))
            .run()
        )

    @property
    def sync_summary(self) -> str:
        return self._sync_label.text()

    @property
    def connection_summary(self) -> str:
        return self._connection_label.text()

    # --- slots and events ------------------------------------------------------------

    def _on_schedule_appointment_selected(self, item: ScheduleItem | None) -> None:
        self.header.show_item(item)
        appointment_id = None if item is None else item.appointment.id
        if appointment_id != self.editor.appointment_id:
            self.editor.set_appointment(appointment_id)

    def _on_new_note(self) -> None:
        if not self.editor.new_note():
            self.statusBar().showMessage(
                self.tr("Select an appointment first, then start a note."), ERROR_MESSAGE_MS
            )

    def _on_sync_summary_changed(self, summary: SyncSummary) -> None:
        self._connection_label.setText(summary_text(summary))
        self.refresh_sync_summary()

    def _on_outbox_status_loaded(self, status: OutboxStatus) -> None:
        parts = []
        if status.pending == 0 and status.last_sync_at is None:
            parts.append(self.tr("Nothing waiting to sync"))
        elif status.pending == 0:
            parts.append(self.tr("All changes synced"))
        elif status.pending == 1:
            parts.append(self.tr("1 change waiting to sync"))
        else:
            parts.append(self.tr("{count} changes waiting to sync").format(count=status.pending))
        attention = status.conflicts + status.rejected
        if attention:
            parts.append(self.tr("{count} need attention").format(count=attention))
        self._sync_label.setText(" · ".join(parts))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        super().closeEvent(event)
