"""`outpost demo --headless`: the demo's video visit end to end without a window.

The same parts as the app (the store worker, the runtime thread, `CallService`), driven
in order: the demo server starts, the demo clinician signs in and syncs, a test patient
joins the next video visit's waiting room, the clinician admits them, the call runs for a
while as a note is written and signed, the clinician hangs up, and the note syncs. It
prints what happened in plain words and exits 0 only if media flowed both ways and the
note reached the server.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from outpost.app import visit_calls
from outpost.core.device_choice import SYNTHETIC
from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore
from outpost.core.runtime import Runtime
from outpost.core.settings import Settings
from outpost.core.visits import CallPort, VisitState, VisitSummary
from outpost.core.worker import StoreWorker
from outpost.demo.children import DemoServer, PatientBot
from outpost.demo.clinic import DEMO_USER, sign_in, sync_now, video_visits
from outpost.demo.folder import demo_profile, server_dir, start_fresh
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain

T = TypeVar("T")
NOTE_TEXT = (
    "Video visit with the demo patient.\n\nSubjective:\nFeels well; no new symptoms.\n\n"
    "Plan:\nReview again in three months."
)
Say = Callable[[str], None]


class _Steps:
    """Runs the visit's steps on the right threads, waiting on real conditions."""

    def __init__(self, worker: StoreWorker[ClinicStore], runtime: Runtime) -> None:
        self.worker = worker
        self.runtime = runtime

    def store(self, job: Callable[[ClinicStore], T], timeout: float = 120) -> T:
        return self.worker.submit(job, timeout=timeout).result()

    def run(self, factory: Callable[[], Awaitable[T]], timeout: float = 60) -> T:
        return self.runtime.submit(factory, timeout=timeout).result()

    def until(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        started = time.monotonic()

        async def poll() -> None:
            while not condition():
                await asyncio.sleep(0.05)

        try:
            self.run(poll, timeout)
        except OutpostError:
            raise OutpostError(f"The demo visit stopped: {what} did not happen in time.") from None
        return time.monotonic() - started


def run_headless(settings: Settings, *, duration_s: float = 10.0, say: Say = print) -> int:
    profile = demo_profile(settings)
    start_fresh(profile)
    folder = server_dir(profile)
    server = DemoServer(folder)
    bot = PatientBot(folder, admit_timeout_s=120)
    runtime = Runtime(name="outpost-demo")
    keychain = SystemKeychain()
    worker: StoreWorker[ClinicStore] | None = None
    calls: CallPort | None = None
    try:
        info = server.start()
        say(f"Demo server: {info.base_url} (demo clinic; its data is in {folder})")
        worker = StoreWorker(lambda: open_store(profile, keychain), lambda store: store.close())
        runtime.start()
        steps = _Steps(worker, runtime)
        steps.store(lambda _store: sign_in(profile, info))
        report = steps.store(lambda store: sync_now(store, profile))
        say(
            f"Signed in as {DEMO_USER} (password grant, tokens in the keychain) and synced:"
            f" {sum(report.written.values())} records from the server."
        )
        visits = steps.store(lambda store: video_visits(store, datetime.now().astimezone()))
        if not visits:
            raise OutpostError("The demo clinic has no video visit to hold.")
        item = visits[0]
        appointment = item.appointment
        assert appointment.video_link is not None
        when = appointment.start.astimezone().strftime("%a %H:%M")
        bot.start(appointment.video_link)
        say(f"Test patient {item.patient.display_name} joins the {when} video visit.")
        # Nobody watches a headless demo: the test sources, never the laptop's camera or
        # its loudspeaker.
        quiet = dataclasses.replace(
            settings, profile=profile, camera=SYNTHETIC, microphone=SYNTHETIC, speaker=SYNTHETIC
        )
        calls = visit_calls(quiet, keychain, worker)
        port = calls
        steps.run(lambda: port.join(appointment.id))
        waited = steps.until(
            lambda: port.status().state is VisitState.PATIENT_WAITING, 90, "the patient's arrival"
        )
        say(f"Visit room open; the patient was in the waiting room after {waited:.1f} s.")
        steps.run(port.admit)
        connected = steps.until(lambda: port.status().state is VisitState.IN_CALL, 30, "the call")
        say(f"Admitted; in the call {connected:.1f} s later. Talking for {duration_s:g} s...")
        note = steps.store(lambda store: store.create_note(appointment.id, NOTE_TEXT))
        steps.run(lambda: asyncio.sleep(duration_s / 2), duration_s + 30)
        steps.store(lambda store: store.sign_note(note.id))
        say("Note written and signed during the call.")
        steps.run(lambda: asyncio.sleep(duration_s / 2), duration_s + 30)
        summary = steps.run(port.hang_up)
        bot.wait(20)
        patient_frames = _patient_frames(bot)
        report = steps.store(lambda store: sync_now(store, profile))
        pending = steps.store(lambda store: store.outbox_status().pending)
        return _report(say, summary, patient_frames, report.acknowledged, pending)
    finally:
        if calls is not None:
            port_to_close = calls
            try:
                runtime.submit(port_to_close.close, timeout=15).result()
            except Exception:  # noqa: BLE001 - stopping the runtime cancels what is left
                say("The visit did not close cleanly.")
        runtime.shutdown()
        bot.stop()
        if worker is not None:
            worker.close()
        server.stop()


def _patient_frames(bot: PatientBot) -> int:
    try:
        stats = json.loads(bot.stats_file.read_text(encoding="utf-8"))
        return int(stats["summary"]["video_frames_received"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def _report(
    say: Say, summary: VisitSummary | None, patient_frames: int, sent: int, pending: int
) -> int:
    if summary is None:
        raise OutpostError("The demo visit ended before it started.")
    say(
        f"Call ended ({summary.ended.value}) after {summary.duration_s:.1f} s. Video: the"
        f" clinician sent {summary.video_frames_sent} frames and received"
        f" {summary.video_frames_received}; the patient received {patient_frames}."
    )
    synced = sent > 0 and pending == 0
    say(
        f"Sync after the visit: {sent} change(s) sent, {pending} waiting;"
        + (" the signed note is on the server." if synced else " the note did NOT sync.")
    )
    flowed = summary.media_flowed_both_ways and patient_frames > 0
    if flowed and synced:
        say("Demo visit complete: video both ways and the note synced.")
        return 0
    say("Demo visit incomplete: " + ("the note did not sync." if flowed else "no media."))
    return 1
