"""One appointment's visit notes: the list, the draft being typed, signing, save status.

Saving rules live in `NoteDraftController`; this widget shows notes and forwards edits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QFont, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from outpost.core.domain import AppointmentId, NoteEntry, NoteId, NoteStatus, VisitNote
from outpost.ui.bridge import Bridge
from outpost.ui.confirmations import ask_to_sign
from outpost.ui.messages import error_text
from outpost.ui.note_draft import NoteDraftController
from outpost.ui.note_list import NoteListWidget, local_time

_ERROR_STYLE = "color: #b3261e;"


class _NoteTextEdit(QPlainTextEdit):
    """The draft's text box; tells when it loses focus so the draft is saved at once."""

    sig_focus_lost = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.sig_focus_lost.emit()


class NoteEditorWidget(QWidget):
    """Notes of the selected appointment; drafts autosave, signed notes are read-only."""

    sig_notes_changed = Signal()  # a note was written: counts of unsent changes moved
    sig_note_signed = Signal()  # a note was signed (a reason to sync soon)
    sig_error_reported = Signal(str)  # a failure not shown in this widget (status bar)

    def __init__(self, bridge: Bridge, *, autosave_ms: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge = bridge
        self._appointment_id: AppointmentId | None = None
        self._entries: list[NoteEntry] = []
        self._shown: VisitNote | None = None  # the note in the editor, once it exists
        self._loads = 0  # generation of list loads; older results are ignored
        self._opens = 0  # generation of notes being opened from the list
        self._setting_text = False
        self._initial_pending = False  # the first list of this appointment has not arrived
        self._controller = NoteDraftController(
            bridge, autosave_ms=autosave_ms, text=self._current_text, parent=self
        )
        self._build()
        self._controller.sig_save_started.connect(self._on_controller_save_started)
        self._controller.sig_saved.connect(self._on_controller_saved)
        self._controller.sig_save_failed.connect(self._on_controller_failed)
        self._controller.sig_signed.connect(self._on_controller_signed)
        self._controller.sig_sign_failed.connect(self._on_controller_sign_failed)
        self._controller.sig_stored.connect(self._on_controller_stored)
        self._controller.sig_background_save_failed.connect(self.sig_error_reported)
        self.set_appointment(None)

    def _build(self) -> None:
        self._placeholder = QLabel(self.tr("Select an appointment to see and write its notes."))
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setWordWrap(True)

        self._list_label = QLabel(self.tr("Notes for this visit"))
        self._notes_list = NoteListWidget()
        self._notes_list.sig_note_chosen.connect(self._on_notes_list_note_chosen)
        self._list_label.setBuddy(self._notes_list)
        self._new_button = QPushButton(self.tr("New note"))
        self._new_button.setObjectName("newNoteButton")
        self._new_button.setAccessibleName(self.tr("New note"))
        self._new_button.setToolTip(self.tr("Start a new note for this visit (Ctrl+N)"))
        self._new_button.clicked.connect(self.new_note)

        self._state_label = QLabel()
        self._state_label.setObjectName("noteStateLabel")
        bold = QFont(self._state_label.font())
        bold.setBold(True)
        self._state_label.setFont(bold)
        self._editor = _NoteTextEdit()
        self._editor.setObjectName("noteEditor")
        self._editor.setAccessibleName(self.tr("Note text"))
        self._editor.setPlaceholderText(
            self.tr("Type the visit note here. It is saved on this computer as you type.")
        )
        self._editor.textChanged.connect(self._on_editor_text_changed)
        self._editor.sig_focus_lost.connect(self.flush)

        self._save_label = QLabel()
        self._save_label.setObjectName("saveIndicator")
        self._save_label.setAccessibleName(self.tr("Save status"))
        self._save_label.setWordWrap(True)
        self._save_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._sign_button = QPushButton(self.tr("Sign note…"))
        self._sign_button.setObjectName("signNoteButton")
        self._sign_button.setAccessibleName(self.tr("Sign note"))
        self._sign_button.setToolTip(self.tr("Sign this note; it becomes read-only (Ctrl+Return)"))
        self._sign_button.clicked.connect(self.request_sign)

        top = QHBoxLayout()
        top.addWidget(self._list_label)
        top.addStretch(1)
        top.addWidget(self._new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self._save_label, 1)
        bottom.addWidget(self._sign_button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self._notes_list)
        column.addWidget(self._state_label)
        column.addWidget(self._editor, 1)
        column.addLayout(bottom)

        self._pages = QStackedWidget()
        self._pages.addWidget(self._placeholder)
        self._pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)

    # --- public API ------------------------------------------------------------------

    @property
    def editor(self) -> QPlainTextEdit:
        return self._editor

    @property
    def appointment_id(self) -> AppointmentId | None:
        return self._appointment_id

    def set_appointment(self, appointment_id: AppointmentId | None) -> None:
        """Show the notes of `appointment_id` (None: nothing selected). Saves first."""
        self._controller.stop()
        self._opens += 1
        self._appointment_id = appointment_id
        self._entries = []
        self._shown = None
        self._initial_pending = False
        self._loads += 1
        self._fill_list()
        if appointment_id is None:
            self._pages.setCurrentIndex(0)
            return
        self._pages.setCurrentIndex(1)
        self._show_text("", read_only=True)
        self._set_state(self.tr("Loading notes…"))
        self._set_indicator("")
        self._sign_button.setEnabled(False)
        self._new_button.setEnabled(False)
        self._initial_pending = True
        self._load_notes()

    def new_note(self) -> bool:
        """Start a blank note for this appointment (created on the first keystroke)."""
        if self._appointment_id is None or self._controller.signing:
            return False
        self._open(None)
        self._editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def request_sign(self) -> bool:
        """Ask for confirmation, then sign the draft on screen. False if nothing to sign."""
        if not self._controller.active or self._controller.signing:
            return False
        if not self._current_text().strip():
            self._set_indicator(self.tr("Type the note before signing it."), error=True)
            return False
        ask_to_sign(self, self._on_sign_confirmed)
        return True

    def flush(self) -> None:
        """Hand any unsaved text to the store now (focus-out, closing)."""
        self._controller.flush()

    # --- loading and showing notes ---------------------------------------------------

    def _load_notes(self) -> None:
        appointment_id = self._appointment_id
        if appointment_id is None:
            return
        self._loads += 1
        token = self._loads
        (
            self._bridge.store_op(lambda store: store.list_notes(appointment_id))
            .success(lambda entries: self._on_notes_loaded(token, entries))
            .failure(lambda error: self._on_notes_failed(token, error))
            .run()
        )

    def _on_notes_loaded(self, token: int, entries: list[NoteEntry]) -> None:
        if token != self._loads:
            return
        self._entries = sorted(entries, key=lambda entry: entry.note.created_at)
        if self._initial_pending:
            self._initial_pending = False
            self._new_button.setEnabled(True)
            self._open_initial()
        else:
            self._fill_list()

    def _open_initial(self) -> None:
        assert self._appointment_id is not None
        rescued = self._controller.resume_rescued(self._appointment_id)
        if rescued is not None:
            self._fill_list()
            self._show_text(rescued, read_only=False)
            self._set_state(self.tr("Draft — not saved yet"))
            self._sign_button.setEnabled(True)
            return
        drafts = [e.note for e in self._entries if e.note.status is NoteStatus.DRAFT]
        if drafts:
            self._open(drafts[-1])
        elif self._entries:
            self._open(self._entries[-1].note)
        else:
            self._open(None)

    def _on_notes_failed(self, token: int, error: Exception) -> None:
        if token != self._loads:
            return
        if self._initial_pending:
            self._set_state(self.tr("Notes could not be loaded"))
        self._set_indicator(
            self.tr("{reason} Select the appointment again to retry.").format(
                reason=error_text(error)
            ),
            error=True,
        )

    def _open(self, note: VisitNote | None) -> None:
        """Put `note` (None: a new blank draft) in the editor, saving what was there."""
        assert self._appointment_id is not None
        self._opens += 1  # a note still being re-read is no longer wanted
        self._controller.stop()
        self._shown = note
        editable = note is None or note.status is NoteStatus.DRAFT
        if editable:
            self._controller.start(self._appointment_id, note)
        self._show_text("" if note is None else note.text, read_only=not editable)
        self._set_state(self._state_text(note))
        self._sign_button.setEnabled(editable)
        self._set_indicator(self._saved_text(note) if note is not None else "")
        self._fill_list()

    def _state_text(self, note: VisitNote | None) -> str:
        if note is None:
            return self.tr("New note — saved automatically as you type")
        if note.status is NoteStatus.SIGNED:
            return self.tr("Signed — read only")
        if note.status is NoteStatus.AMENDED:
            return self.tr("Replaced by an amendment — read only")
        return self.tr("Draft — saved automatically as you type")

    def _saved_text(self, note: VisitNote) -> str:
        if note.status is NoteStatus.DRAFT:
            return self.tr("Saved {time}").format(time=local_time(note.updated_at, "%H:%M:%S"))
        return ""

    def _fill_list(self) -> None:
        self._notes_list.set_entries(self._entries, self._shown_note_id())

    def _shown_note_id(self) -> NoteId | None:
        if self._controller.active:
            return self._controller.note_id
        return None if self._shown is None else self._shown.id

    # --- editor plumbing -------------------------------------------------------------

    def _current_text(self) -> str:
        return self._editor.toPlainText()

    def _show_text(self, text: str, *, read_only: bool) -> None:
        self._setting_text = True
        try:
            self._editor.setPlainText(text)
            self._editor.moveCursor(QTextCursor.MoveOperation.End)  # carry on where it ended
        finally:
            self._setting_text = False
        self._set_read_only(read_only)

    def _set_read_only(self, read_only: bool) -> None:
        """Read-only text looks different at a glance: the window's grey, not paper white."""
        self._editor.setReadOnly(read_only)
        palette = self._editor.palette()
        source = self.palette()
        role = QPalette.ColorRole.Window if read_only else QPalette.ColorRole.Base
        palette.setColor(QPalette.ColorRole.Base, source.color(role))
        self._editor.setPalette(palette)

    def _set_state(self, text: str) -> None:
        self._state_label.setText(text)
        self._state_label.setAccessibleName(text)

    def _set_indicator(self, text: str, *, error: bool = False) -> None:
        self._save_label.setText(text)
        self._save_label.setStyleSheet(_ERROR_STYLE if error else "")
        self._save_label.setAccessibleDescription(text)

    # --- slots -----------------------------------------------------------------------

    def _on_editor_text_changed(self) -> None:
        if not self._setting_text and not self._editor.isReadOnly():
            self._controller.changed()

    def _on_notes_list_note_chosen(self, note: VisitNote) -> None:
        if self._controller.signing or note.id == self._shown_note_id():
            return
        if note.status is not NoteStatus.DRAFT:
            self._open(note)  # signed text never changes: the listed copy is current
            return
        # A draft's listed copy may predate a save still queued; read it again after the
        # queue (the worker runs jobs in order) so older text never overwrites newer.
        self._controller.stop()
        self._shown = note
        self._show_text(note.text, read_only=True)
        self._set_state(self.tr("Opening note…"))
        self._opens += 1
        token = self._opens
        note_id = note.id
        (
            self._bridge.store_op(lambda store: store.get_note(note_id))
            .success(lambda fresh: self._on_note_reread(token, fresh))
            .failure(lambda error: self._on_note_reread_failed(token, error))
            .run()
        )

    def _on_note_reread(self, token: int, note: VisitNote) -> None:
        if token == self._opens and self._shown is not None and self._shown.id == note.id:
            self._open(note)

    def _on_note_reread_failed(self, token: int, error: Exception) -> None:
        if token == self._opens:
            self._set_state(self.tr("Note could not be opened"))
            self._set_indicator(error_text(error), error=True)

    def _on_sign_confirmed(self) -> None:
        if not self._controller.active:
            return
        self._set_read_only(True)
        self._sign_button.setEnabled(False)
        if self._controller.sign():
            self._set_indicator(self.tr("Signing…"))
        else:
            self._set_read_only(False)
            self._sign_button.setEnabled(True)

    def _on_controller_save_started(self) -> None:
        self._set_indicator(self.tr("Saving…"))

    def _on_controller_saved(self, note: VisitNote) -> None:
        if self._shown is None or self._shown.id == note.id:
            self._shown = note
        self._set_state(self._state_text(note))
        self._set_indicator(
            self.tr("Saved {time}").format(time=local_time(note.updated_at, "%H:%M:%S"))
        )

    def _on_controller_failed(self, words: str) -> None:
        self._set_indicator(
            self.tr(
                "Not saved: {reason} Your text is kept here and will be saved again automatically."
            ).format(reason=words),
            error=True,
        )

    def _on_controller_signed(self, note: VisitNote) -> None:
        self.sig_note_signed.emit()
        self._shown = note
        self._show_text(note.text, read_only=True)
        self._set_state(self._state_text(note))
        self._sign_button.setEnabled(False)
        self._set_indicator(
            self.tr("Signed {time}").format(
                time=local_time(note.signed_at or note.updated_at, "%H:%M")
            )
        )

    def _on_controller_sign_failed(self, words: str) -> None:
        self._set_read_only(False)
        self._sign_button.setEnabled(True)
        self._set_indicator(self.tr("Not signed: {reason}").format(reason=words), error=True)

    def _on_controller_stored(self) -> None:
        self._load_notes()
        self.sig_notes_changed.emit()
