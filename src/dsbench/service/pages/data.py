"""What the public pages show, read from published cards only: the latest cards, a standard's parts,
a leaderboard's rows (sorted, filtered, as CSV), a dataset's cards and history (with a small SVG
chart), one card. Nothing here reads an unpublished card: every query asks ``published IS NOT NULL``
or goes through :func:`dsbench.service.cards.visible` with no organisation."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Mapping

from dsbench.i18n import LABELS, name, score_text, t
from dsbench.service import cards
from dsbench.service.cards import CARD_COLUMNS, CARD_FROM
from dsbench.service.database import Transaction
from dsbench.service.deps import moment

DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
MAX_DOCUMENTS = 1024  # card documents kept in memory (cards never change)
LATEST = 10  # cards on the home page
BASE_COLUMNS = ("rank", "org", "dataset", "version", "score", "grade")
BASE_LABELS = ("col_rank", "web_org", "col_dataset", "version", "col_score", "col_grade")


class Documents:
    """Card documents by blob digest, read once from the blob store and kept (bounded)."""

    def __init__(self) -> None:
        self._kept: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def read(self, blobs: Any, blob: str) -> dict[str, Any]:
        with self._lock:
            found = self._kept.get(blob)
        if found is None:
            found = json.loads(blobs.read_bytes(blob))
            with self._lock:
                if len(self._kept) >= MAX_DOCUMENTS:  # the oldest out
                    self._kept.pop(next(iter(self._kept)))
                self._kept[blob] = found
        return found


DOCUMENTS = Documents()


def bounds(found: Any) -> list[float]:
    """The numbers a score is held against (grade bands, score gates): shown on the right side of each."""
    return [level.min_score for level in found.levels] + [g.value for g in found.gates
                                                         if g.type == "min_score" and g.value is not None]


def score(value: Any, against: list[float] | None = None) -> str:
    return score_text(value, 1, bounds=against or ())


def status_word(status: Any, lang: str) -> str:
    return t(status, lang) if isinstance(status, str) and status in LABELS else "—"


def latest_cards(tx: Transaction) -> list[dict[str, Any]]:
    return cards.listing(tx, None, None, LATEST)


def gate_condition(gate: Any, lang: str) -> str:
    """What a gate of the standard asks, in ``lang``."""
    from dsbench.render._shared import severity_word, weight_text

    threshold = weight_text(gate.value) if gate.value is not None else ""
    if gate.type == "min_score":
        return t("gate_min_score", lang, threshold=threshold)
    if gate.type == "min_dimension_score":
        return (t("gate_dimension", lang, code=gate.dimension, threshold=threshold) if gate.dimension
                else t("gate_every_dimension", lang, threshold=threshold))
    if gate.type == "min_indicator_score":
        return t("gate_indicator", lang, code=gate.indicator, threshold=threshold)
    if gate.type == "no_failed_severity":
        return t("gate_no_failed", lang, severity=severity_word(str(gate.severity), lang))
    return gate.description or gate.type


def standard_view(found: Any, lang: str) -> dict[str, Any]:
    """A standard's dimensions (weights and their share of the score), indicators, gates and grade bands."""
    from dsbench.render._shared import weight_text

    total = sum(d.weight for d in found.dimensions) or 1.0
    dimensions = []
    for dimension in found.dimensions:
        inner = sum(i.weight for i in dimension.indicators) or 1.0
        dimensions.append({
            "code": dimension.code, "name": name(dimension.name, lang), "weight": weight_text(dimension.weight),
            "share": f"{100 * dimension.weight / total:.1f} %",
            "indicators": [{"code": i.code, "name": name(i.name, lang), "weight": weight_text(i.weight),
                            "share": f"{100 * dimension.weight / total * i.weight / inner:.1f} %",
                            "unit": t(f"unit_{i.unit}", lang) if f"unit_{i.unit}" in LABELS else (i.unit or "—"),
                            "external": i.evidence != "data",
                            "lower": i.direction != "higher_is_better",
                            "definition": (f"A = {i.a}; B = {i.b}" if i.a and i.b else (i.description or "")),
                            "threshold": weight_text(i.threshold) if i.threshold is not None else ""}
                           for i in dimension.indicators]})
    return {"id": found.id, "title": name(found.title, lang), "version": str(found.version),
            "status": status_word(found.status, lang), "scale": weight_text(found.scale), "dimensions": dimensions,
            "gates": [{"condition": gate_condition(g, lang), "description": g.description if lang == "en" else ""}
                      for g in found.gates],
            "levels": [{"grade": level.grade, "name": name(level.name, lang), "min_score": weight_text(level.min_score),
                        "floor": weight_text(level.min_indicator_score) if level.min_indicator_score else ""}
                       for level in found.levels],
            "profile": found.profile.get("note", "") if lang == "en" else ""}


# -- leaderboards ------------------------------------------------------------------------------------
@dataclass
class Board:
    """A leaderboard as shown: its columns (the base ones, then a dimension each), the rows after the
    filters (a grade; a dimension's minimum score), in the requested order, and how many there were
    before filtering."""

    standard: Any
    columns: list[tuple[str, str]]  # (sort key, heading)
    rows: list[dict[str, Any]]
    total: int
    sort: str
    grade: str
    grades: list[str] = field(default_factory=list)
    dimension: str = ""             # a dimension's code, with minimum
    minimum: float | None = None

    def filters(self) -> dict[str, Any]:
        """The query parameters of the filters applied (for links that keep them)."""
        shown = {"grade": self.grade, "dimension": self.dimension if self.minimum is not None else ""}
        if shown["dimension"]:
            shown["min"] = format(self.minimum, "g")
        return shown


def heading(text: str) -> str:
    return text[:1].upper() + text[1:]


def dimension_key(code: str) -> str:
    return f"d{code}"


def board(tx: Transaction, blobs: Any, found: Any, lang: str, query: Mapping[str, str],
          campaign: dict[str, Any] | None = None) -> Board:
    """The leaderboard of the standard ``found`` (a campaign's, given one) as ``query`` asks: ``sort``
    (a column's key, ``-`` first for descending), ``grade``, and ``dimension`` with ``min`` (rows whose
    score in that dimension is at least ``min``). Values it does not know are ignored."""
    rows = []
    for row in cards.leaderboard(tx, found.id, campaign):
        kept = row["dimension_scores"]  # NULL for cards kept before migration 0004: read from the document
        dims = json.loads(kept) if kept else cards.dimension_scores(DOCUMENTS.read(blobs, row["blob"]))
        rows.append({**row, "dimensions": {dimension_key(d.code): (dims.get(d.code) or [None, None])[0]
                                           for d in found.dimensions},
                     "statuses": {dimension_key(d.code): (dims.get(d.code) or [None, None])[1]
                                  for d in found.dimensions}})
    columns = [(key, heading(t(label, lang))) for key, label in zip(BASE_COLUMNS, BASE_LABELS)]
    columns += [(dimension_key(d.code), f"{d.code} {name(d.name, lang)}") for d in found.dimensions]
    keys = {key for key, _ in columns}
    sort = query.get("sort") or ""
    sort = sort if sort.lstrip("-") in keys else "rank"
    grades = [level.grade for level in found.levels]
    grade = query.get("grade") if query.get("grade") in grades else ""
    dimension = query.get("dimension") or ""
    minimum = _number_in(query.get("min"), 0.0, float(found.scale))
    total = len(rows)
    if grade:
        rows = [r for r in rows if r["grade"] == grade]
    if dimension in {d.code for d in found.dimensions} and minimum is not None:
        key = dimension_key(dimension)
        rows = [r for r in rows if r["dimensions"][key] is not None and r["dimensions"][key] >= minimum]
    else:
        dimension, minimum = "", None
    return Board(found, columns, ordered(rows, sort, grades), total, sort, grade, grades, dimension, minimum)


def _number_in(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text) if text else None
    except ValueError:
        return None
    return value if value is not None and low <= value <= high else None


def ordered(rows: list[dict[str, Any]], sort: str, grades: list[str]) -> list[dict[str, Any]]:
    """``rows`` by the column ``sort`` (``-`` first: descending); rows without a value last either way,
    then by rank."""
    key, descending = sort.lstrip("-"), sort.startswith("-")

    def value(row: dict[str, Any]) -> Any:
        if key in ("org", "dataset", "version"):
            return row[key]
        if key == "grade":
            return grades.index(row["grade"]) if row["grade"] in grades else None
        if key in ("rank", "score"):
            return row[key]
        return row["dimensions"].get(key)

    def rank(row: dict[str, Any]) -> tuple:
        return (row["rank"] is None, row["rank"] or 0, row["org"], row["dataset"], row["version"])

    present = sorted((r for r in rows if value(r) is not None), key=rank)
    present.sort(key=value, reverse=descending)  # stable: ties keep the rank order
    return present + sorted((r for r in rows if value(r) is None), key=rank)


def board_csv(shown: Board) -> str:
    """The rows as CSV (UTF-8, a header row; scores as stored, unrounded)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    dims = [key for key, _ in shown.columns[len(BASE_COLUMNS):]]
    writer.writerow(["rank", "org", "dataset", "version", "score", "grade", "passed", "standard",
                     "standard_version", "digest", "published", *[f"dimension_{k[1:]}" for k in dims]])
    for row in shown.rows:
        writer.writerow([row["rank"] if row["rank"] is not None else "", row["org"], row["dataset"],
                         row["version"], _number(row["score"]), row["grade"] or "", "yes" if row["passed"] else "no",
                         row["standard"], row["standard_version"], row["digest"], moment(row["published"]),
                         *[_number(row["dimensions"][k]) for k in dims]])
    return out.getvalue()


def _number(value: Any) -> str:
    return "" if value is None else repr(float(value))


# -- datasets and cards ---------------------------------------------------------------------------------
def dataset_cards(tx: Transaction, org: str, dataset: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The dataset's titles and its published cards, oldest first ((None, []) when it has none)."""
    rows = tx.all(f"SELECT {CARD_COLUMNS} {CARD_FROM} WHERE o.name = ? AND d.name = ? AND c.published IS NOT NULL "
                  "ORDER BY c.created, c.digest", (org, dataset))
    if not rows:
        return None, []
    titles = tx.one("SELECT d.title AS dataset_title, o.title AS org_title FROM datasets d JOIN orgs o "
                    "ON o.id = d.org_id WHERE o.name = ? AND d.name = ?", (org, dataset))
    return titles, rows


def published_card(tx: Transaction, digest: str) -> dict[str, Any] | None:
    if not DIGEST.fullmatch(digest):
        return None
    row = cards.visible(tx, digest, [])
    return row if row is not None and row["published"] is not None else None


def history_chart(points: list[tuple[str, float | None]], scale: float, label: str) -> str:
    """A small SVG line chart of scores (0..scale) over versions, oldest left: escaped text, no style
    attribute (the pages' Content-Security-Policy allows none), a title per point."""
    from html import escape

    width, height, left, right, top, bottom = 640, 220, 44, 16, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)

    def x(index: int) -> float:
        return left + (index * step if len(points) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - max(0.0, min(float(value), scale)) / scale)

    parts = [f'<svg class="history" role="img" aria-label="{escape(label)}" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for tick in (0, 0.25, 0.5, 0.75, 1):
        value = scale * tick
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
                     'stroke="#d8dee4" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="11" '
                     f'fill="#5d646d">{value:g}</text>')
    scored = [(i, v) for i, (_, v) in enumerate(points) if v is not None]
    if len(scored) > 1:
        line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in scored)
        parts.append(f'<polyline points="{line}" fill="none" stroke="#0072B2" stroke-width="2"/>')
    for index, (version, value) in enumerate(points):
        shown = version if len(version) <= 14 else version[:13] + "…"
        parts.append(f'<text x="{x(index):.1f}" y="{height - bottom + 18}" text-anchor="middle" font-size="11" '
                     f'fill="#1f2328">{escape(shown)}</text>')
        if value is not None:
            parts.append(f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="4" fill="#0072B2">'
                         f'<title>{escape(version)}: {score_text(value)}</title></circle>')
    parts.append("</svg>")
    return "".join(parts)
