"""A standards body's pages: campaigns (public: a list and each campaign's leaderboard; for members
of its organisation, who joined it and a form to invite more; for a publisher, a form to submit a
dataset) and the standards workspace of an organisation (evaluators and admins): upload a draft
standard, checked field by field; calibrate it against the published cards of a campaign or of
all datasets (the ``dsbench calibrate`` report as a page); compare it with the version it revises
(which datasets change grade, by how much, because of which indicators)."""

from __future__ import annotations

import secrets
import threading
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from dsbench.i18n import name
from dsbench.service import campaigns, drafts, standards
from dsbench.service.accounts import RIGHTS
from dsbench.service.deps import ServiceDep
from dsbench.service.pages import NotFound, Page, board_values, data, message
from dsbench.service.pages.publisher import member_org, refusal, when
from dsbench.service.pages.session import csrf_ok
from dsbench.service.pages.signin import FormDep, redirect, refused, signed_in
from dsbench.service.problems import Problem

router = APIRouter(include_in_schema=False)
MAX_REPORTS = 16  # calibration reports kept in memory
PUBLISHERS = RIGHTS["publish"]
_REPORTS: dict[tuple, dict] = {}
_REPORTS_LOCK = threading.Lock()


def _campaign(tx: Any, campaign_name: str) -> dict[str, Any]:
    found = campaigns.get(tx, campaign_name)
    if found is None:
        raise NotFound()
    return found


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, found: ServiceDep) -> HTMLResponse:
    page = Page(request)
    with found.db.transaction() as tx:
        rows = campaigns.listing(tx)
    return page.render("campaigns.html.j2", page.w("web_campaigns"),
                       campaigns=[{**row, "created_text": when(row["created"])[:10]} for row in rows])


@router.get("/campaigns/{campaign_name}", response_class=HTMLResponse)
def campaign_page(campaign_name: str, request: Request, found: ServiceDep) -> HTMLResponse:
    page = Page(request)
    who = page.session.caller if page.session else None
    with found.db.transaction() as tx:
        campaign = _campaign(tx, campaign_name)
        standard = standards.standard(campaign["standard"])
        if standard is None:
            raise NotFound()
        shown = data.board(tx, found.blobs, standard, page.lang, request.query_params, campaign)
        runs_it = who is not None and who.may(campaign["org_id"], "standards")
        joined = campaigns.entries(tx, campaign["id"]) if runs_it else []
        awaiting = campaigns.without_cards(tx, campaign)
        mine = [] if who is None else tx.all(  # what the user may submit: the datasets they may publish
            "SELECT o.name AS org, d.name AS dataset FROM datasets d JOIN orgs o ON o.id = d.org_id "
            f"JOIN members m ON m.org_id = o.id AND m.user_id = ? AND m.role IN ({', '.join('?' * len(PUBLISHERS))}) "
            "WHERE d.id NOT IN (SELECT dataset_id FROM campaign_datasets WHERE campaign_id = ?) "
            "ORDER BY o.name, d.name", (who.user_id, *PUBLISHERS, campaign["id"]))
    title = name(standard.title, page.lang)
    return page.render("campaign.html.j2", page.w("web_campaign_of", title=campaign["title"]), campaign=campaign,
                       standard_title=title, runs_it=runs_it, joined=joined,
                       awaiting=awaiting,
                       mine=[f"{row['org']}/{row['dataset']}" for row in mine], **board_values(page, shown))


@router.post("/campaigns/{campaign_name}/datasets", response_class=HTMLResponse)
def add_dataset(campaign_name: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """Invite (the campaign's evaluators) or submit (the dataset's publishers) ``org/dataset``."""
    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    org, _, dataset = fields.get("dataset", "").strip().partition("/")
    try:
        with found.db.transaction(write=True) as tx:
            campaigns.add(tx, page.session.caller, _campaign(tx, campaign_name), org, dataset)
    except Problem as problem:
        if problem.status == 404:
            return message(request, 422, "web_invalid", "web_refused_detail", detail=problem.detail)
        return refusal(request, problem)
    return redirect(page.link(f"/campaigns/{campaign_name}"))


def _workspace_org(tx: Any, page: Page, org: str) -> dict[str, Any]:
    return member_org(tx, page, org, "standards")


def _workspace(page: Page, found: Any, org: str, status: int = 200, problems: list | None = None,
               text: str = "") -> Response:
    try:
        with found.db.transaction() as tx:
            org_row = _workspace_org(tx, page, org)
            held = campaigns.listing(tx, org_row["id"])
            saved = drafts.listing(tx, org_row["id"])
    except Problem as problem:
        return refusal(page.request, problem)
    return page.render("workspace.html.j2", page.w("web_workspace_of", org=org_row["name"]), status=status,
                       org=org_row, campaigns=held, problems=problems or [], text=text,
                       drafts=[{**d, "created_text": when(d["created"])} for d in saved],
                       standards=sorted(standards.standard_ids()), key=secrets.token_hex(8))


@router.get("/orgs/{org}/workspace", response_class=HTMLResponse)
def workspace_page(org: str, request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    return away or _workspace(page, found, org)


@router.post("/orgs/{org}/campaigns", response_class=HTMLResponse)
def new_campaign(org: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    standard = standards.standard(fields.get("standard", ""))
    if standard is None:
        return message(request, 422, "web_invalid", "web_refused_detail", detail="no such standard")
    try:
        with found.db.transaction(write=True) as tx:
            made = campaigns.create(tx, _workspace_org(tx, page, org)["id"], fields.get("name", "").strip(),
                                    fields.get("title", ""), standard)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link(f"/campaigns/{made['name']}"))


@router.post("/orgs/{org}/drafts", response_class=HTMLResponse)
def upload_draft(org: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """A draft pasted as YAML or JSON: saved when it is a valid standard, else the workspace again
    with every problem by field (422) and the text kept in the form."""
    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    text = fields.get("text", "")
    standard, problems = drafts.check(text)
    if standard is None:
        return _workspace(page, found, org, 422, problems, text)
    try:
        with found.db.transaction(write=True) as tx:
            org_id = _workspace_org(tx, page, org)["id"]
            draft_id = drafts.save(tx, found.blobs, org_id, page.session.caller.user_id, text, standard)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link(f"/orgs/{org}/drafts/{draft_id}"))


def _draft(page: Page, found: Any, org: str, draft_id: str) -> tuple[dict, dict, Any, Any, list]:
    """The organisation, the draft's row, the draft, the version it revises (or None) and the
    organisation's campaigns."""
    with found.db.transaction() as tx:
        org_row = _workspace_org(tx, page, org)
        row = drafts.get(tx, org_row["id"], draft_id)
        if row is None:
            raise NotFound()
        draft = drafts.load(found.blobs, row)
        return org_row, row, draft, drafts.previous(tx, found.blobs, org_row["id"], row), \
            campaigns.listing(tx, org_row["id"])


@router.get("/orgs/{org}/drafts/{draft_id}", response_class=HTMLResponse)
def draft_page(org: str, draft_id: str, request: Request, found: ServiceDep) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    try:
        org_row, row, draft, before, held = _draft(page, found, org, draft_id)
    except Problem as problem:
        return refusal(request, problem)
    view = data.standard_view(draft, page.lang)
    base = f"/orgs/{org}/drafts/{draft_id}"
    scopes = [("", page.w("web_all_published"))] + [(c["name"], c["title"]) for c in held]
    return page.render("draft.html.j2", page.w("web_draft_of", id=draft.id, version=str(draft.version)),
                       org=org_row, draft=row, standard=view, before=before,
                       created_text=when(row["created"]),
                       scopes=[{"text": text, "calibrate": page.link(base + "/calibration", campaign=scope),
                                "compare": page.link(base + "/comparison", campaign=scope)} for scope, text in scopes])


def _report(org: str, draft_id: str, request: Request, found: Any, comparison: bool) -> Response:
    page, away = signed_in(request)
    if away:
        return away
    try:
        org_row, row, draft, before, _ = _draft(page, found, org, draft_id)
        scope = request.query_params.get("campaign") or ""
        with found.db.transaction() as tx:
            campaign = _campaign(tx, scope) if scope else None  # campaigns are public: any may be the scope
            held = drafts.published_cards(tx, lambda blob: data.DOCUMENTS.read(found.blobs, blob), draft.id,
                                          campaign)
    except Problem as problem:
        return refusal(request, problem)
    if comparison and before is None:
        return message(request, 404, "web_nothing_to_compare", "web_no_previous", id=draft.id)
    report = _calibrated(row["blob"], draft, held, before, comparison) if held else None
    title = page.w("web_comparison_of" if comparison else "web_calibration_of", id=draft.id,
                   version=str(draft.version))
    return page.render("report.html.j2", title, org=org_row, draft=row, campaign=campaign, comparison=comparison,
                       cards=len(held), before=before, report=_report_html(report, comparison, page.lang))


def _calibrated(draft_blob: str, draft: Any, held: dict[str, dict], before: Any, comparison: bool) -> dict:
    """The calibration report's document (without the thresholds' sensitivity for a comparison),
    kept for the same draft, cards and previous version: cards and drafts never change, and a
    report over a thousand cards takes seconds."""
    from dsbench.corpus.calibration import calibrate_cards

    key = (draft_blob, tuple(sorted((name, card["digest"]) for name, card in held.items())),
           before.digest if before else None, comparison)
    with _REPORTS_LOCK:
        found = _REPORTS.get(key)
    if found is None:
        found = calibrate_cards(draft, held, before, thresholds=not comparison).document
        with _REPORTS_LOCK:
            if len(_REPORTS) >= MAX_REPORTS:
                _REPORTS.pop(next(iter(_REPORTS)))
            _REPORTS[key] = found
    return found


def _report_html(document: dict[str, Any] | None, comparison: bool, lang: str) -> Markup | None:
    """The calibration report (or its comparison section) as HTML, from its Markdown (the CLI's
    ``calibration.md``): one text for both. Its first line, the report's title, is the page's h1."""
    from dsbench.render.calibration import against_markdown, calibration_markdown

    if document is None:
        return None
    if comparison:
        return markdown_html("\n".join(against_markdown(document["against"], lang)))
    return markdown_html(calibration_markdown(document, lang).split("\n", 1)[1])


def markdown_html(text: str) -> Markup:
    """Markdown the renderers wrote (their values escaped for Markdown; raw HTML is not let through)
    as HTML for a page."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    # Column alignment comes as style attributes, which the Content-Security-Policy refuses.
    for align, replacement in (("right", ' class="num"'), ("left", ""), ("center", "")):
        rendered = rendered.replace(f' style="text-align:{align}"', replacement)
    return Markup(rendered)


def changes_html(old: Any, new: Any, lang: str) -> Markup:
    """What ``new`` changes in the standard ``old``, as a list."""
    from dsbench.corpus.calibration.revision import definition_changes
    from dsbench.render.calibration import changes_markdown

    return markdown_html("\n".join(changes_markdown(definition_changes(old, new), lang)))


def _draft_publication(org: str, draft_id: str, request: Request, found: Any, fields: dict,
                       published: bool) -> Response:
    page = Page(request)
    if not csrf_ok(page.session, fields):
        return refused(request)
    try:
        with found.db.transaction(write=True) as tx:
            org_row = _workspace_org(tx, page, org)
            if drafts.get(tx, org_row["id"], draft_id) is None:
                raise NotFound()
            drafts.set_published(tx, org_row["id"], draft_id, published)
    except Problem as problem:
        return refusal(request, problem)
    return redirect(page.link(f"/orgs/{org}/drafts/{draft_id}"))


@router.post("/orgs/{org}/drafts/{draft_id}/publish", response_class=HTMLResponse)
def publish_draft(org: str, draft_id: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    """Put the draft out for public consultation: its standard's page lists it, with what it changes."""
    return _draft_publication(org, draft_id, request, found, fields, True)


@router.post("/orgs/{org}/drafts/{draft_id}/unpublish", response_class=HTMLResponse)
def unpublish_draft(org: str, draft_id: str, request: Request, found: ServiceDep, fields: FormDep) -> Response:
    return _draft_publication(org, draft_id, request, found, fields, False)


@router.get("/standards/{standard_id}/drafts/{draft_id}", response_class=HTMLResponse)
def public_draft_page(standard_id: str, draft_id: str, request: Request, found: ServiceDep) -> HTMLResponse:
    """A draft out for consultation, to anyone: what it changes in the offered version, and its parts."""
    page = Page(request)
    with found.db.transaction() as tx:
        rows = drafts.public(tx, standard_id, draft_id)
    offered = standards.standard(standard_id)
    if not rows or offered is None:
        raise NotFound()
    row = rows[0]
    draft = drafts.load(found.blobs, row)
    return page.render("public_draft.html.j2", page.w("web_draft_of", id=draft.id, version=str(draft.version)),
                       draft=row, standard=data.standard_view(draft, page.lang), offered=offered,
                       changes=changes_html(offered, draft, page.lang),
                       published_text=when(row["published"])[:10])


@router.get("/orgs/{org}/drafts/{draft_id}/calibration", response_class=HTMLResponse)
def calibration_page(org: str, draft_id: str, request: Request, found: ServiceDep) -> Response:
    return _report(org, draft_id, request, found, comparison=False)


@router.get("/orgs/{org}/drafts/{draft_id}/comparison", response_class=HTMLResponse)
def comparison_page(org: str, draft_id: str, request: Request, found: ServiceDep) -> Response:
    return _report(org, draft_id, request, found, comparison=True)
