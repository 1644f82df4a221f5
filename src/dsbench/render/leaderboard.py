"""The leaderboard of a corpus rendered as CSV, Markdown and one self-contained HTML page with charts.

The renderings read the ranked rows (:func:`dsbench.corpus.leaderboard.leaderboard_rows`) and the
standards, nothing else. Every value is formatted here, so the same rows give the same bytes. The
charts (a histogram of scores and box plots of dimension scores, per standard) are inline SVG
drawn by matplotlib when it is installed; the page says so in their place otherwise.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Sequence

from dsbench.i18n import name, t
from dsbench.i18n import score_text as bounded_score_text
from dsbench.scoring.standard import Standard

FILES = ("leaderboard.csv", "leaderboard.md", "leaderboard.html")
TEMPLATE = "leaderboard.html.j2"
HISTOGRAM_BINS = 20

# A row (dsbench.corpus.leaderboard.Row) has: standard, dataset, rank, score, grade, passed,
# dimensions (dimension id -> score) and error; the renderings read nothing else.


# --------------------------------------------------------------------------------------------- text


def _dimension_ids(standards: Sequence[Standard]) -> list[str]:
    """Every dimension id, in order of first appearance: one CSV column each (a row's standard says
    what its dimension means)."""
    return list(dict.fromkeys(d.id for s in standards for d in s.dimensions))


def _csv_number(value: float | None) -> str:
    return "" if value is None else repr(value)


def render_csv(rows: Sequence[Any], standards: Sequence[Standard]) -> str:
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


def _summary(rows: Sequence[Any], standards: Sequence[Standard], lang: str) -> str:
    failed = sum(r.error is not None for r in rows)
    return t("leaderboard_summary", lang, datasets=_counted("dataset", len({r.dataset for r in rows}), lang),
             standards=_counted("standard", len(standards), lang), scored=len(rows) - failed, failed=failed)


def _heading(standard: Standard, lang: str) -> str:
    return t("leaderboard_heading", lang, id=standard.id, title=name(standard.title, lang), version=standard.version)


def _dimension_label(dimension: Any, lang: str) -> str:
    return f"{dimension.code} {name(dimension.name, lang)}"


def _columns(lang: str) -> list[str]:
    return [t(f"col_{key}", lang) for key in ("rank", "dataset", "score", "grade", "passed")]


def render_markdown(rows: Sequence[Any], standards: Sequence[Standard], lang: str = "en") -> str:
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


def render_html(rows: Sequence[Any], standards: Sequence[Standard], lang: str = "en") -> str:
    from dsbench.render import page_templates

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
    return page_templates().get_template(TEMPLATE).render(summary=_summary(rows, standards, lang), sections=sections,
                                                        html_lang="zh-CN" if lang == "zh" else lang,
                                                        w=lambda key: t(key, lang))


def charts(rows: Sequence[Any], standard: Standard, lang: str = "en") -> dict[str, Any] | None:
    """{"distribution": svg, "dimensions": svg} of one standard's rows as markupsafe.Markup, or None
    without matplotlib. Chinese words need a CJK font: without one the charts keep English axis titles
    and dimension codes (the table beside them names them), never boxes for missing glyphs."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from markupsafe import Markup

    from dsbench.render.charts import PALETTE, chart_settings, cjk_font, figure_svg, plain_axes

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


def render_leaderboard(rows: Sequence[Any], standards: Sequence[Standard], lang: str = "en") -> dict[str, str]:
    """File name -> text of the three leaderboards (Markdown and HTML in ``lang``, the CSV
    language-neutral); nothing is written here."""
    return dict(zip(FILES, (render_csv(rows, standards), render_markdown(rows, standards, lang),
                            render_html(rows, standards, lang))))


__all__ = ["FILES", "charts", "render_csv", "render_html", "render_leaderboard", "render_markdown"]
