"""The one place where names become SQL. Values never do: they are bound parameters."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote an identifier for DuckDB: wrap in double quotes, double any inner quote.

    NUL cannot appear in a DuckDB identifier, so it is refused rather than silently truncated.
    """
    if not isinstance(name, str):
        raise TypeError(f"identifier must be a string, not {type(name).__name__}")
    if "\x00" in name:
        raise ValueError("identifier contains a NUL character")
    return '"' + name.replace('"', '""') + '"'


def sql_string(text: str) -> str:
    """A SQL string literal of one of dsbench's OWN constants (a detector's regex, say), for SQL
    that cannot take parameters (lambda bodies, evidence SELECT lists). Never for user text: that
    is always a bound parameter."""
    if "\x00" in text:
        raise ValueError("string constant contains a NUL character")
    return "'" + text.replace("'", "''") + "'"
