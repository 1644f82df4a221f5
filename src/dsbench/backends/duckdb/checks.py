"""Regular expressions are run by DuckDB (RE2: linear time, no backtracking). Check them up front
so a bad pattern is a suite error, not a failure in the middle of a shared scan."""

from __future__ import annotations

import functools

import duckdb

from dsbench.errors import SuiteError

MAX_PATTERN_CHARS = 10_000


@functools.lru_cache(maxsize=1)
def _checker() -> duckdb.DuckDBPyConnection:
    return duckdb.connect()


def check_regex(pattern: str, location: str) -> None:
    if len(pattern) > MAX_PATTERN_CHARS:
        raise SuiteError(f"regular expression longer than {MAX_PATTERN_CHARS} characters", location=location)
    try:
        _checker().execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error as error:
        message = " ".join(str(error).split())
        message = message.split("Error: ", 1)[-1]
        raise SuiteError(f"invalid regular expression {pattern!r} (RE2 syntax): {message}",
                         location=location) from None
