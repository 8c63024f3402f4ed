"""`outpost call` and `outpost patient-bot`: video visits without a window (docs/calls.md).

`outpost call` joins an appointment's room as the signed-in clinician, admits the waiting
patient, runs the call and hangs up; `outpost patient-bot` is a synthetic patient joining
through the same link and protocol as the browser page. Both run the media engine on the
runtime thread, print progress in plain words, may write the call's quality record as
JSON, and exit 0 only if media flowed both ways.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from outpost.commands import call_quality
from outpost.commands.call_media import open_call_media
from outpost.core.device_choice import DeviceChoice
from outpost.core.domain import VisitType
from outpost.core.errors import (
    AuthExpiredError,
    CallError,
    CallErrorKind,
    InvalidStateError,
    OutpostError,
)
from outpost.core.runtime import Runtime
from outpost.core.settings import Settings
from outpost.core.worker import StoreWorker
from outpost.media import pipeline
from outpost.media.call_base import CallBase
from outpost.media.call_record import CallRecord
from outpost.media.call_session import CallConfig, CallSession, CallState
from outpost.media.patient_peer import PatientPeer
from outpost.media.peer import PeerOptions, VideoCodec, rtc_configuration
from outpost.media.quality_writer import QualityWriter
from outpost.media.signaling_client import SignalingClient, clinician_endpoint, patient_endpoint
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.service import http_session
from outpost.sync.tokens import NOT_SIGNED_IN, TokenManager, TokenStore, read_profile_id

T = TypeVar("T")
FOREVER_S = 24 * 3600.0
STATES = {
    CallState.WAITING_FOR_PATIENT: "Waiting for the patient to join the waiting room...",
    CallState.PATIENT_WAITING: "The patient is in the waiting room.",
    CallState.CONNECTING_MEDIA: "Patient admitted; connecting...",
    CallState.IN_CALL: "In the call.",
    CallState.RECONNECTING: "The connection was interrupted; reconnecting...",
}


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "call":
        return call(args, settings)
    return patient_bot(args, settings)


def _say(text: str) -> None:
    print(text, flush=True)


def _peer_options(args: argparse.Namespace, settings: Settings) -> PeerOptions:
    options = PeerOptions(
        ice_servers=settings.ice_servers,
        relay_only=args.relay_only or settings.relay_only,
        video_codec=VideoCodec.H264 if settings.video_codec == "h264" else VideoCodec.VP8,
    )
    rtc_configuration(options.ice_servers, options.relay_only)  # refuse a bad setup early
    return options


# -- outpost call --------------------------------------------------------------------------


def call(args: argparse.Namespace, settings: Settings) -> int:
    if args.report:
        return call_quality.report(args, settings)
    if not args.appointment:
        raise CallError(
            CallErrorKind.CONFIG, "`outpost call` needs --appointment ID (or --report)."
        )
    worker = StoreWorker(lambda: open_store(settings.profile, SystemKeychain()), Store.close)
    try:
        return _clinician_call(args, settings, worker)
    finally:
        worker.close()


def _clinician_call(
    args: argparse.Namespace, settings: Settings, worker: StoreWorker[Store]
) -> int:
    appointment = worker.submit(
        lambda store: store.get_appointment(args.appointment), timeout=30
    ).result()
    if appointment.visit_type is not VisitType.VIRTUAL:
        raise InvalidStateError(f"Appointment {appointment.id} is not a video visit.")
    tokens_store = TokenStore(SystemKeychain(), read_profile_id(settings.profile.data_dir))
    tokens = tokens_store.load()
    if tokens is None:
        raise AuthExpiredError(NOT_SIGNED_IN)
    options = _peer_options(args, settings)
    http = http_session()
    manager = TokenManager(tokens_store, tokens, http)

    async def access_token() -> str:
        return await asyncio.to_thread(manager.access_token)

    server_url = settings.server_url or tokens.server_url

    writers: list[QualityWriter] = []
    choice = DeviceChoice.synthetic() if args.synthetic else DeviceChoice.from_settings(settings)
    devices: list[dict[str, object]] = []

    async def visit(holder: list[CallBase]) -> CallRecord:
        opened = await open_call_media(choice, _say)
        media = opened.media
        session = CallSession(
            SignalingClient(clinician_endpoint(server_url, appointment.id, access_token)),
            media.local,
            media.remote,
            CallConfig(peer=options),
            appointment=appointment.id,
            on_state=lambda state: _say(STATES[state]) if state in STATES else None,
            steps=media.steps,
        )
        holder.append(session)
        writer = QualityWriter(worker, session.meter.call_id, appointment.id)
        session.meter.listeners.append(writer.on_sample)
        writers.append(writer)
        try:
            try:
                await session.connect()
                await session.wait_for_patient(args.wait)
                await session.admit()
            except BaseException:
                await session.close()
                raise
            return await session.run(args.duration)
        finally:
            devices.append(opened.counts())
            await opened.close()

    try:
        record = _on_runtime(visit, (args.duration or FOREVER_S) + args.wait + 60)
    finally:
        http.close()
    for writer in writers:
        try:
            writer.finish(record)
        except OutpostError as exc:  # the visit itself went as it went: say so, go on
            print(f"Warning: {exc}", file=sys.stderr, flush=True)
    return _finish(record, args.stats_json, devices[0] if devices else None)


# -- outpost patient-bot -------------------------------------------------------------------


def patient_bot(args: argparse.Namespace, settings: Settings) -> int:
    endpoint = patient_endpoint(args.link)
    options = _peer_options(args, settings)

    async def visit(holder: list[CallBase]) -> CallRecord:
        media = pipeline.synthetic()
        patient = PatientPeer(
            SignalingClient(endpoint),
            media.local,
            media.remote,
            options,
            steps=media.steps,
            on_in_call=lambda: _say(STATES[CallState.IN_CALL]),
        )
        holder.append(patient)
        try:
            await patient.connect()
        except BaseException:
            await patient.close()
            raise
        _say("In the waiting room; waiting to be let in...")
        return await patient.run(args.admit_timeout, args.duration)

    record = _on_runtime(visit, args.admit_timeout + (args.duration or FOREVER_S) + 60)
    return _finish(record, args.stats_json)


# -- shared --------------------------------------------------------------------------------


def _on_runtime(job: Callable[[list[CallBase]], Awaitable[T]], timeout: float) -> T:
    """Run the call on the runtime thread; Ctrl-C hangs up (the record is still made)."""
    runtime = Runtime(name="outpost-call")
    runtime.start()
    holder: list[CallBase] = []

    async def start() -> T:
        return await job(holder)

    future = runtime.submit(start, timeout=timeout)
    try:
        try:
            return future.result()
        except KeyboardInterrupt:
            if not holder or not holder[0].running:  # nobody admitted yet: just leave
                future.cancel()
                with contextlib.suppress(concurrent.futures.CancelledError, TimeoutError):
                    future.result(timeout=10)
                raise
            _say("Hanging up...")
            runtime.loop.call_soon_threadsafe(holder[0].hang_up)
            try:
                return future.result(timeout=20)
            except concurrent.futures.TimeoutError:
                future.cancel()
                raise KeyboardInterrupt from None
    finally:
        runtime.shutdown()


def _finish(
    record: CallRecord, stats_json: Path | None, devices: dict[str, object] | None = None
) -> int:
    summary = record.summary
    if stats_json is not None:
        data = record.to_json()
        _write_json(stats_json, data if devices is None else {**data, "devices": devices})
    first = summary.admit_to_first_video_ms
    played = summary.audio_frames_played
    expected = max(summary.audio_frames_expected, 1)
    _say(
        f"Call ended ({summary.ended.value}) after {summary.duration_s:.1f} s: "
        f"video {summary.video_frames_sent} frames sent, {summary.video_frames_received} "
        f"received; audio {100 * min(played / expected, 1):.0f}% of frames played; "
        f"{summary.reconnects} reconnection(s)"
        + (f"; first picture {first / 1000:.2f} s after admission." if first else ".")
    )
    if not summary.media_flowed_both_ways:
        raise CallError(
            CallErrorKind.NO_MEDIA,
            "Media did not flow both ways (" + _missing(record) + ").",
        )
    _say("Media flowed both ways.")
    return 0


def _missing(record: CallRecord) -> str:
    summary = record.summary
    gaps = [
        text
        for failed, text in (
            (summary.video_frames_received == 0, "no video arrived"),
            (summary.audio_frames_played == 0, "no audio arrived"),
            (not summary.outbound_video_acknowledged, "our video was not confirmed"),
            (not summary.outbound_audio_acknowledged, "our audio was not confirmed"),
        )
        if failed
    ]
    return ", ".join(gaps) or "unknown"


def _write_json(path: Path, data: object) -> None:
    """Write atomically: a reader never sees half a file."""
    path = path.expanduser()
    try:
        fd, temporary = tempfile.mkstemp(prefix=".stats-", dir=path.parent or Path("."))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
        os.replace(temporary, path)
    except OSError as exc:
        raise OutpostError(f"Cannot write the call statistics to {path}: {exc.strerror}") from exc
