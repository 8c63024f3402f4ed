"""Where the store's encryption keys live: the OS keychain, reached through `keyring`.

Fails closed: when there is no real keychain (keyring's `fail` or `null` backend, an empty
chain, a plaintext file backend) or it is locked, callers get `KeychainUnavailableError`
with what to install or unlock, never a key kept somewhere weaker.
"""

from __future__ import annotations

import logging
import sys
from typing import Protocol

import keyring
import keyring.backend
import keyring.errors
from keyring.backends import chainer, fail, null

from outpost.core.errors import KeychainUnavailableError

logger = logging.getLogger(__name__)

SERVICE = "Outpost"

# Backends that "work" but keep secrets in plain files or nowhere.
_UNSAFE_BACKENDS = frozenset(
    {
        "keyrings.alt.file.PlaintextKeyring",
        "keyrings.alt.file.EncryptedKeyring",  # asks for its password on a terminal
    }
)
# Exceptions raised below keyring by the Secret Service stack, matched by module so that
# this layer need not import them (they do not exist on Windows or macOS).
_TRANSPORT_MODULES = ("secretstorage", "jeepney", "dbus")


class Keychain(Protocol):
    """A place for named secrets that outlives the process."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, secret: str) -> None: ...


def install_hint(platform: str = sys.platform) -> str:
    """What the user must do to get a usable keychain on `platform`."""
    if platform.startswith("linux") or "bsd" in platform:
        return (
            "Outpost keeps its encryption key in the system keychain, and none is usable. "
            "Install and unlock a Secret Service keychain such as gnome-keyring "
            "(apt-get install gnome-keyring) and sign in to a desktop session."
        )
    if platform == "win32":
        return (
            "Outpost keeps its encryption key in Windows Credential Manager, which is not "
            "available. Sign in to Windows with your own account and try again."
        )
    if platform == "darwin":
        return (
            "Outpost keeps its encryption key in the macOS Keychain, which is not available. "
            "Unlock your login keychain in Keychain Access and try again."
        )
    return "Outpost keeps its encryption key in the system keychain, and none is usable."


def locked_hint(platform: str = sys.platform) -> str:
    if platform == "darwin":
        return "The macOS Keychain is locked. Unlock your login keychain and try again."
    if platform == "win32":
        return "Windows Credential Manager is locked. Sign in to Windows and try again."
    return (
        "The system keychain is locked. Sign in to your desktop session (or unlock "
        "gnome-keyring) and try again."
    )


def is_unusable(backend: keyring.backend.KeyringBackend) -> bool:
    """True for backends that would lose or expose a key instead of keeping it."""
    if isinstance(backend, fail.Keyring | null.Keyring):
        return True
    if isinstance(backend, chainer.ChainerBackend):
        return not backend.backends or all(is_unusable(b) for b in backend.backends)
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}" in _UNSAFE_BACKENDS


def unavailable(exc: BaseException) -> KeychainUnavailableError | None:
    """The user-facing error for a failure raised while talking to the keychain, or None
    when `exc` is not a keychain failure (a bug, to propagate)."""
    if isinstance(exc, keyring.errors.KeyringLocked):
        return KeychainUnavailableError(locked_hint())
    if isinstance(exc, keyring.errors.KeyringError):  # NoKeyringError, InitError, ...
        return KeychainUnavailableError(install_hint())
    if type(exc).__module__.split(".")[0] in _TRANSPORT_MODULES:
        return KeychainUnavailableError(install_hint())
    return None


class SystemKeychain:
    """`Keychain` on the OS keychain; every secret is filed under the service "Outpost"."""

    def __init__(self, service: str = SERVICE) -> None:
        self._service = service

    def get(self, name: str) -> str | None:
        backend = self._backend()
        try:
            return backend.get_password(self._service, name)
        except Exception as exc:
            self._raise_known(exc, "get")
            raise

    def set(self, name: str, secret: str) -> None:
        """Store `secret` and read it back, so a keychain that silently drops it fails now
        rather than when the key is needed."""
        backend = self._backend()
        try:
            backend.set_password(self._service, name, secret)
            stored = backend.get_password(self._service, name)
        except Exception as exc:
            self._raise_known(exc, "set")
            raise
        if stored != secret:
            logger.error("keychain %s did not keep secret %s", type(backend).__name__, name)
            raise KeychainUnavailableError(install_hint())

    def delete(self, name: str) -> None:
        """Forget `name` (sign-out); nothing happens if it is not there."""
        backend = self._backend()
        try:
            backend.delete_password(self._service, name)
        except keyring.errors.PasswordDeleteError:
            return
        except Exception as exc:
            self._raise_known(exc, "delete")
            raise

    @staticmethod
    def _backend() -> keyring.backend.KeyringBackend:
        try:
            backend = keyring.get_keyring()
        except Exception as exc:
            SystemKeychain._raise_known(exc, "open")
            raise
        if is_unusable(backend):
            logger.warning("no usable keychain backend (%s)", type(backend).__name__)
            raise KeychainUnavailableError(install_hint())
        return backend

    @staticmethod
    def _raise_known(exc: Exception, operation: str) -> None:
        known = unavailable(exc)
        if known is not None:
            logger.warning("keychain %s failed: %s", operation, type(exc).__name__)
            raise known from exc
