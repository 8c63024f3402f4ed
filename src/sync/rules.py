"""Conflict rules per record type (DESIGN 4), pure, with the plain reasons people read.

- Visit notes are never merged and never last-writer-wins: a draft changed elsewhere, or a
  note signed elsewhere, becomes a conflict that keeps both texts.
- An appointment status change is a request: re-applied on the server's current record when
  the state machine still allows it, already satisfied when the server has that status,
  otherwise a conflict with a reason naming both states.
"""

from __future__ import annotations

import enum

from outpost.core.domain import (
    APPOINTMENT_TRANSITIONS,
    AppointmentStatus,
    NoteStatus,
    VisitNote,
)

NOTE_SIGNED_ELSEWHERE = (
    "This note was signed elsewhere; signed notes cannot be changed — your text is kept as "
    "a conflict."
)
DRAFT_CHANGED_ELSEWHERE = (
    "This draft was changed on another computer while you were offline; both versions are kept."
)
NOTE_UNREADABLE = (
    "The server's copy of this note changed in a way Outpost cannot show; your text is kept "
    "as a conflict."
)


def note_conflict_reason(server: VisitNote | None) -> str:
    if server is None:
        return NOTE_UNREADABLE
    if server.status is not NoteStatus.DRAFT:
        return NOTE_SIGNED_ELSEWHERE
    return DRAFT_CHANGED_ELSEWHERE


def same_note(local: VisitNote, server: VisitNote) -> bool:
    """Whether the server holds what the clinician wrote (text, status, what it replaces);
    timestamps are left out, servers may round them."""
    return (
        local.text == server.text
        and local.status is server.status
        and local.replaces == server.replaces
    )


class StatusDecision(enum.Enum):
    ALREADY = "already"  # the server has the wanted status: nothing to send
    APPLY = "apply"  # legal from the server's status: send it on the current version
    CONFLICT = "conflict"


def status_decision(server: AppointmentStatus, wanted: AppointmentStatus) -> StatusDecision:
    if server is wanted:
        return StatusDecision.ALREADY
    if wanted in APPOINTMENT_TRANSITIONS[server]:
        return StatusDecision.APPLY
    return StatusDecision.CONFLICT


_S = AppointmentStatus
_SERVER_STATE = {
    _S.PROPOSED: "is only proposed",
    _S.PENDING: "is still pending",
    _S.BOOKED: "is booked but not yet started",
    _S.ARRIVED: "was marked as arrived",
    _S.FULFILLED: "was completed",
    _S.CANCELLED: "was cancelled",
    _S.NOSHOW: "was marked as a no-show",
    _S.ENTERED_IN_ERROR: "was marked as entered in error",
    _S.CHECKED_IN: "was checked in",
    _S.WAITLIST: "is on the waiting list",
}
_WANTED = {
    _S.PROPOSED: "proposed",
    _S.PENDING: "set to pending",
    _S.BOOKED: "booked",
    _S.ARRIVED: "marked as arrived",
    _S.FULFILLED: "completed",
    _S.CANCELLED: "cancelled",
    _S.NOSHOW: "marked as a no-show",
    _S.ENTERED_IN_ERROR: "marked as entered in error",
    _S.CHECKED_IN: "checked in",
    _S.WAITLIST: "put on the waiting list",
}


def appointment_reason(server: AppointmentStatus, wanted: AppointmentStatus) -> str:
    """E.g. "The appointment was cancelled on the server, so it cannot be checked in." """
    return (
        f"The appointment {_SERVER_STATE[server]} on the server, so it cannot be {_WANTED[wanted]}."
    )
