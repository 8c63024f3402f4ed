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
    OtherClinicianError,
    OutpostError,
    StoreFullError,
    StoreUnavailableError,
    SyncError,
    SyncErrorKind,
)


def error_text(error: BaseException) -> str:
    """One or two sentences saying what happened and what to do about it."""
    if isinstance(error, StoreFullError):
        return QCoreApplication.translate(
            "Errors", "The disk is full. Free up some disk space on this computer."
        )
    if isinstance(error, KeychainUnavailableError):
        return QCoreApplication.translate(
            "Errors",
            "The system keychain is not available. Unlock it or sign in again, then retry.",
        )
    if isinstance(error, StoreUnavailableError):
        return QCoreApplication.translate(
            "Errors",
            "The encrypted records on this computer cannot be opened. Restart Outpost; "
            "if it happens again, call your IT team.",
        )
    if isinstance(error, JobTimeoutError):
        return QCoreApplication.translate(
            "Errors", "This computer took too long to respond. Try again in a moment."
        )
    if isinstance(error, NotFoundError):
        return QCoreApplication.translate(
            "Errors", "That record is no longer on this computer. Refresh and try again."
        )
    if isinstance(error, OfflineError):
        return QCoreApplication.translate(
            "Errors", "The clinic server cannot be reached. Your work is kept on this computer."
        )
    if isinstance(error, AuthExpiredError):
        return QCoreApplication.translate(
            "Errors", "Your session has expired. Sign in again to keep syncing."
        )
    if isinstance(error, DeviceBusyError):
        return QCoreApplication.translate(
            "Errors", "A camera, microphone or speaker is in use by another program."
        )
    if isinstance(error, OutpostError) and str(error):
        # The remaining kinds (invalid state, settings, sync) carry their own plain,
        # PHI-free sentence naming the specific rule or setting.
        return str(error)
    return QCoreApplication.translate(
        "Errors", "Something went wrong. Try again; if it keeps happening, call your IT team."
    )


def sign_in_error_text(error: BaseException, *, with_password: bool) -> str:
    """Why signing in did not work, and what to do (the password form or the browser)."""
    network = isinstance(error, SyncError) and error.kind is SyncErrorKind.NETWORK
    if network or isinstance(error, OfflineError):
        return QCoreApplication.translate(
            "Errors", "The server cannot be reached. Check the connection and try again."
        )
    if isinstance(error, SyncError) and error.kind is SyncErrorKind.SERVER:
        return QCoreApplication.translate(
            "Errors", "The server had a problem. Try again in a moment."
        )
    if isinstance(error, SyncError) and error.kind is SyncErrorKind.AUTH and with_password:
        return QCoreApplication.translate(
            "Errors", "The user name or password was not accepted. Check them and try again."
        )
    if isinstance(error, SyncError | OtherClinicianError):
        return str(error)  # plain sentences naming the rule (cancelled, timed out, ...)
    return error_text(error)
