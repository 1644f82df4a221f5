"""Cards by digest (immutable: JSON or a rendering, by suffix or content negotiation), their
publication, leaderboards over published cards, and the standards a card can be made against."""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from dsbench.service import cards, models, standards
from dsbench.service.accounts import org_of
from dsbench.service.deps import (CallerDep, OptionalCallerDep, PageDep, ServiceDep, after_pair, moment,
                                  paged)
from dsbench.service.problems import not_found

router = APIRouter(prefix="/api/v1")
PUBLIC = {"x-required-role": "none"}
MEMBER = {"x-required-role": "member"}
PUBLISH = {"x-required-role": "publisher"}
# format -> (suffix, media type); "json" is the card itself.
FORMATS = {"json": (".json", "application/json"), "html": (".html", "text/html; charset=utf-8"),
           "md": (".md", "text/markdown; charset=utf-8"), "dqv": (".jsonld", "application/ld+json"),
           "badge": (".svg", "image/svg+xml"), "junit": (".xml", "application/xml")}
MAX_CACHED_RENDERINGS = 256
CARD_REF = re.compile(r"(sha256:[0-9a-f]{64})(\.[a-z]+)?")


def card_view(row: dict[str, Any]) -> dict[str, Any]:
    digest = row["digest"]
    return {"digest": digest, "org": row["org"], "dataset": row["dataset"], "version": row["version"],
            "standard": row["standard"], "standard_version": row["standard_version"], "score": row["score"],
            "grade": row["grade"], "passed": bool(row["passed"]), "software_version": row["software_version"],
            "published": moment(row["published"]), "created": moment(row["created"]),
            "links": {name: f"/api/v1/cards/{digest}{suffix}" for name, (suffix, _) in FORMATS.items()}}


def _negotiated(accept: str) -> str:
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        for name, (_, media_type) in FORMATS.items():
            if media and media == media_type.split(";")[0]:
                return name
    return "json"


@router.get("/cards/{ref}", tags=["cards"], openapi_extra=PUBLIC, response_model=None, responses={
    200: {"description": "The card (JSON) or a rendering: the suffix (.json .html .md .jsonld .svg .xml) or the "
          "Accept header chooses.", "content": {media: {} for _, media in FORMATS.values()}},
    304: {"description": "Not modified (If-None-Match)"}})
def get_card(ref: str, request: Request, found: ServiceDep, who: OptionalCallerDep,
             lang: Annotated[str, Query(pattern="^(en|zh)$")] = "en") -> Response:
    """A card by its digest: public once published, else only to its organisation's members. Cards
    never change, so the `ETag` is their digest (and the format)."""
    match = CARD_REF.fullmatch(ref)
    suffixes = {suffix: name for name, (suffix, _) in FORMATS.items()}
    if match is None or (match.group(2) and match.group(2) not in suffixes):
        raise not_found("card")
    digest = match.group(1)
    name = suffixes[match.group(2)] if match.group(2) else _negotiated(request.headers.get("accept", ""))
    with found.db.transaction() as tx:
        row = cards.visible(tx, digest, list(who.roles) if who else [], bool(who and who.site_admin))
    if row is None:
        raise not_found("card")
    tag = f'"{digest}{"" if name == "json" else "." + name}{"" if lang == "en" or name == "json" else "." + lang}"'
    headers = {"ETag": tag, "Vary": "Accept, Authorization",
               "Cache-Control": "public, max-age=31536000, immutable" if row["published"] else "private, no-cache"}
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers=headers)
    return Response(card_content(found, row, name, lang), media_type=FORMATS[name][1], headers=headers)


def card_content(found: Any, row: dict[str, Any], name: str, lang: str) -> bytes:
    if name == "json":
        return found.blobs.read_bytes(row["blob"])
    if lang == "en":
        return found.blobs.read_bytes(json.loads(row["renderings"])[name])
    key = (row["digest"], name, lang)  # other languages are rendered when asked for, then kept
    if key not in found.renderings:
        from dsbench.render import renderer

        if len(found.renderings) >= MAX_CACHED_RENDERINGS:
            found.renderings.clear()

        document = json.loads(found.blobs.read_bytes(row["blob"]))
        found.renderings[key] = renderer(name).render(document, lang).encode()
    return found.renderings[key]


@router.get("/cards", response_model=models.Paged[models.Card], tags=["cards"], openapi_extra=PUBLIC)
def published_cards(found: ServiceDep, paging: PageDep,
                    standard: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    """Every published card, newest first."""
    with found.db.transaction() as tx:
        rows = cards.listing(tx, None, after_pair(paging), paging.limit + 1, standard)
    return paged(rows, paging.limit, lambda r: [r["created"], r["digest"]], card_view)


@router.get("/orgs/{org}/cards", response_model=models.Paged[models.Card], tags=["cards"], openapi_extra=MEMBER)
def org_cards(org: str, found: ServiceDep, who: CallerDep, paging: PageDep,
              standard: Annotated[str | None, Query(max_length=100)] = None) -> dict[str, Any]:
    """The organisation's cards, published or not, newest first."""
    with found.db.transaction() as tx:
        rows = cards.listing(tx, org_of(tx, who, org)["id"], after_pair(paging), paging.limit + 1, standard)
    return paged(rows, paging.limit, lambda r: [r["created"], r["digest"]], card_view)


def _publication(org: str, digest: str, found: Any, who: Any, published: bool) -> dict[str, Any]:
    with found.db.transaction(write=True) as tx:
        org_row = org_of(tx, who, org, "publish")
        if cards.held(tx, org_row["id"], digest) is None:
            raise not_found("card")
        cards.set_published(tx, org_row["id"], digest, published)
        return card_view(cards.held(tx, org_row["id"], digest))


@router.put("/orgs/{org}/cards/{digest}/publication", response_model=models.Card, tags=["cards"],
            openapi_extra=PUBLISH)
def publish_card(org: str, digest: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """Publish the card: anyone may fetch it, and it enters the standard's leaderboard."""
    return _publication(org, digest, found, who, True)


@router.delete("/orgs/{org}/cards/{digest}/publication", response_model=models.Card, tags=["cards"],
               openapi_extra=PUBLISH)
def unpublish_card(org: str, digest: str, found: ServiceDep, who: CallerDep) -> dict[str, Any]:
    """Make the card private to the organisation again."""
    return _publication(org, digest, found, who, False)


@router.get("/leaderboards/{standard}", response_model=models.Leaderboard, tags=["cards"], openapi_extra=PUBLIC)
def leaderboard(standard: str, found: ServiceDep) -> dict[str, Any]:
    """The latest published card of each dataset version against the standard, best first."""
    _standard(standard)
    with found.db.transaction() as tx:
        rows = cards.leaderboard(tx, standard)
    return {"standard": standard, "rows": [{**card_view(r), "rank": r["rank"]} for r in rows]}


def _standard(standard_id: str) -> Any:
    found = standards.standard(standard_id)
    if found is None:
        raise not_found("standard")
    return found


def standard_view(standard: Any, detailed: bool) -> dict[str, Any]:
    view = {"id": standard.id, "version": str(standard.version), "status": standard.status, "title": standard.title,
            "scale": standard.scale}
    if detailed:
        view["dimensions"] = [{"code": d.code, "name": d.name, "weight": d.weight,
                               "indicators": [{"code": i.code, "name": i.name} for i in d.indicators]}
                              for d in standard.dimensions]
    return view


@router.get("/standards", response_model=list[models.Standard], tags=["standards"], openapi_extra=PUBLIC)
def list_standards() -> list[dict[str, Any]]:
    """The standards cards can be made against: the shipped ones and those installed by plugins."""
    return [standard_view(_standard(name), False) for name in standards.standard_ids()]


@router.get("/standards/{standard}", response_model=models.Standard, tags=["standards"], openapi_extra=PUBLIC)
def get_standard(standard: str) -> dict[str, Any]:
    return standard_view(_standard(standard), True)

