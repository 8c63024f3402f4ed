"""Autosave of the draft being typed: what is saved, when, and what happens on failure.

Rules (the widget only displays their outcome):
- the note is created on the first change; later changes are saved at most `autosave_ms`
  after the first unsaved change (typing does not push the save back, so a crash loses at
  most about that much), and at once on `flush()` (focus-out, switching note, closing);
- every write for one draft goes through the store worker in order, and the worker itself
  remembers the id of the note it created, so a save queued before the create finished
  still lands on the right note;
- a failed save keeps the text: on screen it stays in the editor and is retried; for a draft
  no longer on screen the text is kept here until its appointment is opened again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from outpost.core.domain import AppointmentId, NoteId, VisitNote
from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore
from outpost.ui.bridge import Bridge
from outpost.ui.messages import error_text

logger = logging.getLogger(__name__)

RETRY_MS = 2000  # after a failed save, try again this often (or on the next change)


class DraftHandle:
    """One draft's identity. `note_id` is set here on the main thread for an existing note,
    otherwise by the create job on the store worker; after that only worker jobs read it."""

    __slots__ = ("appointment_id", "note_id")

    def __init__(self, appointment_id: AppointmentId, note_id: NoteId | None) -> None:
        self.appointment_id = appointment_id
        self.note_id = note_id


def _write(store: ClinicStore, draft: DraftHandle, text: str) -> VisitNote:
    """Store worker: create the note on first write, save the draft after that."""
    if draft.note_id is None:
        note = store.create_note(draft.appointment_id, text)
        draft.note_id = note.id
        return note
    return store.save_draft(draft.note_id, text)


def _write_and_sign(store: ClinicStore, draft: DraftHandle, text: str, write: bool) -> VisitNote:
    """Store worker: sign exactly the text on screen; if saving it fails, nothing is signed."""
    if write or draft.note_id is None:
        _write(store, draft, text)
    assert draft.note_id is not None
    return store.sign_note(draft.note_id)


class NoteDraftController(QObject):
    """Saves the one draft being edited; `text` reads the editor when a save starts."""

    sig_save_started = Signal()
    sig_saved = Signal(object)  # VisitNote just written (for the draft on screen)
    sig_save_failed = Signal(str)  # plain words; the text is still in the editor
    sig_signed = Signal(object)  # the signed VisitNote
    sig_sign_failed = Signal(str)
    sig_stored = Signal()  # any write landed (refresh counts of unsent changes)
    sig_background_save_failed = Signal(str)  # a draft no longer on screen was not saved

    def __init__(
        self,
        bridge: Bridge,
        *,
        autosave_ms: int,
        text: Callable[[], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._bridge = bridge
        self._autosave_ms = autosave_ms
        self._text = text
        self._draft: DraftHandle | None = None
        self._note_id: NoteId | None = None
        self._edits = 0  # changes made to the draft on screen
        self._submitted = 0  # changes handed to the store worker
        self._saved = 0  # changes confirmed on disk
        self._signing = False
        self._rescued: dict[AppointmentId, tuple[DraftHandle, str, int]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    # --- state -----------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self._draft is not None

    @property
    def appointment_id(self) -> AppointmentId | None:
        return None if self._draft is None else self._draft.appointment_id

    @property
    def note_id(self) -> NoteId | None:
        """The note on screen, once the store has confirmed it exists."""
        return self._note_id

    @property
    def dirty(self) -> bool:
        return self._edits != self._saved

    @property
    def signing(self) -> bool:
        return self._signing

    # --- commands --------------------------------------------------------------------

    def start(self, appointment_id: AppointmentId, note: VisitNote | None) -> None:
        """Edit `note` (a draft), or a new note for the appointment when `note` is None."""
        self.stop()
        note_id = None if note is None else note.id
        self._begin(DraftHandle(appointment_id, note_id), note_id, edits=0)

    def resume_rescued(self, appointment_id: AppointmentId) -> str | None:
        """Bring back a draft whose last save failed after it left the screen; returns its
        text for the editor (it is saved again shortly), or None if there is none."""
        rescued = self._rescued.pop(appointment_id, None)
        if rescued is None:
            return None
        self.stop()
        draft, text, _edits = rescued
        self._begin(draft, None, edits=1)
        self._timer.start(self._autosave_ms)
        return text

    def stop(self) -> None:
        """Save what is unsaved, then stop editing (results still arrive and are kept)."""
        self.flush()
        self._timer.stop()
        self._draft = None
        self._note_id = None
        self._signing = False

    def changed(self) -> None:
        """The user changed the text."""
        if self._draft is None or self._signing:
            return
        self._edits += 1
        if self._note_id is None and self._submitted == 0:
            self._persist()  # the first keystroke creates the note at once
        elif not self._timer.isActive():
            self._timer.start(self._autosave_ms)

    def flush(self) -> None:
        """Hand any unsaved change to the store worker now."""
        if self._draft is not None and not self._signing:
            self._persist()

    def sign(self) -> bool:
        """Save and sign the text on screen; False (and nothing sent) if it is empty."""
        draft = self._draft
        if draft is None or self._signing:
            return False
        text = self._text()
        if not text.strip():
            self.sig_sign_failed.emit(self.tr("Type the note before signing it."))
            return False
        self._timer.stop()
        self._signing = True
        edits = self._edits
        write = edits != self._saved or self._note_id is None
        self._submitted = edits
        (
            self._bridge.store_op(lambda store: _write_and_sign(store, draft, text, write))
            .success(lambda note: self._on_signed(draft, edits, note))
            .failure(lambda error: self._on_sign_failed(draft, error))
            .run()
        )
        return True

    # --- internals -------------------------------------------------------------------

    def _begin(self, draft: DraftHandle, note_id: NoteId | None, *, edits: int) -> None:
        self._draft = draft
        self._note_id = note_id
        self._edits = edits
        self._submitted = 0
        self._saved = 0
        self._signing = False

    def _on_timer_timeout(self) -> None:
        self._persist()

    def _persist(self) -> None:
        draft = self._draft
        if draft is None or self._edits == self._submitted:
            return
        self._timer.stop()
        text = self._text()
        edits = self._edits
        self._submitted = edits
        self.sig_save_started.emit()
        (
            self._bridge.store_op(lambda store: _write(store, draft, text))
            .success(lambda note: self._on_written(draft, edits, note))
            .failure(lambda error: self._on_write_failed(draft, text, edits, error))
            .run()
        )

    def _on_written(self, draft: DraftHandle, edits: int, note: VisitNote) -> None:
        self.sig_stored.emit()
        if draft is not self._draft:
            rescued = self._rescued.get(draft.appointment_id)
            if rescued is not None and rescued[0] is draft and rescued[2] <= edits:
                del self._rescued[draft.appointment_id]
            return
        self._note_id = note.id
        self._saved = max(self._saved, edits)
        self.sig_saved.emit(note)

    def _on_write_failed(self, draft: DraftHandle, text: str, edits: int, error: Exception) -> None:
        words = _failure_words(error)
        if draft is not self._draft:
            rescued = self._rescued.get(draft.appointment_id)
            if rescued is None or rescued[0] is not draft or rescued[2] <= edits:
                self._rescued[draft.appointment_id] = (draft, text, edits)
            self.sig_background_save_failed.emit(words)
            return
        if edits == self._submitted:
            self._submitted = self._saved  # not on disk: the next flush must send it again
        self.sig_save_failed.emit(words)
        if not self._timer.isActive():
            self._timer.start(max(RETRY_MS, self._autosave_ms))

    def _on_signed(self, draft: DraftHandle, edits: int, note: VisitNote) -> None:
        self.sig_stored.emit()
        if draft is not self._draft:
            return
        self._saved = max(self._saved, edits)
        self._timer.stop()
        self._draft = None  # a signed note is read-only: the editing session is over
        self._note_id = None
        self._signing = False
        self.sig_signed.emit(note)

    def _on_sign_failed(self, draft: DraftHandle, error: Exception) -> None:
        if draft is not self._draft:
            return
        self._signing = False
        self._submitted = self._saved
        self.sig_sign_failed.emit(_failure_words(error))


def _failure_words(error: Exception) -> str:
    if not isinstance(error, OutpostError):
        # A bug, not a known condition: keep the note safe first, and leave a traceback.
        logger.error(
            "note write failed unexpectedly: %s",
            type(error).__name__,
            exc_info=(type(error), error, error.__traceback__),
        )
    return error_text(error)
