"""A microphone that hears the speaker, through a real sound server (tests/sound_server.py):
a PortAudio capture stream on JACK whose input port is wired to the speaker's output port
(`jack_connect`), so audio played goes through JACK's graph, its buffers and its clock
and comes back as captured frames. Outpost captures microphones with FFmpeg, which cannot
read JACK: this track stands in for that capture only."""

from __future__ import annotations

import asyncio
import fractions
import shutil
from typing import Any

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from outpost.media.newest import NewestQueue
from outpost.media.sound_devices import portaudio

RATE = 48_000
BLOCK = 960  # 20 ms, as a device gives them
CLIENT = "PortAudio"  # the JACK client PortAudio registers for this process


class JackMicrophone(MediaStreamTrack):
    """Captures JACK device `index` (mono, 48 kHz). Open with `await JackMicrophone.open`."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._capture_loop = asyncio.get_running_loop()
        self._queue: NewestQueue[np.ndarray[Any, np.dtype[np.int16]]] = NewestQueue(50)
        self._stream: Any = None
        self._pts = 0

    @classmethod
    async def open(cls, index: int) -> JackMicrophone:
        track = cls()
        sd = portaudio()
        track._stream = sd.InputStream(
            device=index,
            channels=1,
            samplerate=RATE,
            dtype="int16",
            blocksize=BLOCK,
            callback=track._captured,
        )
        await asyncio.to_thread(track._stream.start)
        return track

    def _captured(self, data: Any, _frames: int, _time: Any, _status: Any) -> None:
        self._capture_loop.call_soon_threadsafe(self._queue.put, data[:, 0].copy())

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        samples = await self._queue.get()
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts, frame.time_base = self._pts, fractions.Fraction(1, RATE)
        self._pts += len(samples)
        return frame

    def stop(self) -> None:
        super().stop()
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()
            stream.close()


async def _ports() -> list[str]:
    jack_lsp = shutil.which("jack_lsp")
    assert jack_lsp, "jack_lsp is missing (Debian jackd2)"
    process = await asyncio.create_subprocess_exec(
        jack_lsp, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    out, _ = await process.communicate()
    return out.decode().split("\n")


async def wire_speaker_to_microphone(timeout_s: float = 10.0) -> None:
    """Wait for a speaker's output port and a microphone's input port to appear in this
    process's JACK client (PortAudio numbers them per stream), then connect them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout_s
    while True:
        ports = await _ports()
        outputs = [port for port in ports if port.startswith(f"{CLIENT}:out_")]
        inputs = [port for port in ports if port.startswith(f"{CLIENT}:in_")]
        if outputs and inputs:
            break
        assert loop.time() < deadline, "no speaker and microphone ports appeared in JACK"
        await asyncio.sleep(0.02)  # polling JACK's port list for the speaker to open
    jack_connect = shutil.which("jack_connect")
    assert jack_connect, "jack_connect is missing (Debian jackd2)"
    process = await asyncio.create_subprocess_exec(jack_connect, outputs[-1], inputs[-1])
    assert await process.wait() == 0, "jack_connect failed"
