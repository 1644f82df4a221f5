"""The score card as one self-contained HTML page for a reviewer.

Inline CSS and SVG only: no script, no network (a Content-Security-Policy forbids both), a print
stylesheet, and <details> for the long parts. The charts are drawn with matplotlib as SVG when it is
installed (``pip install dsbench[report]``); the page says so in their place otherwise. The same card
and language give the same bytes: every value is formatted here, the SVG ids are salted with a
constant and the SVG carries no date.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from dsbench.i18n import name, t
from dsbench.render import _gates as gate_text
from dsbench.render import _shared as s
from dsbench.render import page_templates
from dsbench.render._shared import card_number
from dsbench.render.charts import PALETTE, chart_settings, cjk_font, figure_svg, score_bars

FILENAME = "card.html"
MEDIA_TYPE = "text/html"

MAX_ROWS = 50  # expectation rows per indicator (failures come first); the rest is counted
TOP_VALUES = 5  # unexpected values shown per expectation


def _pct(score: Any, scale: float) -> str:
    """Width of a CSS score bar, as a percentage with one decimal."""
    score = card_number(score)
    if score is None or not scale:
        return "0"
    return f"{max(0.0, min(100.0, 100.0 * score / scale)):.1f}"


def _expectation_row(result: dict, lang: str, counts: dict[str, tuple] | None = None) -> dict:
    """One result as a row. ``counts`` (id -> (A, B)) gives the A/B with which it fed an indicator."""
    status = s.result_status(result)
    measure = result.get("measure") or {}
    passed, evaluated = (counts or {}).get(result.get("id"), (measure.get("passed"), measure.get("evaluated")))
    config = result.get("expectation_config") or {}
    return {
        "status": status,
        "status_word": t(status, lang),
        "type": config.get("type", ""),
        "target": s.target(result),
        "id": result.get("id", ""),
        "suite": result.get("suite", ""),
        "severity": s.severity_word(result.get("severity", ""), lang),
        "fraction": s.fraction_text(passed, evaluated),
        "finding": s.finding(result, lang),
        "samples": [(value, None if count is None else s.fmt_count(count))
                    for value, count in s.samples(result, TOP_VALUES)] if status != "pass" else [],
        "failing_rows": _failing_rows_link(result, lang),
    }


def _failing_rows_link(result: dict, lang: str) -> tuple[str, str] | None:
    """(href, text) of the result's failing-rows file, when the card links it (see
    dsbench.cards.failing_rows.link_failing_rows, which records ``href`` relative to the card)."""
    found = result.get("failing_rows") or {}
    if not found.get("href"):
        return None
    key = "failing_rows_capped" if found.get("capped") else "failing_rows"
    return found["href"], t(key, lang, n=s.fmt_count(found.get("rows", 0)))


def _rows(results: list[dict], lang: str, counts: dict[str, tuple] | None = None) -> dict:
    """The rows of a list of results: failures first, then the passing results written by hand;
    the passing results of generated suites apart (folded). Each list is capped at MAX_ROWS and the
    rest counted."""
    shown, folded = s.split_generated_passes(results)
    return {
        "rows": [_expectation_row(r, lang, counts) for r in shown[:MAX_ROWS]],
        "more": max(0, len(shown) - MAX_ROWS),
        "folded": [_expectation_row(r, lang, counts) for r in folded[:MAX_ROWS]],
        "folded_more": max(0, len(folded) - MAX_ROWS),
        "folded_count": len(folded),
        "count": len(results),
    }


def _table_summary(table: dict, lang: str) -> str:
    """"flights: 19 columns, 1 file"."""
    parts = [s.counted("column", len(table.get("columns", [])), lang)]
    if table.get("files"):
        parts.append(s.counted("file", len(table["files"]), lang))
    return table.get("name", "") + s.word("colon", lang) + s.word("comma", lang).join(parts)


def _indicator(card: dict, indicator: dict, scale: float, lang: str) -> dict:
    bound = s.fed_results(card, indicator)
    counts = s.fed_counts(indicator)
    statuses = [s.result_status(r) for r in bound]
    return {
        "code": indicator["code"], "name": name(indicator["name"], lang),
        "score": s.indicator_score(card, indicator),
        "pct": _pct(indicator.get("score"), scale), "status": indicator.get("status", ""),
        "status_word": s.status_word(indicator.get("status"), lang),
        "unit": s.unit_word(indicator.get("unit"), lang),
        "a_of_b": s.a_of_b(indicator, lang),
        "coverage": s.coverage_text(indicator, lang),
        # A and B in words: the card gives them in English only
        "definition": [(label, indicator[key]) for label, key in (("A", "a"), ("B", "b"))
                       if lang == "en" and indicator.get(key)],
        "weight": s.weight_text(indicator.get("weight", 1)),
        "share": s.share_text(indicator.get("effective_weight"), lang),
        "lower": s.lower_note(indicator, lang),
        "source": indicator.get("source"),
        "failed": sum(x != "pass" for x in statuses),
        "count_text": s.counted("expectation", len(bound), lang),
        **_rows(bound, lang, counts),
    }


def _context(card: dict, lang: str) -> dict:
    scale = s.card_scale(card)
    dimensions = []
    for index, d in enumerate(card.get("dimensions", [])):
        dimensions.append({
            "code": d["code"], "name": name(d["name"], lang), "score": s.dimension_score(card, d),
            "pct": _pct(d.get("score"), scale), "status": d.get("status", ""),
            "status_word": s.status_word(d.get("status"), lang), "weight": s.weight_text(d.get("weight", 1)),
            "share": s.share_text(d.get("effective_weight"), lang),
            "color": PALETTE[index % len(PALETTE)],
            "indicators": [_indicator(card, i, scale, lang) for i in d.get("indicators", [])],
        })
    dataset = card.get("dataset", {})
    tables = [{
        "name": table.get("name", ""), "rows": s.fmt_count(table.get("rows")),
        "ncols": s.fmt_count(len(table.get("columns", []))),
        "summary": _table_summary(table, lang),
        "columns": [(c.get("name", ""), c.get("type", "")) for c in table.get("columns", [])],
        "files": [(f.get("path", ""), s.fmt_count(f.get("bytes")), f.get("sha256", ""))
                  for f in table.get("files", [])],
        "content_hash": table.get("content_hash", ""),
    } for table in dataset.get("tables", [])]
    standard = card.get("standard", {})
    failed = s.failed_results(card)
    return {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else lang,
        "w": functools.partial(_word, lang),
        "headline": s.headline(card),
        "score": s.overall_score(card),
        "scale": s.scale_text(card),
        "pct": _pct(card.get("score"), scale),
        "grade": s.grade_text(card, lang),
        "grade_name": gate_text.grade_name(card, lang),
        "bands": gate_text.grade_bands(card, lang),
        "has_grade": bool(card.get("grade")),
        "passed": bool(card.get("passed")),
        "verdict": s.verdict(card, lang),
        "gates": [{"passed": bool(g.get("passed")), "status_word": gate_text.gate_status(g, lang),
                   "type": g.get("type", ""), "condition": gate_text.gate_condition(g, lang),
                   "description": gate_text.gate_description(g, lang),
                   "threshold": gate_text.gate_threshold(g, lang),
                   "observed": gate_text.gate_observed(g, lang, card)} for g in card.get("gates", [])],
        "dataset": {"name": dataset.get("name", ""), "fingerprint": dataset.get("fingerprint", ""),
                    "tables": tables},
        "manifest_digest": card.get("manifest_digest"),
        "standard": {"id": standard.get("id", ""), "version": standard.get("version", ""),
                     "status": s.status_word(standard.get("status"), lang),
                     "title": s.standard_title(card, lang), "digest": standard.get("digest", "")},
        "dimensions": dimensions,
        "renormalisation": s.renormalisation(card, lang),
        "weakest": [{"code": i["code"], "name": name(i["name"], lang), "dimension": name(d["name"], lang),
                     "score": s.indicator_score(card, i), "unit": s.unit_word(i.get("unit"), lang),
                     "a_of_b": s.a_of_b(i, lang), "coverage": s.coverage_text(i, lang),
                     "lower": s.lower_note(i, lang)}
                    for d, i in s.weakest(card)],
        "failed_count": len(failed),
        "result_count": len(card.get("results", [])),
        "unbound": _rows(s.unbound_results(card), lang),
        "digest": card.get("digest", ""),
        "engine": sorted((card.get("engine") or {}).items()),
        "suites": [{"id": x.get("id", ""), "version": x.get("version", ""), "digest": x.get("digest", ""),
                    "feeds": ", ".join(map(str, x.get("feeds") or [])),
                    "makes_applicable": ", ".join(map(str, x.get("makes_applicable") or []))}
                   for x in card.get("suites", [])],
        "options": json.dumps(card.get("options") or {}, ensure_ascii=False, sort_keys=True),
        "card_version": card.get("card_version", ""),
    }


def _word(lang: str, key: str, **values: Any) -> str:
    return s.word(key, lang, **values)


def render(card: dict, lang: str) -> str:
    """The whole page. ``card`` is the card document (dict), ``lang`` "en" or "zh"."""
    from dsbench.render import check_language

    check_language(lang)
    context = _context(card, lang)
    context["charts"] = charts(card, lang)
    return page_templates().get_template("card.html.j2").render(**context)


def compact(card: dict, lang: str = "en") -> str:
    """A small summary table (score, grade, passed, dimensions): ScoreCard._repr_html_ in Jupyter."""
    from dsbench.render import check_language

    check_language(lang)
    return page_templates().get_template("compact.html.j2").render(**_context(card, lang)).strip()


# ---------------------------------------------------------------------------------------------- charts


def chart_labels(card: dict, lang: str, cjk: bool) -> tuple[list[str], list[str]]:
    """Labels of the dimension and indicator charts. Chinese names need a CJK font; without one the
    charts show the codes (which the tables beside them name), never boxes for missing glyphs."""
    words = lang != "zh" or cjk

    def label(item: dict) -> str:
        return f"{item['code']} {name(item['name'], lang)}" if words else item["code"]

    dimensions = card.get("dimensions", [])
    return ([label(d) for d in dimensions], [label(i) for d in dimensions for i in d.get("indicators", [])])


def charts(card: dict, lang: str) -> dict[str, Any] | None:
    """{"dimensions": svg, "indicators": svg} as markupsafe.Markup, or None without matplotlib."""
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        return None
    from markupsafe import Markup

    font = cjk_font() if lang == "zh" else None
    settings = {**chart_settings(font), "xtick.color": "#4a4f57", "ytick.color": "#1f2328"}
    scale = float(card.get("scale") or 100)
    dimension_labels, indicator_labels = chart_labels(card, lang, font is not None)
    dimensions = card.get("dimensions", [])
    colors = [PALETTE[k % len(PALETTE)] for k in range(len(dimensions))]
    indicator_colors = [colors[k] for k, d in enumerate(dimensions) for _ in d.get("indicators", [])]
    indicators = [i for d in dimensions for i in d.get("indicators", [])]
    with matplotlib.rc_context(settings):
        dimension_figure = score_bars(Figure, dimension_labels, [d.get("score") for d in dimensions], colors,
                                 [d.get("status", "") for d in dimensions], scale, lang, font is not None, 0.38,
                                 [s.dimension_score(card, d) for d in dimensions])
        indicator_figure = score_bars(Figure, indicator_labels, [i.get("score") for i in indicators],
                                 indicator_colors, [i.get("status", "") for i in indicators], scale, lang,
                                 font is not None, 0.26, [s.indicator_score(card, i) for i in indicators])
        return {"dimensions": Markup(figure_svg(dimension_figure, "chart-d", s.word("dimension_chart", lang))),
                "indicators": Markup(figure_svg(indicator_figure, "chart-i", s.word("indicator_chart", lang)))}
