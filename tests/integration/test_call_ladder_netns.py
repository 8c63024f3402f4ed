"""The step-down ladder on a real rate-limited link: the clinician's side runs as a child
process (tests/integration/call_child.py: the full pipeline, a camera as hard to compress
as a real scene) in a network namespace whose only way out is a veth pair with a kernel
`tbf` rate limit on its uplink (tests/netns.py); the server and the patient are in the
root namespace.

400 kbit/s: the clinician's video settles at 320x240 or more, at 10 fps or more at the
patient, with the audio continuous (>= 98% of 10 ms chunks played, not concealed).
150 kbit/s: audio only, still continuous. The limit lifted: video comes back by itself.
The patient is the same synthetic pipeline `outpost patient-bot` uses.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from outpost.media import pipeline
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import SignalingClient, patient_endpoint
from outpost.media.synthetic import AudioKind, SyntheticAudioTrack, SyntheticVideoTrack
from tests.integration.call_child import TOKEN_VARIABLE
from tests.integration.call_helpers import SMALL, until
from tests.netns import Namespace, network_namespace
from tests.server_process import RunningServer, running_server
from tests.signaling_client import demo_links

USER = "dr.rivera"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def namespace() -> Iterator[Namespace]:
    with network_namespace() as created:
        yield created


@pytest.fixture(scope="module")
def server(
    namespace: Namespace, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """Listening on the root side of the veth pair, the only address the namespace reaches."""
    folder = Path(tmp_path_factory.mktemp("netns"))
    extra = ("--host", namespace.outer_address)
    with running_server(folder, seed="demo", extra_args=extra) as running:
        yield running


@dataclass(frozen=True)
class Window:
    """What the patient got from the clinician over some seconds."""

    seconds: float
    video_frames: int
    played: int  # 10 ms chunks of received audio played
    expected: int  # chunks the speaker asked for (played + concealed)
    sizes: frozenset[tuple[int, int]]

    @property
    def fps(self) -> float:
        return self.video_frames / self.seconds

    @property
    def audio_share(self) -> float:
        return self.played / max(self.expected, 1)

    def __str__(self) -> str:
        sizes = ", ".join(f"{w}x{h}" for w, h in sorted(self.sizes)) or "none"
        return (
            f"{self.fps:.1f} fps ({sizes}), audio {100 * self.audio_share:.1f}% played "
            f"over {self.seconds:.0f} s"
        )


def _played(remote: RemoteMedia) -> tuple[int, int]:
    playout = remote.counts().playout
    assert playout is not None, "the patient's pipeline plays audio"
    return playout.played, playout.expected


async def observe(remote: RemoteMedia, seconds: float, every_s: float = 0.1) -> Window:
    """Watch `remote` for `seconds` (the measurement itself), reading the frame size every
    `every_s` (a per-frame wake-up would load the patient's own loop)."""
    start = remote.counts()
    played, expected = _played(remote)
    sizes: set[tuple[int, int]] = set()
    began = time.monotonic()
    frames = start.video_frames
    while time.monotonic() - began < seconds:
        await asyncio.sleep(every_s)
        counts = remote.counts()
        if counts.video_frames != frames and counts.width and counts.height:
            frames = counts.video_frames
            sizes.add((counts.width, counts.height))
    now_played, now_expected = _played(remote)
    return Window(
        time.monotonic() - began,
        remote.counts().video_frames - start.video_frames,
        now_played - played,
        now_expected - expected,
        frozenset(sizes),
    )


async def settled(remote: RemoteMedia, hold_s: float, timeout: float) -> float:
    """Wait until video arrives at one size for `hold_s`; the seconds it took."""
    began = changed = time.monotonic()
    size, frames = None, remote.counts().video_frames
    while True:
        await asyncio.sleep(0.1)
        counts, now = remote.counts(), time.monotonic()
        if (counts.width, counts.height) != size or counts.video_frames == frames:
            size, changed = (counts.width, counts.height), now  # changed, or not flowing
        frames = counts.video_frames
        if counts.width and now - changed >= hold_s:
            return now - began
        assert now - began < timeout, f"video did not settle within {timeout:g} s"


async def video_stopped(remote: RemoteMedia, quiet_s: float, timeout: float) -> float:
    """Wait until no video frame has come for `quiet_s`; seconds until the last one."""
    began = time.monotonic()
    last_frame, frames = began, remote.counts().video_frames
    while time.monotonic() - last_frame < quiet_s:
        await asyncio.sleep(0.1)
        if remote.counts().video_frames != frames:
            frames, last_frame = remote.counts().video_frames, time.monotonic()
        assert time.monotonic() - began < timeout, f"video still flowing after {timeout:g} s"
    return last_frame - began


def test_the_ladder_on_a_rate_limited_kernel_link(
    namespace: Namespace, server: RunningServer, tmp_path: Path
) -> None:
    appointment, link = demo_links(server, USER)[0]
    stats = tmp_path / "clinician.json"
    report: dict[str, object] = {}

    async def scenario() -> None:
        media = pipeline.build(SyntheticAudioTrack(AudioKind.SPEECH), SyntheticVideoTrack(*SMALL))
        patient = PatientPeer(
            SignalingClient(patient_endpoint(link)),
            media.local,
            media.remote,
            PeerOptions(),
            steps=media.steps,
        )
        received = media.remote
        await patient.connect()
        patient_run = asyncio.ensure_future(patient.run(admit_timeout_s=60))
        namespace.limit_up(400)
        child = [sys.executable, "-m", "tests.integration.call_child"]
        with (tmp_path / "call.out").open("w") as out:
            call = subprocess.Popen(
                namespace.command(*child, server.base_url, appointment, str(stats)),
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, TOKEN_VARIABLE: server.token(USER)},
                cwd=REPO,
            )
        try:
            await until(lambda: received.counts().video_frames > 0, 60, "the clinician's video")
            report["settled_400_s"] = await settled(received, hold_s=8, timeout=45)
            at_400 = await observe(received, 20)  # a probe of the next step may fall in it
            report["at_400"] = str(at_400)

            namespace.limit_up(150)
            report["audio_only_after_s"] = await video_stopped(received, 3, timeout=30)
            at_150 = await observe(received, 6)
            report["at_150"] = str(at_150)

            namespace.limit_up(None)
            report["video_back_after_s"] = await _video_back(received, timeout=40)
            lifted = await observe(received, 5)
            report["lifted"] = str(lifted)
        finally:
            call.send_signal(signal.SIGINT)
            code = await asyncio.to_thread(call.wait, 30)
            await asyncio.wait_for(patient_run, 15)
        assert code == 0, (tmp_path / "call.out").read_text()
        print(f"\ntbf ladder at the patient: {report}")
        assert min(at_400.sizes) >= (320, 240), at_400
        assert at_400.fps >= 10, at_400
        assert at_400.audio_share >= 0.98, at_400
        assert at_150.fps < 1, at_150
        assert at_150.audio_share >= 0.98, at_150
        assert lifted.fps >= 10, lifted
        assert min(lifted.sizes) >= (320, 240), lifted

    asyncio.run(scenario())
    record = json.loads(stats.read_text())
    changes = [(c["t_s"], c["step_to"], c["reason"]) for c in record["step_changes"]]
    print(f"the clinician's steps: {changes}")
    steps = [step for _, step, _ in changes]
    assert "audio only" in steps
    assert steps[-1] != "audio only", "stepped back up when the limit was lifted"


async def _video_back(remote: RemoteMedia, timeout: float) -> float:
    frames = remote.counts().video_frames
    return await until(lambda: remote.counts().video_frames >= frames + 10, timeout, "video back")
