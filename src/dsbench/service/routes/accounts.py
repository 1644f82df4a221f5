"""Users, tokens, organisations and their members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from dsbench.service import accounts, models
from dsbench.service.accounts import org_of, require_site_admin
from dsbench.service.database import now_ms
from dsbench.service.deps import CallerDep, PageDep, ServiceDep, after_name, moment, paged
from dsbench.service.problems import Problem, not_found

router = APIRouter(prefix="/api/v1")
ANY_MEMBER = {"x-required-role": "member"}
SITE_ADMIN = {"x-required-role": "site-admin"}
ADMIN = {"x-required-role": "admin"}
NONE = {"x-required-role": "any-token"}
DAY_MS = 86_400_000


def user_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "site_admin": bool(row["site_admin"]), "created": moment(row["created"])}


def token_view(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], **{k: moment(row[k]) for k in ("created", "expires", "revoked",
                                                                                  "last_used")}}


def org_view(row: dict[str, Any], role: str | None) -> dict[str, Any]:
    return {"name": row["name"], "title": row["title"], "created": moment(row["created"]), "role": role}


@router.get("/me", response_model=models.Me, tags=["accounts"], openapi_extra=NONE)
def me(found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """The caller: their user, organisations and roles."""
    with found.db.transaction() as tx:
        user = tx.one("SELECT id, name, site_admin, created FROM users WHERE id = ?", (who.user_id,))
        orgs = tx.all("SELECT o.name AS org, m.role FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? "
                      "ORDER BY o.name", (who.user_id,))
    return {**user_view(user), "orgs": orgs, "token": who.token_id}


@router.post("/users", status_code=201, response_model=models.User, tags=["accounts"], openapi_extra=SITE_ADMIN)
def create_user(body: models.NewUser, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """A new user (site admins only)."""
    require_site_admin(who)
    with found.db.transaction(write=True) as tx:
        return user_view(accounts.create_user(tx, body.name, body.password, body.site_admin))


def _issue(found, user_id: str, body: models.NewToken) -> dict[str, Any]:
    expires = now_ms() + body.expires_in_days * DAY_MS if body.expires_in_days else None
    with found.db.transaction(write=True) as tx:
        row, secret = accounts.issue_token(tx, found.pepper, user_id, body.name, expires)
    return {**token_view(row), "secret": secret}


@router.post("/users/{user}/tokens", status_code=201, response_model=models.IssuedToken, tags=["accounts"],
             openapi_extra=SITE_ADMIN)
def create_user_token(user: str, body: models.NewToken, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """A token for another user (site admins only); its secret is shown this once."""
    require_site_admin(who)
    with found.db.transaction() as tx:
        target = accounts.user_by_name(tx, user)
    return _issue(found, target["id"], body)


@router.get("/tokens", response_model=list[models.Token], tags=["accounts"], openapi_extra=NONE)
def list_tokens(found: ServiceDep, who: CallerDep) -> list[dict[str, Any]]:
    """The caller's tokens (never their secrets)."""
    with found.db.transaction() as tx:
        rows = tx.all("SELECT id, name, created, expires, revoked, last_used FROM tokens WHERE user_id = ? "
                      "ORDER BY created, id", (who.user_id,))
    return [token_view(r) for r in rows]


@router.post("/tokens", status_code=201, response_model=models.IssuedToken, tags=["accounts"], openapi_extra=NONE)
def create_token(body: models.NewToken, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """A new token of the caller; its secret is shown this once."""
    return _issue(found, who.user_id, body)


@router.delete("/tokens/{token_id}", status_code=204, tags=["accounts"], openapi_extra=NONE)
def revoke_token(token_id: str, found: ServiceDep, who: CallerDep) -> Response:
    """Revoke one of the caller's tokens (effective at once)."""
    with found.db.transaction(write=True) as tx:
        if not tx.execute("UPDATE tokens SET revoked = ? WHERE id = ? AND user_id = ? AND revoked IS NULL",
                          (now_ms(), token_id, who.user_id)):
            if not tx.one("SELECT 1 AS found FROM tokens WHERE id = ? AND user_id = ?", (token_id, who.user_id)):
                raise not_found("token")
    return Response(status_code=204)


@router.get("/orgs", response_model=models.Paged[models.Org], tags=["organisations"], openapi_extra=NONE)
def list_orgs(found: ServiceDep, who: CallerDep, paging: PageDep) -> dict[str, Any]:
    """The caller's organisations (a site admin: all)."""
    mine = "" if who.site_admin else "AND id IN (SELECT org_id FROM members WHERE user_id = ?) "
    with found.db.transaction() as tx:
        rows = tx.all(f"SELECT id, name, title, created FROM orgs WHERE name > ? {mine}ORDER BY name LIMIT ?",
                      (after_name(paging) or "", *([] if who.site_admin else [who.user_id]), paging.limit + 1))
    return paged(rows, paging.limit, lambda r: r["name"], lambda r: org_view(r, who.roles.get(r["id"])))


@router.post("/orgs", status_code=201, response_model=models.Org, tags=["organisations"], openapi_extra=SITE_ADMIN)
def create_org(body: models.NewOrg, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """A new organisation (site admins only)."""
    require_site_admin(who)
    with found.db.transaction(write=True) as tx:
        return org_view(accounts.create_org(tx, body.name, body.title), None)


@router.get("/orgs/{org}", response_model=models.Org, tags=["organisations"], openapi_extra=ANY_MEMBER)
def get_org(org: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    with found.db.transaction() as tx:
        row = org_of(tx, who, org)
    return org_view(row, who.roles.get(row["id"]))


@router.get("/orgs/{org}/members", response_model=list[models.Member], tags=["organisations"],
            openapi_extra=ANY_MEMBER)
def list_members(org: str, found: ServiceDep, who: CallerDep) -> list[dict[str, Any]]:
    with found.db.transaction() as tx:
        row = org_of(tx, who, org)
        members = tx.all("SELECT u.name AS user, m.role, m.created FROM members m JOIN users u ON u.id = m.user_id "
                         "WHERE m.org_id = ? ORDER BY u.name", (row["id"],))
    return [{**m, "created": moment(m["created"])} for m in members]


@router.put("/orgs/{org}/members/{user}", response_model=models.Member, tags=["organisations"], openapi_extra=ADMIN)
def set_member(org: str, user: str, body: models.NewMember, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """Add a user to the organisation, or change their role (organisation admins)."""
    with found.db.transaction(write=True) as tx:
        row = org_of(tx, who, org, "manage")
        target = accounts.user_by_name(tx, user)
        accounts.set_member(tx, row["id"], target["id"], body.role)
        created = tx.value("SELECT created FROM members WHERE org_id = ? AND user_id = ?", (row["id"], target["id"]))
    return {"user": target["name"], "role": body.role, "created": moment(created)}


@router.delete("/orgs/{org}/members/{user}", status_code=204, tags=["organisations"], openapi_extra=ADMIN)
def remove_member(org: str, user: str, found: ServiceDep, who: CallerDep) -> Response:
    with found.db.transaction(write=True) as tx:
        row = org_of(tx, who, org, "manage")
        target = accounts.user_by_name(tx, user)
        if not tx.execute("DELETE FROM members WHERE org_id = ? AND user_id = ?", (row["id"], target["id"])):
            raise not_found("member")
        if not tx.one("SELECT 1 AS found FROM members WHERE org_id = ? AND role = 'admin'", (row["id"],)) \
                and not who.site_admin:
            raise Problem(409, "an organisation keeps at least one admin")
    return Response(status_code=204)


@router.post("/admin/evaluations/{evaluation}/retry", status_code=202, response_model=models.Evaluation,
             tags=["evaluations"], openapi_extra=SITE_ADMIN)
def retry_evaluation(evaluation: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """Put a failed evaluation back in the queue, of any organisation (site admins only): a worker runs
    it again, with the attempts the service allows beyond those it used. 409 when it is not failed."""
    from dsbench.service import queue
    from dsbench.service.routes.evaluations import evaluation_view

    require_site_admin(who)
    with found.db.transaction(write=True) as tx:
        retried = queue.retry(tx, evaluation, found.config.limits.max_attempts)
        row = tx.one(f"{queue.VIEW} WHERE e.id = ?", (evaluation,))
    if row is None:
        raise not_found("evaluation")
    if not retried:
        raise Problem(409, f"only a failed evaluation can be retried; this one is {row['state']}")
    return evaluation_view(row)
