"""`CallService`: video visits for the app (`outpost.core.visits.CallPort`).

One visit at a time, on the runtime thread: `join` opens the appointment's room, a task
then follows the room (the patient arriving or leaving) until the clinician admits, runs
the call (`VisitSession`, the full pipeline with the echo canceller and the ladder) and
keeps its summary. `status`, `remote_video` and `local_video` only read what the runtime
thread last wrote, so the UI may call them from its own thread at any time; a picture is
converted only when it is newer than the one the UI has.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

import aiohttp

from outpost.core.errors import CallError, CallErrorKind, InvalidStateError, OutpostError
from outpost.core.visits import (
    CallStatus,
    CredentialSource,
    DeviceKind,
    LinkQuality,
    MediaDevice,
    VideoImage,
    VisitEnd,
    VisitState,
    VisitSummary,
    WaitingPatient,
)
from outpost.media import pipeline, visit_sources, waiting_list
from outpost.media.call_record import CallRecord, EndReason
from outpost.media.call_session import CallConfig, CallState
from outpost.media.ladder import Step
from outpost.media.peer import PeerOptions
from outpost.media.signaling_client import SignalingClient, clinician_endpoint
from outpost.media.video_image import ImageReader
from outpost.media.visit_session import VisitSession

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 15.0
HANG_UP_TIMEOUT_S = 10.0
SERIALS_PER_VISIT = 1 << 40
_STATES = {
    CallState.CONNECTING: VisitState.CONNECTING,
    CallState.WAITING_FOR_PATIENT: VisitState.WAITING_FOR_PATIENT,
    CallState.PATIENT_WAITING: VisitState.PATIENT_WAITING,
    CallState.CONNECTING_MEDIA: VisitState.CONNECTING_MEDIA,
    CallState.IN_CALL: VisitState.IN_CALL,
    CallState.RECONNECTING: VisitState.RECONNECTING,
    CallState.ENDED: VisitState.ENDED,
}
_QUALITY = {
    Step.FULL: LinkQuality.GOOD,
    Step.MEDIUM: LinkQuality.REDUCED,
    Step.LOW: LinkQuality.LOW,
    Step.AUDIO_ONLY: LinkQuality.AUDIO_ONLY,
}
_ENDS = {
    EndReason.HUNG_UP: VisitEnd.HUNG_UP,
    EndReason.REMOTE_BYE: VisitEnd.PATIENT_LEFT,
    EndReason.SIGNALING_CLOSED: VisitEnd.CONNECTION_LOST,
    EndReason.FAILED: VisitEnd.FAILED,
}
RecordListener = Callable[[CallRecord], None]


class _Visit:
    """One visit's parts and outcome (runtime thread writes; any thread reads)."""

    def __init__(
        self, number: int, appointment_id: str, media: pipeline.Pipeline, session: VisitSession
    ) -> None:
        self.base = number * SERIALS_PER_VISIT
        self.appointment_id = appointment_id
        self.media = media
        self.session = session
        self.admit_requested = asyncio.Event()
        self.admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.task: asyncio.Task[None] | None = None
        self.summary: VisitSummary | None = None
        self.error: OutpostError | None = None
        self.remote_images = ImageReader(media.remote.video)
        self.self_view: visit_sources.SelfViewTrack | None = None
        self.local_images: ImageReader | None = None
        self.microphone: visit_sources.SwitchableAudioTrack | None = None

    @property
    def finished(self) -> bool:
        return self.summary is not None or self.error is not None

    def state(self) -> VisitState:
        if self.error is not None:
            return VisitState.FAILED
        if self.summary is not None:
            return VisitState.ENDED
        return _STATES[self.session.state]


class CallService:
    def __init__(
        self,
        credentials: CredentialSource,
        options: PeerOptions | None = None,
        *,
        config: CallConfig | None = None,
        camera_size: tuple[int, int] = (640, 480),
        on_record: RecordListener | None = None,
    ) -> None:
        self._credentials = credentials
        self._config = config or CallConfig(peer=options or PeerOptions())
        self._camera_size = camera_size
        self._on_record = on_record
        self._numbers = itertools.count(1)
        self._visit: _Visit | None = None
        self._http: aiohttp.ClientSession | None = None
        self._chosen = {
            DeviceKind.CAMERA: visit_sources.TEST_PATTERN,
            DeviceKind.MICROPHONE: visit_sources.TEST_VOICE,
        }

    # -- the waiting rooms -------------------------------------------------------------

    async def waiting(self) -> list[WaitingPatient]:
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=waiting_list.TIMEOUT)
        credentials = await self._credentials()
        try:
            return await waiting_list.fetch(self._http, credentials)
        except OutpostError:
            self._credentials.forget()  # a refused token is read again next time
            raise

    # -- one visit ---------------------------------------------------------------------

    async def join(self, appointment_id: str) -> None:
        if self._visit is not None and not self._visit.finished:
            raise InvalidStateError("A video visit is already open; hang up first.")
        credentials = await self._credentials()

        async def token() -> str:
            return (await self._credentials()).access_token

        microphone = visit_sources.SwitchableAudioTrack(
            visit_sources.microphone(self._chosen[DeviceKind.MICROPHONE])
        )
        camera = visit_sources.SelfViewTrack(
            visit_sources.camera(self._chosen[DeviceKind.CAMERA], self._camera_size)
        )
        media = pipeline.build(microphone, camera)
        session = VisitSession(
            SignalingClient(clinician_endpoint(credentials.server_url, appointment_id, token)),
            media.local,
            media.remote,
            self._config,
            appointment=appointment_id,
            steps=media.steps,
        )
        visit = _Visit(next(self._numbers), appointment_id, media, session)
        visit.self_view, visit.microphone = camera, microphone
        visit.local_images = ImageReader(camera.newest)
        self._visit = visit
        logger.info("visit %d: opening the room", visit.base // SERIALS_PER_VISIT)
        try:
            await session.connect(CONNECT_TIMEOUT_S)
        except BaseException as exc:
            await self._release(visit)
            visit.error = _known(exc)
            raise
        visit.task = asyncio.get_running_loop().create_task(self._follow(visit))

    async def admit(self) -> None:
        visit = self._open_visit()
        if not visit.session.patient_waiting:
            raise InvalidStateError("Nobody is in the waiting room yet.")
        visit.admit_requested.set()
        await asyncio.shield(visit.admitted)

    async def hang_up(self) -> VisitSummary | None:
        visit = self._visit
        if visit is None:
            return None
        visit.session.hang_up()
        if visit.task is not None:
            with contextlib.suppress(asyncio.CancelledError, OutpostError):
                await asyncio.wait_for(asyncio.shield(visit.task), HANG_UP_TIMEOUT_S)
        return visit.summary

    async def set_muted(self, muted: bool) -> None:
        self._open_visit().session.set_muted(muted)

    async def set_camera_off(self, off: bool) -> None:
        self._open_visit().session.set_camera_off(off)

    async def use_device(self, device_id: str) -> None:
        chosen = visit_sources.device(device_id)
        self._chosen[chosen.kind] = device_id
        visit = self._visit
        if chosen.kind is DeviceKind.MICROPHONE and visit is not None and not visit.finished:
            assert visit.microphone is not None
            visit.microphone.switch(visit_sources.microphone(device_id))
        logger.info("device in use: %s", device_id)

    async def close(self) -> None:
        visit = self._visit
        if visit is not None and not visit.finished:
            await self.hang_up()
            if visit.task is not None and not visit.task.done():
                visit.task.cancel()
                await asyncio.gather(visit.task, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- read from any thread ----------------------------------------------------------

    def devices(self) -> list[MediaDevice]:
        return list(visit_sources.DEVICES)

    def status(self) -> CallStatus:
        visit = self._visit
        microphone = self._chosen[DeviceKind.MICROPHONE]
        if visit is None:
            return CallStatus(microphone=microphone)
        local = visit.media.local
        summary = visit.summary
        return CallStatus(
            state=visit.state(),
            appointment_id=visit.appointment_id,
            quality=_QUALITY[visit.media.steps.step],
            muted=local.muted,
            camera_off=local.camera_off,
            microphone=microphone,
            video_frames_received=visit.media.remote.counts().video_frames,
            in_call_s=visit.session.meter.since_admitted(),
            ended=None if summary is None else summary.ended,
            error=visit.error,
        )

    def remote_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        visit = self._visit
        if visit is None:
            return None
        return visit.remote_images.newer(since, visit.base, max_width, max_height)

    def local_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        visit = self._visit
        if visit is None or visit.local_images is None:
            return None
        return visit.local_images.newer(since, visit.base, max_width, max_height)

    @property
    def session(self) -> VisitSession | None:
        """The open visit's session (tests drive the engine through it)."""
        return None if self._visit is None else self._visit.session

    # -- the visit's task --------------------------------------------------------------

    async def _follow(self, visit: _Visit) -> None:
        """The room until admission, then the call until someone hangs up."""
        session = visit.session
        try:
            if not await session.until_admitted(visit.admit_requested):
                await session.leave_waiting_room()  # no bye: the patient keeps waiting
                visit.media.local.stop()
                visit.summary = _summary(visit.appointment_id, None)
                _settle(visit.admitted, InvalidStateError("The visit was closed first."))
                return
            await session.admit()
            visit.admitted.set_result(None)
            record = await session.run()
        except BaseException as exc:
            await self._release(visit)
            visit.error = _known(exc)
            _settle(visit.admitted, visit.error)
            if isinstance(exc, asyncio.CancelledError):
                raise
            logger.info("visit failed: %s", type(exc).__name__)
            return
        finally:
            visit.media.local.stop()
        visit.summary = _summary(visit.appointment_id, record)
        logger.info("visit ended: %s", visit.summary.ended.value)
        if self._on_record is not None:
            self._on_record(record)

    async def _release(self, visit: _Visit) -> None:
        with contextlib.suppress(Exception):
            await visit.session.close()
        visit.media.local.stop()

    def _open_visit(self) -> _Visit:
        visit = self._visit
        if visit is None or visit.finished:
            raise InvalidStateError("No video visit is open.")
        return visit


def _settle(admitted: asyncio.Future[None], error: OutpostError) -> None:
    """Fail a pending `admit()` with `error` (read at once: nobody may be waiting)."""
    if not admitted.done():
        admitted.set_exception(error)
        admitted.exception()


def _known(error: BaseException) -> OutpostError:
    if isinstance(error, OutpostError):
        return error
    if isinstance(error, asyncio.CancelledError):
        return CallError(CallErrorKind.UNREACHABLE, "The visit was stopped.")
    logger.error("visit: unexpected %s", type(error).__name__, exc_info=error)
    return CallError(CallErrorKind.UNREACHABLE, "The visit stopped because of an error.")


def _summary(appointment_id: str, record: CallRecord | None) -> VisitSummary:
    if record is None:  # hung up before anyone was admitted
        return VisitSummary(appointment_id, VisitEnd.HUNG_UP, 0.0, 0, 0, 0, False)
    summary = record.summary
    return VisitSummary(
        appointment_id,
        _ENDS[summary.ended],
        duration_s=summary.duration_s,
        video_frames_sent=summary.video_frames_sent,
        video_frames_received=summary.video_frames_received,
        audio_frames_played=summary.audio_frames_played,
        media_flowed_both_ways=summary.media_flowed_both_ways,
    )
