"""`outpost login`, `outpost logout` and `outpost sync`: the sign-in and one full sync.

Tokens go to the OS keychain only. Nothing here ever deletes unsent work: a failed sync,
an expired sign-in and a sign-out all keep the outbox as it is and say how much waits.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from urllib.parse import urlsplit

import requests

from outpost.core.errors import AuthExpiredError, OfflineError, OutpostError, SyncErrorKind
from outpost.core.settings import Settings
from outpost.store.database import open_store
from outpost.store.keychain import SystemKeychain
from outpost.store.store import Store
from outpost.sync.auth import ServerInfo, browser_login, discover, password_login
from outpost.sync.client import TransientSyncError
from outpost.sync.engine import EngineOptions, SyncReport
from outpost.sync.offline_unlock import OfflineUnlock
from outpost.sync.service import SyncService, http_session
from outpost.sync.tokens import (
    NOT_SIGNED_IN,
    RefusedError,
    SessionTokens,
    TokenStore,
    read_profile_id,
    revoke,
)

logger = logging.getLogger(__name__)

EXIT_FAILED = 1
EXIT_ATTENTION = 3  # the server was reached, but changes were rejected or conflicted

_TYPE_WORDS = (
    ("Patient", "patients"),
    ("Appointment", "appointments"),
    ("DocumentReference", "notes"),
)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "login":
        return login(args, settings)
    if args.command == "logout":
        return logout(settings)
    return sync(settings)


@contextmanager
def _store(settings: Settings) -> Iterator[Store]:
    store = open_store(settings.profile, SystemKeychain())
    try:
        yield store
    finally:
        store.close()


_http = http_session


def _tokens(settings: Settings) -> TokenStore:
    return TokenStore(SystemKeychain(), read_profile_id(settings.profile.data_dir))


# -- login / logout ----------------------------------------------------------------------


def login(args: argparse.Namespace, settings: Settings) -> int:
    server = args.server.rstrip("/")
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OutpostError(f"'{args.server}' is not an http:// or https:// address.")
    if args.password_stdin and not args.user:
        raise OutpostError("--password-stdin needs --user.")
    with _store(settings):  # creates the profile (and its id) on first use
        pass
    tokens_store = _tokens(settings)
    with _http() as session:
        try:
            info = discover(session, server)
        except TransientSyncError as exc:
            raise OfflineError(f"Could not reach the server at {server}: {exc}") from exc
        try:
            if args.user:
                tokens = password_login(session, info, args.user, _password(args))
            else:
                tokens = _browser(session, info)
        except RefusedError as exc:
            raise OutpostError(f"The server refused the sign-in ({exc.error}).") from exc
        except TransientSyncError as exc:
            raise OfflineError(f"Could not reach the server at {server}: {exc}") from exc
    tokens_store.save(tokens)
    who = tokens.user or "(user not named by the server)"
    practitioner = f" (Practitioner/{tokens.practitioner_id})" if tokens.practitioner_id else ""
    print(f"Signed in to {info.base_url} as {who}{practitioner}.")
    return 0


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.user}: ")
    if not password:
        raise OutpostError("No password was given.")
    return password


def _browser(session: requests.Session, info: ServerInfo) -> SessionTokens:
    def show(url: str) -> None:
        print("Sign in in your web browser. If no browser opens, visit this address:")
        print(f"  {url}", flush=True)

    return browser_login(session, info, show_url=show)


def logout(settings: Settings) -> int:
    with _store(settings) as store:
        waiting = _unsent(store)
    tokens_store = _tokens(settings)
    tokens = tokens_store.load()
    if tokens is not None:
        with _http() as session:
            revoke(session, tokens)  # best effort: the keychain entry goes regardless
    had = tokens_store.clear()
    OfflineUnlock(tokens_store.keychain, tokens_store.profile_id).forget()  # online only now
    print("Signed out." if had else "Outpost was not signed in.")
    if waiting:
        print(
            f"{waiting} change{'s are' if waiting != 1 else ' is'} still waiting on this "
            "computer; they are kept and will be sent after you sign in again."
        )
    else:
        print("Nothing is waiting to be sent.")
    return 0


def _unsent(store: Store) -> int:
    status = store.outbox_status()
    return status.pending + status.rejected + status.conflicts


# -- sync ----------------------------------------------------------------------------------


def sync(settings: Settings) -> int:
    tokens_store = _tokens(settings)
    with _store(settings) as store:
        server = (tokens_store.load() or _not_signed_in()).server_url
        # From a terminal a run may retry a few times with backoff (EngineOptions' default).
        service = SyncService(store, settings.profile, tokens_store, options=EngineOptions())
        try:
            report = service.sync_once()
        except OfflineError:
            _fail(
                f"Could not reach the server at {server}; your "
                f"{_changes(store.outbox_status().pending)} kept and will be sent next time."
            )
            return EXIT_FAILED
        except AuthExpiredError:
            _fail(
                "Your sign-in has expired. Sign in again with `outpost login`; your "
                f"{_changes(store.outbox_status().pending)} kept."
            )
            return EXIT_FAILED
        except TransientSyncError as exc:
            if exc.kind is not SyncErrorKind.SERVER:
                raise
            _fail(f"{exc} Your {_changes(store.outbox_status().pending)} kept; try again later.")
            return EXIT_FAILED
        finally:
            service.close()
    _print_report(report)
    if report.needs_attention:
        print("Some changes need your attention: run `outpost conflicts`.")
        return EXIT_ATTENTION
    return 0


def _not_signed_in() -> NoReturn:
    raise AuthExpiredError(NOT_SIGNED_IN)


def _changes(count: int) -> str:
    return f"{count} change{'s are' if count != 1 else ' is'}"


def _fail(message: str) -> None:
    print(f"outpost: {message}", file=sys.stderr)


def _print_report(report: SyncReport) -> None:
    handled = report.acknowledged + report.conflicts + report.rejected
    if handled:
        print(
            f"Sent {handled} change(s): {report.acknowledged} accepted, "
            f"{report.conflicts} in conflict, {report.rejected} refused."
        )
    else:
        print("Nothing to send.")
    updated = ", ".join(f"{report.written.get(kind, 0)} {words}" for kind, words in _TYPE_WORDS)
    print(f"Updated from the server: {updated}.")
    print(f"Done in {report.duration_s:.2f} s.")
    if report.clock_skewed and report.clock_skew_s is not None:
        minutes = abs(report.clock_skew_s) / 60
        side = "behind" if report.clock_skew_s > 0 else "ahead of"
        print(f"Warning: this computer's clock is {minutes:.0f} minute(s) {side} the server's.")
