"""Authorization codes, access tokens and rotating refresh tokens, in the database.

Tokens are random strings; only their SHA-256 is stored. Every sign-in starts a chain:
each refresh marks the presented refresh token used and issues a new pair in the same
chain. Presenting a used refresh token (or redeeming a code twice) means a token leaked,
so the whole chain is revoked, access tokens included. Refusals are returned, not raised,
so that such a revocation commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import sqlite3
import uuid
from dataclasses import dataclass

from outpost.server.accounts import Account

CLIENT_ID = "outpost-desktop"
DEFAULT_SCOPE = "user/*.* offline_access"
DEFAULT_ACCESS_TTL_S = 15 * 60
REFRESH_TTL_S = 30 * 24 * 3600
CODE_TTL_S = 120
_SECOND = 1_000_000
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str
    account: Account
    chain: str


@dataclass(frozen=True)
class Refused:
    """An OAuth error answer: `error` is the RFC 6749 code."""

    error: str
    description: str
    status: int = 400


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_code(
    conn: sqlite3.Connection,
    account: Account,
    redirect_uri: str,
    challenge: str,
    scope: str,
    now: int,
) -> str:
    code = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO auth_codes (code_hash, username, client_id, redirect_uri, challenge, "
        "scope, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (_digest(code), account.username, CLIENT_ID, redirect_uri, challenge, scope,
         now + CODE_TTL_S * _SECOND),
    )  # fmt: skip
    return code


def _account(conn: sqlite3.Connection, username: str) -> Account:
    row = conn.execute(
        "SELECT username, clinic, practitioner_id FROM users WHERE username = ?", (username,)
    ).fetchone()
    return Account(row["username"], row["clinic"], row["practitioner_id"])


def issue(
    conn: sqlite3.Connection,
    account: Account,
    scope: str,
    now: int,
    access_ttl: int,
    chain: str | None = None,
) -> TokenSet:
    if chain is None:
        chain = str(uuid.uuid4())
        conn.execute(
            "INSERT INTO token_chains (id, username, client_id, scope, created) "
            "VALUES (?, ?, ?, ?, ?)",
            (chain, account.username, CLIENT_ID, scope, now),
        )
    access, refresh = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO access_tokens (token_hash, chain, expires) VALUES (?, ?, ?)",
        (_digest(access), chain, now + access_ttl * _SECOND),
    )
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, chain, expires) VALUES (?, ?, ?)",
        (_digest(refresh), chain, now + REFRESH_TTL_S * _SECOND),
    )
    return TokenSet(access, refresh, access_ttl, scope, account, chain)


def revoke_chain(conn: sqlite3.Connection, chain: str) -> None:
    conn.execute("UPDATE token_chains SET revoked = 1 WHERE id = ?", (chain,))
    conn.execute("DELETE FROM access_tokens WHERE chain = ?", (chain,))
    conn.execute("UPDATE refresh_tokens SET used = 1 WHERE chain = ?", (chain,))


def redeem_code(
    conn: sqlite3.Connection,
    code: str,
    redirect_uri: str,
    verifier: str,
    now: int,
    access_ttl: int,
) -> TokenSet | Refused:
    row = conn.execute(
        "SELECT username, redirect_uri, challenge, scope, expires, chain FROM auth_codes "
        "WHERE code_hash = ?",
        (_digest(code),),
    ).fetchone()
    if row is None or row["expires"] <= now:
        return Refused("invalid_grant", "The authorization code is unknown or expired.")
    if row["chain"] is not None:
        revoke_chain(conn, row["chain"])
        return Refused("invalid_grant", "The authorization code was already used.")
    if row["redirect_uri"] != redirect_uri:
        return Refused("invalid_grant", "redirect_uri differs from the authorization request.")
    if not _VERIFIER.fullmatch(verifier) or not hmac.compare_digest(
        s256(verifier), row["challenge"]
    ):
        return Refused("invalid_grant", "The code_verifier does not match the code_challenge.")
    tokens = issue(conn, _account(conn, row["username"]), row["scope"], now, access_ttl)
    conn.execute(
        "UPDATE auth_codes SET chain = ? WHERE code_hash = ?", (tokens.chain, _digest(code))
    )
    return tokens


def refresh(
    conn: sqlite3.Connection, refresh_token: str, now: int, access_ttl: int
) -> TokenSet | Refused:
    row = conn.execute(
        "SELECT t.chain, t.expires, t.used, c.revoked, c.username, c.scope "
        "FROM refresh_tokens t JOIN token_chains c ON c.id = t.chain WHERE t.token_hash = ?",
        (_digest(refresh_token),),
    ).fetchone()
    if row is None or row["revoked"] or row["expires"] <= now:
        return Refused("invalid_grant", "The refresh token is unknown, expired or revoked.")
    if row["used"]:
        revoke_chain(conn, row["chain"])
        return Refused(
            "invalid_grant",
            "The refresh token was already used; every token of this sign-in is revoked.",
        )
    conn.execute(
        "UPDATE refresh_tokens SET used = 1 WHERE token_hash = ?", (_digest(refresh_token),)
    )
    account = _account(conn, row["username"])
    return issue(conn, account, row["scope"], now, access_ttl, chain=row["chain"])


def revoke(conn: sqlite3.Connection, token: str) -> None:
    """RFC 7009: revoke the sign-in an access or refresh token belongs to."""
    digest = _digest(token)
    for table in ("access_tokens", "refresh_tokens"):
        row = conn.execute(f"SELECT chain FROM {table} WHERE token_hash = ?", (digest,)).fetchone()
        if row is not None:
            revoke_chain(conn, row["chain"])
            return


def authenticate(conn: sqlite3.Connection, access_token: str, now: int) -> Account | None:
    row = conn.execute(
        "SELECT a.expires, c.revoked, u.username, u.clinic, u.practitioner_id "
        "FROM access_tokens a JOIN token_chains c ON c.id = a.chain "
        "JOIN users u ON u.username = c.username WHERE a.token_hash = ?",
        (_digest(access_token),),
    ).fetchone()
    if row is None or row["revoked"] or row["expires"] <= now:
        return None
    return Account(row["username"], row["clinic"], row["practitioner_id"])


def prune(conn: sqlite3.Connection, now: int) -> None:
    """Drop what has expired. Used refresh tokens stay until they expire: presenting one
    is how a leak is detected."""
    conn.execute("DELETE FROM auth_codes WHERE expires <= ?", (now - 3600 * _SECOND,))
    conn.execute("DELETE FROM access_tokens WHERE expires <= ?", (now,))
    conn.execute("DELETE FROM refresh_tokens WHERE expires <= ?", (now,))
