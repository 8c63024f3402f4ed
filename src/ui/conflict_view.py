"""One conflict side by side: the clinician's offline change and the server's current record,
who changed each and when, why they clash, and the choices the rules allow.

The safe default (keep both texts of a note; the server's record otherwise) is the default
button, so Enter never throws anything away. The store decides and audits (`SyncReviewPort`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outpost.core.conflicts import Conflict, Record, Resolution, allowed_resolutions, safe_default
from outpost.core.domain import Appointment, NoteStatus, VisitNote
from outpost.ui.conflict_words import conflict_reason_text
from outpost.ui.note_list import local_time


class ConflictViewWidget(QWidget):
    sig_resolution_chosen = Signal(object, object)  # Conflict, Resolution

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflictView")
        self._conflict: Conflict | None = None
        self._me: str | None = None
        self.visit = QLabel()
        self.visit.setObjectName("conflictVisit")
        self.reason = QLabel()
        self.reason.setObjectName("conflictReason")
        self.reason.setWordWrap(True)
        bold = QFont(self.reason.font())
        bold.setBold(True)
        self.reason.setFont(bold)
        large = QFont(bold)
        large.setPointSizeF(large.pointSizeF() * 1.2)
        self.visit.setFont(large)
        self.mine_title = QLabel(self.tr("Your change (on this computer)"))
        self.server_title = QLabel(self.tr("On the server now"))
        for title in (self.mine_title, self.server_title):
            title.setFont(bold)
        self.mine_meta = QLabel()
        self.mine_meta.setObjectName("conflictMineMeta")
        self.server_meta = QLabel()
        self.server_meta.setObjectName("conflictServerMeta")
        self.mine = self._text_box("conflictMine", self.tr("Your change"))
        self.server = self._text_box("conflictServer", self.tr("Server's version"))
        self.mine_title.setBuddy(self.mine)
        self.server_title.setBuddy(self.server)
        sides = QGridLayout()
        sides.addWidget(self.mine_title, 0, 0)
        sides.addWidget(self.server_title, 0, 1)
        sides.addWidget(self.mine_meta, 1, 0)
        sides.addWidget(self.server_meta, 1, 1)
        sides.addWidget(self.mine, 2, 0)
        sides.addWidget(self.server, 2, 1)

        self.keep_both = self._choice(self.tr("Keep &both (recommended)"), "keepBothButton")
        self.keep_both.setToolTip(
            self.tr("Your text becomes a new draft note on the same visit; nothing is lost")
        )
        self.keep_server = self._choice(self.tr("Keep the &server's"), "keepServerButton")
        self.keep_server.setToolTip(
            self.tr("Show the server's version; your change stays in the audit record")
        )
        self.keep_mine = self._choice(self.tr("Keep &mine"), "keepMineButton")
        self.keep_mine.setToolTip(self.tr("Send your change again on top of the server's version"))
        self.help = QLabel()
        self.help.setObjectName("conflictHelp")
        self.help.setWordWrap(True)
        self.keep_both.clicked.connect(lambda: self._choose(Resolution.KEEP_BOTH))
        self.keep_server.clicked.connect(lambda: self._choose(Resolution.KEEP_SERVER))
        self.keep_mine.clicked.connect(lambda: self._choose(Resolution.KEEP_MINE))
        buttons = QHBoxLayout()
        for button in (self.keep_both, self.keep_server, self.keep_mine):
            buttons.addWidget(button)
        buttons.addStretch(1)

        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.visit)
        column.addWidget(self.reason)
        column.addLayout(sides, 1)
        column.addLayout(buttons)
        column.addWidget(self.help)

    def _text_box(self, name: str, accessible: str) -> QPlainTextEdit:
        box = QPlainTextEdit()
        box.setObjectName(name)
        box.setAccessibleName(accessible)
        box.setReadOnly(True)
        box.setTabChangesFocus(True)
        return box

    def _choice(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.replace("&", ""))
        return button

    def set_me(self, practitioner_reference: str | None) -> None:
        self._me = practitioner_reference

    def show_conflict(self, conflict: Conflict, visit: str) -> None:
        """`visit` names the patient and visit the conflicting record belongs to."""
        self._conflict = conflict
        self.visit.setText(visit)
        reason = conflict_reason_text(conflict)
        self.reason.setText(reason)
        self.reason.setAccessibleName(reason)
        self.mine.setPlainText(self._describe(conflict.local))
        self.mine_meta.setText(self._mine_meta(conflict.local))
        if conflict.server is None:
            self.server.setPlainText("")
            self.server_meta.setText(self.tr("The server's copy could not be read."))
        else:
            self.server.setPlainText(self._describe(conflict.server))
            self.server_meta.setText(self._server_meta(conflict.server))
        allowed = allowed_resolutions(conflict)
        default = safe_default(conflict)
        for choice, button in self._buttons().items():
            button.setVisible(choice in allowed or choice is not Resolution.KEEP_BOTH)
            button.setEnabled(choice in allowed)
            button.setDefault(choice is default)
            button.setAutoDefault(choice is default)
        self.help.setText(self._help(conflict, allowed))
        if default is not None:
            self._buttons()[default].setFocus(Qt.FocusReason.OtherFocusReason)

    def _buttons(self) -> dict[Resolution, QPushButton]:
        return {
            Resolution.KEEP_BOTH: self.keep_both,
            Resolution.KEEP_SERVER: self.keep_server,
            Resolution.KEEP_MINE: self.keep_mine,
        }

    def _choose(self, resolution: Resolution) -> None:
        if self._conflict is not None:
            self.sig_resolution_chosen.emit(self._conflict, resolution)

    # --- words -----------------------------------------------------------------------

    def _describe(self, record: Record) -> str:
        if isinstance(record, VisitNote):
            return record.text
        if isinstance(record, Appointment):
            return self.tr("Status: {status}\nStarts: {start}").format(
                status=record.status.value, start=local_time(record.start, "%d %b %H:%M")
            )
        return record.display_name

    def _state(self, record: Record) -> str:
        if isinstance(record, VisitNote):
            return {
                NoteStatus.DRAFT: self.tr("draft"),
                NoteStatus.SIGNED: self.tr("signed"),
                NoteStatus.AMENDED: self.tr("replaced by an amendment"),
            }[record.status]
        return ""

    def _mine_meta(self, record: Record) -> str:
        if isinstance(record, VisitNote):
            return self.tr("{state}, changed by you at {time}").format(
                state=self._state(record), time=local_time(record.updated_at, "%d %b %H:%M")
            )
        return self.tr("Changed by you on this computer")

    def _server_meta(self, record: Record) -> str:
        if not isinstance(record, VisitNote):
            return self.tr("The server's current record")
        if record.author is None or record.author == self._me:
            who = self.tr("you (on another computer)")
        else:
            who = self.tr("another clinician")
            self.server_meta.setToolTip(record.author)
        return self.tr("{state}, last changed {time} by {who}").format(
            state=self._state(record), time=local_time(record.updated_at, "%d %b %H:%M"), who=who
        )

    def _help(self, conflict: Conflict, allowed: frozenset[Resolution]) -> str:
        if isinstance(conflict.local, VisitNote) and Resolution.KEEP_MINE not in allowed:
            return self.tr(
                "A signed note cannot be overwritten, so “Keep mine” is not offered: keep "
                "both, and your text becomes a new draft you can edit and sign."
            )
        if isinstance(conflict.local, Appointment) and Resolution.KEEP_MINE not in allowed:
            return self.tr(
                "The server's status does not allow your change any more, so only the "
                "server's record can be kept."
            )
        if isinstance(conflict.local, VisitNote):
            return self.tr(
                "Keep both: your text becomes a new draft note on the same visit, nothing is "
                "lost. Keep the server's: the note shows the other version; yours stays in "
                "the audit record. Keep mine: your text replaces the other draft. Every "
                "choice is recorded in the audit log."
            )
        return self.tr("Every choice is recorded in the audit log.")
