"""Discovery: which types offer history, and where to sign in."""

from __future__ import annotations

import pytest

from outpost.core.errors import SyncError, SyncErrorKind
from outpost.sync.discovery import (
    OAUTH_URIS,
    parse_capabilities,
    parse_smart_configuration,
    smart_from_capabilities,
)

STATEMENT = {
    "resourceType": "CapabilityStatement",
    "fhirVersion": "4.0.1",
    "rest": [
        {
            "mode": "server",
            "resource": [
                {
                    "type": "Patient",
                    "interaction": [{"code": "read"}, {"code": "search-type"}],
                },
                {
                    "type": "DocumentReference",
                    "interaction": [
                        {"code": "read"},
                        {"code": "update"},
                        {"code": "history-type"},
                        {"code": "search-type"},
                    ],
                },
            ],
            "security": {
                "extension": [
                    {
                        "url": OAUTH_URIS,
                        "extension": [
                            {"url": "token", "valueUri": "https://auth/token"},
                            {"url": "authorize", "valueUri": "https://auth/authorize"},
                        ],
                    }
                ]
            },
        }
    ],
}


def test_history_support_is_read_per_type() -> None:
    capabilities = parse_capabilities(STATEMENT)
    assert capabilities.fhir_version == "4.0.1"
    assert capabilities.has_type_history("DocumentReference")
    assert not capabilities.has_type_history("Patient")
    assert capabilities.has_search("Patient")
    assert not capabilities.has_search("Appointment")


def test_a_page_that_is_not_a_capability_statement_is_refused() -> None:
    with pytest.raises(SyncError) as caught:
        parse_capabilities({"resourceType": "Bundle"})
    assert caught.value.kind is SyncErrorKind.PROTOCOL


def test_smart_configuration() -> None:
    smart = parse_smart_configuration(
        {
            "token_endpoint": "https://auth/token",
            "authorization_endpoint": "https://auth/authorize",
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
        }
    )
    assert smart.token_endpoint == "https://auth/token"
    assert smart.supports_pkce_s256
    assert "refresh_token" in smart.grant_types
    plain_only = parse_smart_configuration(
        {"token_endpoint": "t", "code_challenge_methods_supported": ["plain"]}
    )
    assert not plain_only.supports_pkce_s256
    with pytest.raises(SyncError):
        parse_smart_configuration({"authorization_endpoint": "a"})


def test_oauth_uris_in_the_capability_statement_are_a_fallback() -> None:
    smart = smart_from_capabilities(STATEMENT)
    assert smart is not None
    assert smart.token_endpoint == "https://auth/token"
    assert smart.authorization_endpoint == "https://auth/authorize"
    assert smart_from_capabilities({"resourceType": "CapabilityStatement"}) is None
