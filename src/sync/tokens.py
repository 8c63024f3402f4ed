"""The signed-in session: tokens kept only in the OS keychain, refreshed with rotation.

One keychain entry per profile (`sync-session:<profile id>`) holds the whole session as one
JSON secret, so a rotated refresh token and its access token are replaced together, in one
write, before the new access token is used. A refused refresh (400 `invalid_grant`, 401)
raises `AuthExpiredError`: sync pauses and nothing local is touched. A refresh that fails
for network reasons is transient (`TransientSyncError`), never a sign-out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

import requests

from outpost.core.errors import AuthExpiredError, OutpostError, SyncError, SyncErrorKind
from outpost.store.database import PROFILE_ID_FILE
from outpost.store.keychain import Keychain
from outpost.sync.client import JsonObject, Timeouts, classify, network_error, utc_now

logger = logging.getLogger(__name__)

CLIENT_ID = "outpost-desktop"
SIGN_IN_AGAIN = "Your sign-in has expired. Sign in again with `outpost login`."
NOT_SIGNED_IN = "Outpost is not signed in to a server. Sign in with `outpost login`."


class SecretStore(Keychain, Protocol):
    """A keychain that can also forget a secret (sign-out)."""

    def delete(self, name: str) -> None: ...


@dataclass(frozen=True)
class SessionTokens:
    """Everything needed to talk to the server as the signed-in clinician. Secret."""

    server_url: str
    token_endpoint: str
    access_token: str
    refresh_token: str | None
    expires_at: datetime
    user: str | None = None
    practitioner_id: str | None = None
    revocation_endpoint: str | None = None
    issued_at: datetime | None = None

    def to_json(self) -> str:
        data = asdict(self)
        data["expires_at"] = self.expires_at.isoformat()
        data["issued_at"] = None if self.issued_at is None else self.issued_at.isoformat()
        return json.dumps(data, sort_keys=True)

    def refresh_due(self, now: datetime, leeway: timedelta) -> bool:
        """Whether to refresh before the next request: within `leeway` of the expiry, or
        half-way through the lifetime of a token shorter than twice the leeway."""
        if self.issued_at is not None:
            leeway = min(leeway, (self.expires_at - self.issued_at) / 2)
        return self.expires_at - leeway <= now

    @classmethod
    def from_json(cls, text: str) -> SessionTokens:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("session is not a JSON object")
        data["expires_at"] = datetime.fromisoformat(data["expires_at"])
        if data.get("issued_at"):
            data["issued_at"] = datetime.fromisoformat(data["issued_at"])
        return cls(**data)

    def __repr__(self) -> str:  # never print tokens by accident
        return f"SessionTokens(server_url={self.server_url!r}, user={self.user!r})"


def session_key_name(profile_id: str) -> str:
    return f"sync-session:{profile_id}"


def read_profile_id(data_dir: Path) -> str:
    """The profile's id (written when its store was first opened)."""
    try:
        text = (data_dir / PROFILE_ID_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        text = ""
    if not text:
        raise OutpostError(
            "This profile has no id file yet; open it once (for example `outpost status`)."
        )
    return text


class TokenStore:
    """The session's one keychain entry."""

    def __init__(self, keychain: SecretStore, profile_id: str) -> None:
        self._keychain = keychain
        self._name = session_key_name(profile_id)
        self.keychain = keychain  # other per-profile entries (offline unlock) live beside it
        self.profile_id = profile_id

    def load(self) -> SessionTokens | None:
        text = self._keychain.get(self._name)
        if not text:
            return None
        try:
            return SessionTokens.from_json(text)
        except (ValueError, KeyError, TypeError):
            logger.warning("the stored sign-in is unreadable; treating it as signed out")
            return None

    def save(self, tokens: SessionTokens) -> None:
        self._keychain.set(self._name, tokens.to_json())

    def clear(self) -> bool:
        """Forget the session; False if there was none."""
        if self._keychain.get(self._name) is None:
            return False
        self._keychain.delete(self._name)
        return True


# -- the token endpoint ------------------------------------------------------------------


class RefusedError(SyncError):
    """The token endpoint said no (400/401): wrong password, used or revoked refresh token."""

    def __init__(self, error: str) -> None:
        super().__init__(SyncErrorKind.AUTH, f"The server refused the sign-in ({error}).")
        self.error = error


def token_request(
    session: requests.Session,
    endpoint: str,
    form: Mapping[str, str],
    *,
    timeouts: Timeouts,
    clock: Callable[[], datetime] = utc_now,
) -> JsonObject:
    """POST a form to the token endpoint; the JSON answer, or `RefusedError`."""
    try:
        raw = session.post(
            endpoint,
            data=dict(form),
            headers={"Accept": "application/json"},
            timeout=(timeouts.connect_s, timeouts.read_s),
            allow_redirects=False,
        )
        content = raw.content
    except requests.RequestException as exc:
        logger.info("token endpoint unreachable: %s", type(exc).__name__)
        raise network_error("The sign-in server cannot be reached.") from exc
    logger.info("token endpoint -> %d", raw.status_code)
    answer = classify(raw.status_code, raw.headers, content, now=clock())
    body = answer.body or {}
    if answer.status in (400, 401, 403):
        error = body.get("error")
        raise RefusedError(error if isinstance(error, str) else f"HTTP {answer.status}")
    if not answer.ok or not isinstance(body.get("access_token"), str):
        raise SyncError(SyncErrorKind.PROTOCOL, "The sign-in server gave an unusable answer.")
    return body


def tokens_from_response(
    body: JsonObject,
    *,
    server_url: str,
    token_endpoint: str,
    now: datetime,
    user: str | None = None,
    previous: SessionTokens | None = None,
    revocation_endpoint: str | None = None,
) -> SessionTokens:
    expires_in = body.get("expires_in")
    lifetime = float(expires_in) if isinstance(expires_in, int | float) else 300.0
    refresh = body.get("refresh_token")
    return SessionTokens(
        server_url=server_url,
        token_endpoint=token_endpoint,
        access_token=str(body["access_token"]),
        # A server that does not rotate keeps the old refresh token valid.
        refresh_token=refresh
        if isinstance(refresh, str)
        else (previous.refresh_token if previous else None),
        expires_at=now + timedelta(seconds=lifetime),
        issued_at=now,
        user=user if user is not None else (previous.user if previous else None),
        practitioner_id=practitioner_from(body) or (previous.practitioner_id if previous else None),
        revocation_endpoint=revocation_endpoint
        or (previous.revocation_endpoint if previous else None),
    )


def practitioner_from(body: JsonObject) -> str | None:
    """The Practitioner id from `practitioner` or SMART's `fhirUser` (`Practitioner/<id>`)."""
    direct = body.get("practitioner")
    if isinstance(direct, str) and direct:
        return direct.rsplit("/", 1)[-1]
    user = body.get("fhirUser")
    if isinstance(user, str) and "Practitioner/" in user:
        return user.rsplit("Practitioner/", 1)[1].split("/")[0] or None
    return None


def revoke(session: requests.Session, tokens: SessionTokens, *, timeout_s: float = 5.0) -> bool:
    """Ask the server to forget the refresh token (RFC 7009), best effort: sign-out never
    waits on the network. True if the server confirmed."""
    if tokens.revocation_endpoint is None or tokens.refresh_token is None:
        return False
    try:
        answer = session.post(
            tokens.revocation_endpoint,
            data={
                "token": tokens.refresh_token,
                "token_type_hint": "refresh_token",
                "client_id": CLIENT_ID,
            },
            timeout=(timeout_s, timeout_s),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        logger.info("token revocation failed: %s", type(exc).__name__)
        return False
    logger.info("token revocation -> %d", answer.status_code)
    return answer.status_code == 200


class TokenManager:
    """`TokenSource` for `FhirClient`: the current access token, refreshed when expiring."""

    def __init__(
        self,
        store: TokenStore,
        tokens: SessionTokens,
        session: requests.Session,
        *,
        timeouts: Timeouts | None = None,
        clock: Callable[[], datetime] = utc_now,
        leeway_s: float = 30.0,
    ) -> None:
        self._store = store
        self._tokens = tokens
        self._session = session
        self._timeouts = timeouts or Timeouts()
        self._clock = clock
        self._leeway = timedelta(seconds=leeway_s)
        self.refreshes = 0

    @property
    def tokens(self) -> SessionTokens:
        return self._tokens

    def access_token(self) -> str:
        due = self._tokens.refresh_due(self._clock(), self._leeway)
        if due and self._tokens.refresh_token:
            return self.refresh()
        return self._tokens.access_token

    def refresh(self) -> str:
        current = self._tokens
        if not current.refresh_token:
            raise AuthExpiredError(SIGN_IN_AGAIN)
        form = {
            "grant_type": "refresh_token",
            "refresh_token": current.refresh_token,
            "client_id": CLIENT_ID,
        }
        try:
            body = token_request(
                self._session,
                current.token_endpoint,
                form,
                timeouts=self._timeouts,
                clock=self._clock,
            )
        except RefusedError as exc:
            logger.warning("refresh refused (%s): sync pauses until the next sign-in", exc.error)
            raise AuthExpiredError(SIGN_IN_AGAIN) from exc
        renewed = tokens_from_response(
            body,
            server_url=current.server_url,
            token_endpoint=current.token_endpoint,
            now=self._clock(),
            previous=current,
        )
        # The old refresh token is dead once the server rotated it: keep the new one first.
        self._store.save(renewed)
        self._tokens = renewed
        self.refreshes += 1
        logger.info("access token refreshed")
        return renewed.access_token
