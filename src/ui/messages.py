"""Known errors in plain words for people; the only place error kinds become sentences."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from outpost.core.errors import (
    AuthExpiredError,
    DeviceBusyError,
    JobTimeoutError,
    KeychainUnavailableError,
    NotFoundError,
    OfflineError,
    OutpostError,
    StoreFullError,
    StoreUnavailableError,
)

_CONTEXT = "Errors"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def error_text(error: BaseException) -> str:
    """One or two sentences saying what happened and what to do about it."""
    if isinstance(error, StoreFullError):
        return _tr("The disk is full. Free up some disk space on this computer.")
    if isinstance(error, KeychainUnavailableError):
        return _tr("The system keychain is not available. Unlock it or sign in again, then retry.")
    if isinstance(error, StoreUnavailableError):
        return _tr(
            "The encrypted records on this computer cannot be opened. Restart Outpost; "
            "if it happens again, call your IT team."
        )
    if isinstance(error, JobTimeoutError):
        return _tr("This computer took too long to respond. Try again in a moment.")
    if isinstance(error, NotFoundError):
        return _tr("That record is no longer on this computer. Refresh and try again.")
    if isinstance(error, OfflineError):
        return _tr("The clinic server cannot be reached. Your work is kept on this computer.")
    if isinstance(error, AuthExpiredError):
        return _tr("Your session has expired. Sign in again to keep syncing.")
    if isinstance(error, DeviceBusyError):
        return _tr("A camera, microphone or speaker is in use by another program.")
    if isinstance(error, OutpostError) and str(error):
        # The remaining kinds (invalid state, settings, sync) carry their own plain,
        # PHI-free sentence naming the specific rule or setting.
        return str(error)
    return _tr("Something went wrong. Try again; if it keeps happening, call your IT team.")
