"""The main window: assembles the day's schedule, the selected visit's notes, the status bar,
the sign-in / lock page and the sync panel, and wires keyboard shortcuts. It holds no rules
of its own: access decisions are `AccessController`'s, sync decisions the sync layer's."""

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
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import OutboxStatus, ScheduleItem
from outpost.core.ports import SyncReviewPort
from outpost.core.session import AccessState, Identity
from outpost.core.sync_state import SyncState, SyncSummary
from outpost.core.tech_check import TechCheckPort
from outpost.core.visits import CallPort
from outpost.ui.access_controller import AccessController
from outpost.ui.access_page import AccessPageWidget
from outpost.ui.appointment_header import AppointmentHeaderWidget
from outpost.ui.bridge import Bridge
from outpost.ui.help_guide import HelpGuide
from outpost.ui.note_editor import NoteEditorWidget
from outpost.ui.schedule_panel import SchedulePanelWidget
from outpost.ui.screen_guard import ScreenGuard
from outpost.ui.sync_controller import SyncController, summary_text
from outpost.ui.sync_panel import SyncPanelDialog, SyncPanelWidget
from outpost.ui.visit_pane import VisitPaneWidget

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
        review: SyncReviewPort | None = None,
        access: AccessController | None = None,
        access_page: AccessPageWidget | None = None,
        calls: CallPort | None = None,
        tech_check: TechCheckPort | None = None,
        offer_first_run: bool = False,
    ) -> None:
        super().__init__()
        self._bridge = bridge
        self._sync = sync
        self._review = review
        self._access = access
        self._access_page = access_page
        self._guard = ScreenGuard(self)
        self.help = (
            None
            if tech_check is None
            else HelpGuide(bridge, tech_check, self, offer_first_run=offer_first_run)
        )
        self._sync_panel: SyncPanelDialog | None = None
        self.setWindowTitle(self.tr("Outpost"))
        self.setAccessibleName(self.tr("Outpost"))
        self.resize(1200, 720)

        self.schedule = SchedulePanelWidget(bridge, today=today)
        self.header = AppointmentHeaderWidget(self.schedule.model, today=today)
        self.editor = NoteEditorWidget(bridge, autosave_ms=autosave_ms, review=review)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.header)
        right_column.addWidget(self.editor, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.setAccessibleName(self.tr("Schedule and notes"))
        splitter.setChildrenCollapsible(False)
        # With video visits, Today (schedule + waiting room) and the visit room share the
        # left side, so the notes on the right stay beside the video.
        self.visits = None if calls is None else VisitPaneWidget(bridge, calls, self.schedule)
        splitter.addWidget(self.schedule if self.visits is None else self.visits)
        self._splitter = splitter
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([560, 640])
        self.work = QWidget()
        self.work.setObjectName("workPage")
        central_column = QVBoxLayout(self.work)
        central_column.setContentsMargins(8, 8, 8, 0)
        central_column.addWidget(splitter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.work)
        if access_page is not None:
            self.pages.addWidget(access_page)
        self.setCentralWidget(self.pages)

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
        if review is not None:
            self.sync_button = QToolButton()
            self.sync_button.setObjectName("syncPanelButton")
            self.sync_button.setText(self.tr("Sync details…"))
            self.sync_button.setAccessibleName(self.tr("Open the sync panel"))
            self.sync_button.setAutoRaise(True)
            self.sync_button.clicked.connect(self.open_sync_panel)
            self.statusBar().addPermanentWidget(self.sync_button)
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
        if access is not None:
            access.sig_state_changed.connect(self._on_access_state_changed)
            access.sig_identity_changed.connect(self._on_access_identity_changed)
            if sync is not None:
                access.sig_signed_in.connect(lambda _who: sync.signed_in())
                access.sig_signed_out.connect(lambda _kept: sync.sync_now())
            self._on_access_state_changed(access.state)

        if self.visits is not None:
            self._connect_visits(self.visits)
        self.schedule.reload()
        if self.help is not None:
            self.help.sig_rehearse_requested.connect(self._on_rehearse_requested)
        self.refresh_sync_summary()

    def _connect_visits(self, visits: VisitPaneWidget) -> None:
        visits.sig_message.connect(self.show_error)
        visits.sig_visit_opened.connect(self._show_appointment)
        visits.sig_room_shown.connect(self._on_visits_room_shown)
        visits.sig_checked_in.connect(self.refresh_sync_summary)
        if self._access is not None:
            visits.sig_visit_open_changed.connect(self._access.hold_idle_lock)
            self._access.sig_signed_out.connect(lambda _kept: visits.sign_out())
        visits.set_active(self._access is None or self._access.state is AccessState.OPEN)

    def _add_actions(self) -> None:
        menu_bar = self.menuBar()
        menu_bar.setAccessibleName(self.tr("Menu bar"))
        self._name_menu_overflow()
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
        self.action_amend_note = self._action(
            note_menu,
            self.tr("&Amend signed note…"),
            [QKeySequence("Ctrl+Shift+A")],
            self.editor.request_amend,
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
        if self._sync is not None or self._review is not None:
            sync_menu = menu_bar.addMenu(self.tr("&Sync"))
            sync_menu.setAccessibleName(self.tr("Sync menu"))
        if self._sync is not None:
            self.action_sync_now = self._action(
                sync_menu, self.tr("Sync &now"), [QKeySequence("F5")], self._sync.sync_now
            )
        if self._review is not None:
            self.action_sync_panel = self._action(
                sync_menu,
                self.tr("Sync &panel and conflicts…"),
                [QKeySequence("Ctrl+Shift+Y")],
                self.open_sync_panel,
            )
        if self.visits is not None:
            visit_menu = menu_bar.addMenu(self.tr("&Visit"))
            visit_menu.setAccessibleName(self.tr("Visit menu"))
            for action in self.visits.menu_actions:
                self.addAction(action)
                visit_menu.addAction(action)
        if self._access is not None and self._access.can_lock:
            account = menu_bar.addMenu(self.tr("&Account"))
            account.setAccessibleName(self.tr("Account menu"))
            self.action_lock = self._action(
                account, self.tr("&Lock now"), [QKeySequence("Ctrl+L")], self._access.lock
            )
            self.action_sign_in_again = self._action(
                account, self.tr("Sign &in again…"), [], self._access.lock
            )
            self.action_sign_out = self._action(
                account, self.tr("Sign &out…"), [], self._on_sign_out
            )
        if self.help is not None:
            help_menu = menu_bar.addMenu(self.tr("&Help"))
            help_menu.setAccessibleName(self.tr("Help menu"))
            self.action_tech_check = self._action(
                help_menu,
                self.tr("&Tech check…"),
                [QKeySequence("Ctrl+Shift+K")],
                self._on_tech_check,
            )
            self.action_first_run = self._action(
                help_menu, self.tr("&Guided tour…"), [], self._on_guided_tour
            )

    def _name_menu_overflow(self) -> None:
        """Qt's own "more menus" button (and its popup) on a narrow menu bar."""
        menu_bar = self.menuBar()
        extension = menu_bar.findChild(QToolButton, "qt_menubar_ext_button")
        if extension is not None:
            extension.setAccessibleName(self.tr("More menus"))
        for menu in menu_bar.findChildren(QMenu):
            if not menu.accessibleName():
                menu.setAccessibleName(self.tr("More menus"))

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
    def access_page(self) -> AccessPageWidget | None:
        return self._access_page

    @property
    def sync_summary(self) -> str:
        return self._sync_label.text()

    @property
    def connection_summary(self) -> str:
        return self._connection_label.text()

    # --- slots and events ------------------------------------------------------------

    def open_sync_panel(self) -> None:
        """Show the sync panel (built on first use) and refresh it."""
        if self._review is None:
            return
        if self._sync_panel is None:
            panel = SyncPanelWidget(self._bridge, self._review, self._sync)
            panel.sig_resolved.connect(self._on_sync_panel_resolved)
            identity = self._access.identity if self._access is not None else None
            panel.set_me(identity.practitioner_reference if identity else None)
            self._sync_panel = SyncPanelDialog(panel, self)
        self._sync_panel.panel.reload()
        self._sync_panel.show()
        self._sync_panel.raise_()
        self._sync_panel.activateWindow()

    def _on_sync_panel_resolved(self) -> None:
        self.refresh_sync_summary()
        self.schedule.reload()
        self.editor.set_appointment(self.editor.appointment_id)

    def _on_sign_out(self) -> None:
        if self._access is not None:
            self.flush()
            self._access.sign_out()

    def _on_access_state_changed(self, state: AccessState) -> None:
        """Show the work only when open; otherwise save the draft and hide everything."""
        opened = state is AccessState.OPEN
        if not opened:
            self.flush()
            self._guard.cover()
            if self.help is not None:
                self.help.close()
        for action in self.actions():
            action.setEnabled(opened)
        self.menuBar().setVisible(opened)
        self._name_menu_overflow()
        if self._review is not None:
            self.sync_button.setEnabled(opened)
        if self.visits is not None:
            self.visits.set_active(opened)
        if opened or self._access_page is None:
            self.pages.setCurrentWidget(self.work)
            if not self._guard.uncover():  # nowhere to go back to: start on the schedule
                self.schedule.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.help is not None:
                self.help.work_shown()
            return
        self._access_page.show_state(state)
        self.pages.setCurrentWidget(self._access_page)
        self._access_page.focus_first()

    def _on_access_identity_changed(self, identity: Identity | None) -> None:
        reference = identity.practitioner_reference if identity is not None else None
        self.editor.set_me(reference)
        if self._sync_panel is not None:
            self._sync_panel.panel.set_me(reference)

    def _on_schedule_appointment_selected(self, item: ScheduleItem | None) -> None:
        if self.visits is not None and self.visits.room_shown:
            return  # the visit's notes stay beside the video
        self._show_appointment(item)

    def _on_visits_room_shown(self, shown: bool) -> None:
        total = sum(self._splitter.sizes())
        self._splitter.setSizes([total * 3 // 5, total * 2 // 5] if shown else [560, 640])
        if not shown:
            self._show_appointment(self.schedule.selected_item())

    def _show_appointment(self, item: ScheduleItem | None) -> None:
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
        expired = summary.state is SyncState.SIGNED_OUT
        if expired and self._access is not None and self._access.state is AccessState.OPEN:
            self.show_error(
                self.tr("Your sign-in has expired: choose Account, Sign in again to keep syncing.")
            )

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

    def _on_tech_check(self) -> None:
        if self.help is not None and self._no_visit_open():
            self.help.show_tech_check()

    def _on_guided_tour(self) -> None:
        if self.help is not None and self._no_visit_open():
            self.help.show_first_run()

    def _no_visit_open(self) -> bool:
        """The checks open the camera and microphone a visit is using: not during one."""
        if self.visits is not None and self.visits.visit.busy:
            self.show_error(self.tr("Finish the visit first, then run the tech check."))
            return False
        return True

    def _on_rehearse_requested(self) -> None:
        if self.visits is not None:
            self.visits.rehearse()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        if self.help is not None:
            self.help.close()
        super().closeEvent(event)
