"""The tech check as the UI sees it: the `TechCheckPort` seam and the findings it reports.

Before a clinician's first visit (and whenever they ask) the app checks the camera, the
microphone, the speaker, the network to the server, the TURN relays and the echo
canceller, each giving one `CheckResult`. Results carry a `Finding` code and figures, never
sentences: the UI words them in the clinician's language. The port's coroutines run on the
runtime thread (`Bridge.async_op`); `camera_preview` and `microphone_level` may be pulled
from any thread at any time and never wait.

    results = await port.open_devices()        # camera + microphone, preview starts
    level = port.microphone_level()            # UI timer: the level bar
    await port.play_test_sound()               # the clinician says whether they heard it
    await port.check_network(); await port.check_turn(); await port.check_echo()
    await port.close_devices()
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Protocol

from outpost.core.visits import VideoImage

SILENCE_DB = -100.0  # `microphone_level` when nothing is heard (or no microphone is open)


class CheckName(enum.Enum):
    CAMERA = "camera"
    MICROPHONE = "microphone"
    SPEAKER = "speaker"
    NETWORK = "network"
    TURN = "turn"
    ECHO = "echo"


class Verdict(enum.Enum):
    PASSED = "passed"
    WARNING = "warning"  # visits work, with a limit the clinician should know about
    FAILED = "failed"  # visits will not work this way; the finding says what to do
    SKIPPED = "skipped"  # does not apply here (test devices, no TURN server set)


class Finding(enum.Enum):
    """What a check found; each has one plain sentence in the UI (`figures` fill it)."""

    # camera (subject: the device's name)
    CAMERA_WORKS = "camera-works"
    CAMERA_TEST_PATTERN = "camera-test-pattern"  # the synthetic source is chosen
    CAMERA_DEFAULT_INSTEAD = "camera-default-instead"  # the chosen one is not here
    CAMERA_NONE = "camera-none"
    CAMERA_BUSY = "camera-busy"  # in use by another program, or not allowed
    CAMERA_NO_PICTURE = "camera-no-picture"  # opened, but no frame within the wait
    # microphone (figures: level_db, the loudest 100 ms heard)
    MICROPHONE_WORKS = "microphone-works"
    MICROPHONE_TEST_SOURCE = "microphone-test-source"
    MICROPHONE_DEFAULT_INSTEAD = "microphone-default-instead"
    MICROPHONE_NONE = "microphone-none"
    MICROPHONE_BUSY = "microphone-busy"
    MICROPHONE_SILENT = "microphone-silent"  # opened, nothing above the noise floor yet
    # speaker (the clinician confirms hearing it; the port only knows it played)
    SPEAKER_PLAYED = "speaker-played"
    SPEAKER_TEST_OUTPUT = "speaker-test-output"  # synthetic: played to no one
    SPEAKER_NONE = "speaker-none"
    SPEAKER_FAILED = "speaker-failed"
    # network to the server (figures: rtt_ms, down_kbps, up_kbps)
    NETWORK_GOOD = "network-good"
    NETWORK_SLOW = "network-slow"  # video will step down; audio is fine
    NETWORK_TOO_SLOW = "network-too-slow"  # not even audio-only would be reliable
    NETWORK_UNREACHABLE = "network-unreachable"
    NETWORK_NOT_SIGNED_IN = "network-not-signed-in"  # only the round trip was measured
    # TURN relays (one result per server in settings; subject: its URL without secrets;
    # figures: ms to the relay address)
    TURN_REACHED = "turn-reached"
    TURN_UNREACHABLE = "turn-unreachable"
    TURN_NOT_SET = "turn-not-set"  # SKIPPED, or FAILED when relay-only is set
    # echo (figures: erle_db, echo_db = how loud the echo reached the microphone)
    ECHO_CANCELLED = "echo-cancelled"
    ECHO_NONE_HEARD = "echo-none-heard"  # a headset, or the speaker is far away
    ECHO_RESIDUAL = "echo-residual"  # the canceller could not remove enough: use a headset
    ECHO_NOT_APPLICABLE = "echo-not-applicable"  # test devices, or no speaker/microphone
    # any check that stopped with an error or ran out of time (made by the UI's controller)
    CHECK_INCOMPLETE = "check-incomplete"


@dataclass(frozen=True)
class CheckResult:
    name: CheckName
    verdict: Verdict
    finding: Finding
    subject: str = ""  # a device's name or a server's URL (never a secret)
    figures: dict[str, float] = field(default_factory=dict)


class TechCheckPort(Protocol):
    """Checks for the visit's devices and network. Coroutines run on the runtime thread."""

    async def open_devices(self) -> list[CheckResult]:
        """Open the chosen camera and microphone (settings' `DeviceChoice`) for the preview
        and the level bar; the CAMERA and MICROPHONE results. Reopens if already open."""
        ...

    async def close_devices(self) -> None:
        """Release the camera and microphone (also when the check is left half-way)."""
        ...

    async def play_test_sound(self) -> CheckResult:
        """Play a short voice-like test sound on the chosen speaker (about 2 s)."""
        ...

    async def check_network(self) -> CheckResult:
        """Round trip and throughput to the configured server (a few seconds at most)."""
        ...

    async def check_turn(self) -> list[CheckResult]:
        """Whether each TURN server in settings gives a relay address (at most ~10 s)."""
        ...

    async def check_echo(self) -> CheckResult:
        """Play speech on the speaker while listening on the microphone, through the echo
        canceller; how much echo came back and how much was removed (about 4 s)."""
        ...

    def camera_preview(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        """The open camera's newest picture, as `CallPort.local_video`."""
        ...

    def microphone_level(self) -> float:
        """The open microphone's loudness over the last 100 ms in dBFS (`SILENCE_DB` when
        nothing is open)."""
        ...
