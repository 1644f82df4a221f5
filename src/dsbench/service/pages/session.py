"""Web sessions: who is signed in on the pages, and the CSRF tokens of their forms.

The cookie ``dsbench_session`` holds a random 32-byte id; the ``sessions`` table keeps only
HMAC-SHA256(pepper, id) (as tokens are kept), the user, when it was made, when it expires (12 h) and
a random CSRF secret. Every POST form of a signed-in page carries ``csrf`` = HMAC(secret, "form"):
a form posted without it, or with another, is refused (403) before anything changes. The cookie is
HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over https."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from dsbench.service.accounts import Caller, check_password
from dsbench.service.database import Transaction, now_ms

COOKIE = "dsbench_session"
SIGNIN_COOKIE = "dsbench_signin"  # before a session: the sign-in form's CSRF token derives from it
LIFETIME_MS = 12 * 3600 * 1000
# A valid argon2id hash of nothing anyone types: an unknown user name costs a verification too.
_DUMMY: list[str] = []


@dataclass(frozen=True)
class Session:
    id_hmac: str
    caller: Caller
    csrf: str  # the token the forms carry

    @property
    def name(self) -> str:
        return self.caller.name


def _hmac(pepper: bytes, text: str) -> str:
    return hmac.new(pepper, text.encode(), hashlib.sha256).hexdigest()


def _form_token(secret: str) -> str:
    return hmac.new(secret.encode(), b"form", hashlib.sha256).hexdigest()


def current(request: Request) -> Session | None:
    """The session the request's cookie names, if it is valid and not expired."""
    value = request.cookies.get(COOKIE)
    if not value or len(value) > 100:
        return None
    found = request.app.state.service
    with found.db.transaction() as tx:
        return _lookup(tx, found.pepper, value)


def _lookup(tx: Transaction, pepper: bytes, value: str) -> Session | None:
    row = tx.one("SELECT s.id_hmac, s.csrf, s.expires, u.id AS user_id, u.name, u.site_admin FROM sessions s "
                 "JOIN users u ON u.id = s.user_id WHERE s.id_hmac = ?", (_hmac(pepper, value),))
    if row is None or row["expires"] <= now_ms():
        return None
    roles = {r["org_id"]: r["role"] for r in tx.all("SELECT org_id, role FROM members WHERE user_id = ?",
                                                     (row["user_id"],))}
    return Session(row["id_hmac"], Caller(row["user_id"], row["name"], bool(row["site_admin"]), None, roles),
                   _form_token(row["csrf"]))


def sign_in(tx: Transaction, pepper: bytes, name: str, password: str) -> tuple[str, str] | None:
    """A new session of the user ``name`` if ``password`` is theirs: (the cookie's value, the user
    id); None for a wrong name or password alike (each costs one argon2id verification)."""
    from dsbench.service.accounts import hash_password

    row = tx.one("SELECT id, password_hash FROM users WHERE name = ?", (name,))
    if row is None or not row["password_hash"]:
        if not _DUMMY:
            _DUMMY.append(hash_password(secrets.token_urlsafe(16)))
        check_password(_DUMMY[0], password)
        return None
    if not check_password(row["password_hash"], password):
        return None
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    now = now_ms()
    tx.execute("DELETE FROM sessions WHERE expires <= ?", (now,))
    tx.execute("INSERT INTO sessions (id_hmac, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
               (_hmac(pepper, value), row["id"], secrets.token_hex(32), now, now + LIFETIME_MS))
    return value, row["id"]


def sign_out(tx: Transaction, session: Session) -> None:
    tx.execute("DELETE FROM sessions WHERE id_hmac = ?", (session.id_hmac,))


def csrf_ok(session: Session | None, form: dict[str, str]) -> bool:
    """Whether the form carries the session's CSRF token."""
    given = form.get("csrf", "")
    return session is not None and bool(given) and hmac.compare_digest(session.csrf.encode(), given.encode())


def signin_csrf(pepper: bytes, value: str) -> str:
    """The sign-in form's CSRF token: HMAC(pepper, the ``dsbench_signin`` cookie), so that another
    site cannot sign a browser in to an account of its choosing."""
    return _hmac(pepper, "signin:" + value)


def signin_csrf_ok(request: Request, pepper: bytes, fields: dict[str, str]) -> bool:
    value, given = request.cookies.get(SIGNIN_COOKIE, ""), fields.get("csrf", "")
    return bool(value and given) and hmac.compare_digest(signin_csrf(pepper, value).encode(), given.encode())


async def form(request: Request) -> dict[str, str]:
    """The fields of an application/x-www-form-urlencoded body (the first of each name)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    fields: dict[str, str] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        fields.setdefault(key, value.replace("\x00", ""))
    return fields


def cookie(value: str, request: Request) -> dict[str, Any]:
    """The arguments of ``Response.set_cookie`` for a session's cookie."""
    return {"key": COOKIE, "value": value, "max_age": LIFETIME_MS // 1000, "path": "/", "httponly": True,
            "samesite": "lax", "secure": request.url.scheme == "https"}


def signin_cookie(request: Request) -> tuple[str, dict[str, Any] | None]:
    """The sign-in cookie's value, and the ``set_cookie`` arguments when it is new."""
    value = request.cookies.get(SIGNIN_COOKIE, "")
    if 20 <= len(value) <= 100:
        return value, None
    value = secrets.token_urlsafe(24)
    return value, {"key": SIGNIN_COOKIE, "value": value, "max_age": 86400, "path": "/signin", "httponly": True,
                   "samesite": "lax", "secure": request.url.scheme == "https"}
