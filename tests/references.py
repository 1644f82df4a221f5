"""Independent Python references the tests compare dsbench's SQL against."""

from __future__ import annotations


def python_float(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def parses(parse, value: str) -> bool:
    """Does ``parse`` (e.g. date.fromisoformat) accept the stripped value?"""
    try:
        parse(value.strip())
        return True
    except ValueError:
        return False
