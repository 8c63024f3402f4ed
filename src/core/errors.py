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


class OtherClinicianError(OutpostError):
    """Signing in to unlock a session came back as someone else; nothing was kept."""


class OfflineUnlockErrorKind(enum.Enum):
    UNAVAILABLE = "unavailable"  # no password check kept on this computer for this clinician
    WRONG_PASSWORD = "wrong-password"  # noqa: S105 - a kind, not a secret
    LOCKED_OUT = "locked-out"  # too many wrong passwords: the check was dropped


class OfflineUnlockError(OutpostError):
    """Unlocking without the server did not work; `kind` says how. `attempts_left` counts
    the wrong passwords still allowed before only an online sign-in unlocks."""

    def __init__(self, kind: OfflineUnlockErrorKind, message: str, attempts_left: int = 0) -> None:
        super().__init__(message)
        self.kind = kind
        self.attempts_left = attempts_left


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


class CallErrorKind(enum.Enum):
    UNREACHABLE = "unreachable"  # the signaling server cannot be reached
    REFUSED = "refused"  # the server refused this sign-in for the room
    LINK_INVALID = "link-invalid"  # a join link the server does not know (404)
    LINK_EXPIRED = "link-expired"  # a join link past its expiry (410)
    REPLACED = "replaced"  # the same role connected to the room from elsewhere
    NO_PATIENT = "no-patient"  # nobody came to the waiting room in time
    NOT_ADMITTED = "not-admitted"  # the patient was never let in
    NO_MEDIA = "no-media"  # the call ran but media did not flow both ways
    CONFIG = "config"  # e.g. relay-only without any TURN server
    BUSY = "busy"  # the server holds too many rooms of this kind now (rehearsals): later


class CallError(OutpostError):
    """A video visit could not start or did not work; `kind` says how."""

    def __init__(self, kind: CallErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
