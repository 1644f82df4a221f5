"""A card's page, written for its publisher asking "why this grade": the score, grade and gates with
their thresholds; the weakest indicators first, each with what to fix (the expectations that failed,
on which column, how many rows, sample values, and the failing rows to download); then every
dimension and indicator with its weight, its share of the score, its A and B and the results that fed
it. The selections and words are the HTML card's (:mod:`dsbench.render.html`, ``_shared``,
``_gates``), so the page never tells another story than the card.

A published card is everyone's; a private one shows only to its organisation's members (and a site
admin), as in the API; anything else is the 404 page. Its failing rows (Parquet files the worker
keeps beside the card, :meth:`dsbench.service.worker.Worker.failing_rows`) show to exactly the same
people, at ``/cards/{digest}/failing-rows/{file}``."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from dsbench.i18n import name
from dsbench.render import _shared as s
from dsbench.service import standards
from dsbench.service.deps import ServiceDep, moment
from dsbench.service.pages import NotFound, Page, data

router = APIRouter(include_in_schema=False)
FORMATS = (("json", ".json", "card.json"), ("md", ".md", "Markdown"), ("dqv", ".jsonld", "JSON-LD (W3C DQV)"),
           ("badge", ".svg", "SVG"), ("junit", ".xml", "JUnit XML"))
FILES = {"card.json": ("json", "en"), "card.html": ("html", "en"), "card.zh.html": ("html", "zh"),
         "card.md": ("md", "en"), "card.jsonld": ("dqv", "en"), "badge.svg": ("badge", "en"),
         "junit.xml": ("junit", "en")}  # a card's files for a signed-in member: name -> (format, language)
CARD_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")
FILES_OF = {fmt: file for file, (fmt, lang) in FILES.items() if lang == "en"}
WEAKEST = 5  # indicators in the fix-it list
SAMPLES = 5  # unexpected values shown per failed expectation
PARQUET = "application/vnd.apache.parquet"


def visible(found: Any, page: Page, digest: str) -> dict[str, Any]:
    """The card's row if this visitor may see it: published, or held by an organisation the signed-in
    user is a member of; else the 404 page."""
    with found.db.transaction() as tx:
        row = data.published_card(tx, digest)
        if row is None and page.session is not None and data.DIGEST.fullmatch(digest):
            from dsbench.service import cards

            who = page.session.caller
            row = cards.visible(tx, digest, list(who.roles), who.site_admin)
    if row is None:
        raise NotFound()
    return row


def kept_rows(row: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The failing-rows files kept with the card: result id -> file, blob, rows, capped (none for a
    card made before the worker kept them)."""
    kept = json.loads(row["renderings"] or "{}").get("failing_rows")
    return kept if isinstance(kept, dict) else {}


def rows_link(page: Page, digest: str, entry: dict[str, Any] | None) -> tuple[str, str] | None:
    """(href, text) of one result's failing rows, or None."""
    if not entry:
        return None
    key = "failing_rows_capped" if entry.get("capped") else "failing_rows"
    return (f"/cards/{digest}/failing-rows/{quote(entry['file'])}",
            page.w(key, n=s.fmt_count(entry.get("rows", 0))))


def fix(page: Page, result: dict[str, Any], link: tuple[str, str] | None) -> dict[str, Any]:
    """One failed expectation as something to fix: what it checks, on which column, how many rows of
    how many were unexpected (else its finding), sample unexpected values, its failing rows."""
    found = result.get("result") or {}
    unexpected, elements = found.get("unexpected_count"), found.get("element_count")
    config = result.get("expectation_config") or {}
    return {"id": result.get("id", ""), "type": config.get("type", ""), "target": s.target(result),
            "status": s.result_status(result), "status_word": page.w(s.result_status(result)),
            "severity": s.severity_word(result.get("severity", ""), page.lang),
            "unexpected": unexpected, "elements": elements,
            "count_text": (page.w("web_rows_unexpected", n=s.fmt_count(unexpected), total=s.fmt_count(elements))
                           if unexpected is not None and elements is not None else s.finding(result, page.lang)),
            "samples": [(value, None if count is None else s.fmt_count(count))
                        for value, count in s.samples(result, SAMPLES)],
            "failing_rows": link}


def explained(page: Page, document: dict[str, Any], digest: str, kept: dict[str, Any]) -> dict[str, Any]:
    """The HTML card's account of the score (dsbench.render.html), with the failing rows the service
    kept linked, the A and B of each indicator in both languages (the standard words them in English),
    and the fix-it list of the weakest indicators."""
    from dsbench.render import html

    context = html._context(document, page.lang)  # the card's own selections and words
    by_code = {}
    for dimension, source in zip(context["dimensions"], document.get("dimensions", [])):
        for indicator, given in zip(dimension["indicators"], source.get("indicators", [])):
            indicator["defined"] = [(label, given[key]) for label, key in (("A", "a"), ("B", "b")) if given.get(key)]
            for listed in indicator["rows"] + indicator["folded"]:
                listed["failing_rows"] = rows_link(page, digest, kept.get(listed["id"]))
            by_code[indicator["code"]] = indicator
    scale = s.card_scale(document)
    weak = []
    for _, indicator in s.weakest(document, WEAKEST):
        if indicator["score"] >= scale:
            continue
        failed = [r for r in s.fed_results(document, indicator) if s.result_status(r) != "pass"]
        weak.append({**by_code[indicator["code"]],
                     "fixes": [fix(page, r, rows_link(page, digest, kept.get(r.get("id", "")))) for r in failed]})
    context["weak"] = weak
    return context


@router.get("/cards/{digest}", response_class=HTMLResponse)
def card_page(digest: str, request: Request, found: ServiceDep) -> HTMLResponse:
    from dsbench.render._gates import grade_name

    page = Page(request)
    row = visible(found, page, digest)
    document = data.DOCUMENTS.read(found.blobs, row["blob"])
    standard = standards.standard(row["standard"])
    against = data.bounds(standard) if standard else None
    base = str(request.base_url).rstrip("/")
    api = f"/api/v1/cards/{digest}"
    if row["published"]:  # the API's permanent, cacheable addresses
        html_links = [(f"{api}.html", "HTML (English)", "en"), (f"{api}.html?lang=zh", "HTML（中文）", "zh")]
        formats = [(f"{api}{suffix}", label) for _, suffix, label in FORMATS]
    else:  # the API answers only a token; these answer the session
        html_links = [(f"/cards/{digest}/files/card.html", "HTML (English)", "en"),
                      (f"/cards/{digest}/files/card.zh.html", "HTML（中文）", "zh")]
        formats = [(f"/cards/{digest}/files/{FILES_OF[fmt]}", label) for fmt, _, label in FORMATS]
    return page.render(
        "card.html.j2", page.w("web_card_of", dataset=row["dataset"], standard=row["standard"]), card=row,
        score_text=data.score(row["score"], against), grade_name=grade_name(document, page.lang),
        standard_title=name(standard.title, page.lang) if standard else row["standard"],
        why=explained(page, document, digest, kept_rows(row)),
        published_text=moment(row["published"]), api=api,
        html_links=html_links, formats=formats,
        badge=f"[![{row['dataset']} · {row['standard']}]({base}{api}.svg)]({base}/cards/{digest})",
        engine=document.get("engine", {}).get("dsbench", ""))


@router.get("/cards/{digest}/failing-rows/{file}")
def failing_rows(digest: str, file: str, request: Request, found: ServiceDep) -> Response:
    """One failed expectation's rows (Parquet: every column and the row number), to whoever may see
    the card; the 404 page to anyone else, and for a file the card does not have."""
    page = Page(request)
    row = visible(found, page, digest)
    entry = next((e for e in kept_rows(row).values() if e.get("file") == file), None)
    if entry is None:
        raise NotFound()
    headers = {**page.headers(), "Content-Disposition": f'attachment; filename="{entry["file"]}"',
               "Cache-Control": "no-cache" if row["published"] else "private, no-cache"}
    return Response(found.blobs.read_bytes(entry["blob"]), media_type=PARQUET, headers=headers)


@router.get("/cards/{digest}/files/{file}")
def card_file(digest: str, file: str, request: Request, found: ServiceDep) -> Response:
    """The card or one of its renderings, to whoever may see the card (a member signed in sees a
    private card's, which the API gives only to a token); the 404 page to anyone else."""
    from dsbench.service.routes.cards import FORMATS as MEDIA, card_content

    page = Page(request)
    row = visible(found, page, digest)
    if file not in FILES:
        raise NotFound()
    fmt, lang = FILES[file]
    headers = {**page.headers(), "Cache-Control": "no-cache" if row["published"] else "private, no-cache"}
    if fmt == "html":  # the self-contained card: its own inline style and pictures, nothing else
        headers["Content-Security-Policy"] = CARD_CSP
    else:
        headers["Content-Disposition"] = f'attachment; filename="{file}"'
    return Response(card_content(found, row, fmt, lang), media_type=MEDIA[fmt][1], headers=headers)
