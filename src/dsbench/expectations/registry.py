"""Which expectation types exist: the built-in families plus classes published by other packages
under the entry-point group ``dsbench.expectations`` (each entry point names one class)."""

from __future__ import annotations

import functools
from importlib.metadata import entry_points

from dsbench.errors import SuiteError
from dsbench.expectations.base import Expectation

ENTRY_POINT_GROUP = "dsbench.expectations"


def _builtin() -> list[type[Expectation]]:
    from dsbench.expectations import (castable, column_aggregate, column_map_text, column_map_values, freshness,
                                      labels, metadata, multicolumn, near_duplicates, personal, record, references,
                                      source, splits, table, text, text_quality)

    families = (table, column_map_values, column_map_text, column_aggregate, multicolumn, record, references,
                castable, freshness, metadata, personal, text, text_quality, near_duplicates, labels, splits, source)
    return [cls for family in families for cls in family.EXPECTATIONS]


@functools.lru_cache(maxsize=1)
def expectation_types() -> dict[str, type[Expectation]]:
    types = {cls.type: cls for cls in _builtin()}
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            cls = entry.load()
        except Exception as error:  # a broken plugin must not break the built-in types
            raise SuiteError(f"plugin entry point {entry.value!r} failed to load: {error}",
                             source=ENTRY_POINT_GROUP) from None
        if not (isinstance(cls, type) and issubclass(cls, Expectation)):
            raise SuiteError(f"plugin entry point {entry.value!r} is not an Expectation subclass",
                             source=ENTRY_POINT_GROUP)
        if cls.type in types and types[cls.type] is not cls:
            raise SuiteError(f"plugin {entry.value!r} redefines expectation type {cls.type!r}",
                             source=ENTRY_POINT_GROUP)
        types[cls.type] = cls
    return dict(sorted(types.items()))


def get_expectation_type(name: str) -> type[Expectation]:
    types = expectation_types()
    if name not in types:
        import difflib

        close = difflib.get_close_matches(name, types, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise SuiteError(f"unknown expectation type {name!r}{hint}", location="type")
    return types[name]
