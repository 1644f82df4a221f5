"""The leaderboard of a corpus: one row per dataset × standard, ranked within each standard, as CSV,
Markdown and one self-contained HTML page with charts.

Rows are read from the cards alone (and the one-line errors of pairs that have none). Within a
standard, rows are sorted by score (highest first), then dataset name; equal scores share a rank
(1, 2, 2, 4); pairs without a score — failed, or nothing applicable — come last, unranked. Every
value is formatted here, so the same cards give the same bytes. The charts (a histogram of scores
and box plots of dimension scores, per standard) are inline SVG drawn by matplotlib when it is
installed; the page says so in their place otherwise.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Mapping, Sequence

from dsbench.i18n import name, t
from dsbench.i18n import score_text as bounded_score_text
from dsbench.render._shared import card_number
from dsbench.scoring.standard import Standard

FILES = ("leaderboard.csv", "leaderboard.md", "leaderboard.html")
HISTOGRAM_BINS = 20


@dataclass(frozen=True)
class Row:
    standard: str
    dataset: str
    rank: int | None
    score: float | None
    grade: str | None
    passed: bool | None
    dimensions: dict[str, float | None]  # dimension id -> score
    error: str | None = None


def leaderboard_rows(standards: Sequence[Standard], cards: Mapping[tuple[str, str], Path],
                     errors: Mapping[tuple[str, str], str]) -> list[Row]:
    """The ranked rows of every (dataset, standard id) in ``cards`` (card paths) and ``errors``
    (messages), standard by standard in the given order."""
    from dsbench.cards.card import CardError, ScoreCard

    rows = []
    for standard in standards:
        unranked = []
        for (dataset, standard_id), path in cards.items():
            if standard_id != standard.id:
                continue
            try:
                card = ScoreCard.load(path).document
            except CardError as error:
                unranked.append(Row(standard.id, dataset, None, None, None, None, {}, str(error)))
                continue
            dimensions = {d["id"]: card_number(d.get("score")) for d in card.get("dimensions", [])}
            unranked.append(Row(standard.id, dataset, None, card_number(card.get("score")), card.get("grade"),
                                card.get("passed"), dimensions))
        unranked += [Row(standard.id, dataset, None, None, None, None, {}, message)
                     for (dataset, standard_id), message in errors.items() if standard_id == standard.id]
        rows.extend(_ranked(unranked))
    return rows


def _ranked(rows: list[Row]) -> list[Row]:
    scored = sorted((r for r in rows if r.score is not None), key=lambda r: (-r.score, r.dataset))
    ranked = []
    for position, row in enumerate(scored, 1):
        tied = ranked and ranked[-1].score == row.score
        ranked.append(replace(row, rank=ranked[-1].rank if tied else position))
    rest = sorted((r for r in rows if r.score is None), key=lambda r: (r.error is not None, r.dataset))
    return ranked + rest


# --------------------------------------------------------------------------------------------- text


def _dimension_ids(standards: Sequence[Standard]) -> list[str]:
    """Every dimension id, in order of first appearance: one CSV column each (a row's standard says
    what its dimension means)."""
    return list(dict.fromkeys(d.id for s in standards for d in s.dimensions))


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(value)


def render_csv(rows: Sequence[Row], standards: Sequence[Standard]) -> str:
    """Columns rank, dataset, standard, score, grade, passed, ``<dimension id>_score`` …, error;
    scores as in the cards, empty when there is none."""
    dimension_ids = _dimension_ids(standards)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["rank", "dataset", "standard", "score", "grade", "passed",
                     *(f"{d}_score" for d in dimension_ids), "error"])
    for row in rows:
        writer.writerow(["" if row.rank is None else row.rank, row.dataset, row.standard,
                         _csv_number(row.score), row.grade or "",
                         "" if row.passed is None else str(row.passed).lower(),
                         *(_csv_number(row.dimensions.get(d)) for d in dimension_ids), row.error or ""])
    return buffer.getvalue()


def score_text(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _passed_class(passed: bool | None) -> str:
    return "" if passed is None else ("yes" if passed else "no")


def _passed_text(passed: bool | None, lang: str) -> str:
    return "" if passed is None else t(_passed_class(passed), lang)


def _counted(key: str, n: int, lang: str) -> str:
    return t(f"n_{key}", lang) if n == 1 else t(f"n_{key}s", lang, n=n)


def _summary(rows: Sequence[Row], standards: Sequence[Standard], lang: str) -> str:
    failed = sum(r.error is not None for r in rows)
    return t("leaderboard_summary", lang, datasets=_counted("dataset", len({r.dataset for r in rows}), lang),
             standards=_counted("standard", len(standards), lang), scored=len(rows) - failed, failed=failed)


def _heading(standard: Standard, lang: str) -> str:
    return t("leaderboard_heading", lang, id=standard.id, title=name(standard.title, lang), version=standard.version)


def _dimension_label(dimension: Any, lang: str) -> str:
    return f"{dimension.code} {name(dimension.name, lang)}"


def _columns(lang: str) -> list[str]:
    return [t(f"col_{key}", lang) for key in ("rank", "dataset", "score", "grade", "passed")]


def render_markdown(rows: Sequence[Row], standards: Sequence[Standard], lang: str = "en") -> str:
    from dsbench.render.markdown import escape

    lines = [f"# {t('leaderboard', lang)}", "", escape(_summary(rows, standards, lang))]
    for standard in standards:
        mine = [r for r in rows if r.standard == standard.id]
        errors = any(r.error for r in mine)
        header = [*_columns(lang), *(escape(_dimension_label(d, lang)) for d in standard.dimensions),
                  *([t("col_error", lang)] * errors)]
        rules = ["---:", "---", "---:", "---", "---", *(["---:"] * len(standard.dimensions)), *(["---"] * errors)]
        lines += ["", f"## {escape(_heading(standard, lang))}", "", "| " + " | ".join(header) + " |",
                  "| " + " | ".join(rules) + " |"]
        for row in mine:
            cells = ["" if row.rank is None else str(row.rank), escape(row.dataset), _score(row.score, standard),
                     escape(row.grade or ""), _passed_text(row.passed, lang),
                     *(score_text(row.dimensions.get(d.id)) for d in standard.dimensions),
                     *([escape(row.error or "")] * errors)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _score(score: float | None, standard: Standard) -> str:
    """An overall score, on the same side of every grade band and min_score gate as it is."""
    if score is None:
        return ""
    bounds = [level.min_score for level in standard.levels] + [g.value for g in standard.gates if g.type == "min_score"]
    return bounded_score_text(score, 2, bounds=bounds)


# --------------------------------------------------------------------------------------------- html

_PAGE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="dsbench">
<title>{{ w("leaderboard") }}</title>
<style>
body { margin: 0 auto; padding: 24px 28px 40px; max-width: 1120px; color: #1f2328;
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif; }
h1 { font-size: 26px; margin: 2px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d8dee4; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #d8dee4; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.error td { color: #8a5a00; background: #fff3c4; }
.no { color: #b42318; } .yes { color: #1a7f37; }
figure { margin: 12px 0 20px; } figcaption { color: #5d646d; font-size: 12.5px; }
svg.chart { max-width: 100%; height: auto; }
.note { color: #5d646d; font-style: italic; }
</style>
</head>
<body>
<h1>{{ w("leaderboard") }}</h1>
<p>{{ summary }}</p>
{% for section in sections %}
<section>
<h2>{{ section.heading }}</h2>
<table>
<thead><tr><th class="num">{{ w("col_rank") }}</th><th>{{ w("col_dataset") }}</th><th class="num">{{ w("col_score") }}</th><th>{{ w("col_grade") }}</th><th>{{ w("col_passed") }}</th>
{% for name in section.dimensions %}<th class="num">{{ name }}</th>{% endfor %}
{% if section.errors %}<th>{{ w("col_error") }}</th>{% endif %}</tr></thead>
<tbody>
{% for row in section.rows %}
<tr{% if row.error %} class="error"{% endif %}><td class="num">{{ row.rank }}</td><td>{{ row.dataset }}</td><td class="num">{{ row.score }}</td><td>{{ row.grade }}</td><td class="{{ row.passed_class }}">{{ row.passed }}</td>
{% for value in row.dimensions %}<td class="num">{{ value }}</td>{% endfor %}
{% if section.errors %}<td>{{ row.error }}</td>{% endif %}</tr>
{% endfor %}
</tbody>
</table>
{% if section.charts %}
<figure><figcaption>{{ w("score_distribution") }}</figcaption>
{{ section.charts.distribution }}
</figure>
<figure><figcaption>{{ w("dimension_spread") }}</figcaption>
{{ section.charts.dimensions }}
</figure>
{% elif section.charts is none %}
<p class="note">{{ w("no_charts") }}</p>
{% endif %}
</section>
{% endfor %}
</body>
</html>
"""


def render_html(rows: Sequence[Row], standards: Sequence[Standard], lang: str = "en") -> str:
    import jinja2

    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True, keep_trailing_newline=True)
    sections = []
    for standard in standards:
        mine = [r for r in rows if r.standard == standard.id]
        sections.append({
            "heading": _heading(standard, lang),
            "dimensions": [_dimension_label(d, lang) for d in standard.dimensions],
            "errors": any(r.error for r in mine),
            "rows": [{"rank": "" if r.rank is None else r.rank, "dataset": r.dataset,
                      "score": _score(r.score, standard), "grade": r.grade or "",
                      "passed": _passed_text(r.passed, lang), "passed_class": _passed_class(r.passed),
                      "dimensions": [score_text(r.dimensions.get(d.id)) for d in standard.dimensions],
                      "error": r.error or ""} for r in mine],
            # {} when there is nothing to chart; None without matplotlib
            "charts": charts(mine, standard, lang) if any(r.score is not None for r in mine) else {},
        })
    return environment.from_string(_PAGE).render(summary=_summary(rows, standards, lang), sections=sections,
                                                  html_lang="zh-CN" if lang == "zh" else lang,
                                                  w=lambda key: t(key, lang))


def charts(rows: Sequence[Row], standard: Standard, lang: str = "en") -> dict[str, Any] | None:
    """{"distribution": svg, "dimensions": svg} of one standard's rows as markupsafe.Markup, or None
    without matplotlib. Chinese words need a CJK font: without one the charts keep English axis titles
    and dimension codes (the table beside them names them), never boxes for missing glyphs."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from markupsafe import Markup

    from dsbench.render.html import PALETTE, chart_settings, cjk_font, figure_svg, plain_axes

    font = cjk_font() if lang == "zh" else None
    words = lang if lang != "zh" or font else "en"  # the language the chart's glyphs can show
    settings = chart_settings(font)
    scale = standard.scale
    scores = [r.score for r in rows if r.score is not None]
    dimensions = [(_dimension_label(d, lang) if words == lang else d.code, [r.dimensions[d.id] for r in rows
                                                 if r.dimensions.get(d.id) is not None])
                  for d in standard.dimensions]
    dimensions = [(label, values) for label, values in dimensions if values]
    with matplotlib.rc_context(settings):
        histogram = Figure(figsize=(8.0, 2.6), layout="constrained")
        axes = histogram.add_subplot()
        axes.hist(scores, bins=[scale * k / HISTOGRAM_BINS for k in range(HISTOGRAM_BINS + 1)],
                  color=PALETTE[0], edgecolor="white")
        axes.set_xlim(0, scale)
        axes.set_xlabel(t("col_score", words))
        axes.set_ylabel(t("col_datasets", words))
        axes.yaxis.get_major_locator().set_params(integer=True)
        plain_axes(axes)
        boxes = Figure(figsize=(8.0, 0.6 + 0.42 * max(1, len(dimensions))), layout="constrained")
        axes = boxes.add_subplot()
        positions = list(range(len(dimensions)))
        # matplotlib 3.10 renamed vert=False to orientation="horizontal" (and deprecated the former)
        sideways = ({"orientation": "horizontal"} if _version(matplotlib) >= (3, 10)
                    else {"vert": False})
        axes.boxplot([values for _, values in dimensions], positions=positions, widths=0.55,
                     medianprops={"color": PALETTE[1]}, flierprops={"markersize": 3}, **sideways)
        for y, (_, values) in zip(positions, dimensions):
            axes.plot(values, [y] * len(values), "o", color=PALETTE[0], alpha=0.45, markersize=3)
        axes.set_yticks(positions, [label for label, _ in dimensions])
        axes.set_ylim(len(dimensions) - 0.5, -0.5)
        axes.set_xlim(0, scale * 1.02)  # room for the markers of full scores
        axes.set_xlabel(t("col_score", words))
        plain_axes(axes)
        prefix = f"lb-{standard.id}"
        return {"distribution": Markup(figure_svg(histogram, f"{prefix}-h",
                                                  t("score_distribution_of", lang, id=standard.id))),
                "dimensions": Markup(figure_svg(boxes, f"{prefix}-d", t("dimension_spread_of", lang, id=standard.id)))}


def _version(module: Any) -> tuple[int, int]:
    major, minor = module.__version__.split(".")[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


# ------------------------------------------------------------------------------------------ writing


def render_leaderboard(rows: Sequence[Row], standards: Sequence[Standard], lang: str = "en") -> dict[str, str]:
    """File name -> text of the three leaderboards (Markdown and HTML in ``lang``, the CSV
    language-neutral); nothing is written here."""
    return dict(zip(FILES, (render_csv(rows, standards), render_markdown(rows, standards, lang),
                            render_html(rows, standards, lang))))


def write_leaderboard(out_dir: Path, rows: Sequence[Row], standards: Sequence[Standard],
                      lang: str = "en") -> list[Path]:
    """Render all three, then write each atomically."""
    from dsbench.render import write_all

    return write_all(out_dir, render_leaderboard(rows, standards, lang))


__all__ = ["Row", "charts", "leaderboard_rows", "render_csv", "render_html", "render_leaderboard",
           "render_markdown", "write_leaderboard"]
