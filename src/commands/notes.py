"""`outpost note ...` and `outpost status`: notes and the offline queue in the local store.

They work with no network: everything is written to the encrypted store and its outbox.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from outpost.core.domain import AppointmentId, NoteEntry, NoteId
from outpost.core.errors import OutpostError
from outpost.core.ports import ClinicStore
from outpost.core.settings import Settings
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain


class InputError(OutpostError):
    """A command's input file or arguments are unusable; the message says which line."""


@contextmanager
def opened_store(settings: Settings) -> Iterator[ClinicStore]:
    store = open_store(settings.profile, SystemKeychain())
    try:
        yield store
    finally:
        store.close()


def _read_text(path: Path) -> str:
    try:
        if str(path) == "-":
            return sys.stdin.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"Cannot read the note text from {path}: {exc}") from exc


@dataclass(frozen=True)
class _NewNote:
    appointment: str
    text: str
    sign: bool


def _parse_jsonl(path: Path) -> list[_NewNote]:
    notes = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path} line {number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where} is not valid JSON: {exc.msg}.") from exc
        if not isinstance(item, dict):
            raise InputError(f"{where} must be a JSON object.")
        appointment, text, sign = item.get("appointment"), item.get("text"), item.get("sign", False)
        if not isinstance(appointment, str) or not appointment:
            raise InputError(f"{where}: 'appointment' must be an appointment id.")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{where}: 'text' must be non-empty text.")
        if not isinstance(sign, bool):
            raise InputError(f"{where}: 'sign' must be true or false.")
        unknown = set(item) - {"appointment", "text", "sign"}
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
        notes.append(_NewNote(appointment, text, sign))
    if not notes:
        raise InputError(f"{path} holds no notes.")
    return notes


def _new_notes(args: argparse.Namespace) -> list[_NewNote]:
    if args.jsonl is not None:
        if args.appointment or args.sign:
            raise InputError("--jsonl takes the appointment and sign flag from each line.")
        return _parse_jsonl(args.jsonl)
    if not args.appointment:
        raise InputError("--appointment is required with --text or --text-file.")
    text = args.text if args.text is not None else _read_text(args.text_file)
    if not text.strip():
        raise InputError("The note is empty.")
    return [_NewNote(args.appointment, text, args.sign)]


def note(args: argparse.Namespace, settings: Settings) -> int:
    action = args.note_command
    with opened_store(settings) as store:
        if action == "add":
            notes = _new_notes(args)
            # Check every appointment first, so a bad line writes nothing.
            for item in notes:
                store.get_appointment(item.appointment)
            for item in notes:
                print(store.create_note(item.appointment, item.text, sign=item.sign).id)
        elif action == "list":
            appointment = AppointmentId(args.appointment) if args.appointment else None
            _print_notes(store.list_notes(appointment), as_json=args.json)
        elif action == "sign":
            print(store.sign_note(NoteId(args.note_id)).id)
        elif action == "amend":
            text = args.text if args.text is not None else _read_text(args.text_file)
            print(store.amend_note(NoteId(args.note_id), text, args.reason).id)
    return 0


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _print_notes(entries: list[NoteEntry], *, as_json: bool) -> None:
    if as_json:
        rows = [
            {
                "id": entry.note.id,
                "appointment": entry.note.appointment_id,
                "patient": entry.note.patient_id,
                "status": entry.note.status.value,
                "text": entry.note.text,
                "created_at": _iso(entry.note.created_at),
                "updated_at": _iso(entry.note.updated_at),
                "signed_at": _iso(entry.note.signed_at),
                "replaces": entry.note.replaces,
                "amendment_reason": entry.note.amendment_reason,
                "unsent_actions": entry.unsent_actions,
            }
            for entry in entries
        ]
        print(json.dumps(rows, indent=2))
        return
    if not entries:
        print("No notes in the local store.")
        return
    for entry in entries:
        sync = f"{entry.unsent_actions} unsent" if entry.unsent_actions else "synced"
        first_line = entry.note.text.strip().splitlines()[0] if entry.note.text.strip() else ""
        updated = entry.note.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        print(
            f"{entry.note.id}  {entry.note.status.value:<7}  {updated}  {sync:<9}  "
            f"{first_line[:48]}"
        )


def status(args: argparse.Namespace, settings: Settings) -> int:
    with opened_store(settings) as store:
        summary = store.outbox_status()
    now = datetime.now(UTC)
    age = (now - summary.oldest_pending_at).total_seconds() if summary.oldest_pending_at else None
    if args.json:
        print(
            json.dumps(
                {
                    "pending": summary.pending,
                    "conflicts": summary.conflicts,
                    "rejected": summary.rejected,
                    "oldest_pending_age_seconds": round(age, 1) if age is not None else None,
                    "last_sync_at": _iso(summary.last_sync_at),
                },
                indent=2,
            )
        )
        return 0
    print(f"Pending changes:      {summary.pending}")
    print(f"Conflicts to resolve: {summary.conflicts}")
    print(f"Needing attention:    {summary.rejected}")
    print(f"Oldest pending:       {_age_words(age)}")
    last = (
        summary.last_sync_at.astimezone().strftime("%Y-%m-%d %H:%M")
        if summary.last_sync_at
        else "never"
    )
    print(f"Last successful sync: {last}")
    return 0


def _age_words(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    if minutes < 1:
        return "under a minute ago"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"
