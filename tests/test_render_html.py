"""The HTML rendering of a card: self-contained, deterministic, in both languages, escaped."""

from __future__ import annotations

import html as htmllib
import os
import re
import subprocess
import sys
import time
import warnings

import pytest

from dsbench.render import html
from dsbench.i18n import t
from tests.conftest import ROOT
from tests.render_cards import (FLIGHTS_GBT, HOSTILE_NAME, PENGUINS_TC609, PIPE, SCRIPT, TICKS,
                                dimension_names, golden, hostile, indicator_names)

LANGS = ("en", "zh")


def visible(page: str) -> str:
    """The page's text as a reader sees it: no charts, no tags, entities decoded."""
    page = re.sub(r"<svg.*?</svg>", "", page, flags=re.S)
    page = re.sub(r"<style>.*?</style>", "", page, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_module_contract():
    assert html.FILENAME == "card.html"
    assert html.MEDIA_TYPE == "text/html"


@pytest.mark.parametrize("lang", LANGS)
def test_same_card_gives_the_same_bytes(lang):
    card = golden(PENGUINS_TC609)
    assert html.render(card, lang) == html.render(card, lang)


def test_same_bytes_in_another_process():
    """Hash randomisation, font caches and matplotlib's global state must not reach the page."""
    program = ("import json, sys; from dsbench.render import html; "
               f"sys.stdout.write(html.render(json.load(open({str(PENGUINS_TC609)!r})), 'zh'))")
    runs = [subprocess.run([sys.executable, "-c", program], capture_output=True, check=True, cwd=ROOT,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")]
    assert runs[0] == runs[1] == html.render(golden(PENGUINS_TC609), "zh").encode("utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_content_in_each_language(lang):
    card = golden(PENGUINS_TC609)
    page = html.render(card, lang)
    text = visible(page)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    assert f"{card['score']:.1f}" in text and "/ 100" in text
    assert t("no_grade", lang) in text and t("pass_fail_only", lang) in text  # tc609 has no grade levels
    assert t("verdict_fail", lang) in text
    assert card["standard"]["title"][lang] in text
    assert "tc609-5-2025-04" in text and "2025" in text
    for label in dimension_names(card, lang) + indicator_names(card, lang):
        assert label in text, label
    other = "zh" if lang == "en" else "en"
    assert not [n for n in dimension_names(card, other) if n in text]
    assert t("gates", lang) in text and t("dimensions", lang) in text
    assert card["digest"] in text
    assert "dsbench verify card.json" in text
    assert card["dataset"]["fingerprint"] in text
    assert "penguins" in text and "344" in text  # table name and rows
    for gate in card["gates"]:  # the standard describes a gate in English only
        assert (gate["description"] in text) == (lang == "en")
    gate = next(g for g in card["gates"] if g["type"] == "min_dimension_score")
    assert f"01: {gate['observed']['01']:.1f}" in text  # the gate's observed dimension scores


def test_a_graded_passing_card():
    card = golden(FLIGHTS_GBT)
    text = visible(html.render(card, "en"))
    assert f"{card['score']:.1f}" in text and card["grade"] in text and t("verdict_pass", "en") in text
    for table in card["dataset"]["tables"]:
        assert table["name"] in text and f"{table['rows']:,}" in text
    assert "SJU" in text  # a top unexpected value of a failed foreign-key check


def test_self_contained_and_without_script():
    page = html.render(golden(PENGUINS_TC609), "en")
    assert "default-src 'none'" in page  # the page itself forbids scripts and fetches
    assert "<script" not in page.lower()
    assert not re.search(r"\b(src|href)=[\"']?(https?:|//)", page)
    assert "@import" not in page and "url(http" not in page and "<link" not in page
    assert "@media print" in page
    assert "<details" in page


@pytest.mark.parametrize("lang", LANGS)
def test_values_from_the_data_are_escaped(lang):
    card = hostile()
    page = html.render(card, lang)
    assert "<script" not in page.lower()
    assert "<img" not in page
    assert htmllib.escape(SCRIPT, quote=False) in page
    assert htmllib.escape(HOSTILE_NAME, quote=False) in page
    text = visible(page)
    for value in (SCRIPT, PIPE, TICKS, HOSTILE_NAME):
        assert value in text, value
    compact = html.compact(card, lang)
    assert "<img" not in compact and htmllib.escape(HOSTILE_NAME, quote=False) in compact


def test_without_matplotlib_the_page_says_how_to_get_charts(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    card = golden(PENGUINS_TC609)
    assert html.charts(card, "en") is None
    for lang in LANGS:
        page = html.render(card, lang)
        assert "<svg" not in page
        assert "pip install dsbench[report]" in page
        for label in dimension_names(card, lang):
            assert label in visible(page)
    assert html.render(card, "en") == html.render(card, "en")


def test_charts_are_inline_svg_with_unique_ids():
    pytest.importorskip("matplotlib")
    page = html.render(golden(PENGUINS_TC609), "en")
    charts = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(charts) == 2
    assert all('class="chart"' in chart and 'role="img"' in chart for chart in charts)
    ids = re.findall(r'\bid="([^"]+)"', "".join(charts))
    assert len(ids) == len(set(ids)), "element ids repeat between the charts"
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", "".join(charts)), "the SVG carries a date"


def test_chinese_charts_fall_back_to_codes_without_a_cjk_font(monkeypatch):
    pytest.importorskip("matplotlib")
    card = golden(PENGUINS_TC609)
    dimensions, indicators = html.chart_labels(card, "zh", cjk=False)
    assert dimensions == [d["code"] for d in card["dimensions"]]
    assert indicators == [i["code"] for d in card["dimensions"] for i in d["indicators"]]
    with_font = html.chart_labels(card, "zh", cjk=True)
    assert with_font[0][0] == f"01 {card['dimensions'][0]['name']['zh']}"
    assert html.chart_labels(card, "en", cjk=False)[0][0] == "01 Documentation"
    monkeypatch.setattr(html, "cjk_font", lambda: None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn ("Glyph … missing from font")
        page = html.render(card, "zh")
    assert page.count("<svg") == 2


def test_cjk_font_is_found_when_installed():
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    from dsbench.render import charts

    font = charts.cjk_font()  # adds an installed CJK font that matplotlib's font cache predates
    installed = {f.name for f in font_manager.fontManager.ttflist}
    expected = next((f for f in charts.CJK_FONTS if f in installed), None)
    assert font == expected or (expected is None and font in installed)


def test_large_card_is_small_and_quick():
    card = golden(FLIGHTS_GBT)
    html.render(golden(PENGUINS_TC609), "en")  # first use imports jinja2 and matplotlib
    start = time.perf_counter()
    page = html.render(card, "en")
    elapsed = time.perf_counter() - start
    assert len(page.encode("utf-8")) < 1_000_000
    assert elapsed < 2.0, f"rendering took {elapsed:.2f} s"


def test_long_indicators_are_capped(monkeypatch):
    from dsbench.render import _shared

    monkeypatch.setattr(html, "MAX_ROWS", 10)
    card = golden(FLIGHTS_GBT)
    page = html.render(card, "en")
    text = visible(page)
    # 0201 binds dozens of expectations: failures first; the passing generated checks folded apart, and
    # of each list 10 rows are shown and the rest counted.
    indicator = next(i for d in card["dimensions"] for i in d["indicators"] if i["code"] == "0201")
    shown, folded = _shared.split_generated_passes(_shared.fed_results(card, indicator))
    assert len(shown) + len(folded) == len(indicator["results"]) > 20
    assert len(folded) > 10
    assert f"… and {len(folded) - 10} more" in text
    if len(shown) > 10:
        assert f"… and {len(shown) - 10} more" in text


def test_compact_summary():
    card = golden(PENGUINS_TC609)
    for lang in LANGS:
        compact = html.compact(card, lang)
        assert compact.startswith("<table") and "<svg" not in compact
        assert f"{card['score']:.1f}" in compact and t("no_grade", lang) in compact
        assert t("verdict_fail", lang) in htmllib.unescape(compact) and t("pass_fail_only", lang) in compact
        for label in dimension_names(card, lang):
            assert label in compact
        assert len(compact) < 4000


def test_unknown_language_is_refused():
    from dsbench.errors import DsbenchError

    with pytest.raises(DsbenchError):
        html.render(golden(PENGUINS_TC609), "fr")


def test_errors_external_evidence_and_no_gates_render():
    from dsbench.render import markdown

    card = golden(PENGUINS_TC609)
    card["gates"] = []
    indicator = card["dimensions"][2]["indicators"][3]
    indicator.update(status="external", score=96.2, passed=481, evaluated=500, value=0.962,
                     source="label audit of 500 sampled items")
    broken = card["results"][0]
    broken["success"] = False
    broken["exception_info"] = {"raised_exception": True, "exception_message": "Binder Error: <column>",
                                "exception_traceback": None}
    for lang in LANGS:
        text = visible(html.render(card, lang))
        assert "label audit of 500 sampled items" in text and "96.2" in text
        assert "Binder Error: <column>" in text and t("error", lang) in text
        summary = markdown.render(card, lang)
        assert "⚠️" in summary and "Binder Error: &lt;column&gt;" in summary


def test_score_card_repr_html_is_the_compact_summary():
    from dsbench.render.html import compact
    from dsbench.cards.card import ScoreCard
    from tests.conftest import ROOT

    card = ScoreCard.load(ROOT / "reports" / "penguins" / "gbt-36344-2018" / "card.json")
    shown = card._repr_html_()
    assert shown == compact(card.document, "en")
    assert f"{card.score:.1f}" in shown and "gbt-36344-2018" in shown and "<script" not in shown
    assert "A ≥ 95" in shown  # the grade bands
