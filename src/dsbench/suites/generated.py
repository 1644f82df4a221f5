"""Generated suites: the evidence a dataset is scored on when nobody wrote a suite for it.

- :func:`data_suite` (``generated-data-<table>``): measurements from one profile of a table;
- :func:`manifest_suites` (``generated-manifest-<table>`` and ``generated-manifest-documentation``):
  the constraints and documentation the dataset's manifest declares.

Both are deterministic: the same data and manifest give the same suites, byte for byte.
"""

from __future__ import annotations

from typing import Any

from dsbench.suites.from_data import data_suite
from dsbench.suites.from_manifest import manifest_suites
from dsbench.suites.profile import ColumnProfile, TableProfile, profile_table

__all__ = ["ColumnProfile", "TableProfile", "data_suite", "generated_suites", "manifest_suites",
           "profile_table"]


def generated_suites(dataset: Any) -> list:
    """Every generated suite of a loaded dataset: the data suite of each table (in table order),
    then the manifest suites (one per manifest table, then the documentation suite, which is
    generated even without a manifest: documentation that does not exist is missing)."""
    return [data_suite(dataset, name) for name in dataset.tables] + manifest_suites(dataset)
