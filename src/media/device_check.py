"""The tech check's device side: the chosen camera, microphone and speaker tried for real,
each giving a `CheckResult` (the `TechCheckPort` methods for devices).

    open_devices  -> camera preview (CameraPreview) + level bar (MicrophoneMonitor)
                  -> CAMERA and MICROPHONE results after the first picture / first second
    play_test_sound -> the voice clip on the chosen speaker (about 2 s)
    check_echo    -> the clip on the speaker while the microphone records; echo_check
    close_devices -> everything stopped (twice is fine)

Devices are resolved as in a visit (`devices.resolve`): the test sources when chosen, the
system's default when the chosen one is missing (said as *_DEFAULT_INSTEAD), nothing when
there is none. Run the coroutines on the runtime loop; `camera_preview` and
`microphone_level` from any thread. Nothing blocks the loop: devices open and the echo is
analysed on worker threads.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
from collections.abc import Awaitable, Callable

import numpy as np
from aiortc.mediastreams import MediaStreamTrack

from outpost.core.device_choice import DeviceChoice
from outpost.core.errors import DeviceBusyError
from outpost.core.tech_check import SILENCE_DB, CheckName, CheckResult, Finding, Verdict
from outpost.core.visits import DeviceKind, VideoImage
from outpost.media.audio_processing import SAMPLE_RATE
from outpost.media.camera_preview import CameraPreview
from outpost.media.capture import DeviceTrack, SourceState, open_device
from outpost.media.devices import DeviceList, Resolution, Resolved, resolve
from outpost.media.echo_check import TAIL_S, measure_echo
from outpost.media.level_meter import MicrophoneMonitor
from outpost.media.sound_clip import ClipPlayout, voice_clip
from outpost.media.speaker import LATENCY_S, Speaker, SpeakerState
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack

logger = logging.getLogger(__name__)

SIZE, FPS = (640, 480), 30.0  # what a visit asks of the camera
LISTEN_S = 1.0  # the microphone's first second decides MICROPHONE_SILENT
LISTEN_TIMEOUT_S = 4.0
SILENT_BELOW_DB = -70.0  # a working microphone's own noise is above this (a muted one: -100)
TEST_SOUND_S = 2.0
ECHO_SOUND_S = 3.5
ECHO_LEAD_IN_S = 0.5  # the room alone before the sound: its noise floor
PLAY_TIMEOUT_S = 3.0  # beyond the clip: a speaker that does not take it has failed


class _Opened(enum.Enum):
    NONE = "none"
    BUSY = "busy"


DeviceLister = Callable[[], DeviceList]
TrackOpener = Callable[[Resolved], Awaitable[MediaStreamTrack]]


class DeviceCheck:
    """The device checks for one workstation's `DeviceChoice`. `list_devices` runs on a
    worker thread (it may be slow). `open_track` opens a camera or microphone as a visit
    does (tests capture a microphone another way with it)."""

    def __init__(
        self,
        choice: DeviceChoice,
        list_devices: DeviceLister,
        *,
        open_track: TrackOpener | None = None,
    ) -> None:
        self._choice = choice
        self._list_devices = list_devices
        self._open = open_track or open_track_for
        self._camera: CameraPreview | None = None
        self._microphone: MicrophoneMonitor | None = None
        self._lock = asyncio.Lock()
        self._generation = 0

    def set_choice(self, choice: DeviceChoice) -> None:
        """Another device was picked: the next `open_devices` or check uses it."""
        self._choice = choice

    # -- camera and microphone ------------------------------------------------------------

    async def open_devices(self) -> list[CheckResult]:
        async with self._lock:
            await self._close()
            devices = await asyncio.to_thread(self._list_devices)
            camera = resolve(devices, self._choice, DeviceKind.CAMERA)
            microphone = resolve(devices, self._choice, DeviceKind.MICROPHONE)
            results = await asyncio.gather(
                self._open_camera(camera), self._open_microphone(microphone)
            )
            return list(results)

    async def close_devices(self) -> None:
        async with self._lock:
            await self._close()

    def camera_preview(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        camera = self._camera
        return camera.image(since, max_width, max_height) if camera is not None else None

    def microphone_level(self) -> float:
        microphone = self._microphone
        return microphone.meter.level_db() if microphone is not None else SILENCE_DB

    async def _close(self) -> None:
        camera, self._camera = self._camera, None
        microphone, self._microphone = self._microphone, None
        if camera is not None:
            await camera.stop()
        if microphone is not None:
            await microphone.stop()

    async def _open_camera(self, resolved: Resolved) -> CheckResult:
        def result(finding: Finding, verdict: Verdict) -> CheckResult:
            return CheckResult(CheckName.CAMERA, verdict, finding, resolved.name or "")

        track = await self._live(resolved)
        if not isinstance(track, MediaStreamTrack):
            busy = track is _Opened.BUSY
            return result(Finding.CAMERA_BUSY if busy else Finding.CAMERA_NONE, Verdict.FAILED)
        self._generation += 1
        preview = CameraPreview(track, self._generation)
        self._camera = preview
        if resolved.resolution is Resolution.SYNTHETIC:
            return result(Finding.CAMERA_TEST_PATTERN, Verdict.SKIPPED)
        if not await preview.first_picture():
            return result(Finding.CAMERA_NO_PICTURE, Verdict.FAILED)
        if resolved.resolution is Resolution.CHOSEN_MISSING:
            return result(Finding.CAMERA_DEFAULT_INSTEAD, Verdict.WARNING)
        return result(Finding.CAMERA_WORKS, Verdict.PASSED)

    async def _open_microphone(self, resolved: Resolved) -> CheckResult:
        def result(
            finding: Finding, verdict: Verdict, figures: dict[str, float] | None = None
        ) -> CheckResult:
            name = resolved.name or ""
            return CheckResult(CheckName.MICROPHONE, verdict, finding, name, figures or {})

        track = await self._live(resolved)
        if not isinstance(track, MediaStreamTrack):
            busy = track is _Opened.BUSY
            return result(
                Finding.MICROPHONE_BUSY if busy else Finding.MICROPHONE_NONE, Verdict.FAILED
            )
        monitor = MicrophoneMonitor(track)
        self._microphone = monitor
        await monitor.heard(LISTEN_S, LISTEN_TIMEOUT_S)
        level = monitor.meter.loudest_db()
        figures = {"level_db": round(level, 1)}
        if resolved.resolution is Resolution.SYNTHETIC:
            return result(Finding.MICROPHONE_TEST_SOURCE, Verdict.SKIPPED, figures)
        if level < SILENT_BELOW_DB:
            return result(Finding.MICROPHONE_SILENT, Verdict.WARNING, figures)
        if resolved.resolution is Resolution.CHOSEN_MISSING:
            return result(Finding.MICROPHONE_DEFAULT_INSTEAD, Verdict.WARNING, figures)
        return result(Finding.MICROPHONE_WORKS, Verdict.PASSED, figures)

    async def _live(self, resolved: Resolved) -> MediaStreamTrack | _Opened:
        """The device opened, or why not."""
        if resolved.resolution is Resolution.NONE:
            return _Opened.NONE
        try:
            track = await self._open(resolved)
        except DeviceBusyError:
            return _Opened.BUSY
        if isinstance(track, DeviceTrack) and track.state is SourceState.NONE:
            track.stop()  # it was listed, but is gone now
            return _Opened.NONE
        return track

    # -- speaker and echo -----------------------------------------------------------------

    async def play_test_sound(self) -> CheckResult:
        async with self._lock:
            devices = await asyncio.to_thread(self._list_devices)
            resolved = resolve(devices, self._choice, DeviceKind.SPEAKER)

            def result(finding: Finding, verdict: Verdict, played_s: float = 0.0) -> CheckResult:
                figures = {"played_s": round(played_s, 2)}
                return CheckResult(
                    CheckName.SPEAKER, verdict, finding, resolved.name or "", figures
                )

            if resolved.resolution is Resolution.NONE:
                return result(Finding.SPEAKER_NONE, Verdict.FAILED)
            clip = ClipPlayout(voice_clip(TEST_SOUND_S))
            played, speaker = await _play(clip, resolved)
            if resolved.resolution is Resolution.SYNTHETIC:
                return result(Finding.SPEAKER_TEST_OUTPUT, Verdict.SKIPPED)
            if not played or speaker is not SpeakerState.PLAYING:
                return result(Finding.SPEAKER_FAILED, Verdict.FAILED)
            return result(Finding.SPEAKER_PLAYED, Verdict.PASSED, clip.duration_s)

    async def check_echo(self) -> CheckResult:
        async with self._lock:
            devices = await asyncio.to_thread(self._list_devices)
            speaker = resolve(devices, self._choice, DeviceKind.SPEAKER)
            microphone = resolve(devices, self._choice, DeviceKind.MICROPHONE)
            kinds = (speaker.resolution, microphone.resolution)
            if Resolution.SYNTHETIC in kinds or Resolution.NONE in kinds:
                return _not_applicable(speaker)
            monitor, opened = self._microphone, False
            if monitor is None:
                track = await self._live(microphone)
                if not isinstance(track, MediaStreamTrack):
                    return _not_applicable(speaker)
                monitor, opened = MicrophoneMonitor(track), True
            try:
                return await _echo(monitor, speaker)
            finally:
                if opened:
                    await monitor.stop()


async def _echo(monitor: MicrophoneMonitor, speaker: Resolved) -> CheckResult:
    loop = asyncio.get_running_loop()
    total_s = ECHO_LEAD_IN_S + ECHO_SOUND_S + PLAY_TIMEOUT_S + TAIL_S
    recording = monitor.record(total_s)
    clip = ClipPlayout(voice_clip(ECHO_SOUND_S), clock=loop.time)
    try:
        if not await monitor.heard(ECHO_LEAD_IN_S, LISTEN_TIMEOUT_S):
            return _not_applicable(speaker)  # the microphone gives nothing to listen with
        tail = functools.partial(monitor.heard, TAIL_S, 2 * TAIL_S)  # the echo's last
        played, state = await _play(clip, speaker, then=tail)
    finally:
        monitor.recording = None
    if not played or state is not SpeakerState.PLAYING or clip.started_at is None:
        return _not_applicable(speaker)
    mic = recording.audio()
    far = np.zeros(len(mic))
    start = max(0, round((clip.started_at - recording.started_at) * SAMPLE_RATE))
    sound = voice_clip(ECHO_SOUND_S)[: max(0, len(mic) - start)]
    far[start : start + len(sound)] = sound
    if start < SAMPLE_RATE // 10 or len(mic) < start + SAMPLE_RATE:
        return _not_applicable(speaker)
    measure = await asyncio.to_thread(measure_echo, far, mic, start)
    logger.info(
        "echo check: echo %.1f dB, erle %.1f dB, delay %.0f ms",
        measure.echo_db,
        measure.erle_db,
        measure.delay_ms,
    )
    name = speaker.name or ""
    return CheckResult(CheckName.ECHO, measure.verdict, measure.finding, name, measure.figures)


def _not_applicable(speaker: Resolved) -> CheckResult:
    return CheckResult(
        CheckName.ECHO, Verdict.SKIPPED, Finding.ECHO_NOT_APPLICABLE, speaker.name or ""
    )


async def _play(
    clip: ClipPlayout,
    resolved: Resolved,
    then: Callable[[], Awaitable[object]] | None = None,
) -> tuple[bool, SpeakerState]:
    """Play `clip` on the resolved speaker (unheard for the test output); whether all of
    it was taken, and the speaker's state at the end."""
    speaker = await Speaker.open(clip, resolved.speaker)
    try:
        played = await clip.finished(clip.duration_s + PLAY_TIMEOUT_S)
        if played:
            # The device's own buffer still holds the end of the clip.
            await asyncio.sleep(2 * LATENCY_S)
            if then is not None:
                await then()
        state = speaker.state
    finally:
        await speaker.close()
    return played, state


async def open_track_for(resolved: Resolved) -> MediaStreamTrack:
    """The camera or microphone `resolved` names, opened as for a visit (the test sources
    when chosen; a `DeviceTrack` of nothing when the device is not there)."""
    if resolved.resolution is Resolution.SYNTHETIC:
        if resolved.kind is DeviceKind.CAMERA:
            return SyntheticVideoTrack(*SIZE, fps=FPS)
        return SyntheticAudioTrack(AudioKind.SPEECH)
    return await open_device(resolved.kind, resolved.capture, size=SIZE, fps=FPS)
