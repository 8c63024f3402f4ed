"""`outpost call`'s media: the workstation's chosen devices (or the test sources), said in
plain words, and what they did for the statistics file.

With `--synthetic` (or the settings `camera`/`microphone`/`speaker` = "synthetic") the
call sends the numbered test pattern and a synthetic voice and plays nothing; otherwise
the chosen (or default) camera, microphone and speaker are used, a missing one is said
and replaced by a black picture, silence or audio pulled unheard, and a device lost
mid-call is said the moment it goes (docs/calls.md#devices).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from outpost.core.device_choice import DeviceChoice
from outpost.core.visits import DeviceKind
from outpost.media import call_devices, pipeline
from outpost.media.capture import DeviceTrack, SourceState
from outpost.media.devices import Resolution, Resolved, list_devices, resolve
from outpost.media.speaker import Speaker, SpeakerState

Say = Callable[[str], None]
_NAMES = {DeviceKind.CAMERA: "Camera", DeviceKind.MICROPHONE: "Microphone"}
_BLANK = {DeviceKind.CAMERA: "a black picture", DeviceKind.MICROPHONE: "silence"}
_TEST = {
    DeviceKind.CAMERA: "the test pattern",
    DeviceKind.MICROPHONE: "a synthetic voice",
    DeviceKind.SPEAKER: "none (test sources: the patient's audio is not played)",
}


@dataclass
class CallMedia:
    media: pipeline.Pipeline
    resolved: dict[DeviceKind, Resolved]
    tracks: list[DeviceTrack]
    speaker: Speaker | None

    def counts(self) -> dict[str, Any]:
        """What the devices did, for the statistics file (names, states and counts)."""
        result: dict[str, Any] = {}
        for kind, resolved in self.resolved.items():
            entry: dict[str, Any] = {"name": resolved.name, "resolution": resolved.resolution.value}
            track = next((t for t in self.tracks if t.device_kind is kind), None)
            if track is not None:
                counts = track.counts()
                entry |= {
                    "state": counts.state.value,
                    "frames": counts.frames,
                    "dropped": counts.dropped,
                    "blank": counts.blank,
                    "disconnects": counts.disconnects,
                }
            if kind is DeviceKind.SPEAKER and self.speaker is not None:
                played = self.speaker.counts()
                entry |= {
                    "state": played.state.value,
                    "played_s": round(played.played_s, 2),
                    "underruns": played.underruns,
                    "errors": played.errors,
                }
            result[kind.value] = entry
        return result

    async def close(self) -> None:
        self.media.local.stop()
        if self.speaker is not None:
            await self.speaker.close()


async def open_call_media(choice: DeviceChoice, say: Say) -> CallMedia:
    """Open the chosen devices on the runtime loop (`DeviceBusyError` for a busy one)."""
    if choice == DeviceChoice.synthetic():
        media = pipeline.synthetic()
        resolved = {kind: Resolved(kind, Resolution.SYNTHETIC, "synthetic") for kind in DeviceKind}
        return CallMedia(media, resolved, [], None)
    devices = await asyncio.to_thread(list_devices)
    sources = await call_devices.open_sources(
        devices, choice, on_state=lambda kind, state: say(source_change(kind, state))
    )
    headless = call_devices.speaker_is_synthetic(devices, choice)
    media = pipeline.build(sources.microphone, sources.camera, headless=headless, read_markers=True)
    resolved = dict(zip((DeviceKind.CAMERA, DeviceKind.MICROPHONE), sources.resolved, strict=True))
    speaker = None
    try:
        resolved[DeviceKind.SPEAKER] = resolve(devices, choice, DeviceKind.SPEAKER)
        if not headless:
            speaker = await call_devices.open_speaker(
                media.playout, devices, choice, on_state=lambda state: _on_speaker(state, say)
            )
    except BaseException:
        media.local.stop()
        raise
    for kind in DeviceKind:
        say(in_use(resolved[kind], speaker))
    return CallMedia(media, resolved, sources.device_tracks, speaker)


def in_use(resolved: Resolved, speaker: Speaker | None) -> str:
    kind = resolved.kind
    label = _NAMES.get(kind, "Speaker")
    if resolved.resolution is Resolution.SYNTHETIC:
        return f"{label}: {_TEST[kind]}."
    if kind is DeviceKind.SPEAKER and (
        speaker is None or speaker.state is not SpeakerState.PLAYING
    ):
        problem = speaker.counts().problem if speaker is not None else None
        return f"No speaker: {problem or 'none found.'} The patient's voice is not played."
    if resolved.resolution is Resolution.NONE:
        return f"No {label.lower()} found: sending {_BLANK[kind]}."
    text = f"{label}: {resolved.name}"
    if resolved.resolution is Resolution.CHOSEN_MISSING:
        text += f' (the chosen "{resolved.chosen}" is not connected; using the default)'
    return text + "."


def source_change(kind: DeviceKind, state: SourceState) -> str:
    label = _NAMES[kind]
    if state is SourceState.LIVE:
        return f"{label} is working again."
    if state is SourceState.NONE:
        return f"No {label.lower()} found: sending {_BLANK[kind]}."
    if state is SourceState.NO_SIGNAL:
        return f"{label} gives nothing: sending {_BLANK[kind]} until it does."
    return f"{label} disconnected: sending {_BLANK[kind]}."


def _on_speaker(state: SpeakerState, say: Say) -> None:
    if state is SpeakerState.DISCONNECTED:
        say("Speaker disconnected: the patient's voice is no longer played.")
