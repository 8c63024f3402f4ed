"""The camera, microphone and speaker of an app visit, from the workstation's `DeviceChoice`.

    DeviceList + DeviceChoice -> VisitDevices.open -> camera, microphone -> pipeline.build
                                                   -> play(Pipeline.playout) on the speaker
    use_device(id) -> chosen() -> VisitDevices.switch (mid-call) and the new choice

The menu (`CallPort.devices`) is the hardware plus one test source per kind; a device's id
is its kind and name (`devices.hardware_id`), a test source's one of `TEST_IDS`. A device
that is busy when the visit opens does not stop it: black pictures or silence go in its
place, its state says BUSY and `errors` holds the `DeviceBusyError` that says why; a switch
to a busy device raises it and keeps the device in use. `use` reports what each device is
doing in plain codes (`DeviceState`). Open, switch and close on the runtime loop; `use`
may be read from any thread.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

from aiortc.mediastreams import MediaStreamTrack

from outpost.core.device_choice import SYNTHETIC, DeviceChoice
from outpost.core.errors import DeviceBusyError, OutpostError
from outpost.core.visits import DeviceKind, DeviceState, MediaDevice
from outpost.media import call_devices
from outpost.media.capture import DeviceTrack, SourceState, open_device
from outpost.media.devices import DeviceList, Resolution, Resolved, hardware_id, resolve
from outpost.media.playout import Playout
from outpost.media.speaker import Speaker, SpeakerCounts, SpeakerState
from outpost.media.visit_sources import SelfViewTrack, SwitchableTrack

logger = logging.getLogger(__name__)

TEST_IDS = {
    DeviceKind.CAMERA: "test-pattern",
    DeviceKind.MICROPHONE: "test-voice",
    DeviceKind.SPEAKER: "test-speaker",  # plays nothing
}
_SOURCES = {
    SourceState.NONE: DeviceState.NONE,
    SourceState.NO_SIGNAL: DeviceState.NO_SIGNAL,
    SourceState.DISCONNECTED: DeviceState.LOST,
}


@dataclass(frozen=True)
class DeviceUse:
    device_id: str | None  # the menu's id of the device in use (None: none of this kind)
    state: DeviceState


def menu(devices: DeviceList) -> list[MediaDevice]:
    """The hardware, then the test sources."""
    tests = [MediaDevice(TEST_IDS[kind], kind, synthetic=True) for kind in DeviceKind]
    return devices.media_devices() + tests


def chosen(device_id: str, devices: DeviceList) -> tuple[DeviceKind, str]:
    """The kind and the `DeviceChoice` value a menu entry stands for."""
    for kind, test in TEST_IDS.items():
        if device_id == test:
            return kind, SYNTHETIC
    for device in devices.media_devices():
        if device.device_id == device_id:
            return device.kind, device.name
    raise DeviceBusyError("That camera, microphone or speaker is not connected any more.")


def planned(devices: DeviceList, choice: DeviceChoice) -> dict[DeviceKind, DeviceUse]:
    """What the next visit will use, before it opens anything."""
    return {kind: _use(resolve(devices, choice, kind), None) for kind in DeviceKind}


class VisitDevices:
    """One visit's devices; `camera` and `microphone` are the tracks to send."""

    def __init__(
        self,
        devices: DeviceList,
        choice: DeviceChoice,
        size: tuple[int, int],
        sources: dict[DeviceKind, MediaStreamTrack],
        errors: dict[DeviceKind, OutpostError],
    ) -> None:
        self._devices = devices
        self._choice = choice
        self._size = size
        self._resolved = {kind: resolve(devices, choice, kind) for kind in DeviceKind}
        self.errors = errors
        self.microphone = SwitchableTrack("audio", sources[DeviceKind.MICROPHONE])
        camera = SwitchableTrack("video", sources[DeviceKind.CAMERA])
        self.camera = SelfViewTrack(camera)
        self._sources = {DeviceKind.MICROPHONE: self.microphone, DeviceKind.CAMERA: camera}
        self._playout: Playout | None = None
        self._speaker: Speaker | None = None
        self._last: dict[DeviceKind, DeviceUse] | None = None

    @classmethod
    async def open(
        cls, devices: DeviceList, choice: DeviceChoice, size: tuple[int, int]
    ) -> VisitDevices:
        """The chosen camera and microphone, running; a busy one is covered (`errors`)."""
        sources: dict[DeviceKind, MediaStreamTrack] = {}
        errors: dict[DeviceKind, OutpostError] = {}
        try:
            for kind in (DeviceKind.MICROPHONE, DeviceKind.CAMERA):
                resolved = resolve(devices, choice, kind)
                try:
                    sources[kind] = await call_devices.open_source(resolved, size)
                except DeviceBusyError as exc:
                    logger.warning("%s busy when the visit opened: covered", kind.value)
                    errors[kind] = exc
                    sources[kind] = await open_device(kind, None, size=size)
        except BaseException:
            for track in sources.values():
                track.stop()
            raise
        return cls(devices, choice, size, sources, errors)

    async def play(self, playout: Playout) -> None:
        """The far end's audio on the chosen speaker (pulled unheard without one)."""
        self._playout = playout
        self._speaker = await self._open_speaker(self._devices, self._choice)
        resolved = self._resolved[DeviceKind.SPEAKER]
        if resolved.speaker is not None and self._speaker.state is not SpeakerState.PLAYING:
            problem = self._speaker.counts().problem or "The speaker could not be opened."
            self.errors[DeviceKind.SPEAKER] = DeviceBusyError(problem)

    async def switch(self, kind: DeviceKind, devices: DeviceList, choice: DeviceChoice) -> None:
        """Use `choice`'s device of `kind` from now on (`DeviceBusyError`: nothing changes)."""
        resolved = resolve(devices, choice, kind)
        if kind is DeviceKind.SPEAKER:
            await self._switch_speaker(devices, choice)
        else:
            track = await call_devices.open_source(resolved, self._size)
            self._sources[kind].switch(track)
        self._devices, self._choice = devices, choice
        self._resolved[kind] = resolved
        self.errors.pop(kind, None)
        logger.info("%s switched mid-call (%s)", kind.value, resolved.resolution.value)

    def speaker_counts(self) -> SpeakerCounts | None:
        """What the speaker played (None before `play`)."""
        return None if self._speaker is None else self._speaker.counts()

    def use(self) -> dict[DeviceKind, DeviceUse]:
        if self._last is not None:
            return self._last
        return {kind: self._state(kind) for kind in DeviceKind}

    async def close(self) -> None:
        """Stop the sources and the speaker; `use` keeps saying what they were."""
        self._last = self.use()
        for track in self._sources.values():
            with contextlib.suppress(Exception):
                track.stop()
        if self._speaker is not None:
            await self._speaker.close()

    # -- inside ------------------------------------------------------------------------

    async def _open_speaker(self, devices: DeviceList, choice: DeviceChoice) -> Speaker:
        assert self._playout is not None, "play() first"
        return await call_devices.open_speaker(self._playout, devices, choice)

    async def _switch_speaker(self, devices: DeviceList, choice: DeviceChoice) -> None:
        if self._speaker is None:  # not playing yet: `play` opens the new choice
            return
        await self._speaker.close()
        speaker = await self._open_speaker(devices, choice)
        wanted = resolve(devices, choice, DeviceKind.SPEAKER).speaker
        if wanted is not None and speaker.state is not SpeakerState.PLAYING:
            problem = speaker.counts().problem or "The speaker could not be opened."
            await speaker.close()
            self._speaker = await self._open_speaker(self._devices, self._choice)
            raise DeviceBusyError(problem)
        self._speaker = speaker

    def _state(self, kind: DeviceKind) -> DeviceUse:
        resolved = self._resolved[kind]
        if kind in self.errors:
            return DeviceUse(_in_use_id(resolved), DeviceState.BUSY)
        if kind is DeviceKind.SPEAKER:
            speaker = self._speaker
            lost = speaker is not None and speaker.state is SpeakerState.DISCONNECTED
            return _use(resolved, DeviceState.LOST if lost else None)
        source = self._sources[kind].source
        if isinstance(source, DeviceTrack):
            return _use(resolved, _SOURCES.get(source.state))
        return _use(resolved, None)


def _use(resolved: Resolved, state: DeviceState | None) -> DeviceUse:
    """`state` if the device is in trouble, else what the resolution says."""
    if resolved.resolution is Resolution.SYNTHETIC:
        return DeviceUse(TEST_IDS[resolved.kind], DeviceState.TEST_SOURCE)
    if resolved.resolution is Resolution.NONE:
        return DeviceUse(None, DeviceState.NONE)
    if state is None:
        missing = resolved.resolution is Resolution.CHOSEN_MISSING
        state = DeviceState.DEFAULT_INSTEAD if missing else DeviceState.WORKING
    return DeviceUse(_in_use_id(resolved), state)


def _in_use_id(resolved: Resolved) -> str | None:
    if resolved.resolution is Resolution.SYNTHETIC:
        return TEST_IDS[resolved.kind]
    name = resolved.name
    return None if name is None else hardware_id(resolved.kind, name)
