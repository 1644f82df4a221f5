"""The HTML report in a real browser: headless Chromium opens it from a file:// URL, offline, and
shows the score, the grade, every dimension and both charts, with no console error.

Chromium is driven over the DevTools protocol on a pipe (tests/devtools.py: the standard library
only). Needs the Debian package chromium (and fonts-wqy-microhei for the Chinese page). Skipped when
Chromium is missing, except in CI (CI set), where a missing browser is a failure. Full-page
screenshots are saved under the test's tmp_path.
"""

from __future__ import annotations

import pytest

from dsbench.render import html
from dsbench.i18n import t
from tests.devtools import MAX_HEIGHT, WIDTH, start_browser
from tests.render_cards import PENGUINS_TC609, dimension_names, golden


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = start_browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield chromium
    finally:
        chromium.close()


# What the test reads from the page, in one script: visible means rendered with a box (not in a
# closed <details>, not display: none or visibility: hidden, not transparent).
INSPECT = """(() => {
  const visible = el => !!el && el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
    && el.getClientRects().length > 0;
  const text = el => el ? el.innerText.trim() : null;
  const one = id => { const el = document.getElementById(id); return {visible: visible(el), text: text(el)}; };
  const folded = [...document.querySelectorAll("details.generated")];
  const firstTable = folded.length ? folded[0].querySelector("table") : null;
  const charts = [...document.querySelectorAll("svg.chart")].map(chart => {
    chart.scrollIntoView();
    const box = chart.getBoundingClientRect();
    return {visible: visible(chart), width: box.width, height: box.height,
            paths: chart.querySelectorAll("path").length};
  });
  window.scrollTo(0, 0);
  return {
    readyState: document.readyState, body: document.body.innerText,
    score: one("score"), grade: one("grade"), bands: one("bands"), verdict: one("verdict"),
    folded: folded.length, foldedOpen: folded.filter(d => d.open || d.hasAttribute("open")).length,
    firstFoldedTable: {exists: !!firstTable, visible: visible(firstTable)},
    charts: charts,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    height: document.documentElement.scrollHeight,
  };
})()"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_score_grade_dimensions_and_charts(browser, lang, tmp_path):
    card = golden(PENGUINS_TC609)
    page = tmp_path / "card.html"
    page.write_text(html.render(card, lang), encoding="utf-8")
    browser.viewport(WIDTH, 1000)
    since = browser.navigate(page.as_uri())
    seen = browser.evaluate(INSPECT)
    assert seen["readyState"] == "complete"

    body = seen["body"]  # rendered, visible text only
    assert seen["score"]["visible"] and seen["score"]["text"].startswith(f"{card['score']:.1f}")
    assert seen["grade"]["visible"] and seen["grade"]["text"] == (card["grade"] or t("no_grade", lang))
    assert seen["bands"]["text"].endswith(t("pass_fail_only", lang))  # no grade levels
    assert seen["verdict"]["text"].endswith(t("verdict_fail", lang))
    # each gate with its threshold and observed value
    assert t("gate_every_dimension", lang, threshold=90) in body
    assert t("gate_no_failed", lang, severity=t("critical", lang)) in body and t("gate_none_failed", lang) in body
    # The passing generated checks are folded: their rows are not visible until opened.
    assert seen["folded"] and not seen["foldedOpen"]
    assert seen["firstFoldedTable"] == {"exists": True, "visible": False}
    for label in dimension_names(card, lang):
        assert label in body, f"dimension {label!r} is not visible"
    assert card["digest"] in body and "dsbench verify card.json" in body

    assert len(seen["charts"]) == 2
    for chart in seen["charts"]:
        assert chart["visible"] and chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["paths"], "an empty chart"
    # The layout fits the window: nothing spills sideways.
    assert seen["overflow"] <= 0, f"the page is {seen['overflow']}px wider than the window"

    errors = browser.errors(since)
    assert not errors, errors

    browser.viewport(WIDTH, min(seen["height"] + 120, MAX_HEIGHT))
    shot = tmp_path / f"card-{lang}.png"
    shot.write_bytes(browser.screenshot())
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


def test_the_browser_reports_a_console_error_and_a_hidden_element(browser, tmp_path):
    """The checks above can fail: a page that logs an error, throws, and hides an element is seen
    as such."""
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html><body><p id='shown'>shown</p><p id='hidden' style='display:none'>"
                    "hidden</p><details><summary>s</summary><table><tr><td>x</td></tr></table></details>"
                    "<script>console.error('deliberate'); undefined_function();</script></body></html>",
                    encoding="utf-8")
    since = browser.navigate(page.as_uri())
    seen = browser.evaluate("""(() => {
      const visible = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})
        && el.getClientRects().length > 0;
      return [visible(document.getElementById("shown")), visible(document.getElementById("hidden")),
              visible(document.querySelector("details table")), document.body.innerText];
    })()""")
    assert seen[:3] == [True, False, False] and "hidden" not in seen[3].split()
    kinds = sorted(event["method"] for event in browser.errors(since))
    assert "Runtime.consoleAPICalled" in kinds and "Runtime.exceptionThrown" in kinds, kinds
