"""Video visits in plain words: the room's state, the link's quality, how a visit ended,
the devices, waiting times and call errors. The only place those values become text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from outpost.core.errors import AuthExpiredError, CallError, CallErrorKind, OfflineError
from outpost.core.visits import LinkQuality, MediaDevice, VisitEnd, VisitState
from outpost.ui.messages import error_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("VisitWords", text)


def state_text(state: VisitState) -> str:
    words = {
        VisitState.IDLE: _tr("No visit open"),
        VisitState.CONNECTING: _tr("Opening the visit room…"),
        VisitState.WAITING_FOR_PATIENT: _tr(
            "Waiting for the patient to join. Copy the link if they need it again."
        ),
        VisitState.PATIENT_WAITING: _tr("The patient is in the waiting room. Admit them to start."),
        VisitState.CONNECTING_MEDIA: _tr("Patient admitted. Connecting the video…"),
        VisitState.IN_CALL: _tr("In the visit"),
        VisitState.RECONNECTING: _tr("Reconnecting… the visit continues when the link is back."),
        VisitState.ENDED: _tr("The visit has ended"),
        VisitState.FAILED: _tr("The visit could not continue"),
    }
    return words[state]


def quality_text(quality: LinkQuality, state: VisitState) -> str:
    """The quality indicator: what the link allows now, or what the call is doing."""
    if state is VisitState.RECONNECTING:
        return _tr("Reconnecting…")
    if state is not VisitState.IN_CALL:
        return ""
    words = {
        LinkQuality.GOOD: _tr("Good connection"),
        LinkQuality.REDUCED: _tr("Slower connection: video sharpness reduced"),
        LinkQuality.LOW: _tr("Weak connection: low-resolution video to keep the sound clear"),
        LinkQuality.AUDIO_ONLY: _tr(
            "Weak connection: audio only; video resumes when the link improves"
        ),
    }
    return words[quality]


def end_text(ended: VisitEnd, duration_s: float) -> str:
    length = duration_text(duration_s)
    if ended is VisitEnd.PATIENT_LEFT:
        return _tr("The patient left the visit after {length}.").format(length=length)
    if ended is VisitEnd.CONNECTION_LOST:
        return _tr("The connection to the visit room was lost after {length}.").format(
            length=length
        )
    if ended is VisitEnd.FAILED:
        return _tr("The visit stopped after {length} because of a problem.").format(length=length)
    if duration_s <= 0:
        return _tr("You left the visit room.")
    return _tr("Visit ended after {length}.").format(length=length)


def duration_text(seconds: float) -> str:
    whole = int(max(seconds, 0))
    if whole < 60:
        return _tr("{seconds} s").format(seconds=whole)
    return _tr("{minutes} min {seconds} s").format(minutes=whole // 60, seconds=whole % 60)


def waited_text(seconds: float) -> str:
    """How long someone has waited, as a clinician glances at it."""
    minutes = int(max(seconds, 0)) // 60
    if minutes < 1:
        return _tr("just now")
    if minutes == 1:
        return _tr("1 min")
    return _tr("{minutes} min").format(minutes=minutes)


def device_text(device: MediaDevice) -> str:
    words = {
        "test-pattern": _tr("Test camera (moving pattern)"),
        "test-voice": _tr("Test microphone (synthetic voice)"),
        "test-tone": _tr("Test microphone (tone)"),
    }
    return words.get(device.device_id, device.device_id)


def call_error_text(error: BaseException) -> str:
    """Why a visit could not open or continue, and what to do."""
    if isinstance(error, OfflineError):
        return _tr("The clinic server cannot be reached. Check the connection and try again.")
    if isinstance(error, AuthExpiredError):
        return _tr("Your sign-in has expired. Sign in again, then join the visit.")
    if isinstance(error, CallError):
        words = {
            CallErrorKind.UNREACHABLE: _tr(
                "The visit room cannot be reached. Check the connection and try again."
            ),
            CallErrorKind.REFUSED: _tr(
                "The server refused to open this visit room for you. Sync, or sign in again."
            ),
            CallErrorKind.REPLACED: _tr(
                "This visit was opened on another computer, so it was closed here."
            ),
            CallErrorKind.CONFIG: _tr(
                "Video visits are not set up correctly on this computer. Call your IT team."
            ),
        }
        if error.kind in words:
            return words[error.kind]
    return error_text(error)
