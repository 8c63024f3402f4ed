"""`CallWatch`: is the current peer connection healthy, or should it be replaced?

aiortc reports ICE `failed` late (its consent checks take about 30 s) and has no
`disconnected` state, so besides ICE failure the watch also judges by what arrives: a
connection that has not come up within the connect timeout, or one through which nothing
(no audio, no video frame) has arrived for `stall_s`, is replaced. A far end that
answered without sending anything, or whose media has not yet started on this connection
(the browser page adds the camera and microphone to the connection when the patient
allows them), gets a couple of new offers, then the call goes on one way instead of
renegotiating forever; media that starts later resets the count.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from outpost.media.call_record import RenegotiationReason
from outpost.media.peer import LinkState
from outpost.media.remote_media import ReceivedCounts

FLOWING_S = 1.0
QUIET_RETRIES = 2


class WatchedLink(Protocol):
    """What the watch reads of a peer connection (`peer.Peer`)."""

    @property
    def state(self) -> LinkState: ...

    @property
    def created_at(self) -> float: ...

    @property
    def connected_at(self) -> float | None: ...

    @property
    def receives_media(self) -> bool: ...


class Arrivals(Protocol):
    """Where received frames are counted (`remote_media.RemoteMedia`)."""

    def counts(self) -> ReceivedCounts: ...


class CallWatch:
    def __init__(
        self, remote: Arrivals, stall_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._remote = remote
        self._stall_s = stall_s
        self._clock = clock
        self._frames = self._total()
        self._progress_at = clock()
        self._arrived = False  # anything since the last restart
        self._quiet_retries = 0

    def restart(self) -> None:
        """A new peer connection: its silence is measured from now."""
        self._frames = self._total()
        self._progress_at = self._clock()
        self._arrived = False

    def _total(self) -> int:
        counts = self._remote.counts()
        return counts.video_frames + counts.audio_frames

    def _update(self) -> float:
        now = self._clock()
        frames = self._total()
        if frames != self._frames:
            self._frames = frames
            self._progress_at = now
            self._arrived = True
            self._quiet_retries = 0
        return now

    def flowing(self) -> bool:
        """Something arrived on this connection, the last of it within a second."""
        return self._update() - self._progress_at <= FLOWING_S and self._arrived

    def verdict(self, peer: WatchedLink, connect_timeout_s: float) -> RenegotiationReason | None:
        """Why `peer` should be replaced now, or None while it is fine."""
        now = self._update()
        if peer.state in (LinkState.FAILED, LinkState.CLOSED):
            return RenegotiationReason.ICE_FAILED
        if peer.connected_at is None:
            if now - peer.created_at > connect_timeout_s:
                return RenegotiationReason.CONNECT_TIMEOUT
            return None
        if now - max(self._progress_at, peer.connected_at) <= self._stall_s:
            return None
        if peer.receives_media and self._arrived:
            return RenegotiationReason.MEDIA_STALLED
        # Nothing ever came on this connection: the far end answered without sending
        # (no camera or microphone yet, or none at all) or its devices are still opening:
        # try again a few times, then accept a one-way call until media starts.
        if self._quiet_retries < QUIET_RETRIES:
            self._quiet_retries += 1
            return RenegotiationReason.MEDIA_STALLED
        return None
