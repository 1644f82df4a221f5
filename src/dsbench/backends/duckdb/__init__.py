"""The DuckDB backend: loading files and frames into sealed views (loader, csv, json, errors), running
queries (runner), its spelling of the dialect vocabulary and its type names (dialect, types), its
checks of regexes and time formats (checks); and the two DuckDB files that are not datasets, the runs
database (database) and the copies with injected defects (defect_copy)."""

from __future__ import annotations

import importlib.metadata
from typing import Any


class DuckDBBackend:
    """DuckDB, embedded: the default engine (registered as ``duckdb`` in ``dsbench.backends``)."""

    name = "duckdb"

    @property
    def dialect(self) -> Any:
        from dsbench.backends.duckdb.dialect import DIALECT

        return DIALECT

    def load_dataset(self, data: Any, **how: Any) -> Any:
        from dsbench.backends.duckdb.loader import load_dataset

        return load_dataset(data, **how)

    def versions(self) -> dict[str, str]:
        versions = {}
        for package in ("duckdb", "pyarrow"):
            try:
                versions[package] = importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:  # pragma: no cover
                versions[package] = "unknown"
        return versions
