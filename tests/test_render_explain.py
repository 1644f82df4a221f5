"""The card explains its score (issue #13 item 7), in every rendering and in both languages: gates
with threshold and observed value, grade bands, weights and their renormalisation, each indicator's
unit, A/B, coverage and the results that fed it, lower-is-better indicators as a bad share, the
verdict in words, missing documentation, folded passing generated checks, and a score that never
reads as the full scale unless A = B. Expected values are taken from the card, not from today's data."""

from __future__ import annotations

import contextlib
import html as htmllib
import io
import re
import xml.etree.ElementTree as ET

import pytest

from dsbench.render import _gates, _shared, badge, html, junit, markdown
from dsbench.i18n import percent_text, score_text, t
from tests.render_cards import (FLIGHTS_GBT, NEAR_A, NEAR_B, ONLY, PENGUINS_GBT, PENGUINS_TC609, PIPE, SCRIPT,
                                SNOWNLP_GBT, golden, hostile, near_full, with_failed_gate)
from tests.test_render_html import visible
from tests.test_render_markdown import assert_tables_intact

LANGS = ("en", "zh")
# A score that reads as the full scale: "100.0" that is not a percentage (a coverage of 100.0 %).
FULL = re.compile(r"(?<![\d.])100\.0(?!\d)(?!\s?%)")
SVG = "{http://www.w3.org/2000/svg}"


def console(card: dict, lang: str) -> str:
    """What ``dsbench evaluate`` and ``dsbench check`` print for ``card``."""
    from dsbench.render.console import print_card
    from dsbench.cards.card import ScoreCard

    document = ScoreCard.__new__(ScoreCard)
    document.document = card
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_card(document, "card.json", lang=lang)
    return buffer.getvalue()


def badge_title(card: dict, lang: str) -> str:
    return ET.fromstring(badge.render(card, lang)).find(f"{SVG}title").text


def junit_texts(card: dict, lang: str) -> str:
    """The words of the JUnit document: every attribute value and text, unescaped."""
    root = ET.fromstring(junit.render(card, lang).encode("utf-8"))
    return "\n".join([*(v for e in root.iter() for v in e.attrib.values()), *(e.text or "" for e in root.iter())])


def renderings(card: dict, lang: str) -> dict[str, str]:
    return {"html": visible(html.render(card, lang)), "md": markdown.render(card, lang),
            "junit": junit_texts(card, lang), "badge": badge_title(card, lang), "console": console(card, lang)}


def indicator(card: dict, code: str) -> dict:
    return next(i for d in card["dimensions"] for i in d["indicators"] if i["code"] == code)


def pct(fraction: float, lang: str) -> str:
    return f"{100 * fraction:.1f}" + (" %" if lang == "en" else "%")


# -------------------------------------------------------------------- a score is never 100 unless A = B

def test_score_text_never_reads_full_unless_exact():
    near = NEAR_A / NEAR_B * 100
    assert score_text(near) == "100.0"  # unknown exactness: rounded as it is
    assert score_text(near, exact=False) == "99.99"
    assert score_text(100.0, exact=True) == "100.0"
    assert score_text(100.0, exact=False) == "<100"  # a card rounds 1 − 1e-12 to 100.0
    assert score_text(99.99999, exact=False) == "<100"  # beyond three more decimals
    assert score_text(9.9996, exact=False, scale=10) == "9.9996"
    assert score_text(0.004, exact=False) == "0.004"  # never 0.0 unless it is 0
    assert score_text(0.0, exact=False) == "0.0"
    assert score_text(79.84772979, exact=False) == "79.8"
    assert score_text(None) == score_text(None, exact=True) == "—"
    assert percent_text(0.005065, "en") == "0.5 %" and percent_text(0.005065, "zh") == "0.5%"
    assert percent_text(1e-7, "en") not in ("0.0 %", "0.000 %") and percent_text(0.0, "en") == "0.0 %"
    assert percent_text(0.999999, "en") != "100.0 %" and percent_text(1.0, "en") == "100.0 %"


@pytest.mark.parametrize("lang", LANGS)
def test_a_near_full_score_is_never_shown_as_100(lang):
    card = near_full()
    assert f"{card['score']:.1f}" == "100.0"  # what a plain format would show
    for fmt, text in renderings(card, lang).items():
        if fmt == "junit":  # the results' own JSON may hold 100.0 (a percentage): only the words of the score
            text = "\n".join(line for line in text.splitlines() if "result:" not in line)
        assert not FULL.search(text), (fmt, FULL.search(text), text[max(0, FULL.search(text).start() - 200):][:300])
        assert "99.99" in text, fmt
    counts = f"{NEAR_A:,} of {NEAR_B:,}" if lang == "en" else f"{NEAR_B:,} 个单元格中的 {NEAR_A:,} 个"
    item = indicator(card, ONLY)
    assert (item["passed"], item["evaluated"], item["unit"]) == (NEAR_A, NEAR_B, "cells")
    for fmt in ("html", "md", "console"):
        assert counts in renderings(card, lang)[fmt], fmt
    assert "99.99 ·" in badge.texts(card, lang)[1]


def test_an_exact_full_score_reads_100():
    card = near_full(NEAR_B, NEAR_B)
    for fmt, text in renderings(card, "en").items():
        assert FULL.search(text), fmt


def test_score_text_stays_on_its_side_of_every_bound():
    # A grade band at 95: 94.996 misses it and never reads "95.0"; 95 itself reaches it.
    assert score_text(94.996, exact=False, bounds=[95, 90, 80]) == "94.996"
    assert score_text(94.99407583, exact=False, bounds=[95]) == "94.99"
    assert score_text(95.0, exact=False, bounds=[95]) == "95.0"
    assert score_text(94.96, exact=False, bounds=[90, 80]) == "95.0"  # no bound at 95: plain rounding
    assert score_text(94.9999999, exact=False, bounds=[95]) == "<95"  # beyond three more decimals
    assert score_text(89.96, bounds=[90]) == "89.96"  # exactness unknown: the bounds still hold
    assert score_text(96.996, exact=True, bounds=[97]) == "96.996"  # a floor of an indicator


@pytest.mark.parametrize("lang", LANGS)
def test_a_score_just_below_a_grade_band_never_reads_as_reaching_it(lang):
    card = near_full(94_996, 100_000)  # overall 94.996; GB/T's A band starts at 95
    assert f"{card['score']:.1f}" == "95.0" and 95 in [level["min_score"] for level in card["levels"]]
    texts = renderings(card, lang)
    score = t("score", lang)
    assert f"{score} 94.996 / 100" in texts["md"] and f"{score.lower()} 94.996 / 100" in texts["console"]
    assert f"{score} 94.996 / 100" in texts["badge"] and badge.texts(card, lang)[1].startswith("94.996 ·")
    assert f"{score}\n94.996 / 100" in texts["junit"]  # the property named score
    assert _shared.overall_score(card) == "94.996" and "94.996" in texts["html"]
    gate = next(g for g in card["gates"] if g["type"] == "min_score")
    assert _gates.gate_observed(gate, lang, card) == "94.996"


def test_charts_write_the_scores_as_the_tables_do(monkeypatch):
    pytest.importorskip("matplotlib")
    written: list[list[str]] = []
    original = html.score_bars

    def spy(*args, **kwargs):
        written.append(list(args[9]))
        return original(*args, **kwargs)

    monkeypatch.setattr(html, "score_bars", spy)
    assert html.charts(near_full(), "en") is not None
    dimension_texts, indicator_texts = written
    assert "99.99" in dimension_texts and "99.99" in indicator_texts
    assert "100.0" not in dimension_texts + indicator_texts


# ----------------------------------------------------------------------------------------- gates

def _condition(gate: dict, lang: str) -> str:
    if gate["type"] == "min_score":
        return t("gate_min_score", lang, threshold=f"{gate['threshold']:g}")
    if gate["type"] == "min_dimension_score":
        return t("gate_every_dimension", lang, threshold=f"{gate['threshold']:g}")
    return t("gate_no_failed", lang, severity=t(gate["threshold"], lang))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", [PENGUINS_TC609, FLIGHTS_GBT], ids=["tc609", "gbt"])
def test_gates_show_threshold_and_observed(path, lang):
    card = golden(path)
    assert {g["type"] for g in card["gates"]} >= {"no_failed_severity"}
    texts = renderings(card, lang)
    for gate in card["gates"]:
        condition = _condition(gate, lang)
        status = t("gate_met" if gate["passed"] else "gate_not_met", lang)
        if gate["type"] == "min_score":
            observed = f"{gate['observed']:.1f}"
        elif gate["type"] == "min_dimension_score":
            observed = f"01: {gate['observed']['01']:.1f}"
        else:
            observed = t("gate_none_failed", lang)
        for fmt in ("html", "md", "console", "junit"):
            assert condition in texts[fmt], (fmt, condition)
        for fmt in ("html", "md", "console"):
            assert observed in texts[fmt], (fmt, observed)
        assert status in texts["html"] and status in texts["md"]
        line = _gates.gate_line(gate, lang, card)
        assert line.startswith(condition) and observed in line and line.endswith(status)
        if not gate["passed"]:
            assert line in texts["junit"]  # the message of the gate's <failure>


def test_gate_lines_in_words():
    card = golden(FLIGHTS_GBT)
    score_gate, severity_gate = card["gates"]
    assert _gates.gate_line(score_gate, "en", card) == \
        f"overall score ≥ {score_gate['threshold']:g} — observed {card['score']:.1f} — met"
    assert _gates.gate_line(severity_gate, "en", card) == \
        "no critical expectation failed — observed none failed — met"
    failed = with_failed_gate(card, ["id1", "id2"])["gates"][1]
    assert _gates.gate_line(failed, "en", card) == \
        "no critical expectation failed — observed 2 failed: id1, id2 — not met"
    assert _gates.gate_line(failed, "zh", card) == "没有严重级检查项未通过 — 观测值 2 项未通过：id1, id2 — 未达到"
    many = with_failed_gate(golden(FLIGHTS_GBT), [f"id{k}" for k in range(5)])["gates"][1]
    assert _gates.gate_observed(many, "en") == "5 failed: id0, id1, id2 … and 2 more"


def test_an_indicator_gate_names_its_indicator():
    card = golden(FLIGHTS_GBT)
    indicator = next(i for d in card["dimensions"] for i in d["indicators"] if i["code"] == "0402")
    gate = {"type": "min_indicator_score", "passed": False, "description": "", "threshold": 90,
            "observed": {"0402": indicator["score"]}}
    assert indicator["passed"] < indicator["evaluated"]
    assert _gates.gate_line(gate, "en", card) == \
        f"indicator 0402 ≥ 90 — observed 0402: {indicator['score']:.1f} — not met"
    assert _gates.gate_line(gate, "zh", card).startswith("指标 0402 ≥ 90 — 观测值 0402: ")
    # An indicator a gate names that the card lacks reads as a number; one not scored says so.
    assert _gates.gate_observed({**gate, "observed": {"9999": None}}, "en", card) == "9999: —"


def test_failed_gate_ids_are_escaped():
    card = with_failed_gate(hostile(), [SCRIPT, PIPE])
    page = html.render(card, "en")
    assert "<script" not in page.lower() and htmllib.escape(SCRIPT, quote=False) in page
    text = markdown.render(card, "en")
    assert_tables_intact(text)
    assert "<script" not in text and r"a\|b" in text
    ET.fromstring(junit.render(card, "en").encode("utf-8"))


# ----------------------------------------------------------------------------------- grade bands

def _bands(levels: list[dict], lang: str) -> str:
    """The bands as the renderings word them: every grade's score and its floor for every data
    indicator; the last grade, without a bar of its own, is everything else."""
    parts = []
    for level in levels:
        if level["min_score"] <= 0 and not level.get("min_indicator_score"):
            parts.append(f"{level['grade']} {t('otherwise', lang)}")
        else:
            floor = level.get("min_indicator_score")
            parts.append(f"{level['grade']} ≥ {level['min_score']:g}"
                         + (t("band_floor", lang, floor=f"{floor:g}") if floor else ""))
    return " · ".join(parts)


@pytest.mark.parametrize("lang", LANGS)
def test_grade_bands(lang):
    graded, pass_fail = golden(FLIGHTS_GBT), golden(PENGUINS_TC609)
    bands = _bands(graded["levels"], lang)
    if lang == "en":  # GB/T 36344's grades, dsbench's own
        assert bands == ("A ≥ 95, every data indicator ≥ 97 · B ≥ 90, every data indicator ≥ 90 · "
                         "C ≥ 80, every data indicator ≥ 80 · D otherwise")
    assert not pass_fail["levels"]
    for fmt, text in renderings(graded, lang).items():
        assert bands in " ".join(text.split()), fmt  # the console wraps long lines
    for fmt, text in renderings(pass_fail, lang).items():
        assert t("pass_fail_only", lang) in text, fmt
    level = next(level for level in graded["levels"] if level["grade"] == graded["grade"])
    assert level["name"][lang] in renderings(graded, lang)["html"]


# ------------------------------------------------------------------------------------------ weights

@pytest.mark.parametrize("lang", LANGS)
def test_weights_effective_weights_and_renormalisation(lang):
    card = golden(SNOWNLP_GBT)
    dimensions = card["dimensions"]
    indicators = [i for d in dimensions for i in d["indicators"]]
    out = sum(1 for d in dimensions if d["effective_weight"] is None)
    out_indicators = sum(1 for i in indicators if i["effective_weight"] is None)
    assert 0 < out < len(dimensions) and 0 < out_indicators < len(indicators)
    sentences = [t("renormalised_dimensions", lang, n=out, total=len(dimensions)),
                 t("renormalised_indicators", lang, n=out_indicators, total=len(indicators))]
    texts = renderings(card, lang)
    for fmt in ("html", "md", "console", "junit"):
        for sentence in sentences:
            assert sentence in " ".join(texts[fmt].split()), (fmt, sentence)
    text = texts["md"]
    for d in dimensions:
        row = next(line for line in text.splitlines() if line.startswith(f"| {d['code']} | {d['name'][lang]} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[4] == f"{d['weight']:g}"
        assert cells[5] == (pct(d["effective_weight"], lang) if d["effective_weight"] is not None else "—")
    page = html.render(card, lang)
    for i in indicators:
        row = re.search(rf'<tr id="ind-{i["code"]}">.*?</tr>', page, re.S).group()
        cells = [visible(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        assert cells[-2] == f"{i['weight']:g}"
        assert cells[-1] == (pct(i["effective_weight"], lang) if i["effective_weight"] is not None else "—")


def test_nothing_renormalised_is_said_too():
    card = golden(PENGUINS_TC609)
    for d in card["dimensions"]:
        d["indicators"] = [i for i in d["indicators"] if i["effective_weight"] is not None]
    assert _shared.renormalisation(card, "en") == [t("not_renormalised", "en")]
    assert t("not_renormalised", "zh") in markdown.render(card, "zh")


# ------------------------------------------------------------- units, A/B, coverage, results fed

@pytest.mark.parametrize("lang", LANGS)
def test_indicators_show_unit_counts_coverage_and_the_results_that_fed_them(lang):
    card = golden(PENGUINS_GBT)
    item = indicator(card, "0201")
    assert item["unit"] == "cells" and item["passed"] != item["evaluated"] and item["coverage"] is not None
    a, b = f"{item['passed']:,}", f"{item['evaluated']:,}"
    counts = f"{a} of {b} cells" if lang == "en" else f"{b} 个单元格中的 {a} 个"
    coverage = pct(item["coverage"], lang)
    page = html.render(card, lang)
    row = visible(re.search(r'<tr id="ind-0201">.*?</tr>', page, re.S).group())
    assert t("unit_cells", lang) in row and counts in row and coverage in row
    text = markdown.render(card, lang)
    row = next(line for line in text.splitlines() if line.startswith("| 0201 |") and line.count("|") > 10)
    assert t("unit_cells", lang) in row and counts in row and coverage in row
    # every result that fed it, each with its own A/B
    rows = {re.search(r'<span class="eid">(.*?)</span>', r).group(1): r
            for r in re.findall(r'<tr class="(?:pass|fail|error)">.*?</tr>', page, re.S)}
    for entry in item["results"]:
        assert f"{entry['passed']:,} / {entry['evaluated']:,}" in visible(rows[htmllib.escape(entry["id"])])
    shown, folded = _shared.split_generated_passes(_shared.fed_results(card, item))
    for result in shown[:markdown.RESULTS_SHOWN]:
        entry = next(e for e in item["results"] if e["id"] == result["id"])
        assert f"{markdown.escape(result['id'])} {entry['passed']:,} / {entry['evaluated']:,}" in row
    if folded:
        assert markdown.escape(t("passing_generated", lang, n=len(folded))) in row
    # measures have no coverage, and read "A of B" without an element unit
    measure = indicator(card, "0103")
    assert measure["unit"] == "measure" and measure["coverage"] is None
    assert _shared.coverage_text(measure, lang) == "—"
    assert _shared.a_of_b(measure, "en") == f"{measure['passed']:,} of {measure['evaluated']:,}"


def test_long_result_lists_are_limited_in_markdown():
    card = golden(FLIGHTS_GBT)
    text = markdown.render(card, "en")
    for item in (i for d in card["dimensions"] for i in d["indicators"]):
        shown, folded = _shared.split_generated_passes(_shared.fed_results(card, item))
        row = next(line for line in text.splitlines()
                   if line.startswith(f"| {item['code']} |") and line.count("|") > 10)
        if len(shown) > markdown.RESULTS_SHOWN:
            assert f"… and {len(shown) - markdown.RESULTS_SHOWN} more" in row
        if folded:
            assert f"passing generated checks: {len(folded)}" in row
        assert row.count("<br>") <= markdown.RESULTS_SHOWN + 1
    assert "<details>" in text and "</details>" in text
    assert_tables_intact(text)


# ---------------------------------------------------------------------------------- lower is better

@pytest.mark.parametrize("lang", LANGS)
def test_lower_is_better_shows_the_bad_share_as_a_percentage(lang):
    card = golden(SNOWNLP_GBT)
    item = next(i for d in card["dimensions"] for i in d["indicators"]
                if i["direction"] == "lower_is_better" and i["value"] and i["value"] > 0.01)
    share = pct(item["value"], lang)
    note = t("bad_share", lang, value=share, unit=t(f"unit_{item['unit']}", lang))
    for fmt, text in renderings(card, lang).items():
        if fmt == "badge":
            continue
        assert note in " ".join(text.split()), fmt
        assert f"{item['score']:.1f}" in text, fmt  # the score on the 0–100 scale
        assert f"{item['value']:.4g}" not in text and f"{item['value']:.3f}" not in text, fmt  # never 0..1


# ------------------------------------------------------------------------------------------ verdict

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", [PENGUINS_TC609, FLIGHTS_GBT], ids=["not-passed", "passed"])
def test_the_verdict_is_worded_as_the_pass_gate(path, lang):
    card = golden(path)
    words = t("verdict_pass" if card["passed"] else "verdict_fail", lang)
    other = t("verdict_fail" if card["passed"] else "verdict_pass", lang)
    assert words == {("en", True): "meets the standard's pass gate",
                     ("en", False): "does not meet the standard's pass gate",
                     ("zh", True): "达到标准的通过门槛", ("zh", False): "未达到标准的通过门槛"}[(lang, card["passed"])]
    for fmt, text in renderings(card, lang).items():
        assert words in text, fmt
        if lang == "en":  # in Chinese 达到… is inside 未达到…
            assert other not in text, fmt
    page = html.render(card, lang)
    verdict = visible(re.search(r'<div class="big verdict[^"]*" id="verdict">.*?</div>', page, re.S).group()).strip()
    assert verdict.endswith(_shared.verdict(card, lang)) and _shared.verdict(card, lang).startswith(words)
    grade_line = next(line for line in markdown.render(card, lang).splitlines() if line.startswith("**"))
    assert t("grade", lang) in grade_line and words in grade_line  # next to the grade


# --------------------------------------------------------------------------------- documentation

@pytest.mark.parametrize("lang", LANGS)
def test_documentation_findings_list_what_is_missing(lang):
    card = golden(PENGUINS_TC609)
    documentation = [r for r in card["results"] if r["expectation_config"]["type"] == _shared.DOCUMENTATION
                     and not r["success"]]
    assert documentation
    page, text, xml = visible(html.render(card, lang)), markdown.render(card, lang), junit_texts(card, lang)
    for result in documentation:
        missing = result["result"]["details"]["missing"]
        assert missing and result["result"]["observed_value"] == missing
        words = t("missing_fields", lang, fields=", ".join(missing))
        assert words in page and markdown.escape(words) in text and words in xml
        row = next(line for line in text.splitlines() if markdown.escape(words) in line)
        assert t("observed", lang) not in row
    passing = next(r for r in card["results"] if r["expectation_config"]["type"] == _shared.DOCUMENTATION
                   and r["success"])
    assert _shared.finding(passing, lang) == t("nothing_missing", lang)


# ------------------------------------------------------------------------ passing generated checks

def test_passing_generated_checks_are_folded():
    card = golden(FLIGHTS_GBT)
    page = html.render(card, "en")
    generated = {r["id"] for r in card["results"] if r["suite"].startswith("generated-") and r["success"]}
    assert len(generated) > 100
    blocks = re.findall(r'<details class="generated">.*?</details>', page, re.S)
    assert blocks
    for block in blocks:
        assert '<tr class="fail">' not in block and '<tr class="error">' not in block
    outside = re.sub(r'<details class="generated">.*?</details>', "", page, flags=re.S)
    for row in re.findall(r'<tr class="pass">.*?</tr>', outside, re.S):
        rid = htmllib.unescape(re.search(r'<span class="eid">(.*?)</span>', row).group(1))
        assert rid not in generated, rid
    # failures come first in each indicator's list
    lists = r'<details class="indicator".*?<summary>.*?</summary>(.*?)(?:<details class="generated">|</details>)'
    for details in re.findall(lists, page, re.S):
        statuses = re.findall(r'<tr class="(pass|fail|error)">', details)
        assert statuses == sorted(statuses, key=lambda x: {"error": 0, "fail": 1, "pass": 2}[x])
    text = markdown.render(card, "en")
    passing = [r for r in card["results"] if r["success"]]
    assert t("passed_summary", "en", passed=len(passing), total=len(card["results"]),
             generated=sum(1 for r in passing if r["suite"].startswith("generated-"))) in text
    failed_table = text.split("### Failed expectations")[1]
    assert "✅" not in failed_table.split("\n\n")[2]
    summary = console(card, "en")
    failed = [r for r in card["results"] if not r["success"]]
    assert f"{len(card['results'])} expectations: {len(failed)} failed" in summary
    assert f"{len(passing)} passed" in summary


# ------------------------------------------------------------------------------------------ console

@pytest.mark.parametrize("lang", LANGS)
def test_console_summary_explains_the_score(lang):
    card = golden(SNOWNLP_GBT)
    out = console(card, lang)
    flat = " ".join(out.split())
    assert t("verdict_pass", lang) in out and _bands(card["levels"], lang) in flat
    for gate in card["gates"]:
        assert _condition(gate, lang) in out
    assert f"{card['score']:.1f}" in out
    for _, item in _shared.weakest(card):
        assert item["code"] in out
        assert _shared.a_of_b(item, lang) in flat and _shared.coverage_text(item, lang) in flat
        assert t(f"unit_{item['unit']}", lang) in flat
    english = console(card, "en")
    assert "weakest indicators" in english and "score" in english  # what the CLI tests look for


def test_every_new_word_has_both_languages():
    from dsbench.i18n import LABELS

    for key in ("verdict_pass", "verdict_fail", "gate_met", "gate_not_met", "gate_line", "pass_fail_only",
                "renormalised_dimensions", "renormalised_indicators", "a_of_b", "bad_share", "missing_fields",
                "passing_generated", "passed_summary", "junit_below", "effective_weight", "coverage"):
        assert LABELS[key]["en"] and LABELS[key]["zh"] and LABELS[key]["en"] != LABELS[key]["zh"], key
