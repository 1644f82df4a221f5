"""Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: JSON
messages on file descriptors 3 and 4), with nothing but the standard library: no WebDriver, no
chromedriver, no network port. Needs the Debian package chromium (and fonts-wqy-microhei for Chinese
pages). Used by tests/test_render_browser.py (card reports from file:// URLs, offline) and
tests/service/test_pages.py (the service's pages over loopback HTTP). A missing browser skips those
tests, except in CI (CI set), where it is a failure: see :func:`start_browser`."""

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

    def __init__(self, binary: str, profile: Path, loopback: bool = False):
        """``loopback``: 127.0.0.1 answers (every other host, named or not, resolves to nothing)."""
        flags = [f"{flag}, EXCLUDE 127.0.0.1" if loopback and flag.startswith("--host-resolver-rules=") else flag
                 for flag in FLAGS]
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def plumb() -> None:
            """In the child: the pipe ends as descriptors 3 (commands) and 4 (replies), the only
            ones Chromium inherits besides 0-2 (the others are close-on-exec)."""
            commands = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD_CLOEXEC, 10)  # out of 3 and 4's way
            replies = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD_CLOEXEC, 10)
            os.dup2(commands, 3)
            os.dup2(replies, 4)

        self.process = subprocess.Popen([binary, *flags, f"--user-data-dir={profile}"], preexec_fn=plumb,
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

    def open_page(self, offline: bool = True) -> None:
        """A page to drive; ``offline``: no network at all (file:// pages), else only the loopback
        host answers (every host name resolves to nothing)."""
        target = self.send("Target.createTarget", browser=True, url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", browser=True, targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        if offline:
            self.send("Network.emulateNetworkConditions", offline=True, latency=0, downloadThroughput=0,
                      uploadThroughput=0)

    def use_session(self, url: str, value: str | None) -> None:
        """Forget every cookie, then hold the dsbench session ``value`` for ``url`` (none: signed out)."""
        self.send("Network.clearBrowserCookies")
        if value:
            self.send("Network.setCookie", name="dsbench_session", value=value, url=url, path="/", httpOnly=True,
                      sameSite="Lax")

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


def start_browser(profile: Path, offline: bool = True) -> DevTools:
    """A browser with a page open, or a skip (a failure in CI) when Chromium is missing."""
    binary = chromium_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: install the Debian package chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    chromium = DevTools(binary, profile, loopback=not offline)
    try:
        chromium.open_page(offline)
    except BaseException:
        chromium.close()
        raise
    return chromium
