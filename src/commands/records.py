"""`outpost schedule`, `outpost appointment ...` and `outpost conflicts ...`: the day's
schedule, appointment status changes and sync conflicts, all from the local store (offline).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from outpost.core.conflicts import Conflict, Record, Resolution, ResolutionResult
from outpost.core.domain import (
    Appointment,
    AppointmentId,
    AppointmentStatus,
    ScheduleItem,
    VisitNote,
    VisitType,
)
from outpost.core.settings import Settings
from outpost.store import records
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.store.sync_ledger import SyncLedger

EXIT_USAGE = 2

CHANGES = {
    "check-in": AppointmentStatus.CHECKED_IN,
    "cancel": AppointmentStatus.CANCELLED,
    "no-show": AppointmentStatus.NOSHOW,
}


@contextmanager
def _opened(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.profile, SystemKeychain())
    try:
        yield store
    finally:
        store.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "schedule":
        return schedule(args, settings)
    if args.command == "appointment":
        return appointment(args, settings)
    if args.command == "conflicts":
        return conflicts(args, settings)
    raise AssertionError(f"unhandled command {args.command}")


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


# -- schedule ------------------------------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours on a clock change)."""
    start = datetime.combine(day, time.min).astimezone()
    end = datetime.combine(day + timedelta(days=1), time.min).astimezone()
    return start, end


def schedule(args: argparse.Namespace, settings: Settings) -> int:
    if args.date is None:
        day = datetime.now().astimezone().date()
    else:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            print(
                f"outpost: --date must be a date as YYYY-MM-DD, not {args.date!r}.", file=sys.stderr
            )
            return EXIT_USAGE
    with _opened(settings) as store:
        items = store.schedule(*day_bounds(day))
    if args.json:
        print(
            json.dumps(
                {"date": day.isoformat(), "appointments": [_item_json(i) for i in items]}, indent=2
            )
        )
        return 0
    if not items:
        print(f"No appointments on {day.isoformat()}.")
        return 0
    print(f"{day:%A %Y-%m-%d}: {len(items)} appointment{'s' if len(items) != 1 else ''}")
    for item in items:
        a = item.appointment
        start, end = a.start.astimezone(), a.end.astimezone()
        kind = "video" if a.visit_type is VisitType.VIRTUAL else "in person"
        line = (
            f"{start:%H:%M}-{end:%H:%M}  {item.patient.display_name:<24}  {a.status.value:<10}  "
            f"{kind:<9}  {a.reason}"
        )
        print(line.rstrip())
        print(f"             id {a.id}" + (f"  link {a.video_link}" if a.video_link else ""))
    return 0


def _item_json(item: ScheduleItem) -> dict[str, Any]:
    a = item.appointment
    return {
        "id": a.id,
        "start": _iso(a.start),
        "end": _iso(a.end),
        "status": a.status.value,
        "visit_type": a.visit_type.value,
        "video_link": a.video_link,
        "reason": a.reason,
        "patient": {
            "id": item.patient.id,
            "name": item.patient.display_name,
            "birth_date": item.patient.birth_date.isoformat(),
        },
    }


# -- appointment status --------------------------------------------------------------------


def appointment(args: argparse.Namespace, settings: Settings) -> int:
    status = CHANGES[args.change]
    with _opened(settings) as store:
        changed = store.set_appointment_status(AppointmentId(args.appointment_id), status)
    print(f"Appointment {changed.id} is now {changed.status.value} (queued to sync).")
    return 0


# -- conflicts -----------------------------------------------------------------------------


def conflicts(args: argparse.Namespace, settings: Settings) -> int:
    with _opened(settings) as store:
        ledger = SyncLedger(store)
        if args.conflicts_command == "resolve":
            result = ledger.resolve_conflict(args.conflict_id, _resolution(args))
            _print_result(result, as_json=args.json)
            return 0
        found = ledger.list_conflicts()
    if args.json:
        print(json.dumps([_conflict_json(c) for c in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("No conflicts to resolve.")
        return 0
    for conflict in found:
        when = conflict.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(f"Conflict {conflict.id}: {_noun(conflict.local)} {conflict.entity_id} ({when})")
        print(f"  why:    {conflict.reason}")
        print(f"  yours:  {_summary(conflict.local)}")
        print(f"  server: {_summary(conflict.server)}")
    print("Resolve with: outpost conflicts resolve ID --keep-both | --keep-server | --keep-mine")
    return 0


def _resolution(args: argparse.Namespace) -> Resolution:
    if args.keep_both:
        return Resolution.KEEP_BOTH
    if args.keep_server:
        return Resolution.KEEP_SERVER
    return Resolution.KEEP_MINE


def _print_result(result: ResolutionResult, *, as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                {
                    "conflict": result.conflict_id,
                    "resolution": result.resolution.value,
                    "record": {"type": result.entity_type.value, "id": result.entity_id},
                    "queued": result.queued,
                    "new_note": result.new_note_id,
                    "summary": result.summary,
                },
                indent=2,
            )
        )
        return
    print(result.summary)


def _noun(record: Record) -> str:
    if isinstance(record, VisitNote):
        return "note"
    if isinstance(record, Appointment):
        return "appointment"
    return "patient"


def _summary(record: Record | None) -> str:
    if record is None:
        return "(not known here)"
    if isinstance(record, VisitNote):
        first = record.text.strip().splitlines()[0] if record.text.strip() else ""
        more = "..." if len(first) > 60 or "\n" in record.text.strip() else ""
        return f"{record.status.value}, {len(record.text)} characters: {first[:60]}{more}"
    if isinstance(record, Appointment):
        start = record.start.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{record.status.value}, {start}"
    return record.display_name


def _conflict_json(conflict: Conflict) -> dict[str, Any]:
    return {
        "id": conflict.id,
        "record": {"type": conflict.entity_type.value, "id": conflict.entity_id},
        "mutation_id": conflict.mutation_id,
        "reason": conflict.reason,
        "created_at": _iso(conflict.created_at),
        "local": records.to_json(conflict.local),
        "server": None if conflict.server is None else records.to_json(conflict.server),
    }
