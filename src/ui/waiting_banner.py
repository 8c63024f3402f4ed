"""The band above the schedule that says who is waiting for a video visit now, for how
long, with a Join button each; or why that cannot be shown (offline, not signed in)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from outpost.core.domain import ScheduleItem
from outpost.core.visits import WaitingPatient, WaitingState
from outpost.ui.schedule_model import local_hhmm
from outpost.ui.visit_words import call_error_text, waited_text
from outpost.ui.waiting_room import WaitingPhase, WaitingView

MAX_ROWS = 3
_WAITING_STYLE = (
    '#waitingBanner[waiting="true"] { background: palette(highlight);'
    " border-radius: 6px; }"
    ' #waitingBanner[waiting="true"] QLabel { color: palette(highlighted-text); }'
)
Lookup = Callable[[str], ScheduleItem | None]


class WaitingBannerWidget(QFrame):
    """Shows a `WaitingView`; emits the appointment whose Join button was pressed."""

    sig_join_requested = Signal(str)  # appointment id

    def __init__(self, lookup: Lookup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("waitingBanner")
        self.setAccessibleName(self.tr("Waiting room"))
        self.setStyleSheet(_WAITING_STYLE)
        self._lookup = lookup
        self._view = WaitingView(WaitingPhase.OFF)
        self._message = QLabel()
        self._message.setObjectName("waitingMessage")
        self._message.setWordWrap(True)
        self._rows = QVBoxLayout()
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(4)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 10, 6)
        column.addWidget(self._message)
        column.addLayout(self._rows)
        self.join_buttons: list[QPushButton] = []
        self._labels: dict[str, QLabel] = {}  # by appointment id, in the order shown
        self.setVisible(False)

    @property
    def message(self) -> str:
        return self._message.text()

    def entry_texts(self) -> list[str]:
        return [label.accessibleName() for label in self._labels.values()]

    def waiting_entries(self) -> list[WaitingPatient]:
        return [e for e in self._view.entries if e.state is WaitingState.WAITING]

    def show_view(self, view: WaitingView, now: float) -> None:
        """Show `view` as of `now` (monotonic: how long people have waited by then)."""
        self._view = view
        waiting = self.waiting_entries()
        self.setProperty("waiting", bool(waiting) and view.phase is WaitingPhase.READY)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(view.phase is not WaitingPhase.OFF)
        self._message.setText(self._message_text(view, len(waiting)))
        self._message.setVisible(bool(self._message.text()))
        shown = waiting[:MAX_ROWS] if view.phase is WaitingPhase.READY else []
        if [entry.appointment_id for entry in shown] != list(self._labels):
            self._clear_rows()  # rebuilt only when someone came or went: focus stays put
            for entry in shown:
                self._add_row(entry)
        for entry in shown:
            self._word_row(entry, view.waited_s(entry, now))

    def _message_text(self, view: WaitingView, waiting: int) -> str:
        if view.phase is WaitingPhase.LOADING:
            return self.tr("Checking who is waiting…")
        if view.phase is WaitingPhase.OFFLINE:
            return self.tr(
                "Offline: who is waiting shows again once the clinic server can be reached."
                " The schedule and notes work as usual."
            )
        if view.phase is WaitingPhase.SIGNED_OUT:
            return self.tr("Sign in to see who is waiting for a video visit.")
        if view.phase is WaitingPhase.FAILED:
            reason = call_error_text(view.error) if view.error is not None else ""
            return self.tr("Who is waiting cannot be shown now. {reason}").format(reason=reason)
        if view.phase is WaitingPhase.OFF:
            return ""
        if waiting == 0:
            return self.tr("Nobody is in a waiting room right now.")
        if waiting > MAX_ROWS:
            return self.tr("{count} patients are waiting; the first {shown} are below.").format(
                count=waiting, shown=MAX_ROWS
            )
        return ""

    def _who(self, appointment_id: str) -> tuple[str, str]:
        item = self._lookup(appointment_id)
        if item is None:
            return self.tr("A patient (sync to see who)"), ""
        when = self.tr("{time} video visit").format(time=local_hhmm(item.appointment.start))
        return item.patient.display_name, when

    def _word_row(self, entry: WaitingPatient, waited_s: float) -> None:
        who, when = self._who(entry.appointment_id)
        text = self.tr("{who} is waiting · {waited}").format(who=who, waited=waited_text(waited_s))
        if when:
            text = f"{text} · {when}"
        label = self._labels[entry.appointment_id]
        label.setText(f"<b>{_escape(text)}</b>")
        label.setAccessibleName(text)

    def _add_row(self, entry: WaitingPatient) -> None:
        who, _when = self._who(entry.appointment_id)
        label = QLabel()
        label.setObjectName("waitingEntry")
        label.setTextFormat(Qt.TextFormat.RichText)
        self._labels[entry.appointment_id] = label
        button = QPushButton(self.tr("Join"))
        button.setObjectName("waitingJoinButton")
        button.setAccessibleName(self.tr("Join the video visit with {who}").format(who=who))
        button.setToolTip(self.tr("Open the visit room; then admit the patient"))
        appointment_id = entry.appointment_id
        button.clicked.connect(lambda: self.sig_join_requested.emit(appointment_id))
        row = QHBoxLayout()
        row.addWidget(label, 1)
        row.addWidget(button)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        self._rows.addWidget(holder)
        self.join_buttons.append(button)

    def _clear_rows(self) -> None:
        self.join_buttons = []
        self._labels = {}
        while self._rows.count():
            taken = self._rows.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
