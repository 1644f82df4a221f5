"""The signed-in member's pages of an organisation: its dashboard (datasets and versions,
evaluations with their states, cards with publish / unpublish forms, a form asking for a new
evaluation) and an evaluation's status page. An organisation the user is not a member of answers the
404 page, exactly as one that does not exist; a form the user's role may not send answers 403. The
work is done by the same code as the API's (``start_evaluation``, ``_publication``)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from dsbench.service import cards, models, queue
from dsbench.service.accounts import org_of
from dsbench.service.deps import ServiceDep, moment
from dsbench.service.pages import NotFound, Page, data, message
from dsbench.service.pages.signin import FormDep, redirect, refused, signed_in
from dsbench.service.pages.session import csrf_ok
from dsbench.service.problems import Problem
from dsbench.service.standards import standard_ids

router = APIRouter(include_in_schema=False)
SHOWN = 100  # evaluations and cards on the dashboard


def when(ms: int | None) -> str:
    return (moment(ms) or "")[:19].replace("T", " ")


def refusal(request: Request, problem: Problem) -> Response:
    if problem.status == 404:
        raise NotFound()
    if problem.status == 403:
        return message(request, 403, "web_forbidden", "web_role_refused")
    return message(request, problem.status, "web_invalid", "web_refused_detail", detail=problem.detail)


def member_org(tx: Any, page: Page, org: str, right: str | None = None) -> dict[str, Any]:
    try:
        return org_of(tx, page.session.caller, org, right)
    except Problem as problem:
        if problem.status == 404:
            raise NotFound() from None
        raise


def positions(tx: Any) -> dict[str, int]:
    """Each queued evaluation's place in the queue (1 runs next)."""
    rows = tx.all("SELECT id FROM evaluations WHERE state = 'queued' ORDER BY created, id")
    return {row["id"]: number for number, row in enumerate(rows, 1)}


@router.get("/orgs/{org}", response_class=HTMLResponse)
def dashboard(org: str, request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    with found.db.transaction() as tx:
        org_row = member_org(tx, page, org)
        versions = tx.all("SELECT d.name AS dataset, d.title, v.label AS version, v.created FROM datasets d "
                          "LEFT JOIN versions v ON v.dataset_id = d.id WHERE d.org_id = ? ORDER BY d.name, v.label",
                          (org_row["id"],))
        evaluations = queue.listing(tx, org_row["id"], None, SHOWN)
        places = positions(tx) if any(e["state"] == "queued" for e in evaluations) else {}
        held = cards.listing(tx, org_row["id"], None, SHOWN)
    who = page.session.caller
    datasets: dict[str, dict[str, Any]] = {}
    for row in versions:
        entry = datasets.setdefault(row["dataset"], {"name": row["dataset"], "title": row["title"], "versions": []})
        if row["version"] is not None:
            entry["versions"].append(row["version"])

    return page.render(
        "dashboard.html.j2", page.w("web_dashboard_of", org=org_row["name"]), org=org_row,
        role=who.roles.get(org_row["id"]) or ("site admin" if who.site_admin else ""),
        datasets=list(datasets.values()),
        evaluations=[{**e, "created_text": when(e["created"]), "position": places.get(e["id"])}
                     for e in evaluations],
        cards=[{**c, "score_text": data.score(c["score"]), "created_text": when(c["created"])} for c in held],
        may_publish=who.may(org_row["id"], "publish"), may_evaluate=who.may(org_row["id"], "evaluate"),
        may_upload=who.may(org_row["id"], "upload"),
        may_standards=who.may(org_row["id"], "standards"),
        choices=[(f"{d['name']}/{v}", f"{d['name']} {v}") for d in datasets.values() for v in d["versions"]],
        standards=sorted(standard_ids()), key=secrets.token_hex(16))


def _publication(org: str, digest: str, request: Request, found: Any, fields: dict, published: bool) -> Response:
    from dsbench.service.routes.cards import _publication as publication

    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        publication(org, digest, found, page.session.caller, published)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link(f"/orgs/{org}") + "#cards")


@router.post("/orgs/{org}/cards/{digest}/publish", response_class=HTMLResponse)
def publish(org: str, digest: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    return _publication(org, digest, request, found, fields, True)


@router.post("/orgs/{org}/cards/{digest}/unpublish", response_class=HTMLResponse)
def unpublish(org: str, digest: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    return _publication(org, digest, request, found, fields, False)


@router.post("/orgs/{org}/evaluations", response_class=HTMLResponse)
def new_evaluation(org: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """The dashboard's form: the same as POST /api/v1/orgs/{org}/evaluations, with its options (suites
    among the version's files, publishing the card when it is made); its hidden key is the
    Idempotency-Key, so a form sent twice asks once."""
    from dsbench.service.routes.evaluations import start_evaluation

    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    dataset, _, version = fields.get("version", "").partition("/")
    key = fields.get("key") or None
    suites = [name.strip() for name in fields.get("suites", "").split(",") if name.strip()]
    try:
        body = models.NewEvaluation(dataset=dataset, version=version, standard=fields.get("standard", ""),
                                    publish=fields.get("publish") == "1", suites=suites,
                                    failing_rows=fields.get("failing_rows") == "1")
    except ValidationError:
        return message(request, 422, "web_invalid", "web_invalid_evaluation")
    try:
        row = start_evaluation(found, page.session.caller, org, body,
                               f"web-{key}"[:200] if key and key.isalnum() else None)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link(f"/orgs/{org}/evaluations/{row['id']}"))


@router.get("/orgs/{org}/evaluations/{evaluation}", response_class=HTMLResponse)
def evaluation_page(org: str, evaluation: str, request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    with found.db.transaction() as tx:
        row = queue.get(tx, member_org(tx, page, org)["id"], evaluation)
        place = positions(tx).get(evaluation) if row and row["state"] == "queued" else None
    if row is None:
        raise NotFound()
    final = row["state"] in queue.FINAL
    return page.render("evaluation.html.j2", page.w("web_evaluation_of", dataset=row["dataset"],
                                                     version=row["version"]),
                       evaluation=row, final=final, position=place, org=org,
                       times={k: when(row[k]) for k in ("created", "started", "finished")})
