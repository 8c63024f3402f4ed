"""The patient's side of a video visit, as the browser join page does it, for the
patient bot, tests and rehearsal calls: join through the link, wait to be admitted,
answer every offer (a higher session replaces the current peer connection), send the
local media, drain the clinician's. Runs on the runtime loop.

    patient = PatientPeer(signaling, local, remote, PeerOptions())
    await patient.connect()
    record = await patient.run(admit_timeout_s=120, duration_s=30)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from outpost.core.errors import CallError, CallErrorKind
from outpost.media import signaling_messages as wire
from outpost.media.call_base import CallBase
from outpost.media.call_meter import CallMeter
from outpost.media.call_record import CallRecord, RenegotiationReason
from outpost.media.local_media import LocalMedia
from outpost.media.peer import PeerOptions
from outpost.media.remote_media import RemoteMedia
from outpost.media.signaling_client import ConnectionLost, Event, SignalingClient
from outpost.media.step_control import StepControl

logger = logging.getLogger(__name__)


class PatientPeer(CallBase):
    def __init__(
        self,
        signaling: SignalingClient,
        local: LocalMedia,
        remote: RemoteMedia,
        options: PeerOptions,
        *,
        sample_s: float = 1.0,
        steps: StepControl | None = None,
        on_in_call: Callable[[], None] | None = None,
    ) -> None:
        meter = CallMeter(local, remote, role="patient", appointment=None)
        super().__init__(signaling, local, remote, options, meter, sample_s=sample_s, steps=steps)
        self.admitted = False
        self._admit_deadline = 0.0
        self._admit_timeout_s = 0.0
        self._duration_s: float | None = None
        self._on_in_call = on_in_call

    async def run(self, admit_timeout_s: float, duration_s: float | None = None) -> CallRecord:
        """Wait to be admitted (at most `admit_timeout_s`), then stay until the clinician's
        bye, `hang_up()`, or `duration_s` after admission."""
        self._admit_timeout_s = admit_timeout_s
        self._admit_deadline = time.monotonic() + admit_timeout_s
        self._duration_s = duration_s
        return await self._run_loop()

    async def _check(self) -> None:
        if not self.admitted and time.monotonic() >= self._admit_deadline:
            raise CallError(
                CallErrorKind.NOT_ADMITTED,
                f"The clinician did not let us in within {self._admit_timeout_s:g} seconds.",
            )
        if self._on_in_call is not None and self.admitted and self.meter.flowed_both_ways:
            in_call, self._on_in_call = self._on_in_call, None
            in_call()  # once: media arrives and the clinician confirmed ours

    def _should_stop(self) -> bool:
        return (
            self._duration_s is not None
            and self.admitted
            and self.meter.since_admitted() >= self._duration_s
        )

    async def _handle(self, event: Event) -> None:
        if isinstance(event, wire.Welcome):
            logger.info("patient: in the room (clinician %s)", event.peer.value)
        elif isinstance(event, wire.Waiting):
            logger.info("patient: waiting to be admitted")
        elif isinstance(event, wire.Admitted):
            logger.info("patient: admitted")
            self.admitted = True
            self.meter.admitted()
        elif isinstance(event, wire.Offer):
            await self._on_offer(event)
        elif isinstance(event, wire.Peer):
            logger.info("patient: clinician %s", event.state.value)
        elif isinstance(event, ConnectionLost):
            logger.info("patient: signaling lost, reconnecting")

    async def _on_offer(self, offer: wire.Offer) -> None:
        if self.peer is not None and offer.session <= self.session:
            logger.info("patient: offer for old session %d ignored", offer.session)
            return
        reason = (
            RenegotiationReason.FIRST if self.peer is None else RenegotiationReason.REMOTE_OFFER
        )
        peer, sdp = await self._described_peer(
            offer.session, reason, lambda new: new.answer(offer.sdp)
        )
        self._negotiated(peer)
        await self._signaling.send(wire.Answer(sdp, peer.session))
        logger.info("patient: answered session %d", peer.session)
