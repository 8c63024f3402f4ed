"""Sign-in: PKCE (RFC 7636 vector), the loopback redirect, browser and password grants, and
rotating refresh with the keychain written before the new token is used."""

from __future__ import annotations

import dataclasses
import string
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from outpost.core.errors import (
    AuthExpiredError,
    KeychainUnavailableError,
    SyncError,
    SyncErrorKind,
)
from outpost.sync.auth import (
    ServerInfo,
    authorization_url,
    browser_login,
    code_challenge_s256,
    new_code_verifier,
    password_login,
)
from outpost.sync.client import TransientSyncError
from outpost.sync.discovery import SmartConfiguration
from outpost.sync.loopback import LoopbackRedirect
from outpost.sync.tokens import (
    RefusedError,
    SessionTokens,
    TokenManager,
    TokenStore,
    practitioner_from,
    session_key_name,
)
from tests.fakes import FakeKeychain, FakeTransport, Reply, fake_session

NOW = datetime(2025, 3, 10, 8, 0, tzinfo=UTC)
SMART = SmartConfiguration(
    token_endpoint="http://fhir.test/oauth/token",
    authorization_endpoint="http://fhir.test/oauth/authorize",
    code_challenge_methods=frozenset({"S256"}),
)
SERVER = ServerInfo("http://fhir.test/fhir", SMART)


def test_pkce_s256_matches_the_rfc_7636_vector() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge_s256(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_are_long_random_and_unreserved() -> None:
    allowed = set(string.ascii_letters + string.digits + "-._~")
    verifiers = {new_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    for verifier in verifiers:
        assert 43 <= len(verifier) <= 128
        assert set(verifier) <= allowed


def test_the_authorization_url_asks_for_s256_on_the_loopback() -> None:
    url = authorization_url(
        SMART,
        server_url=SERVER.base_url,
        redirect_uri="http://127.0.0.1:5000/callback",
        state="st",
        challenge="ch",
    )
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["code_challenge"] == ["ch"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/callback"]
    assert query["client_id"] == ["outpost-desktop"]
    assert query["aud"] == [SERVER.base_url]
    assert query["response_type"] == ["code"]


def _visit(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _visit_later(url: str) -> threading.Thread:
    thread = threading.Thread(target=_visit, args=(url,))
    thread.start()
    return thread


def test_the_loopback_listener_binds_127_0_0_1_and_returns_the_code() -> None:
    with LoopbackRedirect("state-1") as listener:
        assert listener.redirect_uri.startswith("http://127.0.0.1:")
        visit = _visit_later(f"{listener.redirect_uri}?code=abc&state=state-1")
        assert listener.wait(5) == "abc"
        visit.join()


def test_a_redirect_with_the_wrong_state_is_ignored() -> None:
    with LoopbackRedirect("good") as listener:
        assert _status_later_then_code(listener) == "right"


def _status_later_then_code(listener: LoopbackRedirect) -> str:
    statuses: list[int] = []

    def browser() -> None:
        statuses.append(_visit(f"{listener.redirect_uri}?code=forged&state=bad"))
        statuses.append(_visit(f"{listener.redirect_uri}?code=right&state=good"))

    thread = threading.Thread(target=browser)
    thread.start()
    code = listener.wait(5)
    thread.join()
    assert statuses == [400, 200]
    return code


def test_a_refusal_in_the_browser_is_an_auth_error() -> None:
    with LoopbackRedirect("s") as listener:
        visit = _visit_later(f"{listener.redirect_uri}?error=access_denied&state=s")
        with pytest.raises(SyncError) as caught:
            listener.wait(5)
        visit.join()
    assert caught.value.kind is SyncErrorKind.AUTH
    assert "access_denied" in str(caught.value)


def test_waiting_for_the_browser_times_out_or_is_cancelled() -> None:
    with LoopbackRedirect("s") as listener, pytest.raises(SyncError, match="too long"):
        listener.wait(0.3)
    cancel = threading.Event()
    cancel.set()
    with LoopbackRedirect("s") as listener, pytest.raises(SyncError, match="cancelled"):
        listener.wait(5, cancel)


def test_browser_login_runs_authorization_code_with_pkce() -> None:
    transport = FakeTransport().queue(
        Reply(
            json={
                "access_token": "a1",
                "refresh_token": "r1",
                "expires_in": 600,
                "token_type": "Bearer",
                "fhirUser": "Practitioner/pr-7",
            }
        )
    )
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        query = parse_qs(urlsplit(url).query)
        redirect, state = query["redirect_uri"][0], query["state"][0]
        _visit_later(f"{redirect}?code=the-code&state={state}")
        return True

    tokens = browser_login(
        fake_session(transport), SERVER, open_browser=browser, timeout_s=5, clock=lambda: NOW
    )
    assert tokens.access_token == "a1"
    assert tokens.refresh_token == "r1"
    assert tokens.practitioner_id == "pr-7"
    assert tokens.expires_at == NOW + timedelta(seconds=600)
    form = parse_qs(str(transport.requests[0].body))
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == ["the-code"]
    challenge = parse_qs(urlsplit(opened[0]).query)["code_challenge"][0]
    assert code_challenge_s256(form["code_verifier"][0]) == challenge


def test_password_login_and_a_wrong_password() -> None:
    transport = FakeTransport().queue(
        Reply(json={"access_token": "a", "refresh_token": "r", "expires_in": 60}),
        Reply(400, json={"error": "invalid_grant"}),
    )
    session = fake_session(transport)
    tokens = password_login(session, SERVER, "drsmith", "pw", clock=lambda: NOW)
    assert tokens.user == "drsmith"
    assert tokens.server_url == SERVER.base_url
    with pytest.raises(RefusedError) as caught:
        password_login(session, SERVER, "drsmith", "wrong")
    assert caught.value.error == "invalid_grant"
    assert "wrong" not in str(caught.value)


def test_practitioner_ids_from_token_answers() -> None:
    assert practitioner_from({"practitioner": "pr-1"}) == "pr-1"
    assert practitioner_from({"fhirUser": "http://x/fhir/Practitioner/pr-2"}) == "pr-2"
    assert practitioner_from({"fhirUser": "Patient/p"}) is None


# -- refresh rotation ----------------------------------------------------------------


def session_tokens(expires_at: datetime = NOW + timedelta(minutes=5)) -> SessionTokens:
    return SessionTokens(
        server_url=SERVER.base_url,
        token_endpoint=SMART.token_endpoint,
        access_token="a1",
        refresh_token="r1",
        expires_at=expires_at,
        user="drsmith",
    )


def manager_for(
    transport: FakeTransport, keychain: FakeKeychain, tokens: SessionTokens
) -> TokenManager:
    store = TokenStore(keychain, "profile-1")
    store.save(tokens)
    return TokenManager(store, tokens, fake_session(transport), clock=lambda: NOW)


def test_a_rotated_refresh_token_is_in_the_keychain_before_its_access_token_is_used() -> None:
    keychain = FakeKeychain()
    writes_at_send: list[str | None] = []

    def token_endpoint(request: object) -> Reply:
        writes_at_send.append(keychain.get(session_key_name("profile-1")))
        return Reply(json={"access_token": "a2", "refresh_token": "r2", "expires_in": 300})

    manager = manager_for(FakeTransport(token_endpoint), keychain, session_tokens())
    assert manager.refresh() == "a2"
    assert writes_at_send[0] is not None
    assert '"r1"' in writes_at_send[0]
    stored = TokenStore(keychain, "profile-1").load()
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == ("a2", "r2")
    assert stored.user == "drsmith"
    assert manager.tokens.refresh_token == "r2"


class BrokenKeychain(FakeKeychain):
    def set(self, name: str, secret: str) -> None:
        if self.secrets:
            raise KeychainUnavailableError("locked")
        super().set(name, secret)


def test_a_new_token_that_cannot_be_kept_is_not_used() -> None:
    transport = FakeTransport().queue(
        Reply(json={"access_token": "a2", "refresh_token": "r2", "expires_in": 300})
    )
    manager = manager_for(transport, BrokenKeychain(), session_tokens())
    with pytest.raises(KeychainUnavailableError):
        manager.refresh()
    assert manager.tokens.access_token == "a1"


def test_an_expiring_token_is_refreshed_before_use() -> None:
    transport = FakeTransport().queue(
        Reply(json={"access_token": "a2", "refresh_token": "r2", "expires_in": 300})
    )
    manager = manager_for(transport, FakeKeychain(), session_tokens(NOW + timedelta(seconds=10)))
    assert manager.access_token() == "a2"
    form = parse_qs(str(transport.requests[0].body))
    assert form["grant_type"] == ["refresh_token"]
    assert form["refresh_token"] == ["r1"]


def test_short_lived_tokens_are_refreshed_half_way_not_on_every_request() -> None:
    tokens = dataclasses.replace(
        session_tokens(NOW + timedelta(seconds=10)), issued_at=NOW - timedelta(seconds=1)
    )
    manager = manager_for(FakeTransport(), FakeKeychain(), tokens)
    assert manager.access_token() == "a1"  # 1 s into a 11 s token: no refresh yet
    assert tokens.refresh_due(NOW + timedelta(seconds=5), timedelta(seconds=30))
    assert not session_tokens().refresh_due(NOW, timedelta(seconds=30))
    assert session_tokens().refresh_due(
        NOW + timedelta(minutes=4, seconds=31), timedelta(seconds=30)
    )


def test_a_refused_refresh_pauses_sync_and_keeps_the_keychain() -> None:
    keychain = FakeKeychain()
    transport = FakeTransport().queue(Reply(400, json={"error": "invalid_grant"}))
    manager = manager_for(transport, keychain, session_tokens())
    before = dict(keychain.secrets)
    with pytest.raises(AuthExpiredError):
        manager.refresh()
    assert keychain.secrets == before


def test_a_refresh_lost_to_the_network_is_transient_not_a_sign_out() -> None:
    transport = FakeTransport().queue(Reply(error=requests.ConnectionError("down")))
    manager = manager_for(transport, FakeKeychain(), session_tokens())
    with pytest.raises(TransientSyncError) as caught:
        manager.refresh()
    assert caught.value.kind is SyncErrorKind.NETWORK


def test_tokens_never_show_in_their_repr_and_clear_forgets_them() -> None:
    keychain = FakeKeychain()
    store = TokenStore(keychain, "profile-1")
    tokens = session_tokens()
    store.save(tokens)
    assert "a1" not in repr(tokens)
    assert "r1" not in repr(tokens)
    assert store.load() == tokens
    assert store.clear() is True
    assert store.load() is None
    assert store.clear() is False
