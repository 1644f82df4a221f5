"""--lang zh: the console summary, the lines of `dsbench check` and every rendering in Chinese (no
English words of dsbench's own left, only identifiers and data); and the CJK font of Chinese charts,
found with real matplotlib: a font missing from matplotlib's stale font cache is added and ONE hint
says how to refresh the cache, no CJK font at all gives ONE hint how to install one."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dsbench.scoring.gates import gate_problems
from dsbench.render import dqv, render_all
from dsbench.i18n import LABELS
from tests.conftest import DATASETS, ROOT
from tests.render_cards import PENGUINS_GBT, PENGUINS_TC609, golden

WORD = re.compile(r"[A-Za-z][A-Za-z_'-]{2,}")
CARDS = sorted(ROOT.glob("reports/*/*/card.json"))
# the command `dsbench verify card.json`, paths to card.json, JSON literals (the options as JSON), an option
NEUTRAL = {"dsbench", "verify", "card", "json", "null", "true", "false", "fail-on"}


def english_texts(card: dict) -> set[str]:
    """What the card's standard says in English only or in English beside Chinese: names and titles
    in English, descriptions of gates, dimensions and indicators, and the A and B of indicators."""
    texts = {card["standard"]["title"].get("en")}
    texts.update(gate.get("description") for gate in card.get("gates", []))
    texts.update((level.get("name") or {}).get("en") for level in card.get("levels", []))
    for dimension in card["dimensions"]:
        texts.update((dimension["name"].get("en"), dimension.get("description")))
        for indicator in dimension["indicators"]:
            texts.update(indicator.get(key) for key in ("a", "b", "description"))
            texts.add(indicator["name"].get("en"))
    return {text for text in texts if isinstance(text, str) and text}


def identifiers(card: dict) -> set[str]:
    """Words the renderings may show in any language: keys, ids, types, column names, data values —
    every string of the card but its English texts."""
    english, words = english_texts(card), set(NEUTRAL)

    def walk(value):
        if isinstance(value, dict):
            for k, v in value.items():
                words.update(WORD.findall(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, str) and value not in english:
            words.update(WORD.findall(value))

    walk(card)
    return words


def english_of_dsbench(card: dict) -> set[str]:
    """The words dsbench itself writes in English (its labels), and the English texts of the card's
    standard, less the words that are also identifiers of the card."""
    words = {w for entry in LABELS.values() for w in WORD.findall(entry["en"])}
    for text in english_texts(card):
        words.update(WORD.findall(text))
    known = {i.lower() for i in identifiers(card)}
    return {w for w in words if w.lower() not in known}


class _Visible(HTMLParser):
    """Text, and the attributes people read (titles, labels, JUnit names and messages)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if v and k in ("title", "aria-label", "alt", "message")
                       or v and tag in ("testsuite", "testcase", "property", "testsuites") and k in ("name", "value")]

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_words(filename: str, text: str) -> set[str]:
    if filename.endswith((".html", ".xml", ".svg")):
        text = re.sub(r'<svg role="img".*?</svg>', "", text, flags=re.S)  # charts: glyphs drawn as paths
        parser = _Visible()
        parser.feed(text)
        text = "\n".join(parser.parts)
    else:
        text = text.replace("\\_", "_")  # Markdown escapes
    return set(WORD.findall(text))


@pytest.mark.parametrize("path", CARDS, ids=lambda p: f"{p.parent.parent.name}-{p.parent.name}")
def test_no_english_of_dsbench_leaks_into_chinese_renderings(path):
    card = golden(path)
    english = english_of_dsbench(card)
    for lang, expect_leaks in (("zh", False), ("en", True)):
        files = render_all(card, ["html", "md", "junit", "badge"], lang)
        assert len(files) == 4
        for filename, text in files.items():
            leaked = visible_words(filename, text) & english
            if expect_leaks:  # the same check finds dsbench's English in the English rendering
                assert len(leaked) >= 3, (filename, leaked)
            else:
                assert not leaked, f"{filename} ({lang}) shows English: {sorted(leaked)}"


def test_dqv_has_chinese_for_its_human_facing_literals():
    card = golden(PENGUINS_TC609)  # no grade: a textual body
    graph = dqv.document(card)["@graph"]
    assert dqv.render(card, "zh") == dqv.render(card, "en")  # language-independent: both languages inside
    gates = [node for node in graph if node.get("@type") == "dsbench:Gate"]
    assert gates and len(gates) == len(card["gates"])
    for node, gate in zip(gates, card["gates"]):
        titles = {t["@language"]: t["@value"] for t in node["dcterms:title"]}
        assert set(titles) == {"en", "zh"} and re.search(r"[\u4e00-\u9fff]", titles["zh"])
        assert node["dcterms:description"] == {"@value": gate["description"], "@language": "en"}
    body = next(node for node in graph if node.get("@type") == "oa:TextualBody")
    assert {v["@language"]: v["@value"] for v in body["rdf:value"]} == {"en": "no grade", "zh": "无等级"}


def test_gate_problems_in_chinese():
    card = golden(PENGUINS_GBT)
    assert card["passed"] and card["grade"] == "B"
    failing = copy.deepcopy(card)
    failing["passed"] = False
    warned = next(r for r in failing["results"] if not r["success"])
    warned["severity"] = "warning"
    english = gate_problems(failing, min_score=99.9, min_grade="A", fail_on="warning")
    chinese = gate_problems(failing, min_score=99.9, min_grade="A", fail_on="warning", lang="zh")
    assert english == ["the standard's gates did not pass", f"score {card['score']} is below 99.9",
                       "grade B is below A", "1 warning-or-worse expectation(s) failed"]
    assert chinese == ["未达到标准的门槛", f"得分 {card['score']} 低于 99.9", "等级 B 低于 A",
                       "1 项警告及以上级别的检查项未通过"]


def run(*args, env=None, cwd=None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DSBENCH_DEBUG", "GITHUB_STEP_SUMMARY")}
    return subprocess.run([sys.executable, "-m", "dsbench", *map(str, args)], capture_output=True, text=True,
                          env={**environment, **(env or {})}, cwd=cwd, timeout=300)


def test_check_in_chinese_prints_summary_and_gate_lines_in_chinese(tmp_path):
    done = run("check", DATASETS / "penguins", "--standard", "gbt-36344-2018", "--lang", "zh",
               "--min-score", "99.9", "--min-grade", "A", "-o", tmp_path, "--format", "md", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    card = json.loads((tmp_path / "card.json").read_text(encoding="utf-8"))
    lines = done.stdout.splitlines()
    assert lines[-2:] == [f"检查未通过：得分 {card['score']} 低于 99.9", "检查未通过：等级 B 低于 A"]
    assert any(line.startswith("评分卡：") for line in lines)
    assert any(line.strip().startswith("门槛 达到") for line in lines)  # the standard's gates, each on a line
    leaked = set(WORD.findall(done.stdout)) & english_of_dsbench(card)
    assert not leaked, sorted(leaked)
    english = run("check", DATASETS / "penguins", "--standard", "gbt-36344-2018", "--min-score", "99.9", cwd=tmp_path)
    assert english.stdout.splitlines()[-1] == f"check failed: score {card['score']} is below 99.9"
    assert len(set(WORD.findall(english.stdout)) & english_of_dsbench(card)) >= 10


def test_evaluate_in_chinese_prints_its_summary_in_chinese(tmp_path):
    done = run("evaluate", DATASETS / "penguins", "--standard", "tc609-5-2025-04", "--lang", "zh",
               "--format", "none", "-o", tmp_path)
    assert done.returncode == 0, done.stderr
    card = json.loads((tmp_path / "card.json").read_text(encoding="utf-8"))
    assert "未达到标准的通过门槛" in done.stdout and "评分卡：" in done.stdout
    assert not set(WORD.findall(done.stdout)) & english_of_dsbench(card)


# ------------------------------------------------------------------------------------------ CJK font

matplotlib = pytest.importorskip("matplotlib")
from matplotlib import font_manager  # noqa: E402

from dsbench.render import charts, html  # noqa: E402

SYSTEM_CJK = charts.system_cjk_fonts()
needs_cjk_font = pytest.mark.skipif(not SYSTEM_CJK, reason="no CJK font installed (Debian: fonts-wqy-microhei)")


def without_cjk(manager) -> font_manager.FontManager:
    """A copy of ``manager`` that knows no CJK font, as a cache built before one was installed."""
    stale = copy.deepcopy(manager)
    system = {os.path.realpath(f) for f in SYSTEM_CJK}
    stale.ttflist = [e for e in stale.ttflist if os.path.realpath(e.fname) not in system
                     and e.name not in charts.CJK_FONTS]
    return stale


@needs_cjk_font
def test_a_font_missing_from_a_stale_cache_is_added_with_one_hint():
    stale = without_cjk(font_manager.fontManager)
    assert not {e.name for e in stale.ttflist} & set(charts.CJK_FONTS)
    font, hint = charts.find_cjk_font(stale)
    assert font is not None and font in {e.name for e in stale.ttflist}
    assert "predates" in hint and str(Path(matplotlib.get_cachedir()) / "fontlist-*.json") in hint
    found = stale.findfont(font_manager.FontProperties(family=[font]), fallback_to_default=False)
    assert os.path.realpath(found) in {os.path.realpath(f) for f in SYSTEM_CJK}
    assert charts.find_cjk_font(stale) == (font, None)  # now known: no second hint


def test_no_cjk_font_anywhere_gives_the_install_hint():
    stale = without_cjk(font_manager.fontManager)
    font, hint = charts.find_cjk_font(stale, system_fonts=[])
    assert font is None
    assert "apt-get install fonts-wqy-microhei" in hint
    assert not {e.name for e in stale.ttflist} & set(charts.CJK_FONTS)  # nothing was added


@needs_cjk_font
def test_cjk_font_of_the_charts_is_known_to_matplotlib():
    font = html.cjk_font()
    assert font is not None and font in {e.name for e in font_manager.fontManager.ttflist}
    assert charts.find_cjk_font(font_manager.fontManager) == (font, None)


def stale_config(directory: Path) -> Path:
    """An MPLCONFIGDIR whose font cache was built without the system's CJK fonts."""
    stale = without_cjk(font_manager.FontManager())
    directory.mkdir()
    font_manager.json_dump(stale, directory / f"fontlist-v{font_manager.FontManager.__version__}.json")
    return directory


def render_zh_html(tmp_path: Path, config: Path, **env: str) -> tuple[subprocess.CompletedProcess, str]:
    out = tmp_path / "out"
    done = run("render", PENGUINS_TC609, "--format", "html", "--lang", "zh", "-o", out,
               env={"MPLCONFIGDIR": str(config), "XDG_CACHE_HOME": str(config), **env})
    assert done.returncode == 0, done.stderr
    return done, (out / "card.html").read_text(encoding="utf-8")


def chart_glyph_fonts(page: str) -> set[str]:
    """The fonts whose glyphs the charts draw (glyph ids name their font)."""
    charts = "".join(re.findall(r'<svg role="img".*?</svg>', page, flags=re.S))
    return set(re.findall(r'id="chart-[di]-([A-Za-z]+)-', charts))


@needs_cjk_font
def test_render_with_a_stale_matplotlib_cache_draws_chinese_and_hints_once(tmp_path):
    done, page = render_zh_html(tmp_path, stale_config(tmp_path / "mpl"))
    hints = [line for line in done.stderr.splitlines() if "font cache predates" in line]
    assert len(hints) == 1 and "fontlist-*.json" in hints[0], done.stderr
    assert str(tmp_path / "mpl") in hints[0]  # the cache of this run, to delete
    assert any(name.startswith(("WenQuanYi", "Noto", "Source", "Droid")) for name in chart_glyph_fonts(page))
    # the charts name the dimensions in Chinese: their glyphs are there, not only the codes'
    assert len(chart_glyph_fonts(page)) >= 2


def test_render_without_any_cjk_font_shows_codes_and_hints_once(tmp_path):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n')
    done, page = render_zh_html(tmp_path, stale_config(tmp_path / "mpl"), FONTCONFIG_FILE=str(empty))
    hints = [line for line in done.stderr.splitlines() if line.startswith("dsbench:")]
    assert len(hints) == 1 and "apt-get install fonts-wqy-microhei" in hints[0], done.stderr
    assert chart_glyph_fonts(page) == {"DejaVuSans"}  # codes only: no glyph of a CJK font
    assert page.count('<svg role="img"') == 2
