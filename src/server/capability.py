"""What the server announces: its CapabilityStatement and SMART configuration. Both are
built from the same tables the handlers use, so they cannot claim more than there is."""

from __future__ import annotations

from outpost import __version__
from outpost.server import instants
from outpost.server.interactions import HISTORY_PARAMS
from outpost.server.outcome import JsonObject
from outpost.server.search import PARAMS, RESULT_PARAMS, Kind
from outpost.server.tokens import DEFAULT_SCOPE

FHIR_VERSION = "4.0.1"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"
INTERACTIONS = ("read", "vread", "update", "create", "search-type", "history-instance")
TYPE_INTERACTIONS = (*INTERACTIONS, "history-type")
GRANT_TYPES = ("authorization_code", "refresh_token", "password")


def oauth_endpoints(origin: str) -> dict[str, str]:
    return {
        "authorize": f"{origin}/oauth/authorize",
        "token": f"{origin}/oauth/token",
        "revoke": f"{origin}/oauth/revoke",
    }


def _resource(type_: str) -> JsonObject:
    params = [
        {"name": "_id", "type": "token", "documentation": "logical id; comma means OR"},
        {
            "name": "_lastUpdated",
            "type": "date",
            "documentation": "prefixes eq, ge, gt, le, lt; microsecond precision",
        },
    ]
    for param in PARAMS[type_]:
        params.append({"name": param.name, "type": param.kind.value, "documentation": param.doc})
        if param.kind is Kind.DATE:
            params[-1]["documentation"] += "; prefixes eq, ge, gt, le, lt"
    return {
        "type": type_,
        "interaction": [{"code": code} for code in TYPE_INTERACTIONS],
        "versioning": "versioned",
        "readHistory": True,
        "updateCreate": True,
        "conditionalCreate": False,
        "conditionalRead": "not-supported",
        "conditionalUpdate": False,
        "conditionalDelete": "not-supported",
        "searchParam": params,
    }


def capability_statement(origin: str, started: int) -> JsonObject:
    uris = oauth_endpoints(origin)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instants.format_instant(started),
        "publisher": "Outpost",
        "kind": "instance",
        "software": {"name": "Outpost reference server", "version": __version__},
        "implementation": {"description": "Outpost reference server", "url": f"{origin}/fhir"},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Search result parameters: "
                    + ", ".join(RESULT_PARAMS)
                    + ". History parameters: "
                    + ", ".join(HISTORY_PARAMS)
                    + " (_since inclusive). Idempotency-Key header honoured on writes."
                ),
                "security": {
                    "cors": False,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/"
                                    "restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "description": "OAuth2 authorization code with PKCE (S256) for the public "
                    "client outpost-desktop with loopback redirects; Bearer tokens.",
                    "extension": [
                        {
                            "url": OAUTH_URIS,
                            "extension": [
                                {"url": name, "valueUri": uri} for name, uri in uris.items()
                            ],
                        }
                    ],
                },
                "resource": [_resource(type_) for type_ in PARAMS],
                "interaction": [{"code": "batch"}, {"code": "transaction"}],
            }
        ],
    }


def smart_configuration(origin: str) -> JsonObject:
    uris = oauth_endpoints(origin)
    return {
        "authorization_endpoint": uris["authorize"],
        "token_endpoint": uris["token"],
        "revocation_endpoint": uris["revoke"],
        "token_endpoint_auth_methods_supported": ["none"],
        "grant_types_supported": list(GRANT_TYPES),
        "response_types_supported": ["code"],
        "scopes_supported": DEFAULT_SCOPE.split(),
        "code_challenge_methods_supported": ["S256"],
        "capabilities": [
            "launch-standalone",
            "client-public",
            "permission-offline",
            "permission-user",
        ],
    }
