"""Who is signed in and how a server lets people sign in: values the UI may see (no secrets).

The sync layer's `SessionService` produces them (`outpost.core.ports.SessionPort`); tokens
themselves never leave the sync layer and the OS keychain.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True)
class SignInOptions:
    """How `server_url` lets a clinician sign in, as its discovery documents say."""

    server_url: str
    browser: bool  # authorization code + PKCE in the system browser
    password: bool  # the password grant (only where the server offers it)


@dataclass(frozen=True)
class Identity:
    """The signed-in clinician, as far as the server named them."""

    server_url: str
    user: str | None = None
    practitioner_id: str | None = None

    @property
    def practitioner_reference(self) -> str | None:
        return None if self.practitioner_id is None else f"Practitioner/{self.practitioner_id}"

    def same_person(self, other: Identity) -> bool:
        """Whether `other` is this clinician again: the practitioner when both name one,
        else the user name when both name one; unknown identities are not refused."""
        if self.server_url.rstrip("/") != other.server_url.rstrip("/"):
            return False
        if self.practitioner_id and other.practitioner_id:
            return self.practitioner_id == other.practitioner_id
        if self.user and other.user:
            return self.user.casefold() == other.user.casefold()
        return True

    @property
    def label(self) -> str:
        """How to name the clinician on screen (never a token)."""
        return self.user or self.practitioner_reference or self.server_url


@dataclass(frozen=True)
class BrowserSignIn:
    """One browser sign-in under way: the page to open, and the attempt's handle."""

    attempt: int
    server_url: str
    url: str  # the authorization address (single-use state and PKCE challenge; no secret)


class AccessState(enum.Enum):
    """Whether patient data may be on screen."""

    CHECKING = "checking"  # the app is reading the keychain at startup
    OPEN = "open"  # signed in (or no server configured): the work is shown
    LOCKED = "locked"  # idle too long, or locked by hand: the same clinician signs in again
    SIGNED_OUT = "signed-out"  # nobody signed in: a clinician signs in first
