"""The clinician's side of a video visit: the room, the waiting patient, admission, and
peer connections renegotiated without anyone's help. Runs on the runtime loop.

    session = CallSession(signaling, local, remote, CallConfig(...), appointment=id)
    await session.connect()
    await session.wait_for_patient(timeout_s=120)
    await session.admit()
    record = await session.run(duration_s=60)   # or until hang_up() / the patient's bye

The clinician always offers (docs/signaling.md). A new peer connection, with the next
session number, replaces the current one when ICE fails, when a new one does not connect
in time, when nothing has arrived for `stall_s`, when our signaling socket came back, or
when the patient's did.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from outpost.core.errors import CallErrorKind
from outpost.media import signaling_messages as wire
from outpost.media.call_base import CallBase
from outpost.media.call_meter import CallMeter
from outpost.media.call_record import CallRecord, RenegotiationReason
from outpost.media.local_media import LocalMedia
from outpost.media.peer import LinkState, PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import ConnectionLost, Event, SignalingClient
from outpost.media.step_control import StepControl
from outpost.media.watch import CallWatch

logger = logging.getLogger(__name__)

R = RenegotiationReason
PRESENT = (wire.PeerState.WAITING, wire.PeerState.ADMITTED)


class CallState(enum.Enum):
    CONNECTING = "connecting"  # to the room
    WAITING_FOR_PATIENT = "waiting-for-patient"
    PATIENT_WAITING = "patient-waiting"
    CONNECTING_MEDIA = "connecting-media"
    IN_CALL = "in-call"  # media arrives, and the patient's reports confirm ours arrives
    RECONNECTING = "reconnecting"
    ENDED = "ended"


@dataclass(frozen=True)
class CallConfig:
    peer: PeerOptions = dataclasses.field(default_factory=PeerOptions)
    connect_timeout_s: float = 10.0  # a new peer connection must come up within this
    stall_s: float = 4.0  # nothing received for this long: renegotiate
    min_gap_s: float = 1.0  # between two renegotiations
    sample_s: float = 1.0
    check_s: float = 0.25


class CallSession(CallBase):
    def __init__(
        self,
        signaling: SignalingClient,
        local: LocalMedia,
        remote: RemoteMedia,
        config: CallConfig,
        *,
        appointment: str,
        on_state: Callable[[CallState], None] | None = None,
        steps: StepControl | None = None,
    ) -> None:
        meter = CallMeter(local, remote, role="clinician", appointment=appointment)
        super().__init__(
            signaling,
            local,
            remote,
            config.peer,
            meter,
            sample_s=config.sample_s,
            check_s=config.check_s,
            steps=steps,
        )
        self._config = config
        self._on_state = on_state
        self._watch = CallWatch(remote, config.stall_s)
        self.state = CallState.CONNECTING
        self._patient = wire.PeerState.ABSENT
        self._admitted = False
        self._echoes = 0  # our admits whose `peer: admitted` echo has not come back yet
        self._welcomes = 0
        self._last_offer_at = -1e9
        self._deadline: float | None = None

    # -- public ------------------------------------------------------------------------

    async def wait_for_patient(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self._patient not in PRESENT:
            await self._next_event(
                deadline,
                f"No patient came to the waiting room within {timeout_s:g} seconds.",
                CallErrorKind.NO_PATIENT,
            )

    async def admit(self) -> None:
        """Let the waiting patient in and start the first peer connection."""
        self._admitted = True
        self.meter.admitted()
        if self._patient is not wire.PeerState.ADMITTED:
            self._echoes += 1
            await self._signaling.send(wire.Admit())
        await self._renegotiate(R.FIRST)

    async def run(self, duration_s: float | None = None) -> CallRecord:
        """Until `duration_s` after admission, `hang_up()`, or the patient's bye."""
        self._deadline = None if duration_s is None else time.monotonic() + duration_s
        try:
            return await self._run_loop()
        finally:
            self._set_state(CallState.ENDED)

    def _should_stop(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    # -- events ------------------------------------------------------------------------

    async def _handle(self, event: Event) -> None:
        if isinstance(event, wire.Welcome):
            await self._on_welcome(event)
        elif isinstance(event, wire.Peer):
            await self._on_peer(event.state)
        elif isinstance(event, wire.Answer):
            await self._on_answer(event)
        elif isinstance(event, wire.ServerError):
            logger.info("call: server said %s", event.code)
            if event.code == "stale-session":
                await self._renegotiate(R.STALE_SESSION)
        elif isinstance(event, ConnectionLost):
            self._set_state(CallState.RECONNECTING)

    async def _on_welcome(self, welcome: wire.Welcome) -> None:
        self._welcomes += 1
        self.session = max(self.session, welcome.session)
        self._patient = welcome.peer
        if self._welcomes == 1:
            self._set_state(self._waiting_state())
            return
        logger.info("call: signaling reconnected (patient %s)", welcome.peer.value)
        if self._admitted and welcome.peer is wire.PeerState.ADMITTED:
            await self._renegotiate(R.SIGNALING_RECONNECTED)

    async def _on_peer(self, state: wire.PeerState) -> None:
        echo = state is wire.PeerState.ADMITTED and self._echoes > 0
        if echo:
            self._echoes -= 1
        self._patient = state
        logger.info("call: patient %s%s", state.value, " (admission confirmed)" if echo else "")
        if not self._admitted:
            self._set_state(self._waiting_state())
        elif state is wire.PeerState.ADMITTED and not echo:
            await self._renegotiate(R.PEER_REJOINED)
        elif state is wire.PeerState.WAITING:  # the room forgot the admission (a bye)
            self._echoes += 1
            await self._signaling.send(wire.Admit())
            await self._renegotiate(R.PEER_REJOINED)
        elif state is wire.PeerState.LEFT:
            self._set_state(CallState.RECONNECTING)

    async def _on_answer(self, answer: wire.Answer) -> None:
        peer = self.peer
        if peer is None or answer.session != self.session or peer.answered:
            logger.info("call: stale answer for session %d dropped", answer.session)
            return
        await peer.accept(answer.sdp)
        self._negotiated(peer)

    # -- peer connections --------------------------------------------------------------

    async def _check(self) -> None:
        """Replace the peer connection when it failed, never came up, or went silent."""
        peer = self.peer
        if peer is None or self._patient is not wire.PeerState.ADMITTED:
            return
        reason = self._watch.verdict(peer, self._config.connect_timeout_s)
        if not self._signaling.connected and self._watch.flowing():
            self._signaling.retry_now()  # media is back, so is the network: rejoin now
        if reason is not None and self._signaling.connected:
            await self._renegotiate(reason)
        elif reason is not None:
            # The network is gone (our socket too): an offer could not reach the patient,
            # and this connection may carry media again by itself when the link returns.
            # The socket's return renegotiates (`_on_welcome`).
            self._set_state(CallState.RECONNECTING)
        elif (
            peer.state is LinkState.CONNECTED
            and (self._watch.flowing() or not peer.receives_media)
            and self.meter.acknowledged
        ):
            self._set_state(CallState.IN_CALL)

    async def _renegotiate(self, reason: RenegotiationReason) -> None:
        wait = self._last_offer_at + self._config.min_gap_s - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_offer_at = time.monotonic()
        self._set_state(CallState.CONNECTING_MEDIA if reason is R.FIRST else CallState.RECONNECTING)
        peer, sdp = await self._described_peer(self.session + 1, reason, lambda new: new.offer())
        self._watch.restart()
        logger.info("call: offering session %d (%s)", peer.session, reason.value)
        await self._signaling.send(wire.Offer(sdp, peer.session))

    def _waiting_state(self) -> CallState:
        if self._patient in PRESENT:
            return CallState.PATIENT_WAITING
        return CallState.WAITING_FOR_PATIENT

    def _set_state(self, state: CallState) -> None:
        if state is self.state:
            return
        self.state = state
        logger.info("call: %s", state.value)
        if self._on_state is not None:
            self._on_state(state)
