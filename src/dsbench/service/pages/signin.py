"""Signing in and out on the pages, and the signed-in user's API tokens (``/tokens``)."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from dsbench.service import models
from dsbench.service.deps import ServiceDep, moment
from dsbench.service.pages import HEADERS, NotFound, Page, message
from dsbench.service.pages.session import (COOKIE, cookie, csrf_ok, form, sign_in, sign_out, signin_cookie,
                                           signin_csrf, signin_csrf_ok)
from dsbench.service.problems import Problem

router = APIRouter(include_in_schema=False)
FormDep = Annotated[dict, Depends(form)]


def redirect(to: str) -> Response:
    return RedirectResponse(to, status_code=303, headers=HEADERS)


def safe_next(target: str | None) -> str | None:
    """A local path to go back to after signing in (never another host)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def refused(request: Request) -> HTMLResponse:
    """403: the form's CSRF token is missing or wrong (or nobody is signed in); nothing changed."""
    return message(request, 403, "web_forbidden", "web_csrf_refused")


def signin_page(request: Request, status: int = 200, failed: bool = False, name: str = "",
                target: str | None = None) -> HTMLResponse:
    page = Page(request)
    value, new = signin_cookie(request)
    answer = page.render("signin.html.j2", page.w("web_sign_in"), status=status, failed=failed, user_name=name,
                         target=safe_next(target or request.query_params.get("next")) or "",
                         csrf=signin_csrf(request.app.state.service.pepper, value))
    if new:
        answer.set_cookie(**new)
    return answer


@router.get("/signin", response_class=HTMLResponse)
def signin_form(request: Request) -> HTMLResponse:
    return signin_page(request)


@router.post("/signin", response_class=HTMLResponse)
def signin(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The same answer (401) for an unknown name and a wrong password; 403 without the form's CSRF
    token; 429, even for the right password, after SIGNINS_PER_MINUTE failed attempts on one user name
    within a minute."""
    if not signin_csrf_ok(request, found.pepper, fields):
        return refused(request)
    name, password = fields.get("name", "")[:200], fields.get("password", "")[:1000]
    wait = found.signins.take(name, spend=False)  # only failures spend: then even the right password waits
    if wait:
        answer = message(request, 429, "web_too_many_signins", "web_too_many_signins_text", seconds=math.ceil(wait))
        answer.headers["Retry-After"] = str(math.ceil(wait))
        return answer
    with found.db.transaction(write=True) as tx:
        made = sign_in(tx, found.pepper, name, password) if name and password else None
        first = made and tx.one("SELECT o.name FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? "
                                "ORDER BY o.name LIMIT 1", (made[1],))
    if made is None:
        found.signins.take(name)
        return signin_page(request, 401, True, name, fields.get("next"))
    target = safe_next(fields.get("next")) or (f"/orgs/{first['name']}" if first else "/tokens")
    answer = redirect(target)
    answer.set_cookie(**cookie(made[0], request))
    return answer


@router.post("/signout", response_class=HTMLResponse)
def signout(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    with found.db.transaction(write=True) as tx:
        sign_out(tx, page.session)
    answer = redirect("/")
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return answer


def signed_in(request: Request) -> tuple[Page, Response | None]:
    """The page, and the way to the sign-in page when nobody is signed in."""
    page = Page(request)
    if page.session is None:
        return page, redirect("/signin?" + urlencode({"next": page.link(request.url.path)}))
    return page, None


def _tokens(found: Any, user_id: str) -> list[dict[str, Any]]:
    with found.db.transaction() as tx:
        rows = tx.all("SELECT id, name, created, expires, revoked, last_used FROM tokens WHERE user_id = ? "
                      "ORDER BY created DESC, id", (user_id,))
    return [{**row, **{k + "_text": (moment(row[k]) or "")[:16].replace("T", " ")
                       for k in ("created", "expires", "revoked", "last_used")}} for row in rows]


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    return page.render("tokens.html.j2", page.w("web_tokens"), tokens=_tokens(found, page.session.caller.user_id),
                       issued=None)


@router.post("/tokens", response_class=HTMLResponse)
def create_token(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """A new token; its secret is on this answer only."""
    from dsbench.service.routes.accounts import _issue

    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    days = fields.get("expires_in_days", "").strip()
    try:
        body = models.NewToken(name=fields.get("name", "").strip(), expires_in_days=int(days) if days else None)
    except (ValidationError, ValueError):
        return message(request, 422, "web_invalid", "web_invalid_token")
    issued = _issue(found, page.session.caller.user_id, body)
    return page.render("tokens.html.j2", page.w("web_tokens"), status=201,
                       tokens=_tokens(found, page.session.caller.user_id), issued=issued)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_token(token_id: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    from dsbench.service.routes.accounts import revoke_token as revoke

    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        revoke(token_id, found, page.session.caller)
    except Problem:
        raise NotFound() from None
    return redirect(page.link("/tokens"))
