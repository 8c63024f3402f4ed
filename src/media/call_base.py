"""What both sides of a video visit share: the room connection, the event loop with its
once-a-second quality sample, replacing the peer connection, mute, camera off, hang-up.

`CallSession` (clinician) and `PatientPeer` (patient) add their side of the protocol in
`_handle`, `_check` and `_should_stop`. Everything runs on the runtime loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable

from outpost.core.errors import CallError, CallErrorKind
from outpost.core.ice_servers import IceServer, merged
from outpost.media import signaling_messages as wire
from outpost.media.call_meter import CallMeter
from outpost.media.call_record import CallRecord, EndReason, RenegotiationReason
from outpost.media.h264 import use_fast_h264
from outpost.media.ice_rotation import IceRotation
from outpost.media.local_media import LocalMedia
from outpost.media.peer import CLOSE_WAIT_S, Peer, PeerOptions
from outpost.media.rate_probe import Probe
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import (
    CloseReason,
    Event,
    SignalingClient,
    SignalingClosed,
    error_for,
)
from outpost.media.step_control import StepControl
from outpost.media.video_receiver import latest_probe

logger = logging.getLogger(__name__)


class CallBase(ABC):
    def __init__(
        self,
        signaling: SignalingClient,
        local: LocalMedia,
        remote: RemoteMedia,
        options: PeerOptions,
        meter: CallMeter,
        *,
        sample_s: float = 1.0,
        check_s: float = 0.25,
        steps: StepControl | None = None,
    ) -> None:
        self._signaling = signaling
        self.local = local
        self.remote = remote
        self._options = options
        self.meter = meter
        self._sample_s = sample_s
        self._check_s = check_s
        self.peer: Peer | None = None
        self._ice = IceRotation()  # which of several STUN/TURN servers the next one uses
        self._closing: set[asyncio.Task[None]] = set()  # replaced connections still closing
        self.session = 0
        self._welcome: wire.Welcome | None = None
        self._ended: EndReason | None = None
        self._hang_up = asyncio.Event()
        self.running = False  # `run` has begun: hanging up now ends it with a record
        self.steps = steps
        self._reported: Probe | None = None  # the last probe measure sent to the other side
        if steps is not None:
            steps.bind(meter)

    # -- controls (runtime loop) -------------------------------------------------------

    def hang_up(self) -> None:
        self._hang_up.set()

    def set_muted(self, muted: bool) -> None:
        self.local.muted = muted

    def set_camera_off(self, off: bool) -> None:
        self.local.camera_off = off

    async def close(self) -> None:
        """Leave the room and release everything, without a record (a call that never
        started: nobody came, or the admission failed)."""
        await self._finish()

    @property
    def signaling(self) -> SignalingClient:
        return self._signaling

    # -- the room ----------------------------------------------------------------------

    async def connect(self, timeout_s: float = 15.0) -> wire.Welcome:
        """Open the room's socket; the server's first `welcome`."""
        self._signaling.start()
        deadline = time.monotonic() + timeout_s
        while self._welcome is None:
            await self._next_event(deadline, "The video visit server did not answer in time.")
        return self._welcome

    async def _next_event(
        self, deadline: float, message: str, kind: CallErrorKind = CallErrorKind.UNREACHABLE
    ) -> None:
        """Handle the next event; `CallError(kind, message)` if none comes by `deadline`."""
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise TimeoutError
            event = await asyncio.wait_for(self._signaling.next(), remaining)
        except TimeoutError:
            raise CallError(kind, message) from None
        await self._dispatch(event)

    async def _dispatch(self, event: Event) -> None:
        if isinstance(event, wire.Welcome):
            self._welcome = event
        elif isinstance(event, wire.LinkReport):
            if self.steps is not None:
                self.steps.far_probe(event.probe_kbps)
            return
        elif isinstance(event, wire.Bye):
            logger.info("call: the other side ended the visit")
            self._ended = EndReason.REMOTE_BYE
            return
        elif isinstance(event, SignalingClosed):
            if event.reason is not CloseReason.HUNG_UP:
                raise event.error or error_for(event.reason)
            self._ended = EndReason.HUNG_UP
            return
        await self._handle(event)

    @abstractmethod
    async def _handle(self, event: Event) -> None: ...

    @abstractmethod
    async def _check(self) -> None:
        """Called a few times a second while the call runs (may raise `CallError`)."""

    @abstractmethod
    def _should_stop(self) -> bool:
        """Whether this side's own end condition (a duration) has come."""

    # -- the call loop -----------------------------------------------------------------

    async def _run_loop(self) -> CallRecord:
        self.running = True
        next_sample = time.monotonic()
        try:
            while self._ended is None:
                if self._hang_up.is_set() or self._should_stop():
                    self._ended = EndReason.HUNG_UP
                    break
                if time.monotonic() >= next_sample:
                    await self.meter.tick(self.peer)
                    await self._report_probe()
                    next_sample += self._sample_s
                await self._check()
                await self._wait_event(min(next_sample, time.monotonic() + self._check_s))
            await self.meter.tick(self.peer)
            return self.meter.record(self._ended)
        finally:
            await self._finish()

    async def _report_probe(self) -> None:
        """Tell the other side what its latest probe arrived at (`rate_probe.py`), once."""
        probe = latest_probe(self.peer.pc) if self.peer is not None else None
        if probe is None or probe == self._reported or not self._signaling.connected:
            return
        self._reported = probe
        logger.info("call: the other side's probe arrived at %.0f kbit/s", probe.kbps)
        await self._signaling.send(wire.LinkReport(max(1, round(probe.kbps))))

    async def _wait_event(self, until: float) -> None:
        hang_up = asyncio.ensure_future(self._hang_up.wait())
        incoming = asyncio.ensure_future(self._signaling.next())
        done, _ = await asyncio.wait(
            {hang_up, incoming},
            timeout=max(until - time.monotonic(), 0.0),
            return_when=asyncio.FIRST_COMPLETED,
        )
        hang_up.cancel()
        if incoming in done:
            await self._dispatch(incoming.result())
        else:
            incoming.cancel()

    async def _replace_peer(self, session: int, reason: RenegotiationReason) -> Peer:
        """Close the current peer connection (in the background) and make the one for
        `session`."""
        if self.peer is not None:
            closing = self.peer.begin_close()
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)
        if self.peer is not None and self.peer.connected_at is None:
            self._ice.failed()  # it never came up: the next servers of the list
        self.session = session
        choice = self._ice.choose(self._ice_servers())
        options = dataclasses.replace(self._options, ice_servers=choice.servers)
        self.peer = Peer(session, options, self.local, self.remote)
        self.meter.renegotiated(session, reason, stun=choice.stun, turn=choice.turn)
        return self.peer

    def _ice_servers(self) -> tuple[IceServer, ...]:
        """Ours first, then those the room's `welcome` offered."""
        offered = self._welcome.ice_servers if self._welcome is not None else ()
        return merged(self._options.ice_servers, offered)

    async def _described_peer(
        self,
        session: int,
        reason: RenegotiationReason,
        describe: Callable[[Peer], Awaitable[str]],
    ) -> tuple[Peer, str]:
        """A new peer connection for `session` and its description (offer or answer).
        Relay-only, a TURN server that gave no relay candidate (down, unreachable, refused
        us) would make a connection that cannot work: the next TURN server is tried at
        once instead, each at most once."""
        peer = await self._replace_peer(session, reason)
        sdp = await describe(peer)
        retries = IceRotation.turn_count(self._ice_servers()) - 1
        while self._options.relay_only and " typ relay" not in sdp and retries > 0:
            retries -= 1
            logger.info("session %d: no relay candidate; trying the next TURN server", session)
            peer = await self._replace_peer(session, RenegotiationReason.NO_RELAY)
            sdp = await describe(peer)
        return peer, sdp

    def _negotiated(self, peer: Peer) -> None:
        """Offer and answer are both applied: the senders' codecs are known."""
        if self.steps is not None:
            self.steps.attach(peer)
        use_fast_h264(peer.pc)  # when H.264 was negotiated: x264 at a fast preset

    async def _finish(self) -> None:
        """Say bye, close the peer connections, then the tracks and the socket; the last
        two also when the call's task is cancelled half-way through (nothing left open)."""
        try:
            if self._ended is not EndReason.REMOTE_BYE and self._signaling.connected:
                await self._signaling.send(wire.Bye("hangup"))
            if self.peer is not None:
                self._closing.add(self.peer.begin_close())
            if self._closing:
                await asyncio.wait(self._closing, timeout=CLOSE_WAIT_S)
        finally:
            try:
                await self.remote.close()
            finally:
                await self._signaling.close()
