"""Rehearsal calls (`CallPort.rehearse`): a practice visit with a synthetic patient.

`Rehearser.start` asks the server for a rehearsal room (`POST /signal/rehearsals`, with
the clinician's credentials) and puts a synthetic patient in its waiting room: a
`PatientPeer` sending a test pattern and a synthetic voice, as `outpost patient-bot` does,
run as a task on the runtime loop. The clinician then joins the room like an
appointment's. The patient stays until the clinician's bye or `stop`, at most
`ADMIT_TIMEOUT_S` unadmitted. One rehearsal at a time; starting another stops the first.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from outpost.core.errors import (
    AuthExpiredError,
    CallError,
    CallErrorKind,
    OfflineError,
    OutpostError,
)
from outpost.core.visits import CredentialSource, VisitCredentials, is_rehearsal
from outpost.media import pipeline
from outpost.media.call_record import CallRecord
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions
from outpost.media.signaling_client import SignalingClient, patient_endpoint

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
CONNECT_TIMEOUT_S = 15.0
ADMIT_TIMEOUT_S = 15 * 60.0
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class RehearsalRoom:
    """A room the server made. `link` holds the patient's token: never logged."""

    room: str
    link: str = field(repr=False)


def rehearsals_url(server_url: str) -> str:
    """`/signal/rehearsals` beside the FHIR base (…/fhir) or origin `server_url` names."""
    parts = urlsplit(server_url)
    prefix = parts.path.rstrip("/").removesuffix("/fhir")
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix}/signal/rehearsals", "", ""))


async def create_room(http: aiohttp.ClientSession, credentials: VisitCredentials) -> RehearsalRoom:
    """A new rehearsal room; `OfflineError`, `AuthExpiredError` or `CallError` if not."""
    headers = {"Authorization": f"Bearer {credentials.access_token}"}
    try:
        async with http.post(
            rehearsals_url(credentials.server_url), headers=headers, timeout=TIMEOUT
        ) as answer:
            if answer.status in (401, 403):
                raise AuthExpiredError("Sign in again to rehearse a visit.")
            if answer.status == 429:
                raise CallError(CallErrorKind.BUSY, "Too many rehearsals are open; try later.")
            if answer.status != 201:
                logger.info("rehearsal room -> %d", answer.status)
                raise CallError(
                    CallErrorKind.UNREACHABLE,
                    f"The server could not make a rehearsal room (HTTP {answer.status}).",
                )
            body = await answer.json(content_type=None)
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise OfflineError("The clinic server cannot be reached.") from exc
    except ValueError as exc:
        raise CallError(CallErrorKind.UNREACHABLE, "The server's answer was unreadable.") from exc
    room = body.get("room") if isinstance(body, dict) else None
    link = body.get("link") if isinstance(body, dict) else None
    if not isinstance(room, str) or not is_rehearsal(room) or not isinstance(link, str):
        raise CallError(CallErrorKind.UNREACHABLE, "The server's rehearsal room was unreadable.")
    return RehearsalRoom(room, link)


class SyntheticPatient:
    """The rehearsal's patient: connected to the room, then a task until it leaves."""

    def __init__(self, room: RehearsalRoom, options: PeerOptions) -> None:
        self.room = room.room
        self._media = pipeline.synthetic()
        self._peer = PatientPeer(
            SignalingClient(patient_endpoint(room.link)),
            self._media.local,
            self._media.remote,
            options,
            steps=self._media.steps,
        )
        self._task: asyncio.Task[CallRecord | None] | None = None

    @property
    def done(self) -> bool:
        return self._task is not None and self._task.done()

    async def start(self) -> None:
        """In the waiting room (the server's welcome came); the rest runs as a task."""
        try:
            await self._peer.connect(CONNECT_TIMEOUT_S)
        except BaseException:
            await self._peer.close()
            self._media.local.stop()
            raise
        self._task = asyncio.get_running_loop().create_task(self._run())
        self._task.add_done_callback(_log_failure)

    async def _run(self) -> CallRecord | None:
        try:
            record = await self._peer.run(ADMIT_TIMEOUT_S)
        except OutpostError as exc:  # only a rehearsal: the clinician's side says what failed
            logger.info("rehearsal %s: the patient stopped: %s", self.room, type(exc).__name__)
            return None
        finally:
            self._media.local.stop()
        logger.info("rehearsal %s: the patient left (%s)", self.room, record.summary.ended.value)
        return record

    async def stop(self) -> None:
        """Leave the room (a bye if admitted); cancelled if that takes too long."""
        if self._task is None or self._task.done():
            return
        self._peer.hang_up()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT_S)
        if not self._task.done():
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def _log_failure(task: asyncio.Task[CallRecord | None]) -> None:
    """A bug in the synthetic patient is logged even if nobody awaits it."""
    if not task.cancelled() and task.exception() is not None:
        logger.error("rehearsal: the synthetic patient failed", exc_info=task.exception())


class Rehearser:
    """`CallService`'s rehearsals: at most one synthetic patient at a time."""

    def __init__(self, credentials: CredentialSource, options: PeerOptions) -> None:
        self._credentials = credentials
        # the clinician's STUN/TURN servers (and the room's), never relay-only: on this
        # computer the patient's host candidates are the clinician's nearest way in
        self._options = PeerOptions(
            ice_servers=options.ice_servers, video_codec=options.video_codec
        )
        self._patient: SyntheticPatient | None = None

    @property
    def room(self) -> str | None:
        """The running rehearsal's room, if its patient has not left."""
        patient = self._patient
        return None if patient is None or patient.done else patient.room

    async def start(self, http: aiohttp.ClientSession) -> str:
        """A new rehearsal room with its synthetic patient waiting; the room's id."""
        await self.stop()
        try:
            room = await create_room(http, await self._credentials())
        except AuthExpiredError:
            self._credentials.forget()  # a refused token is read again next time
            raise
        patient = SyntheticPatient(room, self._options)
        await patient.start()
        self._patient = patient
        logger.info("rehearsal %s: the synthetic patient is waiting", room.room)
        return room.room

    async def stop(self, room: str | None = None) -> None:
        """Stop the synthetic patient (only if it is in `room`, when one is named)."""
        patient = self._patient
        if patient is None or (room is not None and room != patient.room):
            return
        self._patient = None
        await patient.stop()
