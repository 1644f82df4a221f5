"""The HTML report in a real browser: headless Chromium opens it from a file:// URL, offline, and
shows the score, the grade, every dimension and both charts, with no console error.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages on file descriptors 3 and 4), with nothing but the standard library: no WebDriver, no
chromedriver, no network port. Needs the Debian package chromium (and fonts-wqy-microhei for the
Chinese page). Skipped when Chromium is missing, except in CI (CI set), where a missing browser is
a failure. Full-page screenshots are saved under the test's tmp_path.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from dsbench.render import html
from dsbench.i18n import t
from tests.render_cards import PENGUINS_TC609, dimension_names, golden

WIDTH = 1280
MAX_HEIGHT = 16000
TIMEOUT = 60  # seconds for one DevTools command or page load
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--host-resolver-rules=MAP * ~NOTFOUND", f"--window-size={WIDTH},1000", "--remote-debugging-pipe")


def chromium_binary() -> str | None:
    found = shutil.which("chromium")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


class DevTools:
    """A headless Chromium and one page of it, driven over the DevTools protocol on a pipe. Events
    are collected as they come; every command waits for its answer (an error answer raises)."""

    def __init__(self, binary: str, profile: Path):
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def plumb() -> None:
            """In the child: the pipe ends as descriptors 3 (commands) and 4 (replies), the only
            ones Chromium inherits besides 0-2 (the others are close-on-exec)."""
            commands = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)  # out of 3 and 4's way
            replies = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}"], preexec_fn=plumb,
                                        close_fds=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._next_id = 0
        self._answers: dict[int, dict] = {}
        self.events: list[dict] = []
        self._arrived = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.session: str | None = None

    def _read(self) -> None:
        buffer = b""
        with os.fdopen(self._from_browser, "rb", buffering=0) as replies:
            while chunk := replies.read(1 << 16):
                buffer += chunk
                *messages, buffer = buffer.split(b"\0")
                with self._arrived:
                    for raw in messages:
                        message = json.loads(raw)
                        if "id" in message:
                            self._answers[message["id"]] = message
                        else:
                            self.events.append(message)
                    self._arrived.notify_all()
        with self._arrived:
            self._arrived.notify_all()

    def send(self, method: str, browser: bool = False, **params: Any) -> dict:
        """``method`` on the page (or on the browser), and its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if not browser and self.session is not None:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        with self._arrived:
            answered = self._arrived.wait_for(
                lambda: self._next_id in self._answers or not self._reader.is_alive(), TIMEOUT)
            answer = self._answers.pop(self._next_id, None)
        if not answered or answer is None:
            raise RuntimeError(f"Chromium did not answer {method} (exit code {self.process.poll()})")
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer["result"]

    def wait_for_event(self, method: str, after: int) -> dict:
        """The first ``method`` event of the page among the events from index ``after`` on."""
        def found() -> dict | None:
            return next((e for e in self.events[after:] if e["method"] == method
                         and e.get("sessionId") == self.session), None)

        with self._arrived:
            if not self._arrived.wait_for(lambda: found() is not None or not self._reader.is_alive(), TIMEOUT):
                raise RuntimeError(f"no {method} within {TIMEOUT} s")
        event = found()
        if event is None:
            raise RuntimeError(f"Chromium stopped before {method} (exit code {self.process.poll()})")
        return event

    def open_page(self) -> None:
        target = self.send("Target.createTarget", browser=True, url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", browser=True, targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=0,
                  uploadThroughput=0)

    def viewport(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)

    def navigate(self, url: str) -> int:
        """Load ``url`` and wait for its load event; returns the index of the first event of the page."""
        start = len(self.events)
        answer = self.send("Page.navigate", url=url)
        assert "errorText" not in answer, answer
        self.wait_for_event("Page.loadEventFired", start)
        return start

    def evaluate(self, expression: str) -> Any:
        answer = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in answer:
            raise RuntimeError(f"the page's script failed: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def errors(self, since: int) -> list[dict]:
        """Console errors, uncaught exceptions and logged errors (a resource that failed to load,
        say) of the page since event ``since``."""
        found = []
        for event in self.events[since:]:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown" or (method == "Runtime.consoleAPICalled" and
                                                       params.get("type") in ("error", "assert")) \
                    or (method == "Log.entryAdded" and params["entry"].get("level") == "error"):
                found.append(event)
        return found

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"])

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                self.send("Browser.close", browser=True)
            self.process.wait(timeout=TIMEOUT)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self._to_browser)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary = chromium_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: install the Debian package chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    chromium = DevTools(binary, tmp_path_factory.mktemp("chromium-profile"))
    try:
        chromium.open_page()
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
