"""What a FHIR server offers: its CapabilityStatement and its SMART configuration.

The client assumes only what these announce (docs/sync-protocol.md): per resource type,
whether `history-type` exists decides how pull asks for changes; the SMART document names
the OAuth endpoints. If the SMART document is missing, the OAuth URIs extension of the
CapabilityStatement (`rest.security`) is used instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from outpost.core.errors import SyncError, SyncErrorKind
from outpost.sync.client import FhirClient, JsonObject

logger = logging.getLogger(__name__)

OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


@dataclass(frozen=True)
class Capabilities:
    """Per resource type, the interactions the server lists (`read`, `history-type`, ...)."""

    fhir_version: str | None
    interactions: dict[str, frozenset[str]]

    def supports(self, resource_type: str, interaction: str) -> bool:
        return interaction in self.interactions.get(resource_type, frozenset())

    def has_type_history(self, resource_type: str) -> bool:
        return self.supports(resource_type, "history-type")

    def has_search(self, resource_type: str) -> bool:
        return self.supports(resource_type, "search-type")


@dataclass(frozen=True)
class SmartConfiguration:
    token_endpoint: str
    authorization_endpoint: str | None = None
    revocation_endpoint: str | None = None
    grant_types: frozenset[str] = frozenset()
    code_challenge_methods: frozenset[str] = frozenset()

    @property
    def supports_pkce_s256(self) -> bool:
        # Servers that leave the list out are asked for S256 anyway (it is the only method
        # Outpost uses); the token endpoint then refuses if it really cannot.
        return not self.code_challenge_methods or "S256" in self.code_challenge_methods


def parse_capabilities(statement: JsonObject) -> Capabilities:
    if statement.get("resourceType") != "CapabilityStatement":
        raise SyncError(SyncErrorKind.PROTOCOL, "The server's /metadata is not a FHIR server's.")
    interactions: dict[str, frozenset[str]] = {}
    for rest in _dicts(statement.get("rest")):
        if rest.get("mode", "server") != "server":
            continue
        for resource in _dicts(rest.get("resource")):
            kind = resource.get("type")
            if not isinstance(kind, str):
                continue
            codes = {
                code
                for item in _dicts(resource.get("interaction"))
                if isinstance(code := item.get("code"), str)
            }
            interactions[kind] = interactions.get(kind, frozenset()) | frozenset(codes)
    version = statement.get("fhirVersion")
    return Capabilities(version if isinstance(version, str) else None, interactions)


def parse_smart_configuration(document: JsonObject) -> SmartConfiguration:
    token = document.get("token_endpoint")
    if not isinstance(token, str) or not token:
        raise SyncError(
            SyncErrorKind.PROTOCOL, "The server does not say where to sign in (no token endpoint)."
        )
    return SmartConfiguration(
        token_endpoint=token,
        authorization_endpoint=_text(document.get("authorization_endpoint")),
        revocation_endpoint=_text(document.get("revocation_endpoint")),
        grant_types=_texts(document.get("grant_types_supported")),
        code_challenge_methods=_texts(document.get("code_challenge_methods_supported")),
    )


def smart_from_capabilities(statement: JsonObject) -> SmartConfiguration | None:
    """The `oauth-uris` extension of `rest.security`, for servers without the SMART file."""
    for rest in _dicts(statement.get("rest")):
        security = rest.get("security")
        if not isinstance(security, dict):
            continue
        for extension in _dicts(security.get("extension")):
            if extension.get("url") != OAUTH_URIS:
                continue
            uris = {
                item.get("url"): item.get("valueUri") for item in _dicts(extension.get("extension"))
            }
            token = uris.get("token")
            if isinstance(token, str) and token:
                return SmartConfiguration(
                    token_endpoint=token,
                    authorization_endpoint=_text(uris.get("authorize")),
                    revocation_endpoint=_text(uris.get("revoke")),
                )
    return None


def fetch_capabilities(client: FhirClient) -> tuple[Capabilities, JsonObject]:
    statement = client.metadata()
    capabilities = parse_capabilities(statement)
    logger.info(
        "server FHIR %s; type history for %s",
        capabilities.fhir_version,
        sorted(t for t in capabilities.interactions if capabilities.has_type_history(t)),
    )
    return capabilities, statement


def discover_smart(client: FhirClient, statement: JsonObject) -> SmartConfiguration:
    """SMART configuration from `.well-known`, else from the CapabilityStatement."""
    response = client.request("GET", ".well-known/smart-configuration")
    if response.ok and response.body is not None:
        return parse_smart_configuration(response.body)
    fallback = smart_from_capabilities(statement)
    if fallback is None:
        raise SyncError(
            SyncErrorKind.PROTOCOL,
            "The server does not publish how to sign in (no SMART configuration).",
        )
    return fallback


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _texts(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        return frozenset()
    return frozenset(item for item in value if isinstance(item, str))
