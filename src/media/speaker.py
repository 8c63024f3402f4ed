"""Playing the far end's audio on a speaker: PortAudio (`sounddevice`) pulling `Playout`.

    PortAudio's audio thread -> Speaker._fill -> Playout.read(10 ms) -> the device

The callback never waits on anything but `Playout`'s short lock; it converts 48 kHz mono
to the device's rate and copies. Underruns (the device ran dry because a callback came
late) and callback failures play silence and are counted; PortAudio is never made to
stop by an exception.

Without a speaker the call goes on: `NO_SPEAKER` (none here, or no sound library) and
`DISCONNECTED` (the device stopped calling back mid-call: unplugged, sound server gone)
pull the `Playout` in real time and discard the audio, as a headless call does, so the
jitter buffer and the echo canceller's reference keep their pace.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
import numpy as np

from outpost.media.audio_processing import SAMPLE_RATE
from outpost.media.playout import Playout, play_to_nothing
from outpost.media.playout_buffer import CHUNK_MS
from outpost.media.sound_devices import SoundDevice, portaudio

logger = logging.getLogger(__name__)

LATENCY_S = 0.05  # asked of PortAudio; the device may give more
WATCH_PERIOD_S = 0.25
SILENT_DEVICE_S = 1.0  # no callback for this long while open: the device is gone
CLOSE_WAIT_S = 5.0  # a lost device's stream may take this long to let go


class SpeakerState(enum.Enum):
    OPENING = "opening"
    PLAYING = "playing"
    NO_SPEAKER = "no-speaker"  # none on this computer (or no sound library): not heard
    DISCONNECTED = "disconnected"  # it stopped mid-call: not heard from then on
    CLOSED = "closed"


@dataclass(frozen=True)
class SpeakerCounts:
    state: SpeakerState
    device: str | None  # the name of the speaker in use
    played_s: float  # audio handed to the device
    callbacks: int
    underruns: int  # times the device ran dry (a callback came too late)
    errors: int  # callbacks that failed and played silence
    problem: str | None  # why nothing is heard, in plain words


StateListener = Callable[[SpeakerState], None]


class Speaker:
    """Open with `await Speaker.open(...)` on the runtime loop; `close` when the call ends."""

    def __init__(
        self, playout: Playout, loop: asyncio.AbstractEventLoop, on_state: StateListener | None
    ) -> None:
        self._playout = playout
        self._loop = loop
        self._on_state = on_state
        self._state = SpeakerState.OPENING
        self._device: SoundDevice | None = None
        self._problem: str | None = None
        self._stream: Any = None
        self._lock = threading.Lock()  # guards the callback's figures against `counts`
        self._carry = np.zeros(0, dtype=np.float32)
        self._resampler: av.AudioResampler | None = None
        self._callbacks = self._underruns = self._errors = self._played = 0
        self._rate = SAMPLE_RATE
        self._tasks: list[asyncio.Task[None]] = []
        self._closing: threading.Thread | None = None

    @classmethod
    async def open(
        cls,
        playout: Playout,
        device: SoundDevice | None,
        *,
        problem: str | None = None,
        on_state: StateListener | None = None,
    ) -> Speaker:
        """Play `playout` on `device`; None (with `problem` saying why) pulls it unheard."""
        speaker = cls(playout, asyncio.get_running_loop(), on_state)
        if device is None:
            speaker._without(SpeakerState.NO_SPEAKER, problem or "No speaker was found.")
            return speaker
        try:
            await asyncio.to_thread(speaker._start_stream, device)
        except Exception as exc:  # noqa: BLE001 - PortAudio's errors are plain exceptions
            logger.warning("speaker did not open: %s", type(exc).__name__)
            speaker._without(SpeakerState.NO_SPEAKER, f"The speaker could not be opened: {exc}")
            return speaker
        speaker._device = device
        speaker._set_state(SpeakerState.PLAYING)
        speaker._tasks.append(speaker._loop.create_task(speaker._watch(), name="speaker-watch"))
        return speaker

    @property
    def state(self) -> SpeakerState:
        return self._state

    def counts(self) -> SpeakerCounts:
        with self._lock:
            return SpeakerCounts(
                self._state,
                self._device.name if self._device else None,
                self._played / self._rate,
                self._callbacks,
                self._underruns,
                self._errors,
                self._problem,
            )

    async def close(self) -> None:
        self._set_state(SpeakerState.CLOSED)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        stream, self._stream = self._stream, None
        if stream is not None:
            await asyncio.to_thread(_close_stream, stream)
        if self._closing is not None:  # a lost device's stream, closing since it was lost
            await asyncio.to_thread(self._closing.join, CLOSE_WAIT_S)

    # -- the audio thread ------------------------------------------------------------------

    def _start_stream(self, device: SoundDevice) -> None:
        sd = portaudio()
        extra = None
        if sys.platform == "win32" and device.host_api == "Windows WASAPI":
            extra = sd.WasapiSettings(auto_convert=True)
        rate = SAMPLE_RATE
        try:
            sd.check_output_settings(device.index, channels=1, dtype="float32", samplerate=rate)
        except sd.PortAudioError:
            rate = int(device.sample_rate)  # e.g. a JACK server at 44.1 kHz: resample
        self._rate = rate
        if rate != SAMPLE_RATE:
            self._resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
        stream = sd.OutputStream(
            device=device.index,
            samplerate=rate,
            channels=1,
            dtype="float32",
            latency=LATENCY_S,
            callback=self._fill,
            extra_settings=extra,
        )
        stream.start()
        self._stream = stream
        logger.info("speaker playing at %d Hz, %s", rate, device.host_api)

    def _fill(self, outdata: Any, frames: int, _time: Any, status: Any) -> None:
        try:
            with self._lock:
                self._callbacks += 1
                if status.output_underflow:
                    self._underruns += 1
            if self._state is not SpeakerState.PLAYING:
                outdata.fill(0)
                return
            while len(self._carry) < frames:
                self._carry = np.concatenate([self._carry, self._pull()])
            outdata[:, 0] = self._carry[:frames]
            self._carry = self._carry[frames:]
            with self._lock:
                self._played += frames
        except Exception:  # noqa: BLE001 - never let PortAudio's thread see an exception
            outdata.fill(0)
            with self._lock:
                self._errors += 1

    def _pull(self) -> np.ndarray[Any, np.dtype[np.float32]]:
        samples = self._playout.read(CHUNK_MS)
        audio = samples.astype(np.float32) / 32768.0
        if self._resampler is None:
            return audio
        frame = av.AudioFrame.from_ndarray(audio.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = SAMPLE_RATE
        parts = [out.to_ndarray().reshape(-1) for out in self._resampler.resample(frame)]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)

    # -- the runtime loop ------------------------------------------------------------------

    async def _watch(self) -> None:
        """A device that stopped calling back is gone: pull unheard from then on."""
        seen, quiet_since = -1, self._loop.time()
        while self._state is SpeakerState.PLAYING:
            await asyncio.sleep(WATCH_PERIOD_S)
            with self._lock:
                callbacks = self._callbacks
            stream = self._stream
            stopped = stream is not None and not stream.active
            if callbacks != seen:
                seen, quiet_since = callbacks, self._loop.time()
            elif stopped or self._loop.time() - quiet_since >= SILENT_DEVICE_S:
                logger.warning("speaker stopped after %d callbacks", callbacks)
                self._without(SpeakerState.DISCONNECTED, "The speaker was disconnected.")
                self._stream = None
                if stream is not None:
                    self._closing = threading.Thread(
                        target=_close_stream, args=(stream,), name="speaker-close", daemon=True
                    )
                    self._closing.start()

    def _without(self, state: SpeakerState, problem: str) -> None:
        with self._lock:
            self._problem = problem
        self._set_state(state)
        self._tasks.append(
            self._loop.create_task(play_to_nothing(self._playout), name="speaker-unheard")
        )

    def _set_state(self, state: SpeakerState) -> None:
        if state is self._state:
            return
        self._state = state
        logger.info("speaker: %s", state.value)
        if self._on_state is not None:
            self._on_state(state)


def _close_stream(stream: Any) -> None:
    """Abort and close (PortAudio may wait on a vanished device: never on the loop)."""
    with contextlib.suppress(Exception):
        stream.abort()
    with contextlib.suppress(Exception):
        stream.close()
