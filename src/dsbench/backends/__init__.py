"""Backends: the engines that run a plan, found through the entry-point group ``dsbench.backends``
(pytest/pluggy style). DuckDB is registered through the same door in dsbench's own metadata; the
built-in table below only stands in when that metadata is absent (running from a source tree)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from dsbench.errors import DsbenchError

if TYPE_CHECKING:
    from dsbench.engine.backend import Backend

ENTRY_POINT_GROUP = "dsbench.backends"
DEFAULT_ENGINE = "duckdb"
BUILT_IN = {"duckdb": "dsbench.backends.duckdb:DuckDBBackend"}


def _registered() -> dict[str, Any]:
    from importlib.metadata import EntryPoint, entry_points

    found = {name: EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in BUILT_IN.items()}
    found.update({point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)})
    return found


def engines() -> list[str]:
    """The names of every installed engine."""
    return sorted(_registered())


@functools.lru_cache(maxsize=None)
def backend(name: str = DEFAULT_ENGINE) -> Backend:
    """The backend called ``name``, loaded on first use."""
    registered = _registered()
    if name not in registered:
        raise DsbenchError(f"unknown engine {name!r} (installed: {', '.join(sorted(registered))})",
                           location="engine")
    return registered[name].load()()


def load_dataset(data: Any, *, engine: str | None = None, **how: Any) -> Any:
    """Open ``data`` on ``engine`` (default DuckDB); ``how``: name, options, manifest, extra_tables."""
    return backend(engine or DEFAULT_ENGINE).load_dataset(data, **how)
