"""One appointment's visit notes: the list, the draft being typed (SOAP template), signing,
amending, the open note's history and save status.

Saving rules live in `NoteDraftController`; this widget shows notes and forwards edits.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
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
from outpost.core.ports import SyncReviewPort
from outpost.core.review import NoteSync, note_chain
from outpost.ui.amend_dialog import NoteAmendController
from outpost.ui.bridge import Bridge
from outpost.ui.confirmations import ask_to_sign
from outpost.ui.messages import error_text
from outpost.ui.note_actions import NoteActionsWidget
from outpost.ui.note_draft import NoteDraftController
from outpost.ui.note_history import Loaded, NoteHistoryWidget, notes_with_sync
from outpost.ui.note_list import NoteListWidget, local_time
from outpost.ui.soap_editor import SoapEditorWidget


class NoteEditorWidget(QWidget):
    """Notes of the selected appointment; drafts autosave, signed notes are read-only."""

    sig_notes_changed = Signal()  # a note was written: counts of unsent changes moved
    sig_note_signed = Signal()  # a note was signed or amended (a reason to sync soon)
    sig_error_reported = Signal(str)  # a failure not shown in this widget (status bar)

    def __init__(
        self,
        bridge: Bridge,
        *,
        autosave_ms: int,
        review: SyncReviewPort | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._bridge = bridge
        self._review = review
        self._appointment_id: AppointmentId | None = None
        self._entries: list[NoteEntry] = []
        self._sync: dict[str, NoteSync] = {}
        self._shown: VisitNote | None = None  # the note in the editor, once it exists
        self._loads = 0  # generation of list loads; older results are ignored
        self._opens = 0  # generation of notes being opened from the list
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
        self._amender = NoteAmendController(bridge, self)
        self._amender.sig_started.connect(self._on_amender_started)
        self._amender.sig_amended.connect(self._on_amender_amended)
        self._amender.sig_failed.connect(self._on_amender_failed)
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
        self._text = SoapEditorWidget()
        self._text.sig_text_changed.connect(self._controller.changed)
        self._text.sig_focus_lost.connect(self.flush)
        self._history = NoteHistoryWidget()

        self._actions = NoteActionsWidget()
        self._save_label = self._actions.save_label
        self._sign_button = self._actions.sign_button
        self._sign_button.clicked.connect(self.request_sign)
        self._amend_button = self._actions.amend_button
        self._amend_button.clicked.connect(self.request_amend)

        top = QHBoxLayout()
        top.addWidget(self._list_label)
        top.addStretch(1)
        top.addWidget(self._new_button)
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self._notes_list)
        column.addWidget(self._state_label)
        column.addWidget(self._text, 1)
        column.addWidget(self._actions)
        column.addWidget(self._history)

        self._pages = QStackedWidget()
        self._pages.addWidget(self._placeholder)
        self._pages.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self._pages)

    # --- public API ------------------------------------------------------------------

    @property
    def editor(self) -> QPlainTextEdit:
        """The free-text box (the first box of the note)."""
        return self._text.free_box

    @property
    def text_boxes(self) -> SoapEditorWidget:
        return self._text

    @property
    def history(self) -> NoteHistoryWidget:
        return self._history

    def set_me(self, practitioner_reference: str | None) -> None:
        self._history.set_me(practitioner_reference)
        self._show_history()

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
        self._actions.show_note_kind(editable=False, signed=False)
        self._new_button.setEnabled(False)
        self._initial_pending = True
        self._load_notes()

    def new_note(self) -> bool:
        """Start a blank note for this appointment (created on the first keystroke)."""
        if self._appointment_id is None or self._controller.signing:
            return False
        self._open(None)
        self._text.focus_first()
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

    def request_amend(self) -> bool:
        """Open the amendment dialog for the signed note on screen. False if there is none."""
        note = self._shown
        if self._controller.active or note is None:
            return False
        return self._amender.ask(note) is not None

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
        review = self._review
        (
            self._bridge.store_op(lambda store: notes_with_sync(store, review, appointment_id))
            .success(lambda loaded: self._on_notes_loaded(token, loaded))
            .failure(lambda error: self._on_notes_failed(token, error))
            .run()
        )

    def _on_notes_loaded(self, token: int, loaded: Loaded) -> None:
        if token != self._loads:
            return
        entries, self._sync = loaded
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
        self._set_state(self._actions.state_text(note))
        signed = note is not None and note.status is NoteStatus.SIGNED
        self._actions.show_note_kind(editable=editable, signed=signed)
        self._set_indicator(self._actions.saved_text(note) if note is not None else "")
        self._fill_list()

    def _fill_list(self) -> None:
        self._notes_list.set_entries(self._entries, self._shown_note_id())
        self._show_history()

    def _show_history(self) -> None:
        shown = self._shown_note_id()
        notes = [entry.note for entry in self._entries]
        chain = note_chain(notes, shown) if shown is not None else []
        self._history.show_chain(chain, self._sync, shown)

    def _shown_note_id(self) -> NoteId | None:
        if self._controller.active:
            return self._controller.note_id
        return None if self._shown is None else self._shown.id

    # --- editor plumbing -------------------------------------------------------------

    def _current_text(self) -> str:
        return self._text.text()

    def _show_text(self, text: str, *, read_only: bool) -> None:
        self._text.set_text(text, read_only=read_only)

    def _set_state(self, text: str) -> None:
        self._state_label.setText(text)
        self._state_label.setAccessibleName(text)

    def _set_indicator(self, text: str, *, error: bool = False) -> None:
        self._actions.set_indicator(text, error=error)

    # --- slots -----------------------------------------------------------------------

    def _on_amender_started(self) -> None:
        self._set_indicator(self.tr("Signing the amendment…"))
        self._amend_button.setEnabled(False)

    def _on_amender_amended(self, note: VisitNote) -> None:
        self._amend_button.setEnabled(True)
        self.sig_note_signed.emit()
        self.sig_notes_changed.emit()
        if note.appointment_id != self._appointment_id:
            return
        self._shown = note
        self._open(note)
        self._load_notes()
        self._set_indicator(
            self.tr("Amendment signed {time}").format(
                time=local_time(note.signed_at or note.updated_at, "%H:%M")
            )
        )

    def _on_amender_failed(self, words: str) -> None:
        self._amend_button.setEnabled(True)
        self._set_indicator(self.tr("Not amended: {reason}").format(reason=words), error=True)

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
        self._text.set_read_only(True)
        self._sign_button.setEnabled(False)
        if self._controller.sign():
            self._set_indicator(self.tr("Signing…"))
        else:
            self._text.set_read_only(False)
            self._sign_button.setEnabled(True)

    def _on_controller_save_started(self) -> None:
        self._set_indicator(self.tr("Saving…"))

    def _on_controller_saved(self, note: VisitNote) -> None:
        if self._shown is None or self._shown.id == note.id:
            self._shown = note
        self._set_state(self._actions.state_text(note))
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
        self._set_state(self._actions.state_text(note))
        self._actions.show_note_kind(editable=False, signed=True)
        self._set_indicator(
            self.tr("Signed {time}").format(
                time=local_time(note.signed_at or note.updated_at, "%H:%M")
            )
        )

    def _on_controller_sign_failed(self, words: str) -> None:
        self._text.set_read_only(False)
        self._sign_button.setEnabled(True)
        self._set_indicator(self.tr("Not signed: {reason}").format(reason=words), error=True)

    def _on_controller_stored(self) -> None:
        self._load_notes()
        self.sig_notes_changed.emit()
