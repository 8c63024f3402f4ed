"""How the app's visit looks from outside: the engine's states, ladder steps and ends as
`CallPort` values, the devices in use added to a `CallStatus`, a finished call's summary."""

from __future__ import annotations

import dataclasses

from outpost.core.errors import OutpostError
from outpost.core.visits import (
    CallStatus,
    DeviceKind,
    LinkQuality,
    VisitEnd,
    VisitState,
    VisitSummary,
)
from outpost.media.call_record import CallRecord, EndReason
from outpost.media.call_session import CallState
from outpost.media.ladder import Step
from outpost.media.visit_devices import DeviceUse

STATES = {
    CallState.CONNECTING: VisitState.CONNECTING,
    CallState.WAITING_FOR_PATIENT: VisitState.WAITING_FOR_PATIENT,
    CallState.PATIENT_WAITING: VisitState.PATIENT_WAITING,
    CallState.CONNECTING_MEDIA: VisitState.CONNECTING_MEDIA,
    CallState.IN_CALL: VisitState.IN_CALL,
    CallState.RECONNECTING: VisitState.RECONNECTING,
    CallState.ENDED: VisitState.ENDED,
}
QUALITY = {
    Step.FULL: LinkQuality.GOOD,
    Step.MEDIUM: LinkQuality.REDUCED,
    Step.LOW: LinkQuality.LOW,
    Step.AUDIO_ONLY: LinkQuality.AUDIO_ONLY,
}
ENDS = {
    EndReason.HUNG_UP: VisitEnd.HUNG_UP,
    EndReason.REMOTE_BYE: VisitEnd.PATIENT_LEFT,
    EndReason.SIGNALING_CLOSED: VisitEnd.CONNECTION_LOST,
    EndReason.FAILED: VisitEnd.FAILED,
}


def with_devices(
    status: CallStatus,
    in_use: dict[DeviceKind, DeviceUse],
    errors: dict[DeviceKind, OutpostError] | None,
) -> CallStatus:
    camera, microphone, speaker = (
        in_use[kind] for kind in (DeviceKind.CAMERA, DeviceKind.MICROPHONE, DeviceKind.SPEAKER)
    )
    return dataclasses.replace(
        status,
        camera=camera.device_id,
        microphone=microphone.device_id,
        speaker=speaker.device_id,
        camera_state=camera.state,
        microphone_state=microphone.state,
        speaker_state=speaker.state,
        device_error=next(iter(errors.values()), None) if errors else None,
    )


def summary(appointment_id: str, record: CallRecord | None) -> VisitSummary:
    if record is None:  # hung up before anyone was admitted
        return VisitSummary(appointment_id, VisitEnd.HUNG_UP, 0.0, 0, 0, 0, False)
    summary = record.summary
    return VisitSummary(
        appointment_id,
        ENDS[summary.ended],
        duration_s=summary.duration_s,
        video_frames_sent=summary.video_frames_sent,
        video_frames_received=summary.video_frames_received,
        audio_frames_played=summary.audio_frames_played,
        media_flowed_both_ways=summary.media_flowed_both_ways,
    )
