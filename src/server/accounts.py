"""Clinics and their users. Passwords are stored as scrypt hashes with a per-user salt.

Each user is a clinician: a Practitioner resource in one clinic, whose data is all the
user can see.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from dataclasses import dataclass

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P, _HASH_BYTES = 2**14, 8, 1, 32
_DUMMY_SALT = b"\0" * 16


@dataclass(frozen=True)
class Account:
    username: str
    clinic: str
    practitioner_id: str


@dataclass(frozen=True)
class Credentials:
    account: Account
    salt: bytes
    password_hash: bytes


def hash_password(password: str, salt: bytes) -> bytes:
    """Slow on purpose (~50 ms): run it off the event loop."""
    return hashlib.scrypt(
        password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=_HASH_BYTES
    )


def verify_password(password: str, credentials: Credentials | None) -> Account | None:
    """The account if the password is right. Costs the same whether or not the user
    exists, so timing does not tell which user names are real."""
    if credentials is None:
        hash_password(password, _DUMMY_SALT)
        return None
    attempt = hash_password(password, credentials.salt)
    if hmac.compare_digest(attempt, credentials.password_hash):
        return credentials.account
    return None


def create_clinic(
    conn: sqlite3.Connection, clinic_id: str, name: str, organization_id: str
) -> None:
    conn.execute(
        "INSERT INTO clinics (id, name, organization_id) VALUES (?, ?, ?)",
        (clinic_id, name, organization_id),
    )


def create_user(
    conn: sqlite3.Connection, username: str, password: str, clinic: str, practitioner_id: str
) -> Account:
    salt = os.urandom(16)
    conn.execute(
        "INSERT INTO users (username, clinic, practitioner_id, salt, password_hash) "
        "VALUES (?, ?, ?, ?, ?)",
        (username, clinic, practitioner_id, salt, hash_password(password, salt)),
    )
    return Account(username, clinic, practitioner_id)


def credentials(conn: sqlite3.Connection, username: str) -> Credentials | None:
    row = conn.execute(
        "SELECT username, clinic, practitioner_id, salt, password_hash FROM users "
        "WHERE username = ?",
        (username,),
    ).fetchone()
    if row is None:
        return None
    account = Account(row["username"], row["clinic"], row["practitioner_id"])
    return Credentials(account, row["salt"], row["password_hash"])


def usernames(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT username FROM users ORDER BY username")]
