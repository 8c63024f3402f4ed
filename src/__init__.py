"""Outpost: a desktop telehealth client for clinicians."""

__version__ = "0.1.0"
