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
