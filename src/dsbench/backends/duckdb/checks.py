"""Checks made while a suite is bound, by DuckDB itself: regular expressions (RE2: linear time, no
backtracking) and strftime formats. A bad pattern or format is then a suite error, not a failure in
the middle of a shared scan."""

from __future__ import annotations

import functools

import duckdb

from dsbench.errors import SuiteError

MAX_PATTERN_CHARS = 10_000


@functools.lru_cache(maxsize=1)
def _checker() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def _message(error: duckdb.Error) -> str:
    return " ".join(str(error).split()).split("Error: ", 1)[-1]


def check_regex(pattern: str, location: str) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise SuiteError(f"regular expression longer than {MAX_PATTERN_CHARS} characters", location=location)
    try:
        _checker().execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error as error:
        raise SuiteError(f"invalid regular expression {pattern!r} (RE2 syntax): {_message(error)}",
                         location=location) from None


def check_time_format(fmt: str, location: str) -> None:
    """A format DuckDB's strptime cannot read is a suite error."""
    try:
        _checker().execute("SELECT try_strptime('', ?)", [fmt]).fetchone()
    except duckdb.Error as error:
        raise SuiteError(f"invalid strftime format {fmt!r}: {_message(error)}", location=location) from None
