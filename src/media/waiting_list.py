"""Who is in the clinic's waiting rooms now: `GET /signal/waiting` (docs/signaling.md).

How long each patient has waited is measured on the server's clock (its `Date` header
against the `since` instants), so a workstation's wrong clock does not change it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from outpost.core.errors import AuthExpiredError, CallError, CallErrorKind, OfflineError
from outpost.core.visits import VisitCredentials, WaitingPatient, WaitingState

logger = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=10, connect=5)
NOT_SIGNED_IN = "Sign in to see who is waiting."
UNREACHABLE = "The clinic server cannot be reached."


def waiting_url(server_url: str) -> str:
    """The endpoint beside the FHIR base (…/fhir) or the origin `server_url` names."""
    parts = urlsplit(server_url)
    prefix = parts.path.rstrip("/").removesuffix("/fhir")
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix}/signal/waiting", "", ""))


def parse(body: object, server_now: datetime) -> list[WaitingPatient]:
    entries = body.get("waiting") if isinstance(body, dict) else None
    if not isinstance(entries, list):
        raise CallError(CallErrorKind.UNREACHABLE, "The server's waiting list was unreadable.")
    found = []
    for entry in entries:
        try:
            since = datetime.fromisoformat(str(entry["since"]))
            state = WaitingState(entry["state"])
            appointment = str(entry["appointment"])
        except (KeyError, TypeError, ValueError):
            logger.warning("waiting list: an unreadable entry was skipped")
            continue
        waited = max((server_now - since).total_seconds(), 0.0)
        found.append(WaitingPatient(appointment, state, waited))
    return found


def _server_now(headers: object) -> datetime:
    date = getattr(headers, "get", lambda _key: None)("Date")
    try:
        return parsedate_to_datetime(date) if date else datetime.now(UTC)
    except (TypeError, ValueError):
        return datetime.now(UTC)


async def fetch(http: aiohttp.ClientSession, credentials: VisitCredentials) -> list[WaitingPatient]:
    """The waiting list; `OfflineError`, `AuthExpiredError` or `CallError` when it fails."""
    headers = {"Authorization": f"Bearer {credentials.access_token}"}
    try:
        async with http.get(waiting_url(credentials.server_url), headers=headers) as answer:
            if answer.status in (401, 403):
                raise AuthExpiredError(NOT_SIGNED_IN)
            if answer.status != 200:
                logger.info("waiting list -> %d", answer.status)
                raise CallError(
                    CallErrorKind.UNREACHABLE,
                    f"The server could not list the waiting room (HTTP {answer.status}).",
                )
            body = await answer.json(content_type=None)
            server_now = _server_now(answer.headers)
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise OfflineError(UNREACHABLE) from exc
    except ValueError as exc:
        raise CallError(CallErrorKind.UNREACHABLE, "The server's answer was unreadable.") from exc
    return parse(body, server_now)
