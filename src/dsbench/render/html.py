"""The score card as one self-contained HTML page for a reviewer.

Inline CSS and SVG only: no script, no network (a Content-Security-Policy forbids both), a print
stylesheet, and <details> for the long parts. The charts are drawn with matplotlib as SVG when it is
installed (``pip install dsbench[report]``); the page says so in their place otherwise. The same card
and language give the same bytes: every value is formatted here, the SVG ids are salted with a
constant and the SVG carries no date.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from dsbench.render import _shared as s
from dsbench.render.i18n import name, t
from dsbench.render._shared import card_number

FILENAME = "card.html"
MEDIA_TYPE = "text/html"

TEMPLATES = Path(__file__).parent / "templates"
MAX_ROWS = 50  # expectation rows per indicator (failures come first); the rest is counted
TOP_VALUES = 5  # unexpected values shown per expectation
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC", "Hiragino Sans GB", "Heiti SC",
             "Droid Sans Fallback", "AR PL UMing CN")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts", "/Library/Fonts",
             "/System/Library/Fonts", "~/Library/Fonts", "C:/Windows/Fonts")
CJK_FILE_NAMES = re.compile(r"wqy|cjk|sourcehan|notosanssc|notoserifsc|msyh|simhei|simsun|pingfang|hiragino|"
                            r"stheiti|droidsansfallback|uming|ukai", re.I)
CJK_INSTALL_HINT = ("dsbench: the Chinese charts show codes, not names: matplotlib knows no CJK font. Install one "
                    "(Debian/Ubuntu: apt-get install fonts-wqy-microhei; Fedora: dnf install wqy-microhei-fonts) "
                    "and render again.")
CJK_STALE_HINT = ("dsbench: matplotlib's font cache predates the CJK font {font}, which this run added. To refresh "
                  "the cache for good, delete {cache}.")
CJK_UNUSABLE_HINT = ("dsbench: the Chinese charts show codes, not names: the CJK font {path} is installed but "
                     "matplotlib cannot load it. Delete {cache} to rebuild matplotlib's font cache.")
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C7A00", "#555555")
MUTED = "#8a8f98"
SVG_SALT = "dsbench-card"


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True)


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
    dsbench.validation.rows.link_failing_rows, which records ``href`` relative to the card)."""
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
        "grade_name": s.grade_name(card, lang),
        "bands": s.grade_bands(card, lang),
        "has_grade": bool(card.get("grade")),
        "passed": bool(card.get("passed")),
        "verdict": s.verdict(card, lang),
        "gates": [{"passed": bool(g.get("passed")), "status_word": s.gate_status(g, lang),
                   "type": g.get("type", ""), "condition": s.gate_condition(g, lang),
                   "description": s.gate_description(g, lang),
                   "threshold": s.gate_threshold(g, lang),
                   "observed": s.gate_observed(g, lang, card)} for g in card.get("gates", [])],
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
    return _environment().get_template("card.html.j2").render(**context)


def compact(card: dict, lang: str = "en") -> str:
    """A small summary table (score, grade, passed, dimensions): ScoreCard._repr_html_ in Jupyter."""
    from dsbench.render import check_language

    check_language(lang)
    return _environment().get_template("compact.html.j2").render(**_context(card, lang)).strip()


# ---------------------------------------------------------------------------------------------- charts


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The CJK font of Chinese charts, None when there is none (the charts then show codes). Found
    once per process by :func:`find_cjk_font` in matplotlib's font manager, which gains a font that
    is installed but missing from its cache; a hint saying what to do goes to stderr, once."""
    from matplotlib import font_manager

    font, hint = find_cjk_font(font_manager.fontManager)
    if hint:
        print(hint, file=sys.stderr)
    return font


def find_cjk_font(manager: Any, system_fonts: list[str] | None = None) -> tuple[str | None, str | None]:
    """(font, hint) for Chinese charts, from ``manager`` (a matplotlib FontManager): a CJK font it
    knows and no hint; else, when the system has one (``system_fonts``, default
    :func:`system_cjk_fonts`) that matplotlib's font cache predates, that font added to ``manager``
    and a hint that the cache is stale and how to refresh it; else None and how to install one."""
    known = {entry.name for entry in manager.ttflist}
    font = next((name for name in CJK_FONTS if name in known), None)
    if font is not None:
        return font, None
    files = system_cjk_fonts() if system_fonts is None else list(system_fonts)
    if not files:
        return None, CJK_INSTALL_HINT
    by_path = {os.path.realpath(entry.fname): entry.name for entry in manager.ttflist}
    font = next((by_path[os.path.realpath(f)] for f in files if os.path.realpath(f) in by_path), None)
    if font is not None:  # known to matplotlib under a name not in CJK_FONTS
        return font, None
    for path in files:
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue
    added = [entry.name for entry in manager.ttflist if os.path.realpath(entry.fname) in
             {os.path.realpath(f) for f in files}]
    import matplotlib

    cache = Path(matplotlib.get_cachedir()) / "fontlist-*.json"
    if not added:
        return None, CJK_UNUSABLE_HINT.format(path=files[0], cache=cache)
    font = next((name for name in CJK_FONTS if name in added), added[0])
    return font, CJK_STALE_HINT.format(font=font, cache=cache)


def system_cjk_fonts() -> list[str]:
    """Font files (TrueType, OpenType) installed on the system that cover Chinese, sorted: as
    fontconfig lists them (``fc-list :lang=zh``), or without fontconfig, the files of the usual font
    directories named like common CJK fonts."""
    try:
        listed = subprocess.run(["fc-list", "--format=%{file}\\n", ":lang=zh"], capture_output=True,
                                text=True, timeout=20, check=True).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        listed = [str(path) for folder in FONT_DIRS if Path(folder).expanduser().is_dir()
                  for path in Path(folder).expanduser().rglob("*") if CJK_FILE_NAMES.search(path.name)]
    return sorted({f.strip() for f in listed if f.strip().lower().endswith((".ttf", ".otf", ".ttc"))})


def chart_labels(card: dict, lang: str, cjk: bool) -> tuple[list[str], list[str]]:
    """Labels of the dimension and indicator charts. Chinese names need a CJK font; without one the
    charts show the codes (which the tables beside them name), never boxes for missing glyphs."""
    words = lang != "zh" or cjk

    def label(item: dict) -> str:
        return f"{item['code']} {name(item['name'], lang)}" if words else item["code"]

    dimensions = card.get("dimensions", [])
    return ([label(d) for d in dimensions], [label(i) for d in dimensions for i in d.get("indicators", [])])


def _status_label(status: str, lang: str, cjk: bool) -> str:
    if lang == "zh" and not cjk:
        return {"not_applicable": "n/a", "not_evaluated": "not evaluated"}.get(status, status)
    return s.status_word(status, lang)


def _bars(figure_class: Any, labels: list[str], scores: list[Any], colors: list[str], statuses: list[str],
          scale: float, lang: str, cjk: bool, bar_height: float, texts: list[str] | None = None) -> Any:
    """Horizontal bars of ``scores``; ``texts`` are the values written beside them (as the tables
    write them: never the full scale unless exact)."""
    count = max(1, len(labels))
    figure = figure_class(figsize=(8.0, 0.55 + bar_height * count), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(labels)))
    scores = [card_number(v) for v in scores]
    values = [0.0 if v is None else v for v in scores]
    axes.barh(positions, values, color=colors, height=0.68)
    texts = texts or [s.score_text(v) for v in scores]
    for y, value, status, text in zip(positions, scores, statuses, texts):
        if value is None:
            axes.text(scale * 0.01, y, _status_label(status, lang, cjk), va="center", ha="left",
                      color=MUTED, fontstyle="italic")
        else:
            axes.text(value + scale * 0.01, y, text, va="center", ha="left", color="#1f2328")
    axes.set_yticks(positions, labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)
    axes.set_xlim(0, scale * 1.09)  # room for the value of a full bar
    axes.set_xticks([scale * k / 5 for k in range(6)])
    axes.spines["bottom"].set_bounds(0, scale)
    plain_axes(axes)
    axes.tick_params(axis="y", length=0)
    return figure


def chart_settings(font: str | None) -> dict[str, Any]:
    """matplotlib settings of dsbench's SVG charts: reproducible ids and glyphs drawn as paths (the
    same bytes on every run), DejaVu Sans with ``font`` (a CJK font) as fallback, quiet axes."""
    return {"svg.hashsalt": SVG_SALT, "svg.fonttype": "path", "font.family": ["DejaVu Sans"] + ([font] if font else []),
            "font.size": 9.0, "axes.edgecolor": "#8a8f98", "axes.linewidth": 0.8, "path.simplify": True}


def plain_axes(axes: Any, axis: str = "x") -> None:
    """Light grid lines on ``axis`` ("x", "y" or "both") behind the data, no top or right frame."""
    axes.grid(True, axis=axis, color="#e3e6ea", linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def figure_svg(figure: Any, prefix: str, label: str) -> str:
    """The figure as an inline <svg> element: no XML prologue, no comments, ids made unique per chart."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', text)
    text = text.replace('xlink:href="#', f'xlink:href="#{prefix}-').replace("url(#", f"url(#{prefix}-")
    from markupsafe import escape

    return text.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" class="chart" ', 1)


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
        dimension_figure = _bars(Figure, dimension_labels, [d.get("score") for d in dimensions], colors,
                                 [d.get("status", "") for d in dimensions], scale, lang, font is not None, 0.38,
                                 [s.dimension_score(card, d) for d in dimensions])
        indicator_figure = _bars(Figure, indicator_labels, [i.get("score") for i in indicators],
                                 indicator_colors, [i.get("status", "") for i in indicators], scale, lang,
                                 font is not None, 0.26, [s.indicator_score(card, i) for i in indicators])
        return {"dimensions": Markup(figure_svg(dimension_figure, "chart-d", s.word("dimension_chart", lang))),
                "indicators": Markup(figure_svg(indicator_figure, "chart-i", s.word("indicator_chart", lang)))}
