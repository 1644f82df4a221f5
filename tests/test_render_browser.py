"""The HTML report in a real browser: headless Chromium opens it from a file:// URL, offline, and
shows the score, the grade, every dimension and both charts, with no console error.

Needs the Debian packages chromium, chromium-driver (and fonts-wqy-microhei for the Chinese page) and
the Python package selenium (dev extra). Skipped when Chromium is missing, except in CI (CI set),
where a missing browser is a failure. Full-page screenshots are saved under the test's tmp_path.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dsbench.render import html
from dsbench.render.i18n import t
from tests.render_cards import PENGUINS_TC609, dimension_names, golden

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH = 1280
MAX_HEIGHT = 16000


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: install the Debian packages chromium and chromium-driver")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                     "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={WIDTH},1000",
                     f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.set_network_conditions(offline=True, latency=0, download_throughput=0, upload_throughput=0)
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_shows_score_grade_dimensions_and_charts(browser, lang, tmp_path):
    from selenium.webdriver.common.by import By

    card = golden(PENGUINS_TC609)
    page = tmp_path / "card.html"
    page.write_text(html.render(card, lang), encoding="utf-8")
    browser.set_window_size(WIDTH, 1000)
    browser.get_log("browser")  # drop anything logged before this page
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"

    body = browser.find_element(By.TAG_NAME, "body").text  # rendered, visible text only
    score = browser.find_element(By.ID, "score")
    assert score.is_displayed() and score.text.startswith(f"{card['score']:.1f}")
    grade = browser.find_element(By.ID, "grade")
    assert grade.is_displayed() and grade.text == (card["grade"] or t("no_grade", lang))
    assert browser.find_element(By.ID, "bands").text.endswith(t("pass_fail_only", lang))  # no grade levels
    assert browser.find_element(By.ID, "verdict").text.endswith(t("verdict_fail", lang))
    # each gate with its threshold and observed value
    assert t("gate_every_dimension", lang, threshold=90) in body
    assert t("gate_no_failed", lang, severity=t("critical", lang)) in body and t("gate_none_failed", lang) in body
    # The passing generated checks are folded: their rows are not visible until opened.
    folded = browser.find_elements(By.CSS_SELECTOR, "details.generated")
    assert folded and not any(d.get_attribute("open") for d in folded)
    assert not folded[0].find_element(By.CSS_SELECTOR, "table").is_displayed()
    for label in dimension_names(card, lang):
        assert label in body, f"dimension {label!r} is not visible"
    assert card["digest"] in body and "dsbench verify card.json" in body

    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 2
    for chart in charts:
        browser.execute_script("arguments[0].scrollIntoView()", chart)
        size = chart.size
        assert chart.is_displayed() and size["width"] > 300 and size["height"] > 100, size
        assert chart.find_elements(By.CSS_SELECTOR, "path"), "an empty chart"
    # The layout fits the window: nothing spills sideways.
    overflow = browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"

    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert not errors, errors

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(WIDTH, min(height + 120, MAX_HEIGHT))
    browser.execute_script("window.scrollTo(0, 0)")
    shot = tmp_path / f"card-{lang}.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")
