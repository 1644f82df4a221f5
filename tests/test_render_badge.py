"""The SVG badge of a card: content in both languages, well-formed XML, colours, widths, determinism."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from dsbench.render import badge, renderer
from dsbench.render._gates import grade_bands

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PASSED = ROOT / "reports" / "penguins" / "iso-iec-25012" / "card.json"  # grade A, passed
NOT_PASSED = ROOT / "reports" / "penguins" / "tc609-5-2025-04" / "card.json"  # no grade, not passed


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def texts(svg: str) -> tuple[str, list[str], ET.Element]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title").text
    visible = [t.text for t in root.iter(f"{SVG}text") if t.get("aria-hidden") != "true"]
    return title, visible, root


@pytest.mark.parametrize("lang, grade_word, verdict", [("en", "grade A", "meets the standard's pass gate"),
                                                      ("zh", "等级 A", "达到标准的通过门槛")])
def test_passed_card(lang, grade_word, verdict):
    card = load(PASSED)
    score = f"{card['score']:.1f}"
    title, visible, root = texts(badge.render(card, lang))
    assert card["grade"] == "A" and visible == ["iso-iec-25012", f"{score} · {grade_word}"]
    assert "iso-iec-25012" in title and score in title and "A" in title and verdict in title
    assert grade_bands(card, lang) in title and "A ≥ 95" in title  # the grade bands
    assert root.get("aria-label") == title
    assert root.get("role") == "img"
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert badge.COLOURS["brightgreen"] in fills


@pytest.mark.parametrize("lang, message, verdict", [
    ("en", "{score} · no grade · pass gate not met", "does not meet the standard's pass gate"),
    ("zh", "{score} · 无等级 · 未达通过门槛", "未达到标准的通过门槛")])
def test_not_passed_card(lang, message, verdict):
    card = load(NOT_PASSED)
    score = f"{card['score']:.1f}"
    title, visible, root = texts(badge.render(card, lang))
    assert visible == ["tc609-5-2025-04", message.format(score=score)]
    assert "tc609-5-2025-04" in title and score in title and verdict in title
    assert badge.COLOURS["orange"] in [r.get("fill") for r in root.iter(f"{SVG}rect")]


@pytest.mark.parametrize("score, passed, colour", [
    (95, True, "brightgreen"), (90, True, "brightgreen"), (89.9, True, "yellowgreen"), (80, True, "yellowgreen"),
    (79.9, True, "yellow"), (60, True, "yellow"), (59.9, True, "red"), (0, True, "red"),
    (99, False, "orange"), (60, False, "orange"), (59, False, "red"), (None, False, "lightgrey")])
def test_colours(score, passed, colour):
    assert badge.colour(score, passed) == colour


def test_widths_count_cjk_double_and_fit_the_text():
    assert badge.text_width("ab") == 2 * badge.UNIT
    assert badge.text_width("等级") == 4 * badge.UNIT
    for lang in ("en", "zh"):
        _, visible, root = texts(badge.render(load(NOT_PASSED), lang))
        left, right = [int(r.get("width")) for r in root.find(f"{SVG}g").iter(f"{SVG}rect")][:2]
        assert left == badge.text_width(visible[0]) + badge.PADDING
        assert right == badge.text_width(visible[1]) + badge.PADDING
        assert int(root.get("width")) == left + right
    en = int(ET.fromstring(badge.render(load(NOT_PASSED), "en")).get("width"))
    zh = int(ET.fromstring(badge.render(load(NOT_PASSED), "zh")).get("width"))
    assert zh < en  # "无等级 · 未达通过门槛" is 20 units, "no grade · pass gate not met" 28


def test_escaped_and_deterministic():
    card = copy.deepcopy(load(PASSED))
    card["dataset"]["name"] = "<a & \"b\">\x01"
    card["standard"]["id"] = "x<y>&z"
    svg = badge.render(card, "en")
    title, visible, _ = texts(svg)  # well-formed
    assert visible[0] == "x<y>&z"
    assert "<a & \"b\">\\u0001" in title
    assert badge.render(card, "en") == badge.render(copy.deepcopy(card), "en")
    assert badge.render(card, "en") != badge.render(card, "zh")
    assert renderer("badge") is badge
    assert badge.FILENAME == "badge.svg" and badge.MEDIA_TYPE == "image/svg+xml"


def test_no_score():
    card = copy.deepcopy(load(NOT_PASSED))
    card["score"], card["grade"] = None, None
    _, visible, root = texts(badge.render(card, "en"))
    assert visible[1].startswith("—")
    assert badge.COLOURS["lightgrey"] in [r.get("fill") for r in root.iter(f"{SVG}rect")]
