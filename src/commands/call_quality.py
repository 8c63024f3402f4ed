"""`outpost call --report`: the last calls' quality records from the local store (written
as the calls go by `outpost.media.quality_writer.QualityWriter`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from outpost.core.settings import Settings
from outpost.store.call_log import CallEntry, CallLog
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain


def report(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings.profile, SystemKeychain())
    try:
        calls = CallLog(store).recent(args.last)
    finally:
        store.close()
    if args.json:
        print(json.dumps([_entry_json(entry) for entry in calls], indent=2))
        return 0
    if not calls:
        print("No calls recorded on this computer yet.")
        return 0
    for entry in calls:
        print(_line(entry))
    return 0


def _entry_json(entry: CallEntry) -> dict[str, Any]:
    return {
        "call_id": entry.call_id,
        "appointment_id": entry.appointment_id,
        "role": entry.role,
        "started_at": entry.started_at,
        "ended_at": entry.ended_at,
        "samples": entry.samples,
        "summary": entry.summary,
    }


def _line(entry: CallEntry) -> str:
    head = f"{entry.started_at[:16].replace('T', ' ')} UTC  appointment {entry.appointment_id}"
    summary = entry.summary
    if summary is None:
        return f"{head}: did not end cleanly ({entry.samples} samples stored)"
    played, expected = summary["audio_frames_played"], max(summary["audio_frames_expected"], 1)
    first = summary.get("admit_to_first_video_ms")
    return (
        f"{head}: {summary['duration_s']:.0f} s, {summary['ended']}, "
        f"{summary['reconnects']} reconnection(s), "
        + (f"first picture {first:.0f} ms, " if first is not None else "no picture, ")
        + f"audio {100 * min(played / expected, 1):.0f}% played, "
        + ("media both ways" if summary["media_flowed_both_ways"] else "media NOT both ways")
        + f", {entry.samples} samples"
    )
