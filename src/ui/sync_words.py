"""Sync facts in plain words for the sync panel: ages, counts, connection, what a queued
change did and what a conflict resolution did. Translated in the "SyncWords" context."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QCoreApplication

from outpost.core.conflicts import Resolution, ResolutionResult
from outpost.core.review import ChangeKind
from outpost.core.sync_state import SyncState, SyncSummary


def age_words(age: timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return QCoreApplication.translate("SyncWords", "less than a minute")
    if minutes < 60:
        return QCoreApplication.translate("SyncWords", "{n} min").format(n=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return QCoreApplication.translate("SyncWords", "{h} h {m} min").format(h=hours, m=minutes)
    return QCoreApplication.translate("SyncWords", "{d} days").format(d=hours // 24)


def change_words(count: int) -> str:
    if count == 0:
        return QCoreApplication.translate("SyncWords", "nothing")
    if count == 1:
        return QCoreApplication.translate("SyncWords", "1 change")
    return QCoreApplication.translate("SyncWords", "{count} changes").format(count=count)


def connection_words(summary: SyncSummary | None) -> str:
    """Online or offline, as the last sync attempt found it."""
    state = None if summary is None else summary.state
    if state is None:
        return QCoreApplication.translate("SyncWords", "Not checked yet")
    if state in (SyncState.SYNCED, SyncState.ATTENTION):
        return QCoreApplication.translate("SyncWords", "Online")
    if state is SyncState.OFFLINE:
        return QCoreApplication.translate(
            "SyncWords", "Offline: your work is kept on this computer"
        )
    if state is SyncState.SERVER_BUSY:
        return QCoreApplication.translate("SyncWords", "Online, but the server is busy")
    if state is SyncState.SIGNED_OUT:
        return QCoreApplication.translate("SyncWords", "Not signed in")
    if state is SyncState.BUSY:
        return QCoreApplication.translate("SyncWords", "Another Outpost window is syncing")
    return QCoreApplication.translate("SyncWords", "The last sync failed")


def change_kind_words(kind: ChangeKind) -> str:
    words = {
        ChangeKind.NOTE_CREATE: QCoreApplication.translate("SyncWords", "New note"),
        ChangeKind.NOTE_UPDATE: QCoreApplication.translate("SyncWords", "Draft saved"),
        ChangeKind.NOTE_SIGN: QCoreApplication.translate("SyncWords", "Note signed"),
        ChangeKind.NOTE_AMEND: QCoreApplication.translate("SyncWords", "Note amended"),
        ChangeKind.APPOINTMENT_STATUS: QCoreApplication.translate(
            "SyncWords", "Appointment status"
        ),
    }
    return words.get(kind, QCoreApplication.translate("SyncWords", "Change"))


def resolution_words(result: ResolutionResult) -> str:
    """What the clinician's choice did, in one sentence."""
    if result.resolution is Resolution.KEEP_BOTH:
        return QCoreApplication.translate(
            "SyncWords",
            "Kept both: your text is now a new draft note on the same visit and will be "
            "sent; the note shows the server's version.",
        )
    if result.resolution is Resolution.KEEP_SERVER:
        return QCoreApplication.translate(
            "SyncWords",
            "The server's version is shown; your change is kept in the audit record.",
        )
    if result.queued is None:
        return QCoreApplication.translate("SyncWords", "The server already has your change.")
    return QCoreApplication.translate(
        "SyncWords", "Your change will be sent again on top of the server's version."
    )
