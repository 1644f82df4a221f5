"""The Markdown summary of a card: deterministic, in both languages, tables that values cannot break."""

from __future__ import annotations

import re

import pytest

from dsbench.render import markdown
from dsbench.i18n import t
from tests.render_cards import (FLIGHTS_GBT, HOSTILE_NAME, PENGUINS_TC609, dimension_names, golden,
                                hostile)

LANGS = ("en", "zh")
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def tables(text: str) -> list[list[str]]:
    """Every table of the document as its lines."""
    found: list[list[str]] = []
    previous = False
    for line in text.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous:
            found.append([])
        if is_row:
            found[-1].append(line)
        previous = is_row
    return found


def assert_tables_intact(text: str) -> None:
    for table in tables(text):
        widths = {len(UNESCAPED_PIPE.findall(line)) for line in table}
        assert len(widths) == 1, "a row has a different number of cells:\n" + "\n".join(table)
        assert re.fullmatch(r"\|( -{3}:? \|)+", table[1]), table[1]


def test_module_contract():
    assert markdown.FILENAME == "card.md"
    assert markdown.MEDIA_TYPE == "text/markdown"


@pytest.mark.parametrize("lang", LANGS)
def test_same_card_gives_the_same_text(lang):
    card = golden(FLIGHTS_GBT)
    assert markdown.render(card, lang) == markdown.render(card, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_content_in_each_language(lang):
    card = golden(PENGUINS_TC609)
    text = markdown.render(card, lang)
    assert text.splitlines()[0] == "## penguins × tc609-5-2025-04"
    assert f"**{t('score', lang)} {card['score']:.1f} / 100**" in text
    assert f"**{t('no_grade', lang)}**" in text
    assert f"❌ **{t('verdict_fail', lang)}**" in text
    assert card["standard"]["title"][lang] in text
    for label in dimension_names(card, lang):
        assert f"| {label} |" in text, label
    assert f"### {t('gates', lang)}" in text and "| ❌ |" in text
    assert f"### {t('weakest', lang)}" in text
    weakest = tables(text)[2][2:]  # gates, dimensions, then the weakest indicators
    lowest = min((i for d in card["dimensions"] for i in d["indicators"] if i["score"] is not None),
                 key=lambda i: (i["score"], i["code"]))
    assert len(weakest) == 5 and weakest[0].startswith(f"| {lowest['code']} |")
    assert card["digest"] in text and "dsbench verify card.json" in text
    assert_tables_intact(text)


def test_passing_card_and_capped_failures():
    card = golden(FLIGHTS_GBT)
    text = markdown.render(card, "en")
    level = next(level for level in card["levels"] if level["grade"] == card["grade"])
    assert f"**Score {card['score']:.1f} / 100** · Grade **{card['grade']}** ({level['name']['en']}) · ✅ " \
           f"**{t('verdict_pass', 'en')}" in text
    assert "| ✅ |" in text
    failed = [r for r in card["results"] if not r["success"]]
    assert f"### Failed expectations ({len(failed)})" in text
    rows = tables(text)[-1][2:]
    assert len(rows) == markdown.MAX_FAILED
    assert f"_… and {len(failed) - markdown.MAX_FAILED} more_" in text
    assert "SJU ×5,819" in text  # the top dangling destination, with its count
    assert_tables_intact(text)


@pytest.mark.parametrize("lang", LANGS)
def test_values_from_the_data_cannot_break_tables_or_inject_markup(lang):
    card = hostile()
    text = markdown.render(card, lang)
    assert_tables_intact(text)
    assert "<script" not in text and "<img" not in text
    row = next(line for line in text.splitlines() if "code" in line and "alert" in line)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row
    assert r"a\|b" in row
    assert r"x\`y\`" in row
    assert markdown.escape(HOSTILE_NAME) in text.splitlines()[0]


def test_escape():
    assert markdown.escape("a|b") == r"a\|b"
    assert markdown.escape("`x`") == r"\`x\`"
    assert markdown.escape("line\nbreak\r\tend") == "line break end"
    assert markdown.escape("$5 @team *x* [l](u) <b>&amp;") == r"\$5 \@team \*x\* \[l\](u) &lt;b&gt;&amp;amp;"
    assert markdown.code("sha256:ab") == "`sha256:ab`"
    assert markdown.code("a`b") == r"a\`b"


def test_all_passed_card_says_so():
    card = golden(PENGUINS_TC609)
    for result in card["results"]:
        result["success"] = True
    text = markdown.render(card, "zh")
    assert "### 未通过的检查项 (0)" in text and "所有检查项均通过。" in text
