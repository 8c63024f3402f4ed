"""Why a conflict happened, in the clinician's language. The sync layer stores its reason
in English (`outpost.sync.rules`); a note's reasons are looked up here by that text, and an
appointment's is said again from the two states the conflict holds. Translated in the
"ConflictWords" context."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from outpost.core.conflicts import Conflict
from outpost.core.domain import Appointment, AppointmentStatus

# The note reasons of `outpost.sync.rules`, for the translation tools (the same text).
NOTE_REASONS = (
    QT_TRANSLATE_NOOP(
        "ConflictWords",
        "This note was signed elsewhere; signed notes cannot be changed — your text is kept"
        " as a conflict.",
    ),
    QT_TRANSLATE_NOOP(
        "ConflictWords",
        "This draft was changed on another computer while you were offline; both versions"
        " are kept.",
    ),
    QT_TRANSLATE_NOOP(
        "ConflictWords",
        "The server's copy of this note changed in a way Outpost cannot show; your text is"
        " kept as a conflict.",
    ),
)


def conflict_reason_text(conflict: Conflict) -> str:
    local, server = conflict.local, conflict.server
    if isinstance(local, Appointment) and isinstance(server, Appointment):
        return QCoreApplication.translate(
            "ConflictWords", "The appointment {state} on the server, so it cannot be {wanted}."
        ).format(state=_server_state(server.status), wanted=_wanted(local.status))
    return QCoreApplication.translate("ConflictWords", conflict.reason)


def _server_state(status: AppointmentStatus) -> str:
    s = AppointmentStatus
    words = {
        s.PROPOSED: QCoreApplication.translate("ConflictWords", "is only proposed"),
        s.PENDING: QCoreApplication.translate("ConflictWords", "is still pending"),
        s.BOOKED: QCoreApplication.translate("ConflictWords", "is booked but not yet started"),
        s.ARRIVED: QCoreApplication.translate("ConflictWords", "was marked as arrived"),
        s.FULFILLED: QCoreApplication.translate("ConflictWords", "was completed"),
        s.CANCELLED: QCoreApplication.translate("ConflictWords", "was cancelled"),
        s.NOSHOW: QCoreApplication.translate("ConflictWords", "was marked as a no-show"),
        s.ENTERED_IN_ERROR: QCoreApplication.translate(
            "ConflictWords", "was marked as entered in error"
        ),
        s.CHECKED_IN: QCoreApplication.translate("ConflictWords", "was checked in"),
        s.WAITLIST: QCoreApplication.translate("ConflictWords", "is on the waiting list"),
    }
    return words[status]


def _wanted(status: AppointmentStatus) -> str:
    s = AppointmentStatus
    words = {
        s.PROPOSED: QCoreApplication.translate("ConflictWords", "proposed"),
        s.PENDING: QCoreApplication.translate("ConflictWords", "set to pending"),
        s.BOOKED: QCoreApplication.translate("ConflictWords", "booked"),
        s.ARRIVED: QCoreApplication.translate("ConflictWords", "marked as arrived"),
        s.FULFILLED: QCoreApplication.translate("ConflictWords", "completed"),
        s.CANCELLED: QCoreApplication.translate("ConflictWords", "cancelled"),
        s.NOSHOW: QCoreApplication.translate("ConflictWords", "marked as a no-show"),
        s.ENTERED_IN_ERROR: QCoreApplication.translate(
            "ConflictWords", "marked as entered in error"
        ),
        s.CHECKED_IN: QCoreApplication.translate("ConflictWords", "checked in"),
        s.WAITLIST: QCoreApplication.translate("ConflictWords", "put on the waiting list"),
    }
    return words[status]
