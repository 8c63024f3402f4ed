"""The reference backend: FHIR R4 over aiohttp with SQLite, OAuth2 + SMART, signaling."""
