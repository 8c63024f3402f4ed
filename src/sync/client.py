"""`FhirClient`: FHIR R4 JSON over an injected `requests.Session`, with answers classified.

What callers can rely on (docs/sync-protocol.md):
- every request has explicit (connect, read) timeouts and `Accept: application/fhir+json`;
- no network, a timeout, a reset connection, a redirect or HTML where FHIR JSON was expected
  (a captive portal), a 511, or a 2xx body that is not JSON -> `TransientSyncError(NETWORK)`;
- 429 and 5xx -> `TransientSyncError(SERVER)` with the server's `Retry-After` in seconds;
- 401 -> the token source refreshes once and the request is repeated; a second 401 ->
  `SyncError(AUTH)`; a refused refresh -> `AuthExpiredError` (from the token source);
- any other answer comes back as a `FhirResponse`; `raise_for_rejection` turns an
  unexpected 4xx into `RejectedError` with the OperationOutcome's diagnostics.

Links the server hands out (`next` pages) are re-rooted onto the configured base address, so
a proxy in front of the server can simply be configured as the server, and the bearer token
never goes to another host. Logs carry the method, the path without its query, the status
and the duration.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import requests

from outpost.core.errors import SyncError, SyncErrorKind

logger = logging.getLogger(__name__)

JsonObject = dict[str, Any]
FHIR_JSON = "application/fhir+json"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Timeouts:
    """Seconds; `requests` waits forever without them."""

    connect_s: float = 5.0
    read_s: float = 30.0
    batch_read_s: float = 120.0  # a 500-entry batch is written by the server before it answers


class TokenSource(Protocol):
    """Bearer tokens for the client; implemented by `outpost.sync.auth.TokenManager`."""

    def access_token(self) -> str: ...

    def refresh(self) -> str:
        """A new access token; raises `AuthExpiredError` when the server refuses."""
        ...


class TransientSyncError(SyncError):
    """A failure worth retrying later (kind NETWORK or SERVER)."""

    def __init__(
        self,
        kind: SyncErrorKind,
        message: str,
        *,
        retry_after_s: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(kind, message)
        self.retry_after_s = retry_after_s
        self.status = status


class RejectedError(SyncError):
    """The server refused a request for good (a 4xx other than 401/429): kind REJECTED."""

    def __init__(self, status: int, diagnostics: str) -> None:
        super().__init__(SyncErrorKind.REJECTED, f"The server refused the change: {diagnostics}")
        self.status = status
        self.diagnostics = diagnostics


def network_error(message: str) -> TransientSyncError:
    return TransientSyncError(SyncErrorKind.NETWORK, message)


@dataclass(frozen=True)
class FhirResponse:
    status: int
    body: JsonObject | None
    etag: str | None = None
    location: str | None = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def version(self) -> str | None:
        return version_from_etag(self.etag)

    def diagnostics(self) -> str:
        return outcome_text(self.body, self.status)

    def raise_for_rejection(self) -> FhirResponse:
        if not self.ok:
            raise RejectedError(self.status, self.diagnostics())
        return self


# -- pure helpers -----------------------------------------------------------------------


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """`Retry-After` as seconds from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    moment = parse_http_date(text)
    if moment is None:
        return None
    return max(0.0, (moment - now).total_seconds())


def version_from_etag(etag: str | None) -> str | None:
    """`W/"3"` -> `3`."""
    if not etag:
        return None
    text = etag.strip()
    if text.startswith("W/"):
        text = text[2:]
    return text.strip('"') or None


def outcome_text(body: JsonObject | None, status: int) -> str:
    """The OperationOutcome's diagnostics (or details text), else the bare status."""
    parts: list[str] = []
    if body is not None and body.get("resourceType") == "OperationOutcome":
        for issue in body.get("issue") or []:
            if not isinstance(issue, dict):
                continue
            details = issue.get("details")
            text = issue.get("diagnostics") or (
                details.get("text") if isinstance(details, dict) else None
            )
            if isinstance(text, str) and text.strip():
                parts.append(text.strip())
    return "; ".join(parts) if parts else f"HTTP {status}"


def _is_html(content_type: str, content: bytes) -> bool:
    if "html" in content_type.lower():
        return True
    head = content.lstrip()[:15].lower()
    return head.startswith((b"<!doctype", b"<html"))


def classify(
    status: int, headers: Mapping[str, str], content: bytes, *, now: datetime
) -> FhirResponse:
    """Turn one HTTP answer into a `FhirResponse`, or raise the transient failure it is.

    A 401 is returned as a response: the client decides about refreshing.
    """
    if 300 <= status < 400:
        raise network_error(
            f"The server answered with a redirect (HTTP {status}); the network may need a "
            "sign-in page first."
        )
    if status == 511:
        raise network_error("The network needs a sign-in page first (HTTP 511).")
    content_type = headers.get("Content-Type", "")
    if content and _is_html(content_type, content):
        raise network_error(
            f"An HTML page came back instead of FHIR data (HTTP {status}); the network may "
            "need a sign-in page first."
        )
    if status == 429 or status >= 500:
        retry_after = parse_retry_after(headers.get("Retry-After"), now)
        raise TransientSyncError(
            SyncErrorKind.SERVER,
            f"The server is busy or failing (HTTP {status}).",
            retry_after_s=retry_after,
            status=status,
        )
    body: JsonObject | None = None
    if content.strip():
        try:
            parsed = json.loads(content)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            body = parsed
        elif 200 <= status < 300:
            raise network_error(f"The server's answer could not be read (HTTP {status}).")
    return FhirResponse(status, body, headers.get("ETag"), headers.get("Location"))


# -- the client -------------------------------------------------------------------------


class FhirClient:
    """Blocking FHIR client, used from the store worker thread and the pusher's wire
    thread: one request at a time (a lock), so a token refresh never races another."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        tokens: TokenSource | None = None,
        *,
        timeouts: Timeouts | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._base = urlsplit(self.base_url)
        self._session = session
        self._tokens = tokens
        self.timeouts = timeouts or Timeouts()
        self._clock = clock
        self.clock_skew_s: float | None = None  # server Date minus local clock, last answer
        self.requests_made = 0
        self._one_at_a_time = threading.RLock()

    # -- FHIR interactions --

    def metadata(self) -> JsonObject:
        response = self.request("GET", "metadata").raise_for_rejection()
        return _require_body(response)

    def read(self, resource_type: str, resource_id: str) -> FhirResponse:
        """GET one resource: 200 with it, or 404/410 (gone); anything else is raised."""
        response = self.request("GET", f"{resource_type}/{resource_id}")
        if response.status in (404, 410):
            return response
        _require_body(response.raise_for_rejection())
        return response

    def update(
        self,
        resource_type: str,
        resource_id: str,
        resource: JsonObject,
        *,
        if_match: str | None,
        idempotency_key: str,
    ) -> FhirResponse:
        """PUT (update-as-create); `if_match` is a bare version id. Returns any 2xx/4xx."""
        headers = {"Idempotency-Key": idempotency_key}
        if if_match is not None:
            headers["If-Match"] = f'W/"{if_match}"'
        return self.request("PUT", f"{resource_type}/{resource_id}", body=resource, headers=headers)

    def batch(self, bundle: JsonObject | bytes, *, idempotency_key: str) -> FhirResponse:
        """POST a batch Bundle (or its JSON, already encoded)."""
        return self.request(
            "POST",
            "",
            body=bundle,
            headers={"Idempotency-Key": idempotency_key},
            read_timeout_s=self.timeouts.batch_read_s,
        )

    def search(self, path_or_url: str, params: Mapping[str, str] | None = None) -> JsonObject:
        """GET a Bundle (search, history or a `next` link)."""
        return _require_body(self.request("GET", path_or_url, params=params).raise_for_rejection())

    def read_many(
        self, resource_type: str, ids: Sequence[str], *, chunk: int = 50
    ) -> dict[str, JsonObject]:
        """Current versions of several resources by `_id` search (one request per `chunk`
        ids); ids the server does not have are absent. Falls back to single reads if the
        server refuses the search."""
        found: dict[str, JsonObject] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), chunk):
            part = wanted[start : start + chunk]
            try:
                bundle = self.search(
                    resource_type, {"_id": ",".join(part), "_count": str(len(part))}
                )
            except RejectedError:
                logger.info("_id search refused: reading %d resources one by one", len(part))
                for resource_id in part:
                    response = self.read(resource_type, resource_id)
                    if response.ok and response.body is not None:
                        found[resource_id] = response.body
                continue
            for entry in bundle.get("entry") or []:
                resource = entry.get("resource") if isinstance(entry, dict) else None
                if (
                    isinstance(resource, dict)
                    and resource.get("resourceType") == resource_type
                    and resource.get("id") in part
                ):
                    found[str(resource["id"])] = resource
        return found

    # -- transport --

    def resolve(self, path_or_url: str) -> str:
        """An absolute URL on the configured base for a relative path or a server link."""
        parts = urlsplit(path_or_url)
        if not parts.scheme:
            path = path_or_url.lstrip("/")
            return f"{self.base_url}/{path}" if path else self.base_url
        return urlunsplit(
            (self._base.scheme, self._base.netloc, parts.path, parts.query, parts.fragment)
        )

    def request(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Mapping[str, str] | None = None,
        body: JsonObject | bytes | None = None,
        headers: Mapping[str, str] | None = None,
        read_timeout_s: float | None = None,
    ) -> FhirResponse:
        with self._one_at_a_time:
            return self._request(method, path_or_url, params, body, headers, read_timeout_s)

    def _request(
        self,
        method: str,
        path_or_url: str,
        params: Mapping[str, str] | None,
        body: JsonObject | bytes | None,
        headers: Mapping[str, str] | None,
        read_timeout_s: float | None,
    ) -> FhirResponse:
        url = self.resolve(path_or_url)
        response = self._send(method, url, params, body, headers, read_timeout_s, token=None)
        if response.status == 401 and self._tokens is not None:
            logger.info("401 on %s %s: refreshing the access token once", method, _path(url))
            token = self._tokens.refresh()
            response = self._send(method, url, params, body, headers, read_timeout_s, token=token)
            if response.status == 401:
                raise SyncError(
                    SyncErrorKind.AUTH,
                    "The server does not accept this sign-in. Sign in again with `outpost login`.",
                )
        return response

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str] | None,
        body: JsonObject | bytes | None,
        extra_headers: Mapping[str, str] | None,
        read_timeout_s: float | None,
        *,
        token: str | None,
    ) -> FhirResponse:
        headers = {"Accept": FHIR_JSON}
        if extra_headers:
            headers.update(extra_headers)
        if token is None and self._tokens is not None:
            token = self._tokens.access_token()
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = None
        if body is not None:
            headers["Content-Type"] = f"{FHIR_JSON}; charset=utf-8"
            data = (
                body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
            )
        timeout = (self.timeouts.connect_s, read_timeout_s or self.timeouts.read_s)
        started = time.monotonic()
        self.requests_made += 1
        try:
            raw = self._session.request(
                method,
                url,
                params=dict(params) if params else None,
                data=data,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
            content = raw.content  # a reset mid-body raises here
        except requests.Timeout as exc:
            logger.info("%s %s timed out", method, _path(url))
            raise network_error("The server did not answer in time.") from exc
        except requests.RequestException as exc:
            logger.info("%s %s failed: %s", method, _path(url), type(exc).__name__)
            raise network_error("The server cannot be reached.") from exc
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("%s %s -> %d in %.0f ms", method, _path(url), raw.status_code, elapsed_ms)
        now = self._clock()
        server_time = parse_http_date(raw.headers.get("Date"))
        if server_time is not None:
            self.clock_skew_s = (server_time - now).total_seconds()
        return classify(raw.status_code, raw.headers, content, now=now)


def _require_body(response: FhirResponse) -> JsonObject:
    if response.body is None:
        raise network_error(f"The server's answer had no FHIR data (HTTP {response.status}).")
    return response.body


def _path(url: str) -> str:
    """The URL's path only: queries may hold search values, never logged."""
    return urlsplit(url).path or "/"
