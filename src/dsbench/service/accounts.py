"""Who is calling and what they may do: users, organisations, their members' roles, API tokens
and passwords.

A token is ``dsb_<id>_<secret>``: a random 32-byte secret shown once. The database keeps only
HMAC-SHA256(pepper, secret), found by the id and compared in constant time (a slow hash adds nothing
for a 256-bit random secret). Passwords are hashed with argon2id.

Isolation: an organisation the caller is not a member of answers "no such organisation", exactly as
one that does not exist; a member whose role lacks the right gets 403.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any

from dsbench.service.database import Transaction, now_ms
from dsbench.service.problems import Problem, forbidden, not_found

TOKEN_PREFIX = "dsb"
ROLES = ("publisher", "evaluator", "admin")
# What each role may do in its organisation; reading needs membership only.
RIGHTS = {
    "upload": ("publisher", "admin"),     # datasets, versions, files
    "evaluate": ("publisher", "evaluator", "admin"),
    "publish": ("publisher", "admin"),    # make a card public, or private again
    "manage": ("admin",),                 # members
    "standards": ("evaluator", "admin"),  # campaigns, draft standards, calibration
}
LAST_USED_EVERY_MS = 60_000  # last-used time is written at most this often (a write per GET is slow)


def new_id() -> str:
    return secrets.token_hex(8)


def unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": "Bearer"})


@dataclass(frozen=True)
class Caller:
    user_id: str
    name: str
    site_admin: bool
    token_id: str | None = None
    roles: dict[str, str] = field(default_factory=dict)  # org id -> role
    last_used_stale: bool = False  # the token's last-used time is due for an update

    def may(self, org_id: str, right: str) -> bool:
        return self.site_admin or self.roles.get(org_id) in RIGHTS[right]


def _secret_hmac(pepper: bytes, secret: str) -> str:
    return hmac.new(pepper, secret.encode(), hashlib.sha256).hexdigest()


def issue_token(tx: Transaction, pepper: bytes, user_id: str, name: str,
                expires: int | None = None) -> tuple[dict[str, Any], str]:
    """A new token of ``user_id``: its row and the secret text, which is never shown again."""
    token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    created = now_ms()
    tx.execute("INSERT INTO tokens (id, user_id, name, secret_hmac, created, expires) VALUES (?, ?, ?, ?, ?, ?)",
               (token_id, user_id, name, _secret_hmac(pepper, secret), created, expires))
    row = {"id": token_id, "user_id": user_id, "name": name, "created": created, "expires": expires,
           "revoked": None, "last_used": None}
    return row, f"{TOKEN_PREFIX}_{token_id}_{secret}"


def authenticate(tx: Transaction, pepper: bytes, header: str | None) -> Caller:
    """The caller an ``Authorization`` header names, or 401."""
    if not header:
        raise unauthorized("this needs an API token: Authorization: Bearer dsb_…")
    scheme, _, text = header.partition(" ")
    if scheme.lower() != "bearer" or not text.strip():
        raise unauthorized("the Authorization header must be 'Bearer <token>'")
    prefix, _, rest = text.strip().partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id or not secret:
        raise unauthorized("malformed API token")
    row = tx.one("SELECT t.secret_hmac, t.expires, t.revoked, t.last_used, u.id AS user_id, u.name, u.site_admin "
                 "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?", (token_id,))
    # The HMAC is compared even for an unknown id, so the answer's time does not tell ids apart.
    expected = row["secret_hmac"] if row else "0" * 64
    if not hmac.compare_digest(expected, _secret_hmac(pepper, secret)) or row is None:
        raise unauthorized("unknown API token")
    now = now_ms()
    if row["revoked"] is not None:
        raise unauthorized("this API token was revoked")
    if row["expires"] is not None and row["expires"] <= now:
        raise unauthorized("this API token has expired")
    roles = {r["org_id"]: r["role"] for r in tx.all("SELECT org_id, role FROM members WHERE user_id = ?",
                                                     (row["user_id"],))}
    stale = row["last_used"] is None or now - row["last_used"] > LAST_USED_EVERY_MS
    return Caller(row["user_id"], row["name"], bool(row["site_admin"]), token_id, roles, stale)


def touch(tx: Transaction, token_id: str) -> None:
    """Note the token's use (in a write transaction of its own: on SQLite a read that turns into a
    write can fail at once when another write came between)."""
    tx.execute("UPDATE tokens SET last_used = ? WHERE id = ?", (now_ms(), token_id))


def org_of(tx: Transaction, caller: Caller, name: str, right: str | None = None) -> dict[str, Any]:
    """The organisation called ``name`` if the caller belongs to it (else 404), and, given a
    ``right``, may exercise it there (else 403)."""
    org = tx.one("SELECT id, name, title, created FROM orgs WHERE name = ?", (name,))
    if org is None or not (caller.site_admin or org["id"] in caller.roles):
        raise not_found("organisation")
    if right is not None and not caller.may(org["id"], right):
        raise forbidden(" or ".join(RIGHTS[right]))
    return org


def require_site_admin(caller: Caller) -> None:
    if not caller.site_admin:
        raise forbidden("site admin")


def hash_password(password: str) -> str:
    from argon2 import PasswordHasher  # argon2id by default

    return PasswordHasher().hash(password)


def check_password(stored: str | None, password: str) -> bool:
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    if not stored:
        return False
    try:
        return PasswordHasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(tx: Transaction, name: str, password: str | None = None, site_admin: bool = False) -> dict[str, Any]:
    if tx.one("SELECT 1 AS found FROM users WHERE name = ?", (name,)):
        raise Problem(409, f"a user called {name!r} exists already")
    row = {"id": new_id(), "name": name, "site_admin": site_admin, "created": now_ms()}
    tx.execute("INSERT INTO users (id, name, password_hash, site_admin, created) VALUES (?, ?, ?, ?, ?)",
               (row["id"], name, hash_password(password) if password else None, int(site_admin), row["created"]))
    return row


def create_org(tx: Transaction, name: str, title: str) -> dict[str, Any]:
    if tx.one("SELECT 1 AS found FROM orgs WHERE name = ?", (name,)):
        raise Problem(409, f"an organisation called {name!r} exists already")
    row = {"id": new_id(), "name": name, "title": title, "created": now_ms()}
    tx.execute("INSERT INTO orgs (id, name, title, created) VALUES (?, ?, ?, ?)",
               (row["id"], name, title, row["created"]))
    return row


def set_member(tx: Transaction, org_id: str, user_id: str, role: str) -> None:
    if role not in ROLES:
        raise Problem(422, f"unknown role {role!r}: one of {', '.join(ROLES)}")
    changed = tx.execute("UPDATE members SET role = ? WHERE org_id = ? AND user_id = ?", (role, org_id, user_id))
    if not changed:
        tx.execute("INSERT INTO members (org_id, user_id, role, created) VALUES (?, ?, ?, ?)",
                   (org_id, user_id, role, now_ms()))


def user_by_name(tx: Transaction, name: str) -> dict[str, Any]:
    row = tx.one("SELECT id, name, site_admin, created FROM users WHERE name = ?", (name,))
    if row is None:
        raise not_found("user")
    return row
