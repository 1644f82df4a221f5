"""The public web pages of the service, server-rendered (Jinja2; no script but the upload form's): the home page, a
standard, a leaderboard (sortable, filterable by grade, as CSV), a dataset's published cards and
their history, and a card (:mod:`.card`). In English and Chinese (``?lang=``, else ``Accept-Language``), with a
strict Content-Security-Policy on every answer and nothing loaded from another host. They show
published cards only; anything else answers the 404 page. Not part of the API (not in its OpenAPI
document). Signing in (:mod:`.session`, :mod:`.signin`) and a member's pages of an organisation
(:mod:`.publisher`) are beside them; the header shows who is signed in."""

from __future__ import annotations

import functools
import hashlib
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from dsbench.i18n import name, t
from dsbench.service.deps import ServiceDep, moment
from dsbench.service import standards
from dsbench.service.pages import data

LANGUAGES = ("en", "zh")
TEMPLATES = Path(__file__).parent / "templates"
# Script only from the site's own files (the upload form's, which sends the form back to the site).
CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}

router = APIRouter(include_in_schema=False)


def language(request: Request) -> tuple[str, bool]:
    """The page's language and whether the URL chose it: ``?lang=``, else the first of ``Accept-Language``
    (by its q values) that is Chinese or English, else English."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    ranked = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return (min(ranked)[2] if ranked else "en"), False


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


class Page:
    """One page being answered: its language, links that keep a language the URL chose, and its
    rendering with the headers every page has (and how long the server took, as Server-Timing)."""

    def __init__(self, request: Request):
        self.started = time.perf_counter()
        self.request = request
        self.lang, self.explicit = language(request)
        self.missing = False

    @functools.cached_property
    def session(self) -> Any:
        """Who is signed in (:mod:`.session`), or None."""
        from dsbench.service.pages.session import current

        return current(self.request)

    def link(self, path: str, **params: Any) -> str:
        query = {key: value for key, value in params.items() if value not in (None, "")}
        if self.explicit:
            query["lang"] = self.lang
        return path + ("?" + urlencode(query) if query else "")

    def switch(self) -> str:
        """The same page in the other language (the home page from the 404 page, which does not
        repeat the address it was asked for)."""
        other = "en" if self.lang == "zh" else "zh"
        if self.missing:
            return "/?" + urlencode({"lang": other})
        return self.request.url.path + "?" + urlencode({**self.request.query_params, "lang": other})

    def w(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def render(self, template: str, title: str, status: int = 200, **values: Any) -> HTMLResponse:
        text = environment().get_template(template).render(
            page=self, lang=self.lang, html_lang="zh-CN" if self.lang == "zh" else "en", w=self.w, link=self.link,
            title=title, name=lambda names: name(names, self.lang), path=quote, **values)
        return HTMLResponse(text, status_code=status, headers=self.headers())

    def headers(self) -> dict[str, str]:
        took = (time.perf_counter() - self.started) * 1000
        return {**HEADERS, "Vary": "Accept-Language", "Content-Language": self.lang, "Cache-Control": "no-cache",
                "Server-Timing": f"app;dur={took:.1f}"}


def not_found(request: Request) -> HTMLResponse:
    """The 404 page, in the language of the request."""
    page = Page(request)
    page.missing = True
    return page.render("not_found.html.j2", page.w("web_not_found"), status=404)


class NotFound(Exception):
    """Nothing published here: answered with the 404 page (see ``create_app``)."""


def message(request: Request, status: int, heading: str, text: str, **values: Any) -> HTMLResponse:
    """A page that only says something (its ``web_*`` keys): a refusal (403) or what went wrong (422)."""
    page = Page(request)
    return page.render("message.html.j2", page.w(heading), status=status, heading=page.w(heading),
                       text=page.w(text, **values))


def size_text(size: int, page: Page) -> str:
    """A number of bytes as people read it: ``97.7 KiB (100,000 bytes)``."""
    exact = page.w("web_upload_bytes", n=f"{size:,}")
    value, unit = float(size), ""
    for bigger in ("KiB", "MiB", "GiB", "TiB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f}".removesuffix(".0") + f" {unit} ({exact})" if unit else exact


@functools.lru_cache(maxsize=1)
def stylesheet() -> tuple[bytes, str]:
    import dsbench.render

    card_css = Path(dsbench.render.__file__).parent / "templates" / "card.css"  # the cards' look, shared
    text = card_css.read_bytes() + b"\n" + (TEMPLATES / "site.css").read_bytes()
    return text, '"' + hashlib.sha256(text).hexdigest()[:32] + '"'


def _static(body: bytes, media_type: str, tag: str, request: Request) -> Response:
    headers = {**HEADERS, "ETag": tag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/static/site.css")
def site_css(request: Request) -> Response:
    body, tag = stylesheet()
    return _static(body, "text/css; charset=utf-8", tag, request)


@router.get("/static/favicon.svg")
def favicon(request: Request) -> Response:
    body = (TEMPLATES / "favicon.svg").read_bytes()
    return _static(body, "image/svg+xml", '"' + hashlib.sha256(body).hexdigest()[:32] + '"', request)


@router.get("/static/upload.js")
def upload_js(request: Request) -> Response:
    """The upload form's script (:mod:`.upload`), the one script of the pages: served from here, as
    the Content-Security-Policy's ``script-src 'self'`` allows, never inline."""
    body = (TEMPLATES / "upload.js").read_bytes()
    return _static(body, "text/javascript; charset=utf-8", '"' + hashlib.sha256(body).hexdigest()[:32] + '"', request)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, found: ServiceDep) -> HTMLResponse:
    page = Page(request)
    with found.db.transaction() as tx:
        latest = data.latest_cards(tx)
    offered = [standards.standard(i) for i in standards.standard_ids()]
    rows = [{**row, "score_text": data.score(row["score"], data.bounds(s) if s else None),
             "standard_title": name(s.title, page.lang) if s else row["standard"],
             "published_text": (moment(row["published"]) or "")[:10]}
            for row in latest for s in [standards.standard(row["standard"])]]
    return page.render("home.html.j2", page.w("web_site"), cards=rows,
                       standards=[{"id": s.id, "title": name(s.title, page.lang), "version": str(s.version),
                                   "status": data.status_word(s.status, page.lang),
                                   "dimensions": len(s.dimensions)} for s in offered if s])


def _standard(standard_id: str) -> Any:
    found = standards.standard(standard_id)
    if found is None:
        raise NotFound()
    return found


@router.get("/standards/{standard_id}/conformance-kit.zip")
def conformance_kit(standard_id: str, request: Request, found: ServiceDep) -> Response:
    """The standard's conformance kit (:mod:`dsbench.service.kits`): built by the first request."""
    from fastapi.responses import FileResponse

    from dsbench.service.kits import kit_zip

    from dsbench.errors import DsbenchError

    standard = _standard(standard_id)
    try:
        built = kit_zip(found.config, standard)
    except (DsbenchError, OSError, subprocess.SubprocessError) as error:
        return message(request, 503, "web_conformance_kit", "web_refused_detail", detail=str(error))
    return FileResponse(built, media_type="application/zip", filename=f"{standard.id}-conformance-kit.zip",
                        headers=HEADERS)


@router.get("/standards/{standard_id}", response_class=HTMLResponse)
def standard_page(standard_id: str, request: Request, found: ServiceDep) -> HTMLResponse:
    from dsbench.service import drafts

    page = Page(request)
    view = data.standard_view(_standard(standard_id), page.lang)
    with found.db.transaction() as tx:
        consulted = drafts.public(tx, standard_id)
    return page.render("standard.html.j2", page.w("web_standard_of", title=view["title"]), standard=view,
                       consulted=[{**row, "published_text": (moment(row["published"]) or "")[:10]}
                                  for row in consulted])


def _board(standard_id: str, request: Request, found: Any, lang: str) -> data.Board:
    standard = _standard(standard_id)
    with found.db.transaction() as tx:
        return data.board(tx, found.blobs, standard, lang, request.query_params)


@router.get("/leaderboards/{standard_id}.csv")
def leaderboard_csv(standard_id: str, request: Request, found: ServiceDep) -> Response:
    page = Page(request)
    shown = _board(standard_id, request, found, page.lang)
    headers = {**page.headers(), "Content-Disposition": f'attachment; filename="{standard_id}-leaderboard.csv"'}
    return Response(data.board_csv(shown).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/leaderboards/{standard_id}", response_class=HTMLResponse)
def leaderboard_page(standard_id: str, request: Request, found: ServiceDep) -> HTMLResponse:
    page = Page(request)
    shown = _board(standard_id, request, found, page.lang)
    title = name(shown.standard.title, page.lang)
    return page.render("leaderboard.html.j2", page.w("web_leaderboard_of", title=title), standard_title=title,
                       csv_href=page.link(f"/leaderboards/{quote(shown.standard.id)}.csv", sort=shown.sort,
                                          **shown.filters()),
                       **board_values(page, shown))


def board_values(page: Page, shown: data.Board) -> dict[str, Any]:
    """What a leaderboard's table shows (this leaderboard's or a campaign's): its rows with scores as
    text, its headings linking to the page sorted by them, the sort choices."""
    against = data.bounds(shown.standard)
    rows = [{**row, "score_text": data.score(row["score"], against),
             "dims": [data.score(row["dimensions"][key]) if row["dimensions"][key] is not None
                      else data.status_word(row["statuses"][key], page.lang)
                      for key, _ in shown.columns[len(data.BASE_COLUMNS):]]} for row in shown.rows]
    sort_key, descending = shown.sort.lstrip("-"), shown.sort.startswith("-")
    headings = []
    for key, heading in shown.columns:
        numeric = key not in ("org", "dataset", "version", "grade")
        first = "-" + key if numeric and key != "rank" else key  # scores: best first on the first click
        target = (key if first.startswith("-") else "-" + key) if key == sort_key and shown.sort == first else first
        headings.append({"key": key, "text": heading, "numeric": numeric,
                         "href": page.link(page.request.url.path, sort=target, **shown.filters()),
                         "aria": ("descending" if descending else "ascending") if key == sort_key else None})
    sorted_by = next(text for key, text in shown.columns if key == sort_key)
    return {"board": shown, "rows": rows, "headings": headings, "sorted_by": sorted_by,
            "sorts": [(key, text) for key, text in shown.columns],
            "dimension_choices": [(d.code, name(d.name, page.lang)) for d in shown.standard.dimensions]}


@router.get("/datasets/{org}/{dataset}", response_class=HTMLResponse)
def dataset_page(org: str, dataset: str, request: Request, found: ServiceDep) -> HTMLResponse:
    page = Page(request)
    with found.db.transaction() as tx:
        titles, rows = data.dataset_cards(tx, org, dataset)
    if not rows:
        raise NotFound()
    base = str(request.base_url).rstrip("/")
    by_standard: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_standard.setdefault(row["standard"], []).append(row)
    sections = []
    for standard_id, history in by_standard.items():
        standard = standards.standard(standard_id)
        against = data.bounds(standard) if standard else None
        latest = history[-1]
        title = name(standard.title, page.lang) if standard else standard_id
        entries = [{**row, "score_text": data.score(row["score"], against),
                    "published_text": (moment(row["published"]) or "")[:10]} for row in history]
        sections.append({
            "id": standard_id, "title": title, "known": standard is not None,
            "latest": {**latest, "score_text": data.score(latest["score"], against)},
            "history": entries,
            "chart": data.history_chart([(r["version"], r["score"]) for r in history],
                                        float(standard.scale) if standard else 100.0,
                                        page.w("web_history_chart", standard=standard_id)),
            "badge": f"[![{dataset} · {standard_id}]({base}/api/v1/cards/{latest['digest']}.svg)]"
                     f"({base}/cards/{latest['digest']})"})
    return page.render("dataset.html.j2", page.w("web_dataset_of", o=org, d=dataset), org=org, dataset=dataset,
                       titles=titles, sections=sections, base=base)
