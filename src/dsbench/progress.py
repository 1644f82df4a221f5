"""Progress of a run, for a display the command line may show.

The core reports what it does through cheap hooks and knows nothing of displays:
``advance("tables")`` when a table is loaded, ``track("queries", plan.queries)`` around the queries of
a plan, ``stage("evidence")`` … ``stage(None)`` around the queries that collect evidence for failed
expectations (their queries are counted as "evidence", not "queries"). With no observer installed
(the default: the Python API, tests, a pipe) a hook reads one global and returns, and ``track``
returns its iterable itself: the hooks cost nothing measurable.

The command line installs :func:`display` around a run. On a terminal (stderr a TTY), and unless
``enabled`` is false (``--quiet``), a one-line rich display appears on stderr once the run has lasted
``delay`` seconds (default 1; the environment variable ``DSBENCH_PROGRESS_DELAY`` overrides it) —
what is being done, the tables loaded, the queries run and the evidence queries run — and is erased
when the run ends. stdout is never written to, so nothing mixes with the output a program reads.
rich is imported only when the line is about to be shown.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, Iterable, Iterator, TextIO

DEFAULT_DELAY = 1.0  # seconds a run lasts before its progress is shown
DELAY_VARIABLE = "DSBENCH_PROGRESS_DELAY"
COUNTERS = ("tables", "queries", "evidence")  # in the order the line shows them

_observer: "Observer | None" = None


def advance(counter: str, n: int = 1) -> None:
    """``n`` more of ``counter`` done (``"tables"``, ``"queries"``, …)."""
    observer = _observer
    if observer is not None:
        observer.advance(counter, n)


def track(counter: str, items: Iterable[Any]) -> Iterable[Any]:
    """``items``, each counted as one ``counter`` done once the caller has finished with it (and the
    whole as that many more to do). Without an observer: ``items`` itself."""
    observer = _observer
    if observer is None:
        return items
    return observer.track(counter, items)


def stage(name: str | None) -> None:
    """What the run does now (``"evidence"``, ``"rendering"``); None: back to plain work."""
    observer = _observer
    if observer is not None:
        observer.stage = name


class Observer:
    """Counts what the hooks report: for each counter, the number done and the number known to do.
    While the stage is ``"evidence"``, queries are counted as evidence."""

    def __init__(self) -> None:
        self.done: dict[str, int] = {}
        self.total: dict[str, int] = {}
        self.stage: str | None = None

    def _name(self, counter: str) -> str:
        return "evidence" if counter == "queries" and self.stage == "evidence" else counter

    def advance(self, counter: str, n: int = 1) -> None:
        name = self._name(counter)
        self.done[name] = self.done.get(name, 0) + n

    def track(self, counter: str, items: Iterable[Any]) -> Iterator[Any]:
        items = list(items)
        name = self._name(counter)
        self.total[name] = self.total.get(name, 0) + len(items)
        for item in items:
            yield item
            self.done[name] = self.done.get(name, 0) + 1

    def text(self) -> str:
        """"tables 2 · queries 12/40 · evidence 1/3": what is done, of what is known to do."""
        parts = []
        for name in COUNTERS:
            if name in self.done or name in self.total:
                done, total = self.done.get(name, 0), self.total.get(name)
                parts.append(f"{name} {done}/{total}" if total and name != "tables" else f"{name} {done}")
        return " · ".join(parts)


def delay_seconds() -> float:
    """The delay before the display appears: $DSBENCH_PROGRESS_DELAY seconds, else DEFAULT_DELAY."""
    try:
        return max(0.0, float(os.environ[DELAY_VARIABLE]))
    except (KeyError, ValueError):
        return DEFAULT_DELAY


def is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class Display(Observer):
    """The progress line of one run, on ``stream`` (a terminal). :meth:`start` installs it as the
    observer and arms a timer; the line appears when the timer fires, unless :meth:`close` (which
    erases the line and uninstalls the observer; idempotent) came first."""

    def __init__(self, label: str, stream: TextIO, delay: float) -> None:
        super().__init__()
        self.label, self.stream, self.delay = label, stream, delay
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._live: Any = None
        self._spinner: Any = None
        self._closed = False
        self._previous: Observer | None = None

    def start(self) -> "Display":
        global _observer
        self._previous, _observer = _observer, self
        self._timer = threading.Timer(self.delay, self._show)
        self._timer.daemon = True
        self._timer.start()
        return self

    def line(self) -> str:
        counts = self.text()
        seconds = time.monotonic() - self.started
        return f"dsbench {self.label}{f' ({self.stage})' if self.stage else ''}: {counts or 'starting'} · {seconds:.0f} s"

    def _show(self) -> None:
        with self._lock:
            if self._closed:
                return
            from rich.console import Console
            from rich.live import Live
            from rich.spinner import Spinner

            self._spinner = Spinner("dots", style="cyan")
            console = Console(file=self.stream, highlight=False)
            self._live = Live(console=console, get_renderable=self._renderable, refresh_per_second=8,
                              transient=True, redirect_stdout=False, redirect_stderr=True)
            self._live.start()

    def _renderable(self) -> Any:
        self._spinner.update(text=self.line())
        return self._spinner

    def close(self) -> None:
        global _observer
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
            if self._live is not None:
                self._live.stop()
        if _observer is self:
            _observer = self._previous

    def __enter__(self) -> "Display":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Off:
    """The display when none is shown: nothing to start or close."""

    def close(self) -> None:
        pass

    def __enter__(self) -> "_Off":
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def display(label: str, enabled: bool = True, *, stream: TextIO | None = None,
            delay: float | None = None) -> "Display | _Off":
    """Start the progress display of a run named ``label`` ("validate") on ``stream`` (default
    stderr): a :class:`Display` when ``enabled`` and ``stream`` is a terminal, else a stand-in that
    shows nothing. Use it as a context manager, or call ``close()`` before printing results (and
    :func:`close` when the run fails)."""
    stream = sys.stderr if stream is None else stream
    if not enabled or not is_terminal(stream):
        return _Off()
    return Display(label, stream, delay_seconds() if delay is None else delay).start()


def close() -> None:
    """Close the display installed, if any (the command line does so however a command ends)."""
    observer = _observer
    if isinstance(observer, Display):
        observer.close()
