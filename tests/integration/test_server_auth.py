"""The reference server's discovery documents and OAuth2: metadata, SMART configuration,
bearer tokens, the password grant, rotating refresh tokens and the PKCE browser flow."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from tests.server_process import HTTP_TIMEOUT, RunningServer, running_server

TYPES = {
    "Organization",
    "Patient",
    "Practitioner",
    "Schedule",
    "Slot",
    "Appointment",
    "Encounter",
    "DocumentReference",
    "Provenance",
    "QuestionnaireResponse",
    "Observation",
    "MeasureReport",
    "AuditEvent",
}
REDIRECT = "http://127.0.0.1:53682/callback"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    with running_server(tmp_path_factory.mktemp("auth"), seed="demo") as running:
        yield running


def _token(server: RunningServer, **form: str) -> requests.Response:
    return requests.post(f"{server.origin}/oauth/token", data=form, timeout=HTTP_TIMEOUT)


def _refresh(server: RunningServer, refresh_token: str) -> requests.Response:
    return _token(
        server,
        grant_type="refresh_token",
        refresh_token=refresh_token,
        client_id="outpost-desktop",
    )


def _read_with(server: RunningServer, token: str) -> requests.Response:
    return requests.get(
        f"{server.base_url}/Patient",
        headers={"Authorization": f"Bearer {token}"},
        timeout=HTTP_TIMEOUT,
    )


def test_metadata_is_a_truthful_capability_statement(server: RunningServer) -> None:
    response = requests.get(f"{server.base_url}/metadata", timeout=HTTP_TIMEOUT)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    assert "Date" in response.headers
    body = response.json()
    CapabilityStatement.model_validate(body)
    rest = body["rest"][0]
    assert {code["code"] for code in rest["interaction"]} == {"batch", "transaction"}
    oauth = rest["security"]["extension"][0]
    uris = {item["url"]: item["valueUri"] for item in oauth["extension"]}
    assert uris["authorize"] == f"{server.origin}/oauth/authorize"
    assert uris["token"] == f"{server.origin}/oauth/token"
    resources = {item["type"]: item for item in rest["resource"]}
    assert set(resources) == TYPES
    client = server.client("dr.rivera")
    for type_, item in resources.items():
        codes = {code["code"] for code in item["interaction"]}
        assert {"read", "vread", "update", "create", "search-type", "history-type"} <= codes
        assert "delete" not in codes
        assert "patch" not in codes
        assert item["updateCreate"] is True
        assert item["versioning"] == "versioned"
        # Truthful: every announced interaction and search parameter answers.
        assert client.get(f"{type_}/_history", _count="1").status_code == 200
        for param in item["searchParam"]:
            value = {
                "date": "ge2020-01-01",
                "reference": "Patient/x" if param["name"] != "schedule" else "Schedule/x",
                "token": "x",
            }[param["type"]]
            answer = client.get(type_, **{param["name"]: value})
            assert answer.status_code == 200, (type_, param["name"], answer.text)
    appointment = {param["name"] for param in resources["Appointment"]["searchParam"]}
    assert {"_id", "_lastUpdated", "patient", "actor", "practitioner", "date", "status"} <= (
        appointment
    )


def test_smart_configuration_announces_pkce_and_the_grants(server: RunningServer) -> None:
    response = requests.get(
        f"{server.base_url}/.well-known/smart-configuration", timeout=HTTP_TIMEOUT
    )
    assert response.status_code == 200
    assert "Date" in response.headers
    config = response.json()
    assert config["authorization_endpoint"] == f"{server.origin}/oauth/authorize"
    assert config["token_endpoint"] == f"{server.origin}/oauth/token"
    assert {"authorization_code", "refresh_token", "password"} <= set(
        config["grant_types_supported"]
    )
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert "client-public" in config["capabilities"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "Patient"),
        ("GET", "Patient/some-id"),
        ("GET", "Patient/some-id/_history/1"),
        ("GET", "Patient/_history"),
        ("PUT", "Patient/some-id"),
        ("POST", "Patient"),
        ("POST", ""),
    ],
)
@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_every_fhir_call_needs_a_valid_bearer_token(
    server: RunningServer, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Content-Type": "application/fhir+json"}
    if authorization:
        headers["Authorization"] = authorization
    body = b'{"resourceType": "Patient", "id": "some-id"}' if method != "GET" else None
    response = requests.request(
        method, f"{server.base_url}/{path}", data=body, headers=headers, timeout=HTTP_TIMEOUT
    )
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.headers["Content-Type"].startswith("application/fhir+json")
    assert response.json()["resourceType"] == "OperationOutcome"


def test_password_grant_answers_with_tokens_and_the_practitioner(server: RunningServer) -> None:
    tokens = server.token_response("dr.rivera")
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 900
    assert tokens["access_token"]
    assert tokens["refresh_token"]
    assert tokens["scope"]
    practitioner = server.client("dr.rivera").get(f"Practitioner/{tokens['practitioner']}")
    assert practitioner.status_code == 200
    assert practitioner.json()["name"][0]["family"] == "Rivera"
    wrong = _token(
        server,
        grant_type="password",
        username="dr.rivera",
        password="wrong",
        client_id="outpost-desktop",
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    assert wrong.headers["Cache-Control"] == "no-store"
    unknown_client = _token(
        server, grant_type="password", username="dr.rivera", password="x", client_id="other"
    )
    assert unknown_client.status_code == 401
    assert unknown_client.json()["error"] == "invalid_client"
    implicit = _token(server, grant_type="implicit", client_id="outpost-desktop")
    assert implicit.status_code == 400
    assert implicit.json()["error"] == "unsupported_grant_type"


def test_refresh_tokens_rotate_and_reuse_revokes_the_whole_sign_in(
    server: RunningServer,
) -> None:
    first = server.token_response("dr.okafor")
    second = _refresh(server, first["refresh_token"])
    assert second.status_code == 200
    rotated: dict[str, Any] = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["access_token"] != first["access_token"]
    assert rotated["practitioner"] == first["practitioner"]
    assert _read_with(server, rotated["access_token"]).status_code == 200

    reused = _refresh(server, first["refresh_token"])
    assert reused.status_code == 400
    assert reused.json()["error"] == "invalid_grant"
    # The leak is contained: every token of that sign-in stops working.
    assert _refresh(server, rotated["refresh_token"]).status_code == 400
    assert _read_with(server, rotated["access_token"]).status_code == 401
    assert _read_with(server, first["access_token"]).status_code == 401
    # Other sign-ins of the same user are untouched.
    assert _read_with(server, server.token("dr.okafor")).status_code == 200


def test_revocation_ends_the_sign_in(server: RunningServer) -> None:
    tokens = server.token_response("dr.rivera")
    revoked = requests.post(
        f"{server.origin}/oauth/revoke", data={"token": tokens["refresh_token"]}, timeout=10
    )
    assert revoked.status_code == 200
    assert _read_with(server, tokens["access_token"]).status_code == 401
    assert _refresh(server, tokens["refresh_token"]).status_code == 400


def test_an_expired_access_token_is_refused_and_refresh_still_works(tmp_path: Path) -> None:
    with running_server(tmp_path, seed="demo", token_ttl=0) as short:
        tokens = short.token_response("dr.rivera")
        assert tokens["expires_in"] == 0
        refused = _read_with(short, tokens["access_token"])
        assert refused.status_code == 401
        assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]
        assert _refresh(short, tokens["refresh_token"]).status_code == 200


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.action = values.get("action", "")
        if tag == "input" and "name" in values:
            self.fields[values["name"]] = values.get("value", "")


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize(server: RunningServer, challenge: str, state: str) -> _Form:
    page = requests.get(
        f"{server.origin}/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": "outpost-desktop",
            "redirect_uri": REDIRECT,
            "state": state,
            "scope": "user/*.* offline_access",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
        timeout=HTTP_TIMEOUT,
    )
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    form = _Form()
    form.feed(page.text)
    assert form.action == "/oauth/authorize"
    assert {"username", "password", "code_challenge", "redirect_uri", "state"} <= set(form.fields)
    return form


def test_authorization_code_flow_with_pkce(server: RunningServer) -> None:
    verifier, challenge = _pkce()
    state = secrets.token_urlsafe(8)
    form = _authorize(server, challenge, state)

    wrong = {**form.fields, "username": "dr.rivera", "password": "nope"}
    refused = requests.post(
        server.origin + form.action, data=wrong, allow_redirects=False, timeout=HTTP_TIMEOUT
    )
    assert refused.status_code == 401
    assert "Location" not in refused.headers

    right = {**form.fields, "username": "dr.rivera", "password": server.users["dr.rivera"]}
    signed_in = requests.post(
        server.origin + form.action, data=right, allow_redirects=False, timeout=HTTP_TIMEOUT
    )
    assert signed_in.status_code == 302
    location = urlsplit(signed_in.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == [state]
    code = query["code"][0]

    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "outpost-desktop",
    }
    bad = _token(server, **exchange, code_verifier=_pkce()[0])
    assert bad.status_code == 400
    assert bad.json()["error"] == "invalid_grant"
    good = _token(server, **exchange, code_verifier=verifier)
    assert good.status_code == 200, good.text
    tokens = good.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["refresh_token"]
    assert tokens["practitioner"] == server.token_response("dr.rivera")["practitioner"]
    assert _read_with(server, tokens["access_token"]).status_code == 200
    # A code works once; a second use revokes what the first one issued.
    again = _token(server, **exchange, code_verifier=verifier)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"
    assert _read_with(server, tokens["access_token"]).status_code == 401


def test_authorize_refuses_foreign_redirects_and_requests_without_pkce(
    server: RunningServer,
) -> None:
    _, challenge = _pkce()
    base = {
        "response_type": "code",
        "client_id": "outpost-desktop",
        "redirect_uri": REDIRECT,
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    for bad_redirect in ("https://evil.example/cb", "http://192.168.1.5:8000/cb"):
        page = requests.get(
            f"{server.origin}/oauth/authorize",
            params={**base, "redirect_uri": bad_redirect},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        assert page.status_code == 400
        assert "Location" not in page.headers
    localhost = requests.get(
        f"{server.origin}/oauth/authorize",
        params={**base, "redirect_uri": "http://localhost:9/cb"},
        timeout=HTTP_TIMEOUT,
    )
    assert localhost.status_code == 200
    plain = requests.get(
        f"{server.origin}/oauth/authorize",
        params={**base, "code_challenge_method": "plain"},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    assert plain.status_code == 302
    query = parse_qs(urlsplit(plain.headers["Location"]).query)
    assert query["error"] == ["invalid_request"]
    assert query["state"] == ["s1"]
