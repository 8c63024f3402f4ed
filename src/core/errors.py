"""The error kinds Outpost knows about. Code branches on these classes, never on messages.

Only `outpost.ui` and `outpost.cli` turn them into words for people; the `str()` of each
is already a plain sentence safe to show (no PHI, no secrets).
"""

from __future__ import annotations

import enum


class OutpostError(Exception):
    """Root of every known, user-facing failure."""


class ConfigError(OutpostError):
    """A setting has an invalid value; the message names the key and where it came from."""


class KeychainUnavailableError(OutpostError):
    """No usable OS keychain: not installed, no session bus, or locked."""


class StoreUnavailableError(OutpostError):
    """The encrypted local store cannot be opened (wrong or missing key, corrupt file)."""


class StoreFullError(OutpostError):
    """The disk holding the local store is full; nothing was written."""


class NotFoundError(OutpostError):
    """A record asked for by id does not exist in the local store."""


class InvalidStateError(OutpostError):
    """The action is not allowed in the record's current state (e.g. editing a signed note)."""


class OfflineError(OutpostError):
    """The backend cannot be reached."""


class AuthExpiredError(OutpostError):
    """The session's tokens are no longer accepted; the user must sign in again."""


class DeviceBusyError(OutpostError):
    """A camera, microphone or speaker is in use by another program or vanished."""


class JobTimeoutError(OutpostError):
    """A background job ran past its time limit and was cancelled."""


class SyncErrorKind(enum.Enum):
    NETWORK = "network"
    AUTH = "auth"
    SERVER = "server"
    REJECTED = "rejected"
    CONFLICT = "conflict"
    PROTOCOL = "protocol"
    BUSY = "busy"  # another sync engine holds this profile


class SyncError(OutpostError):
    """A sync attempt failed; `kind` says how."""

    def __init__(self, kind: SyncErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
