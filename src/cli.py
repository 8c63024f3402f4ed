"""The `outpost` command: parses arguments, builds settings and logging, dispatches.

Every known failure exits non-zero with one clear line on stderr, never a traceback;
anything else is a bug, logged with its traceback and reported with the log's path.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from outpost import __version__
from outpost.core.errors import ConfigError, OutpostError
from outpost.core.logs import configure_logging
from outpost.core.settings import Settings, load_settings, parse_override

logger = logging.getLogger(__name__)

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BUG = 70


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outpost", description="Outpost: video visits and offline-first visit notes."
    )
    parser.add_argument("--version", action="version", version=f"outpost {__version__}")
    parser.add_argument("--home", type=Path, help="profile folder (database, logs, settings)")
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one setting (highest precedence)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="open Outpost on a demo server with a test patient waiting (fresh each run)"
    )
    demo.add_argument(
        "--headless", action="store_true", help="hold the demo video visit without a window"
    )
    demo.add_argument(
        "--duration",
        type=float,
        default=10.0,
        metavar="S",
        help="with --headless: seconds of call (default 10)",
    )

    note = commands.add_parser("note", help="write and list visit notes (works offline)")
    note_commands = note.add_subparsers(dest="note_command", metavar="ACTION", required=True)
    add = note_commands.add_parser("add", help="add notes; prints each new note's id")
    add.add_argument("--appointment", help="appointment id")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--text", help="the note's text")
    source.add_argument("--text-file", type=Path, help="read the text from a file ('-': stdin)")
    source.add_argument(
        "--jsonl",
        type=Path,
        help='one note per line: {"appointment": ID, "text": T, "sign": true|false}',
    )
    add.add_argument("--sign", action="store_true", help="sign the note (it becomes read-only)")
    listing = note_commands.add_parser("list", help="list the notes in the local store")
    listing.add_argument("--appointment", help="only this appointment's notes")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    sign = note_commands.add_parser("sign", help="sign a draft note")
    sign.add_argument("note_id")
    amend = note_commands.add_parser("amend", help="amend a signed note with a reason")
    amend.add_argument("note_id")
    amend_source = amend.add_mutually_exclusive_group(required=True)
    amend_source.add_argument("--text")
    amend_source.add_argument("--text-file", type=Path)
    amend.add_argument("--reason", required=True, help="why the signed note is amended")

    status = commands.add_parser("status", help="the offline queue: pending, conflicts, ...")
    status.add_argument("--json", action="store_true", help="machine-readable output")

    schedule = commands.add_parser("schedule", help="a day's appointments (local store, offline)")
    schedule.add_argument("--date", help="YYYY-MM-DD (default: today)")
    schedule.add_argument("--json", action="store_true", help="machine-readable output")

    appointment = commands.add_parser("appointment", help="change an appointment's status")
    appointment.add_argument("change", choices=["check-in", "cancel", "no-show"])
    appointment.add_argument("appointment_id")

    conflicts = commands.add_parser("conflicts", help="changes the server could not take as-is")
    conflicts.add_argument("--json", action="store_true", help="machine-readable output")
    conflict_commands = conflicts.add_subparsers(dest="conflicts_command", metavar="ACTION")
    resolve = conflict_commands.add_parser("resolve", help="resolve one conflict")
    resolve.add_argument("conflict_id")
    choice = resolve.add_mutually_exclusive_group(required=True)
    choice.add_argument("--keep-both", action="store_true", help="keep both texts (notes)")
    choice.add_argument("--keep-server", action="store_true", help="take the server's version")
    choice.add_argument("--keep-mine", action="store_true", help="send yours (where allowed)")

    login = commands.add_parser("login", help="sign in to a FHIR server (tokens to keychain)")
    login.add_argument("--server", required=True, help="the FHIR base address")
    login.add_argument("--user", help="user name (password grant, where the server offers it)")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    commands.add_parser("logout", help="forget the sign-in (unsent work is kept)")
    commands.add_parser("sync", help="one full push and pull with the server")

    server = commands.add_parser("server", help="run the reference FHIR backend")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=8080)
    server.add_argument("--data", type=Path, required=True, help="folder for its database")
    server.add_argument("--seed", choices=["demo"], help="load demo clinic data when empty")
    server.add_argument(
        "--token-ttl", type=int, default=900, metavar="SECONDS", help="access token lifetime"
    )
    server.add_argument(
        "--ice-server",
        action="append",
        default=[],
        metavar="URL",
        help="STUN/TURN server for video visits (stun:, turn:, turns:; repeatable)",
    )
    server.add_argument("--turn-user", help="user name for the TURN servers")
    server.add_argument("--turn-password", help="password for the TURN servers")
    server.add_argument(
        "--rehearsal-ttl",
        type=int,
        default=1800,
        metavar="SECONDS",
        help="how long a rehearsal room (tech check) lives",
    )

    visit = commands.add_parser("visit", help="video visits: the patient's join link")
    visit_commands = visit.add_subparsers(dest="visit_command", metavar="ACTION", required=True)
    visit_link = visit_commands.add_parser(
        "link", help="print the patient's join link (local store, offline)"
    )
    visit_link.add_argument("appointment_id")
    _add_call_commands(commands)

    selftest = commands.add_parser("selftest", help="check Python, Qt, codecs, keychain, store")
    selftest.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _add_call_commands(commands: Any) -> None:
    """`outpost call` and `outpost patient-bot` (docs/calls.md)."""
    call = commands.add_parser("call", help="run a video visit without a window (headless)")
    call.add_argument("--appointment", help="the video visit's appointment id")
    call.add_argument(
        "--report", action="store_true", help="print the last calls' quality summaries and exit"
    )
    call.add_argument("--last", type=int, default=10, metavar="N", help="with --report: N calls")
    call.add_argument("--json", action="store_true", help="with --report: machine-readable")
    call.add_argument(
        "--synthetic",
        action="store_true",
        help="send a test pattern and a synthetic voice and play nothing, whatever the "
        "camera, microphone and speaker settings say",
    )
    call.add_argument("--duration", type=float, metavar="S", help="hang up after S seconds")
    call.add_argument(
        "--wait", type=float, default=120.0, metavar="S", help="wait S seconds for the patient"
    )
    bot = commands.add_parser("patient-bot", help="a synthetic patient joining through a link")
    bot.add_argument("--link", required=True, help="the patient's join link")
    bot.add_argument("--duration", type=float, metavar="S", help="leave S seconds after admission")
    bot.add_argument(
        "--admit-timeout",
        type=float,
        default=300.0,
        metavar="S",
        help="wait S seconds to be let in",
    )
    for parser in (call, bot):
        parser.add_argument("--stats-json", type=Path, metavar="F", help="write the call record")
        parser.add_argument(
            "--relay-only", action="store_true", help="only TURN relays (locked-down networks)"
        )


def _settings(args: argparse.Namespace) -> Settings:
    overrides = dict(parse_override(item) for item in args.overrides)
    return load_settings(home=args.home, overrides=overrides)


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    # Imports are local so `outpost note ...` never loads Qt or the media stack.
    if args.command is None:
        from outpost.app import run_app

        return run_app(settings)
    if args.command == "demo":
        from outpost.demo import run_demo

        return run_demo(settings, headless=args.headless, duration_s=args.duration)
    if args.command == "selftest":
        from outpost.selftest import run_selftest

        return run_selftest(settings, as_json=args.json)
    if args.command == "server":
        from outpost.server.main import run_server

        return run_server(args)
    if args.command in ("note", "status"):
        from outpost.commands import notes

        return (
            notes.note(args, settings) if args.command == "note" else notes.status(args, settings)
        )
    if args.command in ("schedule", "appointment", "conflicts"):
        from outpost.commands import records

        return records.run(args, settings)
    if args.command == "visit":
        from outpost.commands import visit

        return visit.run(args, settings)
    if args.command in ("call", "patient-bot"):
        from outpost.commands import call

        return call.run(args, settings)
    if args.command in ("login", "logout", "sync"):
        from outpost.commands import sync

        return sync.run(args, settings)
    raise AssertionError(f"unhandled command {args.command}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
        log_file = configure_logging(settings.profile.log_dir, settings.log_level)
    except ConfigError as exc:
        print(f"outpost: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"outpost: cannot write the log folder: {exc.strerror}", file=sys.stderr)
        return EXIT_ERROR
    logger.info("outpost %s started: command=%s", __version__, args.command or "app")
    try:
        return _dispatch(args, settings)
    except OutpostError as exc:
        logger.warning("command failed: %s", type(exc).__name__)
        print(f"outpost: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`outpost schedule | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except Exception:
        logger.exception("unexpected error")
        print(f"outpost: unexpected error; details were written to {log_file}", file=sys.stderr)
        return EXIT_BUG
