"""How one call's media is put together, the same way for devices and synthetic sources:

    microphone -> echo canceller, noise suppression, gain (ProcessedAudioTrack) -> sent
    camera -> the ladder's size and frame rate (ScaledVideoTrack) -> sent
    remote audio -> jitter buffer (Playout) -> speaker -> the echo canceller's reference
    remote video -> the newest-frame slot

`StepControl` moves the camera and the encoders along the ladder. The parts outlive
renegotiation; each new peer connection gets fresh views of them (`LocalMedia`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiortc.mediastreams import MediaStreamTrack

from outpost.media.local_media import LocalMedia
from outpost.media.playout import Playout
from outpost.media.processed_track import FarEndReference, ProcessedAudioTrack
from outpost.media.remote_media import RemoteMedia
from outpost.media.scaled_track import ScaledVideoTrack
from outpost.media.step_control import StepControl
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack


@dataclass(frozen=True)
class Pipeline:
    local: LocalMedia
    remote: RemoteMedia
    steps: StepControl
    playout: Playout  # the speaker pulls 10 ms at a time from it
    reference: FarEndReference | None  # what the speaker played, for the echo canceller


def build(
    microphone: MediaStreamTrack,
    camera: MediaStreamTrack,
    *,
    headless: bool = True,
    process_audio: bool = True,
    read_markers: bool = False,
) -> Pipeline:
    """With `headless`, a task pulls the far end's audio in real time and discards it;
    otherwise the caller's sound device must pull `Pipeline.playout` every 10-20 ms."""
    reference = FarEndReference() if process_audio else None
    audio = ProcessedAudioTrack(microphone, reference) if reference is not None else microphone
    scaled = ScaledVideoTrack(camera)
    playout = Playout(reference)
    remote = RemoteMedia(playout=playout, headless=headless, read_markers=read_markers)
    return Pipeline(LocalMedia(audio, scaled), remote, StepControl(scaled), playout, reference)


def synthetic(*, voice: AudioKind = AudioKind.SPEECH, process_audio: bool = True) -> Pipeline:
    """Test pattern and a synthetic voice; received frame numbers are read back."""
    return build(
        SyntheticAudioTrack(voice),
        SyntheticVideoTrack(),
        process_audio=process_audio,
        read_markers=True,
    )
