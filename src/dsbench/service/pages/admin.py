"""The site administrator's pages: an overview (storage used, jobs per state), the users (with a form
making one and one giving a user a role in an organisation), the organisations (with a form making
one) and the queue (running, waiting and failed evaluations, a failed one retried by a button).
Anyone but a site admin, signed in or not, gets the 404 page, exactly as for a page that does not
exist; every form carries the session's CSRF token. The work is done by the API's code (its user,
organisation, member and retry routes)."""

from __future__ import annotations

import os
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from dsbench.service import models, queue
from dsbench.service.accounts import ROLES
from dsbench.service.blobs import BlobStore
from dsbench.service.deps import ServiceDep
from dsbench.service.pages import NotFound, Page, message, size_text
from dsbench.service.pages.publisher import positions, when
from dsbench.service.pages.session import csrf_ok
from dsbench.service.pages.signin import FormDep, redirect, refused
from dsbench.service.problems import Problem

router = APIRouter(include_in_schema=False)
SHOWN = 200  # jobs of each kind on the queue page
JOBS = ("SELECT e.id, e.standard, e.state, e.attempts, e.max_attempts, e.reason, e.lease_owner, e.lease_expires, "
        "e.created, e.started, e.finished, d.name AS dataset, v.label AS version, o.name AS org FROM evaluations e "
        "JOIN versions v ON v.id = e.version_id JOIN datasets d ON d.id = v.dataset_id JOIN orgs o ON o.id = e.org_id "
        "WHERE e.state = ? ")


def _admin(request: Request) -> Page:
    """The page, for a signed-in site admin; the 404 page for anyone else."""
    page = Page(request)
    if page.session is None or not page.session.caller.site_admin:
        raise NotFound()
    return page


def refusal(request: Request, problem: Problem) -> Response:
    return message(request, problem.status, "web_invalid", "web_refused_detail", detail=problem.detail)


def blob_usage(blobs: BlobStore) -> tuple[int, int]:
    """How many blobs the store holds and their bytes, as on disk (``root/sha256/<2 hex>/<64 hex>``)."""
    count = total = 0
    with os.scandir(blobs.root / "sha256") as fans:
        for fan in fans:
            if not fan.is_dir(follow_symlinks=False):
                continue
            with os.scandir(fan.path) as entries:
                for entry in entries:
                    if entry.is_file(follow_symlinks=False):
                        count, total = count + 1, total + entry.stat(follow_symlinks=False).st_size
    return count, total


@router.get("/admin", response_class=HTMLResponse)
def overview(request: Request, found: ServiceDep) -> Response:
    page = _admin(request)
    with found.db.transaction() as tx:
        counts = queue.counts(tx)
        # Each organisation's uploaded files, a blob counted once per organisation however many files name it.
        by_org = tx.all("SELECT o.name AS org, count(x.blob) AS files, coalesce(sum(x.bytes), 0) AS bytes FROM orgs o "
                        "LEFT JOIN (SELECT DISTINCT d.org_id, f.blob, f.bytes FROM files f "
                        "JOIN versions v ON v.id = f.version_id JOIN datasets d ON d.id = v.dataset_id) x "
                        "ON x.org_id = o.id GROUP BY o.name ORDER BY o.name")
    count, total = blob_usage(found.blobs)
    return page.render("admin.html.j2", page.w("web_admin"), blob_count=count, blob_bytes=total,
                       blob_size=size_text(total, page), counts=counts,
                       by_org=[{**row, "bytes": int(row["bytes"]), "size": size_text(int(row["bytes"]), page)}
                               for row in by_org])


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, found: ServiceDep) -> Response:
    page = _admin(request)
    with found.db.transaction() as tx:
        users = tx.all("SELECT id, name, site_admin, created FROM users ORDER BY name")
        members = tx.all("SELECT m.user_id, o.name AS org, m.role FROM members m JOIN orgs o ON o.id = m.org_id "
                         "ORDER BY o.name")
        orgs = [row["name"] for row in tx.all("SELECT name FROM orgs ORDER BY name")]
    roles: dict[str, list[dict[str, Any]]] = {}
    for row in members:
        roles.setdefault(row["user_id"], []).append(row)
    return page.render("admin_users.html.j2", page.w("web_admin_users"), orgs=orgs, roles=ROLES,
                       users=[{**u, "memberships": roles.get(u["id"], []), "created_text": when(u["created"])}
                              for u in users])


@router.post("/admin/users", response_class=HTMLResponse)
def new_user(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The same as POST /api/v1/users (a password is asked for: the user signs in on these pages)."""
    from dsbench.service.routes.accounts import create_user

    page = _admin(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        body = models.NewUser(name=fields.get("name", "").strip(), password=fields.get("password", ""))
    except ValidationError:
        return message(request, 422, "web_invalid", "web_invalid_user")
    try:
        create_user(body, found, page.session.caller)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link("/admin/users") + "#users")


@router.post("/admin/members", response_class=HTMLResponse)
def new_member(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The same as PUT /api/v1/orgs/{org}/members/{user}: a role in the organisation, or another one."""
    from dsbench.service.routes.accounts import set_member

    page = _admin(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    user, org = fields.get("user", ""), fields.get("org", "")
    try:
        body = models.NewMember(role=fields.get("role", ""))
    except ValidationError:
        return message(request, 422, "web_invalid", "web_invalid_member")
    if not user or not org:
        return message(request, 422, "web_invalid", "web_invalid_member")
    try:
        set_member(org, user, body, found, page.session.caller)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link("/admin/users") + "#users")


@router.get("/admin/orgs", response_class=HTMLResponse)
def orgs_page(request: Request, found: ServiceDep) -> Response:
    page = _admin(request)
    with found.db.transaction() as tx:
        orgs = tx.all("SELECT o.name, o.title, o.created, "
                      "(SELECT count(*) FROM members m WHERE m.org_id = o.id) AS members, "
                      "(SELECT count(*) FROM datasets d WHERE d.org_id = o.id) AS datasets, "
                      "(SELECT count(*) FROM cards c WHERE c.org_id = o.id) AS cards, "
                      "(SELECT count(*) FROM cards c WHERE c.org_id = o.id AND c.published IS NOT NULL) AS published "
                      "FROM orgs o ORDER BY o.name")
    return page.render("admin_orgs.html.j2", page.w("web_admin_orgs"),
                       orgs=[{**o, "created_text": when(o["created"])} for o in orgs])


@router.post("/admin/orgs", response_class=HTMLResponse)
def new_org(request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The same as POST /api/v1/orgs."""
    from dsbench.service.routes.accounts import create_org

    page = _admin(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        body = models.NewOrg(name=fields.get("name", "").strip(), title=fields.get("title", "").strip())
    except ValidationError:
        return message(request, 422, "web_invalid", "web_invalid_org")
    try:
        create_org(body, found, page.session.caller)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link("/admin/orgs") + "#orgs")


@router.get("/admin/queue", response_class=HTMLResponse)
def queue_page(request: Request, found: ServiceDep) -> Response:
    page = _admin(request)
    lease_ms = int(found.config.limits.lease_s * 1000)
    with found.db.transaction() as tx:
        counts = queue.counts(tx)
        running = tx.all(JOBS + "ORDER BY e.started, e.id LIMIT ?", ("running", SHOWN))
        waiting = tx.all(JOBS + "ORDER BY e.created, e.id LIMIT ?", ("queued", SHOWN))
        places = positions(tx) if waiting else {}
        failed = tx.all(JOBS + "ORDER BY e.finished DESC, e.id DESC LIMIT ?", ("failed", SHOWN))
    running = [{**job, "started_text": when(job["started"]), "lease_text": when(job["lease_expires"]),
                "beat_text": when(job["lease_expires"] - lease_ms) if job["lease_expires"] else ""}
               for job in running]
    return page.render("admin_queue.html.j2", page.w("web_admin_queue"), counts=counts, running=running,
                       waiting=[{**job, "position": places.get(job["id"]), "created_text": when(job["created"])}
                                for job in waiting],
                       failed=[{**job, "finished_text": when(job["finished"])} for job in failed])


@router.post("/admin/queue/{evaluation}/retry", response_class=HTMLResponse)
def retry(evaluation: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The same as POST /api/v1/admin/evaluations/{evaluation}/retry."""
    from dsbench.service.routes.accounts import retry_evaluation

    page = _admin(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        retry_evaluation(evaluation, found, page.session.caller)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link("/admin/queue") + "#waiting")
