"""`CallService`: video visits for the app (`outpost.core.visits.CallPort`).

One visit at a time, on the runtime thread: `join` opens the appointment's room, a task
then follows the room (the patient arriving or leaving) until the clinician admits, runs
the call (`VisitSession`, the full pipeline with the echo canceller and the ladder) and
keeps its summary. Each visit opens the workstation's chosen camera, microphone and
speaker (`VisitDevices`; the choice comes from the settings and each switch is handed to
`on_choice` to be saved) and writes its quality record to the local store as it goes
(`QualityWriter`). `status`, `remote_video`, `local_video` and `devices` only read what the
runtime thread last wrote, so the UI may call them from its own thread at any time; a
picture is converted only when it is newer than the one the UI has.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

import aiohttp

from outpost.core.device_choice import SYNTHETIC, DeviceChoice
from outpost.core.errors import CallError, CallErrorKind, InvalidStateError, OutpostError
from outpost.core.ports import ClinicStore
from outpost.core.visits import (
    CallStatus,
    CredentialSource,
    MediaDevice,
    VideoImage,
    VisitState,
    VisitSummary,
    WaitingPatient,
)
from outpost.core.worker import StoreWorker
from outpost.media import devices as device_list
from outpost.media import pipeline, visit_devices, visit_status, waiting_list
from outpost.media.call_record import CallRecord
from outpost.media.call_session import CallConfig
from outpost.media.devices import DeviceList
from outpost.media.peer import PeerOptions
from outpost.media.quality_writer import QualityWriter
from outpost.media.rehearsal import Rehearser
from outpost.media.signaling_client import SignalingClient, clinician_endpoint
from outpost.media.video_image import ImageReader
from outpost.media.visit_devices import VisitDevices
from outpost.media.visit_session import VisitSession
from outpost.store.store import Store

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 15.0
HANG_UP_TIMEOUT_S = 10.0
SERIALS_PER_VISIT = 1 << 40
RecordListener = Callable[[CallRecord], None]
ChoiceListener = Callable[[DeviceChoice], None]
DeviceLister = Callable[[bool], DeviceList]  # True: look for newly plugged-in devices too
QualityStore = StoreWorker[Store] | StoreWorker[ClinicStore]


def system_devices(refresh: bool) -> DeviceList:
    return device_list.list_devices(refresh=refresh)


class _Visit:
    """One visit's parts and outcome (runtime thread writes; any thread reads)."""

    def __init__(
        self,
        number: int,
        appointment_id: str,
        media: pipeline.Pipeline,
        session: VisitSession,
        devices: VisitDevices,
    ) -> None:
        self.base = number * SERIALS_PER_VISIT
        self.appointment_id = appointment_id
        self.media = media
        self.session = session
        self.devices = devices
        self.admit_requested = asyncio.Event()
        self.admitted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.task: asyncio.Task[None] | None = None
        self.summary: VisitSummary | None = None
        self.error: OutpostError | None = None
        self.remote_images = ImageReader(media.remote.video)
        assert devices.camera is not None
        self.local_images = ImageReader(devices.camera.newest)
        self.quality: QualityWriter | None = None

    @property
    def finished(self) -> bool:
        return self.summary is not None or self.error is not None

    def state(self) -> VisitState:
        if self.error is not None:
            return VisitState.FAILED
        if self.summary is not None:
            return VisitState.ENDED
        return visit_status.STATES[self.session.state]


class CallService:
    def __init__(
        self,
        credentials: CredentialSource,
        options: PeerOptions | None = None,
        *,
        config: CallConfig | None = None,
        camera_size: tuple[int, int] = (640, 480),
        on_record: RecordListener | None = None,
        choice: DeviceChoice | None = None,
        list_devices: DeviceLister = system_devices,
        on_choice: ChoiceListener | None = None,
        quality_store: QualityStore | None = None,
    ) -> None:
        """`choice`: the workstation's devices (the settings'; None: the test sources);
        `list_devices` lists the hardware (blocking: called in a thread); `on_choice` gets
        the new choice after each `use_device`, to save it; `quality_store` is the store
        worker the visits' quality records go to (None: not kept)."""
        self._credentials = credentials
        self._config = config or CallConfig(peer=options or PeerOptions())
        self._camera_size = camera_size
        self._on_record = on_record
        self._numbers = itertools.count(1)
        self._visit: _Visit | None = None
        self._http: aiohttp.ClientSession | None = None
        self._rehearser = Rehearser(credentials, self._config.peer)
        self._choice = choice or DeviceChoice.synthetic()
        self._list_devices = list_devices
        self._on_choice = on_choice
        self._quality_store = quality_store
        self._hardware = DeviceList()
        self._planned = visit_devices.planned(self._hardware, self._choice)

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

        hardware = await self._relist(look_again=True)
        devices = await VisitDevices.open(hardware, self._choice, self._camera_size)
        media = pipeline.build(devices.microphone, devices.camera, headless=False)
        session = VisitSession(
            SignalingClient(clinician_endpoint(credentials.server_url, appointment_id, token)),
            media.local,
            media.remote,
            self._config,
            appointment=appointment_id,
            steps=media.steps,
        )
        visit = _Visit(next(self._numbers), appointment_id, media, session, devices)
        self._visit = visit
        logger.info("visit %d: opening the room", visit.base // SERIALS_PER_VISIT)
        try:
            await devices.play(media.playout)
            if self._quality_store is not None:
                visit.quality = QualityWriter(
                    self._quality_store, session.meter.call_id, appointment_id
                )
                session.meter.listeners.append(visit.quality.on_sample)
            await session.connect(CONNECT_TIMEOUT_S)
        except BaseException as exc:
            await self._release(visit)
            visit.error = _known(exc)
            raise
        visit.task = asyncio.get_running_loop().create_task(self._follow(visit))

    async def rehearse(self) -> str:
        if self._visit is not None and not self._visit.finished:
            raise InvalidStateError("A video visit is already open; hang up first.")
        if self._http is None:
            self._http = aiohttp.ClientSession(timeout=waiting_list.TIMEOUT)
        return await self._rehearser.start(self._http)  # `join` it next

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
        await self._rehearser.stop(visit.appointment_id)  # also when nobody was admitted
        return visit.summary

    async def set_muted(self, muted: bool) -> None:
        self._open_visit().session.set_muted(muted)

    async def set_camera_off(self, off: bool) -> None:
        self._open_visit().session.set_camera_off(off)

    async def use_device(self, device_id: str) -> None:
        visit = self._visit
        hardware = await self._relist(look_again=False)
        kind, value = visit_devices.chosen(device_id, hardware)
        choice = self._choice.with_device(kind, value)
        if visit is not None and not visit.finished:
            await visit.devices.switch(kind, hardware, choice)
        self._choice = choice
        self._planned = visit_devices.planned(hardware, choice)
        logger.info("%s chosen (%s)", kind.value, "test source" if value == SYNTHETIC else "device")
        if self._on_choice is not None:
            self._on_choice(choice)

    async def refresh_devices(self, *, look_again: bool = True) -> list[MediaDevice]:
        """List the devices again (in a thread); `look_again` also sees sound devices
        plugged in since the last time (never while a visit's speaker plays)."""
        await self._relist(look_again)
        return self.devices()

    @property
    def choice(self) -> DeviceChoice:
        return self._choice

    async def close(self) -> None:
        visit = self._visit
        if visit is not None and not visit.finished:
            await self.hang_up()
            if visit.task is not None and not visit.task.done():
                visit.task.cancel()
                await asyncio.gather(visit.task, return_exceptions=True)
        await self._rehearser.stop()
        if self._http is not None:
            await self._http.close()
            self._http = None

    # -- read from any thread ----------------------------------------------------------

    def devices(self) -> list[MediaDevice]:
        """The hardware as last listed (at each `join`, `refresh_devices`) and the test
        sources."""
        return visit_devices.menu(self._hardware)

    def status(self) -> CallStatus:
        visit = self._visit
        if visit is None or visit.finished:
            in_use, errors = self._planned, None
        else:
            in_use, errors = visit.devices.use(), dict(visit.devices.errors)  # one copy
        if visit is None:
            return visit_status.with_devices(CallStatus(), in_use, errors)
        local = visit.media.local
        summary = visit.summary
        status = CallStatus(
            state=visit.state(),
            appointment_id=visit.appointment_id,
            quality=visit_status.QUALITY[visit.media.steps.step],
            muted=local.muted,
            camera_off=local.camera_off,
            video_frames_received=visit.media.remote.counts().video_frames,
            in_call_s=visit.session.meter.since_admitted(),
            ended=None if summary is None else summary.ended,
            error=visit.error,
        )
        return visit_status.with_devices(status, in_use, errors)

    def remote_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        visit = self._visit
        if visit is None:
            return None
        return visit.remote_images.newer(since, visit.base, max_width, max_height)

    def local_video(self, since: int, max_width: int, max_height: int) -> VideoImage | None:
        visit = self._visit
        if visit is None:
            return None
        return visit.local_images.newer(since, visit.base, max_width, max_height)

    @property
    def session(self) -> VisitSession | None:
        """The open visit's session (tests drive the engine through it)."""
        return None if self._visit is None else self._visit.session

    @property
    def visit_devices(self) -> VisitDevices | None:
        """The last visit's devices (tests read what the speaker played)."""
        return None if self._visit is None else self._visit.devices

    # -- the visit's task --------------------------------------------------------------

    async def _follow(self, visit: _Visit) -> None:
        """The room until admission, then the call until someone hangs up."""
        session = visit.session
        try:
            if not await session.until_admitted(visit.admit_requested):
                await session.leave_waiting_room()  # no bye: the patient keeps waiting
                await visit.devices.close()
                visit.summary = visit_status.summary(visit.appointment_id, None)
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
        await visit.devices.close()
        visit.summary = visit_status.summary(visit.appointment_id, record)
        logger.info("visit ended: %s", visit.summary.ended.value)
        if visit.quality is not None:
            await _store_record(visit.quality, record)
        if self._on_record is not None:
            self._on_record(record)

    async def _release(self, visit: _Visit) -> None:
        with contextlib.suppress(Exception):
            await visit.session.close()
        visit.media.local.stop()
        with contextlib.suppress(Exception):
            await visit.devices.close()

    async def _relist(self, look_again: bool) -> DeviceList:
        visit = self._visit
        if visit is not None and not visit.finished:
            look_again = False  # PortAudio is never restarted under a playing speaker
        self._hardware = await asyncio.to_thread(self._list_devices, look_again)
        self._planned = visit_devices.planned(self._hardware, self._choice)
        return self._hardware

    def _open_visit(self) -> _Visit:
        visit = self._visit
        if visit is None or visit.finished:
            raise InvalidStateError("No video visit is open.")
        return visit


async def _store_record(writer: QualityWriter, record: CallRecord) -> None:
    """The rest of the samples and the summary (the visit itself went as it went)."""
    try:
        await asyncio.to_thread(writer.finish, record)
    except OutpostError as exc:
        logger.warning("visit's quality record not fully stored: %s", type(exc).__name__)


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
