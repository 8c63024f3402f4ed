"""Which keyring backends and failures count as "no usable keychain", and what the user
is told to do about it."""

from __future__ import annotations

import pytest
from keyring.backends import chainer, fail, null
from keyring.errors import InitError, KeyringLocked, NoKeyringError, PasswordSetError

from outpost.core.errors import KeychainUnavailableError
from outpost.store.keychain import install_hint, is_unusable, locked_hint, unavailable


class _DBusTimeoutError(Exception):
    """Stands in for an error raised by the D-Bus stack under keyring."""


_DBusTimeoutError.__module__ = "jeepney.wrappers"


def test_fail_and_null_backends_are_unusable() -> None:
    assert is_unusable(fail.Keyring())  # type: ignore[no-untyped-call]
    assert is_unusable(null.Keyring())  # type: ignore[no-untyped-call]


def test_an_empty_chain_is_unusable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [])
    assert is_unusable(chainer.ChainerBackend())  # type: ignore[no-untyped-call]


@pytest.mark.parametrize("error", [NoKeyringError(), InitError(), PasswordSetError()])
def test_keyring_failures_say_what_to_install(error: Exception) -> None:
    known = unavailable(error)
    assert isinstance(known, KeychainUnavailableError)
    assert str(known) == install_hint()


def test_a_locked_keychain_says_to_unlock_it() -> None:
    known = unavailable(KeyringLocked())
    assert isinstance(known, KeychainUnavailableError)
    assert "locked" in str(known)


def test_dbus_errors_count_as_no_keychain() -> None:
    assert isinstance(unavailable(_DBusTimeoutError()), KeychainUnavailableError)


def test_other_errors_are_bugs_not_keychain_trouble() -> None:
    assert unavailable(ValueError("bug")) is None


def test_hints_name_each_platforms_keychain() -> None:
    assert "apt-get install gnome-keyring" in install_hint("linux")
    assert "sign in to a desktop session" in install_hint("linux")
    assert "Windows Credential Manager" in install_hint("win32")
    assert "macOS Keychain" in install_hint("darwin")
    assert "Keychain" in locked_hint("darwin")
