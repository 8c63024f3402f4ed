"""The video visit as the UI sees it: the `CallPort` seam and the values that cross it.

`outpost.media.call_service.CallService` implements `CallPort` on the runtime thread; the
UI drives it through its bridge (`Bridge.async_op`) and pulls the call's state and the
newest video pictures with a timer (`status`, `remote_video`, `local_video`: any thread,
no waiting), so video crosses as the newest frame only, never as a queue.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from outpost.core.errors import OutpostError

REHEARSAL_PREFIX = "rehearsal-"


def is_rehearsal(room_id: str) -> bool:
    """A rehearsal room (`CallPort.rehearse`), not an appointment's."""
    return room_id.startswith(REHEARSAL_PREFIX)


class VisitState(enum.Enum):
    """Where the clinician's side of a visit is (the room, the patient, the media)."""

    IDLE = "idle"  # no visit open
    CONNECTING = "connecting"  # to the visit room
    WAITING_FOR_PATIENT = "waiting-for-patient"  # in the room, nobody in the waiting room
    PATIENT_WAITING = "patient-waiting"  # the patient waits to be admitted
    CONNECTING_MEDIA = "connecting-media"  # admitted; the first connection is coming up
    IN_CALL = "in-call"
    RECONNECTING = "reconnecting"  # the connection dropped; a new one is on its way
    ENDED = "ended"
    FAILED = "failed"  # `CallStatus.error` says why

    @property
    def open(self) -> bool:
        """A visit is under way (the room is connected or connecting)."""
        return self not in (VisitState.IDLE, VisitState.ENDED, VisitState.FAILED)


class LinkQuality(enum.Enum):
    """What the link carries now, from the call's step-down ladder."""

    GOOD = "good"  # 640x480 at 30 frames a second
    REDUCED = "reduced"  # 480x360
    LOW = "low"  # 320x240 at 15 frames a second
    AUDIO_ONLY = "audio-only"


class VisitEnd(enum.Enum):
    """How a visit ended."""

    HUNG_UP = "hung-up"  # by this clinician
    PATIENT_LEFT = "patient-left"
    CONNECTION_LOST = "connection-lost"
    FAILED = "failed"


class WaitingState(enum.Enum):
    WAITING = "waiting"  # in the waiting room, not let in yet
    ADMITTED = "admitted"
    IN_CALL = "in-call"


class DeviceKind(enum.Enum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SPEAKER = "speaker"


@dataclass(frozen=True)
class WaitingPatient:
    """Someone in the waiting room of one of the clinic's appointments."""

    appointment_id: str
    state: WaitingState
    waited_s: float  # in this state, on the server's clock, when the list was fetched


@dataclass(frozen=True)
class VideoImage:
    """One picture: packed 8-bit RGB rows, `width * 3` bytes each."""

    width: int
    height: int
    rgb: bytes
    serial: int  # changes with every new frame; pass it back as `since`

    def __repr__(self) -> str:
        return f"VideoImage({self.width}x{self.height}, serial={self.serial})"


class DeviceState(enum.Enum):
    """What the visit's camera, microphone or speaker is doing (`CallStatus`); before a
    visit, what the next one will use."""

    WORKING = "working"  # the chosen device, or the system's default as chosen
    DEFAULT_INSTEAD = "default-instead"  # the chosen one is not connected: the default
    TEST_SOURCE = "test-source"  # test pattern, synthetic voice; a test speaker plays nothing
    NONE = "none"  # no device of this kind here: black picture, silence, or not heard
    BUSY = "busy"  # in use by another program or not allowed (`CallStatus.device_error`)
    NO_SIGNAL = "no-signal"  # open but giving nothing for now: covered until it gives again
    LOST = "lost"  # it stopped mid-call (unplugged): black picture, silence, or not heard


@dataclass(frozen=True)
class MediaDevice:
    """A camera, microphone or speaker the visit can use. The UI shows `name` for
    hardware and words the test sources (`synthetic`) by `device_id`."""

    device_id: str  # pass to `CallPort.use_device`; unique across kinds
    kind: DeviceKind
    synthetic: bool  # a test source (pattern, voice, a speaker playing nothing)
    name: str = ""  # the system's name for hardware ("" for the test sources)


@dataclass(frozen=True)
class CallStatus:
    """A snapshot of the open visit, cheap to take from any thread."""

    state: VisitState = VisitState.IDLE
    appointment_id: str | None = None
    quality: LinkQuality = LinkQuality.GOOD
    muted: bool = False
    camera_off: bool = False
    microphone: str | None = None  # device id in use (None: no microphone here)
    camera: str | None = None
    speaker: str | None = None
    camera_state: DeviceState = DeviceState.NONE
    microphone_state: DeviceState = DeviceState.NONE
    speaker_state: DeviceState = DeviceState.NONE
    device_error: OutpostError | None = None  # why a device is BUSY (the visit goes on)
    video_frames_received: int = 0
    in_call_s: float = 0.0  # since the patient was admitted
    ended: VisitEnd | None = None
    error: OutpostError | None = None  # why it FAILED


@dataclass(frozen=True)
class VisitSummary:
    """What a finished visit did, for the status bar and the headless demo."""

    appointment_id: str
    ended: VisitEnd
    duration_s: float
    video_frames_sent: int
    video_frames_received: int
    audio_frames_played: int
    media_flowed_both_ways: bool


@dataclass(frozen=True)
class VisitCredentials:
    """Where the signed-in clinician's server is and a current access token. Secret."""

    server_url: str
    access_token: str

    def __repr__(self) -> str:  # never print the token by accident
        return f"VisitCredentials(server_url={self.server_url!r})"


class CredentialSource(Protocol):
    """Gives current credentials (refreshing the sign-in when due); `forget` drops any
    cached ones after the server refused them. Awaited on the runtime thread."""

    async def __call__(self) -> VisitCredentials: ...

    def forget(self) -> None: ...


class CallPort(Protocol):
    """Video visits for the UI. Coroutines run on the runtime thread (`Bridge.async_op`);
    the plain methods may be called from any thread and never wait."""

    async def waiting(self) -> list[WaitingPatient]:
        """Who is in the waiting rooms of the clinic now (`OfflineError` when the server
        cannot be reached, `AuthExpiredError` when nobody is signed in)."""
        ...

    async def join(self, appointment_id: str) -> None:
        """Open the appointment's visit room; returns once the room answered."""
        ...

    async def rehearse(self) -> str:
        """Open a rehearsal room on the server with a synthetic patient (test pattern and
        voice) waiting in it; returns the room's id, which `join` then opens like an
        appointment's. The synthetic patient leaves when the visit ends."""
        ...

    async def admit(self) -> None:
        """Let the waiting patient in; the call starts. `InvalidStateError` if nobody waits."""
        ...

    async def hang_up(self) -> VisitSummary | None:
        """End the visit for both sides (None if no visit was open)."""
        ...

    async def set_muted(self, muted: bool) -> None: ...

    async def set_camera_off(self, off: bool) -> None: ...

    async def use_device(self, device_id: str) -> None:
        """Switch to another device of the same kind, during a visit or before one; the
        choice is remembered for the next visits. `DeviceBusyError` if it cannot be
        opened (the device in use stays)."""
        ...

    async def close(self) -> None:
        """Hang up any visit and release the network (the app is quitting)."""
        ...

    def devices(self) -> list[MediaDevice]: ...

    def status(self) -> CallStatus: ...

    def remote_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        """The patient's newest picture, fitted within the size, or None if none is newer
        than `since`."""
        ...

    def local_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        """The camera's newest picture (the self-view), as `remote_video`."""
        ...
