"""Offline sync with a FHIR R4 backend: push the outbox, pull changes, resolve conflicts."""
