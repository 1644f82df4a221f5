"""Errors that reach the user as one line: where (file and field) and what is wrong."""

from __future__ import annotations

from typing import Any

MAX_PROBLEM_CHARS = 300  # engines quote whole lines, records and values; our messages stay readable


def shortened(text: str, limit: int = MAX_PROBLEM_CHARS) -> str:
    """``text`` on one line (runs of white space become one space), cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


class DsbenchError(Exception):
    """Bad input or usage. The CLI prints ``str(error)`` and exits with code 2."""

    exit_code = 2

    def __init__(self, problem: str, *, source: str | None = None, location: str | None = None):
        self.problem = problem
        self.source = source
        self.location = location
        super().__init__(self._render())

    def _render(self) -> str:
        where = ": ".join(part for part in (self.source, self.location) if part)
        return f"{where}: {self.problem}" if where else self.problem

    def within(self, source: str | None = None, location: str | None = None) -> "DsbenchError":
        """The same error placed in an outer context (a file, or a field path prefix)."""
        loc = self.location
        if location:
            loc = f"{location}.{loc}" if loc else location
        return type(self)(self.problem, source=self.source or source, location=loc)


class DataError(DsbenchError):
    """A dataset could not be read: missing, corrupt, empty or in an unknown encoding."""


class SuiteError(DsbenchError):
    """A suite file or expectation configuration is malformed or refers to something absent."""


class UnsafeExpressionError(SuiteError):
    """A user-written predicate uses SQL outside the allow-list."""


def pydantic_location(error: Any) -> tuple[str, str]:
    """The first problem of a pydantic error as (dotted field path, message)."""
    first = error.errors()[0]
    location = ""
    for part in first["loc"]:
        location += f"[{part}]" if isinstance(part, int) else (f".{part}" if location else str(part))
    return location, first["msg"]
