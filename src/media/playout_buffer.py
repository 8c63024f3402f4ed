"""The far end's audio on its way to the speaker: a time-based jitter buffer (DESIGN 5).

aiortc plays nothing and its own audio buffer counts packets: at 5% loss it dropped about
26% of frames and added 210 ms that never went away. `PlayoutBuffer` instead places each
decoded frame by its RTP timestamp, in 10 ms chunks, and the speaker takes 10 ms at a
time on its own clock (`read(now)`):

- **Target delay** from measured jitter: the spread (95th percentile less the minimum) of
  arrival time less media time over the last 2 s, plus one packet, within 40-200 ms.
  Playing starts once that much is buffered.
- **Gaps** (a chunk missing while later ones are here: lost or reordered) are concealed
  (`Concealer`) and passed; the play position moves on, so loss adds no delay.
- **Underruns** (nothing newer has arrived) are concealed without moving on: the delay
  grows by what the network held back, and nothing that arrives late is thrown away.
- **Catching up**: when the buffer has held more than the target for 100 ms (its lowest
  level in that time, as 20 ms packets make it swing), one chunk is left out (or a gap
  skipped instead of concealed): at most one in eleven (about 90 ms of excess a second),
  or one in four while the excess is 60 ms or more (about 330 ms a second), so after a
  burst the delay is back where it was within a second or two of the target coming down.
- Counts: chunks played (real audio), concealed, dropped to catch up, arrived too late.
  "Expected" is played + concealed: every 10 ms the speaker asked for once playing began.

Pure: the caller passes arrival and play times; one instance per call, and a new stream
(a renegotiated peer connection) starts the timeline over. Not thread-safe
(`playout.Playout` adds the lock).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np

from outpost.media.audio_processing import CHUNK_SAMPLES, SAMPLE_RATE, Samples
from outpost.media.concealment import Concealer

CHUNK_MS = 1000 * CHUNK_SAMPLES // SAMPLE_RATE  # 10
MIN_TARGET_MS = 40
MAX_TARGET_MS = 200
PACKET_MS = 20  # Opus as aiortc sends it: a frame is complete only once its packet is in
JITTER_WINDOW = 100  # frames (2 s of 20 ms packets)
CATCH_UP_MARGIN_MS = 0  # the trough of the level; 20 ms packets make it swing
CATCH_UP_READS = 10  # the excess must have lasted this many reads (100 ms)
FAST_CATCH_UP_MS = 60  # an excess this large is taken out faster:
FAST_CATCH_UP_READS = 3  # one chunk left out after this many reads
CAPACITY_MS = 2000  # beyond this (nobody reading), the oldest audio is dropped
RESYNC_MS = 3000  # a timestamp this far from the play position starts the timeline over
RETARGET_READS = 10  # the target is worked out again every 100 ms


@dataclass(frozen=True)
class PlayoutCounts:
    """Totals over the call, in 10 ms chunks, and the buffer's state now."""

    played: int  # chunks of received audio handed to the speaker
    concealed: int  # chunks the speaker got from concealment instead
    dropped: int  # received chunks left out to catch up (or for lack of room)
    late: int  # chunks that arrived after their time had been concealed
    target_ms: int
    delay_ms: float | None  # mean time the played chunks waited in the buffer, lately
    started_at: float | None  # when playing began (the caller's clock)

    @property
    def expected(self) -> int:
        return self.played + self.concealed


class PlayoutBuffer:
    def __init__(
        self,
        *,
        min_target_ms: int = MIN_TARGET_MS,
        max_target_ms: int = MAX_TARGET_MS,
        seed: int = 0,
    ) -> None:
        self._min_target = min_target_ms
        self._max_target = max_target_ms
        self._target = min_target_ms
        self._concealer = Concealer(seed)
        self._chunks: dict[int, tuple[Samples, float]] = {}
        self._stream: int | None = None
        self._position: int | None = None  # the next chunk to play; None until started
        self._first_arrival: float | None = None
        self._transit: collections.deque[float] = collections.deque(maxlen=JITTER_WINDOW)
        self._levels: collections.deque[int] = collections.deque(maxlen=CATCH_UP_READS)
        self._delays: collections.deque[float] = collections.deque(maxlen=50)
        self._played = self._concealed = self._dropped = self._late = 0
        self._held = 0  # chunks concealed in the current underrun
        self._since_catch_up = 0  # reads since a chunk was last left out
        self._reads = 0
        self._started_at: float | None = None

    # -- arrivals ----------------------------------------------------------------------

    def push(self, samples: Samples, timestamp: int, arrival: float, stream: int = 0) -> None:
        """Decoded far-end audio: 48 kHz mono int16 `samples` starting at RTP time
        `timestamp` (in samples), which arrived at `arrival` (seconds, the caller's
        clock), from `stream` (a new value starts the timeline over)."""
        first = round(timestamp / CHUNK_SAMPLES)
        if stream != self._stream or self._far(first):
            self._restart(stream)
        if self._first_arrival is None:
            self._first_arrival = arrival
        self._transit.append(arrival - timestamp / SAMPLE_RATE)
        for index in range(len(samples) // CHUNK_SAMPLES):
            key = first + index
            if self._position is not None and key < self._position:
                self._late += 1
                continue
            chunk = samples[index * CHUNK_SAMPLES : (index + 1) * CHUNK_SAMPLES]
            self._chunks.setdefault(key, (chunk, arrival))
        self._bound()

    def _far(self, key: int) -> bool:
        if self._position is not None:
            anchor = self._position
        elif self._chunks:
            anchor = max(self._chunks)
        else:
            return False
        return abs(key - anchor) * CHUNK_MS > RESYNC_MS

    def _restart(self, stream: int) -> None:
        self._stream = stream
        self._chunks.clear()
        self._position = self._first_arrival = None
        self._held = 0
        self._transit.clear()
        self._levels.clear()

    def _bound(self) -> None:
        """Nobody is reading (or far too slowly): keep the newest `CAPACITY_MS`."""
        limit = CAPACITY_MS // CHUNK_MS
        while len(self._chunks) > limit:
            oldest = min(self._chunks)
            del self._chunks[oldest]
            self._dropped += 1
            if self._position is not None:
                self._position = max(self._position, oldest + 1)

    # -- the speaker -------------------------------------------------------------------

    def read(self, now: float) -> Samples:
        """The next 10 ms for the speaker, at `now` (seconds, the caller's clock)."""
        if self._position is None and not self._start(now):
            return np.zeros(CHUNK_SAMPLES, dtype=np.int16)
        assert self._position is not None
        self._retarget()
        if self._should_catch_up():
            here, after = self._position in self._chunks, self._position + 1 in self._chunks
            if here and after:
                dropped, _ = self._chunks.pop(self._position)
                self._dropped += 1
                self._position += 2
                return self._play(self._chunks.pop(self._position - 1), now, dropped)
            if not here and self._gap():
                self._position += 1  # a missing chunk skipped rather than concealed
        self._skip_held()
        entry = self._chunks.pop(self._position, None)
        if entry is not None:
            self._position += 1
            self._held = 0
            return self._play(entry, now)
        if self._gap():
            self._position += 1
        else:
            self._held += 1  # an underrun: wait for this chunk, it may still come
        self._concealed += 1
        return self._concealer.conceal()

    def _skip_held(self) -> None:
        """After waiting in an underrun, audio resumed with a gap before it: the chunks
        concealed while waiting already stood in for that much of the gap."""
        assert self._position is not None
        while self._held > 0 and self._position not in self._chunks and self._gap():
            self._position += 1
            self._held -= 1

    def _start(self, now: float) -> bool:
        if not self._chunks or self._first_arrival is None:
            return False
        oldest = min(self._chunks)
        buffered = (self._newest_key() + 1 - oldest) * CHUNK_MS
        if buffered < self._target and (now - self._first_arrival) * 1000 < self._target:
            return False
        self._position = oldest
        if self._started_at is None:
            self._started_at = now
        return True

    def _play(
        self, entry: tuple[Samples, float], now: float, dropped: Samples | None = None
    ) -> Samples:
        chunk, arrival = entry
        self._played += 1
        self._delays.append(now - arrival)
        if dropped is not None:
            return self._concealer.skipped(dropped, chunk)
        return self._concealer.played(chunk)

    def _gap(self) -> bool:
        """Audio after the play position is here: the chunk at it is lost or late."""
        return self._position is not None and self._newest_key() > self._position

    def _newest_key(self) -> int:
        return max(self._chunks) if self._chunks else (self._position or 0) - 1

    def _level_ms(self) -> int:
        assert self._position is not None
        return max(0, self._newest_key() + 1 - self._position) * CHUNK_MS

    def _should_catch_up(self) -> bool:
        self._levels.append(self._level_ms())
        self._since_catch_up += 1
        if len(self._levels) < CATCH_UP_READS:
            return False
        excess = min(self._levels) - self._target - CATCH_UP_MARGIN_MS
        if excess < 0:
            return False
        every = FAST_CATCH_UP_READS if excess >= FAST_CATCH_UP_MS else CATCH_UP_READS
        if self._since_catch_up < every:
            return False
        self._since_catch_up = 0
        return True

    def _retarget(self) -> None:
        self._reads += 1
        if len(self._transit) < 10 or self._reads % RETARGET_READS:
            return
        transit = np.fromiter(self._transit, dtype=np.float64)
        spread_ms = (np.percentile(transit, 95) - transit.min()) * 1000
        wanted = int(spread_ms) + PACKET_MS
        self._target = min(max(wanted, self._min_target), self._max_target)

    # -- figures -----------------------------------------------------------------------

    @property
    def target_ms(self) -> int:
        return self._target

    def counts(self) -> PlayoutCounts:
        delay = float(np.mean(self._delays)) * 1000 if self._delays else None
        return PlayoutCounts(
            played=self._played,
            concealed=self._concealed,
            dropped=self._dropped,
            late=self._late,
            target_ms=self._target,
            delay_ms=None if delay is None else round(delay, 1),
            started_at=self._started_at,
        )
