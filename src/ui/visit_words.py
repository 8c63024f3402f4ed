"""Video visits in plain words: the room's state, the link's quality, how a visit ended,
the devices, waiting times and call errors. The only place those values become text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from outpost.core.errors import AuthExpiredError, CallError, CallErrorKind, OfflineError
from outpost.core.visits import (
    CallStatus,
    DeviceKind,
    DeviceState,
    LinkQuality,
    MediaDevice,
    VisitEnd,
    VisitState,
)
from outpost.ui.messages import error_text


def state_text(state: VisitState) -> str:
    words = {
        VisitState.IDLE: QCoreApplication.translate("VisitWords", "No visit open"),
        VisitState.CONNECTING: QCoreApplication.translate("VisitWords", "Opening the visit room…"),
        VisitState.WAITING_FOR_PATIENT: QCoreApplication.translate(
            "VisitWords", "Waiting for the patient to join. Copy the link if they need it again."
        ),
        VisitState.PATIENT_WAITING: QCoreApplication.translate(
            "VisitWords", "The patient is in the waiting room. Admit them to start."
        ),
        VisitState.CONNECTING_MEDIA: QCoreApplication.translate(
            "VisitWords", "Patient admitted. Connecting the video…"
        ),
        VisitState.IN_CALL: QCoreApplication.translate("VisitWords", "In the visit"),
        VisitState.RECONNECTING: QCoreApplication.translate(
            "VisitWords", "Reconnecting… the visit continues when the link is back."
        ),
        VisitState.ENDED: QCoreApplication.translate("VisitWords", "The visit has ended"),
        VisitState.FAILED: QCoreApplication.translate("VisitWords", "The visit could not continue"),
    }
    return words[state]


def quality_text(quality: LinkQuality, state: VisitState) -> str:
    """The quality indicator: what the link allows now, or what the call is doing."""
    if state is VisitState.RECONNECTING:
        return QCoreApplication.translate("VisitWords", "Reconnecting…")
    if state is not VisitState.IN_CALL:
        return ""
    words = {
        LinkQuality.GOOD: QCoreApplication.translate("VisitWords", "Good connection"),
        LinkQuality.REDUCED: QCoreApplication.translate(
            "VisitWords", "Slower connection: video sharpness reduced"
        ),
        LinkQuality.LOW: QCoreApplication.translate(
            "VisitWords", "Weak connection: low-resolution video to keep the sound clear"
        ),
        LinkQuality.AUDIO_ONLY: QCoreApplication.translate(
            "VisitWords", "Weak connection: audio only; video resumes when the link improves"
        ),
    }
    return words[quality]


def end_text(ended: VisitEnd, duration_s: float) -> str:
    length = duration_text(duration_s)
    if ended is VisitEnd.PATIENT_LEFT:
        return QCoreApplication.translate(
            "VisitWords", "The patient left the visit after {length}."
        ).format(length=length)
    if ended is VisitEnd.CONNECTION_LOST:
        return QCoreApplication.translate(
            "VisitWords", "The connection to the visit room was lost after {length}."
        ).format(length=length)
    if ended is VisitEnd.FAILED:
        return QCoreApplication.translate(
            "VisitWords", "The visit stopped after {length} because of a problem."
        ).format(length=length)
    if duration_s <= 0:
        return QCoreApplication.translate("VisitWords", "You left the visit room.")
    return QCoreApplication.translate("VisitWords", "Visit ended after {length}.").format(
        length=length
    )


def duration_text(seconds: float) -> str:
    whole = int(max(seconds, 0))
    if whole < 60:
        return QCoreApplication.translate("VisitWords", "{seconds} s").format(seconds=whole)
    return QCoreApplication.translate("VisitWords", "{minutes} min {seconds} s").format(
        minutes=whole // 60, seconds=whole % 60
    )


def clock_text(seconds: float) -> str:
    """A running visit's length as a clock shows it: 4:05, 1:02:30."""
    whole = int(max(seconds, 0))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def waited_text(seconds: float) -> str:
    """How long someone has waited, as a clinician glances at it."""
    minutes = int(max(seconds, 0)) // 60
    if minutes < 1:
        return QCoreApplication.translate("VisitWords", "just now")
    if minutes == 1:
        return QCoreApplication.translate("VisitWords", "1 min")
    return QCoreApplication.translate("VisitWords", "{minutes} min").format(minutes=minutes)


def device_text(device: MediaDevice) -> str:
    """A device menu's entry: the system's name for hardware, words for the test sources."""
    words = {
        "test-pattern": QCoreApplication.translate("VisitWords", "Test camera (moving pattern)"),
        "test-voice": QCoreApplication.translate("VisitWords", "Test microphone (synthetic voice)"),
        "test-speaker": QCoreApplication.translate("VisitWords", "Test speaker (plays nothing)"),
    }
    if device.synthetic:
        return words.get(device.device_id, device.device_id)
    return device.name or device.device_id


def device_notes(status: CallStatus) -> list[str]:
    """A sentence for each device that is not simply working, saying what the patient or
    the clinician will notice and what to do."""
    words = {
        (DeviceKind.CAMERA, DeviceState.DEFAULT_INSTEAD): QCoreApplication.translate(
            "VisitWords", "Your chosen camera is not connected: the default camera is used."
        ),
        (DeviceKind.CAMERA, DeviceState.TEST_SOURCE): QCoreApplication.translate(
            "VisitWords", "The patient sees a test picture instead of your camera."
        ),
        (DeviceKind.CAMERA, DeviceState.NONE): QCoreApplication.translate(
            "VisitWords", "No camera found: the patient sees a black picture."
        ),
        (DeviceKind.CAMERA, DeviceState.BUSY): QCoreApplication.translate(
            "VisitWords",
            "The camera is in use by another program or blocked: close that program or"
            " allow camera access, then pick it again.",
        ),
        (DeviceKind.CAMERA, DeviceState.NO_SIGNAL): QCoreApplication.translate(
            "VisitWords", "The camera sends no picture at the moment."
        ),
        (DeviceKind.CAMERA, DeviceState.LOST): QCoreApplication.translate(
            "VisitWords", "The camera stopped (unplugged?): pick another one."
        ),
        (DeviceKind.MICROPHONE, DeviceState.DEFAULT_INSTEAD): QCoreApplication.translate(
            "VisitWords",
            "Your chosen microphone is not connected: the default microphone is used.",
        ),
        (DeviceKind.MICROPHONE, DeviceState.TEST_SOURCE): QCoreApplication.translate(
            "VisitWords", "The patient hears a test voice instead of your microphone."
        ),
        (DeviceKind.MICROPHONE, DeviceState.NONE): QCoreApplication.translate(
            "VisitWords", "No microphone found: the patient cannot hear you."
        ),
        (DeviceKind.MICROPHONE, DeviceState.BUSY): QCoreApplication.translate(
            "VisitWords",
            "The microphone is in use by another program or blocked: close that program"
            " or allow microphone access, then pick it again.",
        ),
        (DeviceKind.MICROPHONE, DeviceState.NO_SIGNAL): QCoreApplication.translate(
            "VisitWords", "The microphone gives no sound at the moment."
        ),
        (DeviceKind.MICROPHONE, DeviceState.LOST): QCoreApplication.translate(
            "VisitWords", "The microphone stopped (unplugged?): pick another one."
        ),
        (DeviceKind.SPEAKER, DeviceState.DEFAULT_INSTEAD): QCoreApplication.translate(
            "VisitWords", "Your chosen speaker is not connected: the default speaker is used."
        ),
        (DeviceKind.SPEAKER, DeviceState.TEST_SOURCE): QCoreApplication.translate(
            "VisitWords", "The patient's voice is not played (test speaker)."
        ),
        (DeviceKind.SPEAKER, DeviceState.NONE): QCoreApplication.translate(
            "VisitWords", "No speaker found: you cannot hear the patient."
        ),
        (DeviceKind.SPEAKER, DeviceState.BUSY): QCoreApplication.translate(
            "VisitWords", "The speaker cannot be opened: pick another one."
        ),
        (DeviceKind.SPEAKER, DeviceState.NO_SIGNAL): QCoreApplication.translate(
            "VisitWords", "The speaker is not playing at the moment."
        ),
        (DeviceKind.SPEAKER, DeviceState.LOST): QCoreApplication.translate(
            "VisitWords", "The speaker stopped (unplugged?): pick another one."
        ),
    }
    states = (
        (DeviceKind.CAMERA, status.camera_state),
        (DeviceKind.MICROPHONE, status.microphone_state),
        (DeviceKind.SPEAKER, status.speaker_state),
    )
    return [words[key] for key in states if key in words]


def call_error_text(error: BaseException) -> str:
    """Why a visit could not open or continue, and what to do."""
    if isinstance(error, OfflineError):
        return QCoreApplication.translate(
            "VisitWords", "The clinic server cannot be reached. Check the connection and try again."
        )
    if isinstance(error, AuthExpiredError):
        return QCoreApplication.translate(
            "VisitWords", "Your sign-in has expired. Sign in again, then join the visit."
        )
    if isinstance(error, CallError):
        words = {
            CallErrorKind.UNREACHABLE: QCoreApplication.translate(
                "VisitWords",
                "The visit room cannot be reached. Check the connection and try again.",
            ),
            CallErrorKind.REFUSED: QCoreApplication.translate(
                "VisitWords",
                "The server refused to open this visit room for you. Sync, or sign in again.",
            ),
            CallErrorKind.REPLACED: QCoreApplication.translate(
                "VisitWords", "This visit was opened on another computer, so it was closed here."
            ),
            CallErrorKind.CONFIG: QCoreApplication.translate(
                "VisitWords",
                "Video visits are not set up correctly on this computer. Call your IT team.",
            ),
            CallErrorKind.BUSY: QCoreApplication.translate(
                "VisitWords",
                "The server has too many rehearsal rooms open right now. Try again in a few"
                " minutes.",
            ),
        }
        if error.kind in words:
            return words[error.kind]
    return error_text(error)
