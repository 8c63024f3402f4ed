"""One peer connection of a call (one `session`): ICE configuration, codecs, offer/answer.

A call may go through several of these (renegotiation builds a new one with the next
session number); the sources (`LocalMedia`) and the drains (`RemoteMedia`) outlive them.
aiortc has no trickle ICE: `setLocalDescription` gathers every candidate, so the SDP sent
is complete. Create only on the runtime loop (aiortc binds the running loop).
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiortc import (
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from aiortc.rtcrtpparameters import RTCRtpCodecCapability
from aiortc.stats import RTCStatsReport

from outpost.core.errors import CallError, CallErrorKind
from outpost.core.ice_servers import IceServer
from outpost.media import opus_fec
from outpost.media.audio_receiver import pass_audio_through
from outpost.media.local_media import LocalMedia
from outpost.media.remote_media import RemoteMedia
from outpost.media.video_receiver import keep_video_moving

logger = logging.getLogger(__name__)

CLOSE_WAIT_S = 2.0


class VideoCodec(enum.Enum):
    VP8 = "video/VP8"
    H264 = "video/H264"


class LinkState(enum.Enum):
    """Our reading of a peer connection's ICE/DTLS state."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass(frozen=True)
class PeerOptions:
    ice_servers: tuple[IceServer, ...] = ()
    relay_only: bool = False
    video_codec: VideoCodec = VideoCodec.VP8


def rtc_configuration(servers: Sequence[IceServer], relay_only: bool) -> RTCConfiguration:
    """aiortc's configuration; an empty list (not None: aiortc would then use a public
    STUN server) when nothing is configured. aiortc uses the first usable STUN and the
    first usable TURN server of the list."""
    if relay_only and not any(server.is_turn for server in servers):
        raise CallError(
            CallErrorKind.CONFIG,
            "Relay-only calls need a TURN server: set `ice_servers` (docs/deployment.md).",
        )
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=[server.url], username=server.username, credential=server.credential)
            for server in servers
        ],
        iceTransportPolicy=RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL,
    )


def _preferred(kind: str, first: str) -> list[RTCRtpCodecCapability]:
    codecs = RTCRtpSender.getCapabilities(kind).codecs
    rank = {first: 0, f"{kind}/rtx": 2}
    return sorted(codecs, key=lambda codec: rank.get(codec.mimeType, 1))


class Peer:
    """One RTCPeerConnection and what it carries."""

    def __init__(
        self,
        session: int,
        options: PeerOptions,
        local: LocalMedia,
        remote: RemoteMedia,
    ) -> None:
        self.session = session
        self._options = options
        self._local = local
        self._remote = remote
        self.created_at = time.monotonic()
        opus_fec.install()
        self.connected_at: float | None = None
        self.state = LinkState.CONNECTING
        self.pc = RTCPeerConnection(rtc_configuration(options.ice_servers, options.relay_only))
        self._closing: asyncio.Task[None] | None = None
        self.pc.on("track", self._on_track)
        self.pc.on("iceconnectionstatechange", self._on_state)
        self.pc.on("connectionstatechange", self._on_state)

    def _on_track(self, track: MediaStreamTrack) -> None:
        self._remote.attach(track, self.session)

    def _on_state(self) -> None:
        ice, overall = self.pc.iceConnectionState, self.pc.connectionState
        if ice == "failed" or overall == "failed":
            state = LinkState.FAILED
        elif ice == "closed" or overall == "closed":
            state = LinkState.CLOSED
        elif overall == "connected":
            state = LinkState.CONNECTED
        else:
            state = LinkState.CONNECTING
        if state is self.state:
            return
        self.state = state
        if state is LinkState.CONNECTED and self.connected_at is None:
            self.connected_at = time.monotonic()
        logger.info("session %d: %s (ice %s)", self.session, state.value, ice)

    async def offer(self) -> str:
        """Clinician: send our tracks, receive theirs; the complete offer SDP."""
        for track in self._local.tracks():
            transceiver = self.pc.addTransceiver(track, direction="sendrecv")
            first = self._options.video_codec.value if track.kind == "video" else "audio/opus"
            transceiver.setCodecPreferences(_preferred(track.kind, first))
        for kind in ("audio", "video"):  # receive a kind even when we do not send it
            if not any(t.kind == kind for t in self.pc.getTransceivers()):
                self.pc.addTransceiver(kind, direction="recvonly")
        pass_audio_through(self.pc)
        keep_video_moving(self.pc)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    @property
    def receives_media(self) -> bool:
        """The far end's description says it sends us audio or video."""
        return any(t.receiver.track is not None for t in self.pc.getTransceivers())

    @property
    def answered(self) -> bool:
        """Clinician: the answer for this session has been applied."""
        return self.pc.remoteDescription is not None

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))

    async def answer(self, offer_sdp: str) -> str:
        """Patient: take the offer, add our tracks, the complete answer SDP."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        pass_audio_through(self.pc)
        keep_video_moving(self.pc)
        for track in self._local.tracks():
            self.pc.addTrack(track)
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    async def stats(self) -> RTCStatsReport:
        return await self.pc.getStats()

    def begin_close(self) -> asyncio.Task[None]:
        """Start closing, without waiting. Over a dead link aiortc's close waits for the TURN
        server to confirm that our allocation is released, retrying for about a minute;
        a call must not stand still for that."""
        if self._closing is None:
            self._closing = asyncio.get_running_loop().create_task(
                self.pc.close(), name=f"close-session-{self.session}"
            )
            self._closing.add_done_callback(self._closed)
        self.state = LinkState.CLOSED
        return self._closing

    async def close(self, wait_s: float = CLOSE_WAIT_S) -> None:
        """Close, waiting at most `wait_s`; what is left (a TURN release nobody answers)
        goes on in the background."""
        closing = self.begin_close()
        done, _ = await asyncio.wait({closing}, timeout=wait_s)
        if not done:
            logger.info("session %d: still closing after %.1f s", self.session, wait_s)

    def _closed(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            logger.warning("session %d: close failed (%r)", self.session, task.exception())
