"""Seeded defect injection: a copy of a dataset with known defects, and the exact ground truth.

:func:`inject` writes a new dataset directory holding the dataset's tables with defects injected,
its manifest (when it has one) and ``injection.json``, which lists every changed cell (row, column,
old and new value) and every appended row. Test corpora built this way have a known answer: a
check that should see a defect can be held to the exact number injected.

Defects, applied in this order to each table (a cell is changed at most once):

- ``out_of_range``: in numeric columns, round(R × rows) values inside the range move outside it:
  above to ``high + (high - low) + 1`` or below to ``low - (high - low) - 1``. The bounds are the
  manifest's ``minimum``/``maximum`` (or exclusive ones) where declared, else the observed ones;
  only a declared side is crossed when the manifest declares one;
- ``label_flips``: in the label column (``dsbench:role: label``, or the one named), round(R × rows)
  labels become another class (of the declared ``enum``, else of the observed classes);
- ``nulls``: in each chosen column (default: every column outside the primary key), round(R ×
  rows) present values become missing (in CSV: the manifest's first non-empty missing-value
  token, such as ``NA``, else an empty field);
- ``duplicates``: round(R × rows) rows are appended again as exact copies, after the others.

Rounding is half up; where fewer cells qualify than requested, all of them change and the ground
truth says so (``requested`` beside ``count``).

Selection is deterministic: each candidate is ranked by DuckDB's hash of the text
``row:seed:defect:column`` (ties by row number) and the first ones are taken, independently in each
column; the side of a range and the new class come from the same hash with another salt. The same
data, seed, rates and versions (dsbench, DuckDB) give byte-identical output; ``injection.json``
records the versions.

Formats: a CSV table stays CSV (same delimiter, quote, escape, header line, line terminator,
quoting style, compression; UTF-8) and is read as text, so every untouched cell keeps its exact
characters and the output loads with the same column types; a Parquet table stays Parquet; other
tables (JSON, Arrow, DuckDB, in-memory frames) are written as Parquet. The manifest is copied with
the ``bytes`` and ``hash`` it declares for each file updated and a ``dsbench:injected`` key added,
and nothing else changed, so the injected dataset is evaluated with the same generated suites as
the original. A dataset without a manifest gets none (one would change its documentation scores):
evaluate the table file in the output directory.

The whole output is built in a hidden sibling directory and renamed into place: a failed run
leaves nothing at the output path.

The package, by job: ``request`` (what was asked, checked before any work), ``plan`` (the columns
each defect goes to), ``defects`` (the defects of one table), ``csv_layout`` (how a CSV file is
written), ``truth`` (the ground truth), ``manifest`` and ``output`` (the output directory). The
tables are copied and changed on DuckDB by :mod:`dsbench.backends.duckdb.defect_copy`, bound here.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from dsbench.corpus.inject.request import DEFECTS
from dsbench.corpus.inject.truth import GROUND_TRUTH


@dataclass(frozen=True)
class Injection:
    """What :func:`inject` wrote: the output directory, and the count of each defect in total and
    per table (the cells and rows themselves are in ``injection.json``)."""

    output: Path
    seed: int
    rates: dict[str, float | None]
    counts: dict[str, int]
    tables: dict[str, dict[str, int]]


def inject(data: Any, output: str | Path, *, seed: int = 0, nulls: float | None = None,
           duplicates: float | None = None, out_of_range: float | None = None,
           label_flips: float | None = None, tables: Sequence[str] | None = None,
           columns: Sequence[str] | None = None, label_column: str | None = None, force: bool = False,
           threads: int | None = None, memory_limit: str | None = None) -> Injection:
    """Write a copy of ``data`` (anything :func:`dsbench.load_dataset` reads) with seeded defects
    into the new directory ``output``. A rate is the share of the table's rows affected (per column
    for nulls and out-of-range values); ``None`` leaves that defect out, and at least one must be
    given. ``tables`` limits injection to those tables (the others are copied as they are);
    ``columns`` limits nulls and out-of-range values to those columns; ``label_column`` names the
    label when the manifest declares none. An existing non-empty ``output`` is replaced only with
    ``force``."""
    from dsbench.backends import load_dataset
    from dsbench.backends.duckdb.defect_copy import castable, versions
    from dsbench.corpus.inject.output import build, destinations
    from dsbench.files import move_into_place, staging_directory
    from dsbench.corpus.inject.plan import TablePlan
    from dsbench.corpus.inject.request import (check_not_inside, check_output, check_rates, check_seed,
                                               chosen_tables, column_names)
    from dsbench.data.dataset import LoadOptions

    rates = check_rates({"nulls": nulls, "duplicates": duplicates, "out_of_range": out_of_range,
                         "label_flips": label_flips})
    check_seed(seed)
    output = Path(output)
    check_output(output, force)
    columns = column_names(columns, "--columns")
    with load_dataset(data, options=LoadOptions(threads=threads, memory_limit=memory_limit)) as dataset:
        check_not_inside(output, dataset)
        chosen = chosen_tables(dataset, tables)
        plans = [TablePlan.make(dataset, dataset.tables[name], columns, label_column, rates, castable)
                 for name in chosen]
        paths = destinations(dataset, plans)
        staging = staging_directory(output)
        try:
            document = build(dataset, plans, paths, rates, seed, staging, data,
                             lambda plan: _duckdb_copy(dataset, plan, seed), versions())
            move_into_place(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Injection(output=output, seed=seed, rates=rates, counts=document["counts"],
                     tables={name: table["counts"] for name, table in document["tables"].items()
                             if "counts" in table})


def _duckdb_copy(dataset: Any, plan: Any, seed: int) -> Any:
    """The table of ``plan`` copied on the dataset's DuckDB connection (a CSV table as text)."""
    from dsbench.backends.duckdb.defect_copy import DefectCopy

    if plan.text:
        return DefectCopy.read_as_text(dataset.con, plan.table, plan.resource, seed)
    return DefectCopy(dataset.con, plan.table, seed)


__all__ = ["DEFECTS", "GROUND_TRUTH", "Injection", "inject"]
