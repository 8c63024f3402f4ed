"""Unlocking without the server: a password verifier kept in the OS keychain.

After every successful online password sign-in the clinician's password is turned into a
verifier with scrypt (stdlib `hashlib.scrypt`, a random 16-byte salt, n=2**14, r=8, p=1:
16 MiB and some 50 ms per try, so guessing from a stolen entry is slow) and kept with the
`Identity` in its own keychain entry per profile (`offline-unlock:<profile id>`), next to
the tokens' entry. The password itself is never kept. When the server cannot be reached,
the lock screen checks a typed password against it (`hmac.compare_digest`). Wrong
passwords are counted in the same entry; after `MAX_FAILURES` in a row the verifier is
dropped and only an online sign-in unlocks again. Signing out drops it. Nothing secret is
logged: ids and outcomes only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass, field, replace

from outpost.core.errors import OfflineUnlockError, OfflineUnlockErrorKind, OtherClinicianError
from outpost.core.session import Identity
from outpost.sync.tokens import SecretStore

logger = logging.getLogger(__name__)

MAX_FAILURES = 5
SALT_BYTES = 16
SCRYPT_N = 2**14  # CPU/memory cost: 128 * r * n bytes = 16 MiB per try
SCRYPT_R = 8  # block size
SCRYPT_P = 1  # parallelism
KEY_BYTES = 32
_MAXMEM = 64 * 1024 * 1024

NO_VERIFIER = (
    "This computer cannot check this clinician's password without the server. "
    "Unlock when the server can be reached."
)
WRONG_PASSWORD = "The password was not accepted."  # noqa: S105 - a message
LOCKED_OUT = (
    "Too many wrong passwords. Unlocking without the server is now switched off; "
    "sign in when the server can be reached."
)
OTHER_CLINICIAN = (
    "This session belongs to another clinician. Sign in as them to unlock it, "
    "or sign out so that you can sign in."
)


def verifier_key_name(profile_id: str) -> str:
    return f"offline-unlock:{profile_id}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def derive(
    password: str, salt: bytes, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P
) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=KEY_BYTES
    )


@dataclass(frozen=True)
class Verifier:
    """One clinician's stored password check. The salt and hash never appear in `repr`."""

    identity: Identity
    salt: bytes = field(repr=False)
    digest: bytes = field(repr=False)
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    failures: int = 0

    @classmethod
    def new(cls, identity: Identity, password: str) -> Verifier:
        salt = secrets.token_bytes(SALT_BYTES)
        return cls(identity, salt, derive(password, salt))

    def matches(self, password: str) -> bool:
        return hmac.compare_digest(
            derive(password, self.salt, n=self.n, r=self.r, p=self.p), self.digest
        )

    def to_json(self) -> str:
        who = self.identity
        return json.dumps(
            {
                "version": 1,
                "server_url": who.server_url,
                "user": who.user,
                "practitioner_id": who.practitioner_id,
                "salt": _b64(self.salt),
                "hash": _b64(self.digest),
                "n": self.n,
                "r": self.r,
                "p": self.p,
                "failures": self.failures,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> Verifier:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError("not a version 1 verifier")
        return cls(
            Identity(str(data["server_url"]), data.get("user"), data.get("practitioner_id")),
            base64.b64decode(data["salt"]),
            base64.b64decode(data["hash"]),
            int(data["n"]),
            int(data["r"]),
            int(data["p"]),
            int(data["failures"]),
        )


class OfflineUnlock:
    """The profile's one verifier entry in the keychain. Blocking: call on the store worker."""

    def __init__(self, keychain: SecretStore, profile_id: str) -> None:
        self._keychain = keychain
        self._name = verifier_key_name(profile_id)

    def remember(self, identity: Identity, password: str) -> None:
        """Keep (or replace) the verifier after an online password sign-in."""
        self._keychain.set(self._name, Verifier.new(identity, password).to_json())
        logger.info("offline unlock kept for practitioner %s", identity.practitioner_id)

    def available(self, same_person_as: Identity | None) -> bool:
        """Whether a verifier is kept (for `same_person_as` when given). Keychain only."""
        found = self._load()
        if found is None:
            return False
        return same_person_as is None or same_person_as.same_person(found.identity)

    def verify(self, user: str, password: str, same_person_as: Identity) -> Identity:
        """The stored identity if `password` is right; else `OfflineUnlockError` (a wrong
        password counts; the fifth in a row drops the verifier)."""
        found = self._load()
        if found is None or not same_person_as.same_person(found.identity):
            logger.info("offline unlock: no verifier for this clinician")
            raise OfflineUnlockError(OfflineUnlockErrorKind.UNAVAILABLE, NO_VERIFIER)
        stored_user = found.identity.user or ""
        if user.strip().casefold() != stored_user.casefold():
            logger.warning("offline unlock: another user name was typed; refused")
            raise OtherClinicianError(OTHER_CLINICIAN)
        if found.matches(password):
            if found.failures:
                self._keychain.set(self._name, replace(found, failures=0).to_json())
            logger.info("offline unlock for practitioner %s", found.identity.practitioner_id)
            return found.identity
        failures = found.failures + 1
        if failures >= MAX_FAILURES:
            self._keychain.delete(self._name)
            logger.warning(
                "offline unlock: %d wrong passwords in a row; verifier dropped", failures
            )
            raise OfflineUnlockError(OfflineUnlockErrorKind.LOCKED_OUT, LOCKED_OUT)
        self._keychain.set(self._name, replace(found, failures=failures).to_json())
        logger.info("offline unlock: wrong password (%d in a row)", failures)
        raise OfflineUnlockError(
            OfflineUnlockErrorKind.WRONG_PASSWORD, WRONG_PASSWORD, MAX_FAILURES - failures
        )

    def forget(self) -> bool:
        """Drop the verifier (sign-out); False if there was none."""
        if self._keychain.get(self._name) is None:
            return False
        self._keychain.delete(self._name)
        logger.info("offline unlock dropped")
        return True

    def forget_unless(self, identity: Identity) -> None:
        """Drop a verifier that belongs to someone other than `identity`."""
        found = self._load()
        if found is not None and not identity.same_person(found.identity):
            self.forget()

    def _load(self) -> Verifier | None:
        text = self._keychain.get(self._name)
        if not text:
            return None
        try:
            return Verifier.from_json(text)
        except (ValueError, KeyError, TypeError):
            logger.warning("the offline unlock entry is unreadable; dropping it")
            self._keychain.delete(self._name)
            return None
