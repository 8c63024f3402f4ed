"""The words of the offline unlock (the lock screen while the server cannot be reached):
what the clinician can do, and why a password was refused. Translated (context
"SignInOffline"); the error kinds come from `outpost.core.errors`."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from outpost.core.errors import OfflineUnlockError, OfflineUnlockErrorKind
from outpost.ui.messages import sign_in_error_text


def offline_note() -> str:
    """Shown above the password form when the lock can be opened without the server."""
    return QCoreApplication.translate(
        "SignInOffline",
        "The server cannot be reached. Unlock with your password on this computer; sync "
        "resumes when the connection is back.",
    )


def server_needed() -> str:
    """Shown when the server cannot be reached and this computer cannot check a password."""
    return QCoreApplication.translate(
        "SignInOffline",
        "The server cannot be reached, and this computer cannot check your password "
        "without it (for example after signing in through the browser). Unlocking needs "
        "the server: try again when the connection is back. Your notes are safe: the draft "
        "is saved on this computer.",
    )


def offline_unlock_error_text(error: BaseException) -> str:
    """Why the password typed for an offline unlock did not open the lock."""
    if not isinstance(error, OfflineUnlockError):
        return sign_in_error_text(error, with_password=True)
    if error.kind is OfflineUnlockErrorKind.LOCKED_OUT:
        return QCoreApplication.translate(
            "SignInOffline",
            "Too many wrong passwords. Unlocking now needs the server: try again when the "
            "connection is back. Your notes are safe: the draft is saved on this computer.",
        )
    if error.kind is OfflineUnlockErrorKind.UNAVAILABLE:
        return server_needed()
    if error.attempts_left == 1:
        return QCoreApplication.translate(
            "SignInOffline",
            "The password was not accepted. One more wrong password and unlocking will need "
            "the server.",
        )
    return QCoreApplication.translate(
        "SignInOffline",
        "The password was not accepted. Check it and try again ({count} tries left before "
        "unlocking needs the server).",
    ).format(count=error.attempts_left)
