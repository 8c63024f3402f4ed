"""A real sound server for speaker tests on machines without a sound card: Debian's JACK
(`jackd2`) with its dummy driver, which takes audio from its clients at real-time pace
(48 kHz, 10 ms periods, at real-time priority so a busy machine does not slow it) and
discards it. PortAudio sees it as the speaker "system"."""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from outpost.core.visits import DeviceKind
from outpost.media.sound_devices import JACK, SoundDevice, SoundSystem, sound_system

_NAMES = itertools.count(1)


@dataclass(frozen=True)
class RunningJack:
    speaker: SoundDevice
    process: subprocess.Popen[bytes]

    def freeze(self) -> None:
        """The sound card stops asking for audio (a hung or unplugged device, as its
        clients see it). PortAudio's JACK support cannot survive the server's death."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@contextmanager
def running_jack(timeout_s: float = 10.0) -> Iterator[RunningJack]:
    """A JACK server this process's PortAudio plays to. Child processes reach it
    through `JACK_DEFAULT_SERVER` in `os.environ`."""
    jackd = shutil.which("jackd")
    assert jackd, "jackd is missing: run scripts/bootstrap.sh (Debian jackd2)"
    name = f"outpost-test-{os.getpid()}-{next(_NAMES)}"
    process = subprocess.Popen(
        [jackd, "--realtime", "-n", name, "-d", "dummy", "-r", "48000", "-p", "480"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "JACK_NO_AUDIO_RESERVATION": "1"},
    )
    previous = os.environ.get("JACK_DEFAULT_SERVER")
    os.environ["JACK_DEFAULT_SERVER"] = name
    try:
        yield RunningJack(_speaker_of(process, timeout_s), process)
    finally:
        process.send_signal(signal.SIGCONT)
        if previous is None:
            os.environ.pop("JACK_DEFAULT_SERVER", None)
        else:
            os.environ["JACK_DEFAULT_SERVER"] = previous
        sound_system(refresh=True)  # PortAudio lets go of the server while it still runs
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _speaker_of(process: subprocess.Popen[bytes], timeout_s: float) -> SoundDevice:
    deadline = time.monotonic() + timeout_s
    while True:
        found = _jack_speaker(sound_system(refresh=True))
        if found is not None:
            return found
        assert process.poll() is None, f"jackd exited with {process.returncode}"
        assert time.monotonic() < deadline, "PortAudio did not see the JACK server in time"
        time.sleep(0.1)  # polling the sound system for the server to come up


def _jack_speaker(system: SoundSystem) -> SoundDevice | None:
    speakers = [d for d in system.of(DeviceKind.SPEAKER) if d.host_api == JACK]
    return speakers[0] if speakers else None
