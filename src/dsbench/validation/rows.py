"""Row-level evidence: the unexpected rows of a result, in file order, numbered from 1.

Every expectation that can point at its unexpected rows states them as a condition over the rows
(:meth:`~dsbench.expectations.base.Expectation.row_flag`), queried by
:mod:`dsbench.expectations.row_queries`. The rows are numbered by the dialect's ``row_number()``, in
the order the engine reads the table. On DuckDB that is ``row_number() OVER ()``, which DuckDB runs
as a streaming operator that needs its input in order (``FIXED_ORDER``), so its pipeline reads the
table in order — the insertion order of a table parsed once (CSV, JSON), the files' row groups in
order for Parquet, the batches in order for Arrow and pandas objects — whatever the thread count.
Then ``ORDER BY`` the row number with a ``LIMIT`` makes the rows read the same on every run, and
bounds them: never more than the limit (plus one, to know there were more) leave the engine.

Two uses: COMPLETE and SUMMARY results (:mod:`dsbench.expectations.result_format`), and ``--failing-rows DIR``,
which writes each failed expectation's rows — every column of the table plus the row number — as
one Parquet file, fetched as Arrow (the sealed connection may not write files) and written by
pyarrow, all files staged first and moved into place only when every one was written.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator

from dsbench.engine.metrics import Metric
from dsbench.errors import DsbenchError, SuiteError
from dsbench.expectations.result_format import MAX_UNEXPECTED_ROWS, ResultFormat, UnexpectedRows, effective
from dsbench.expectations.row_queries import failing_rows_metric, flagged_rows, unexpected_rows_metric

MAX_FAILING_ROWS = 10_000


def read_unexpected_rows(expectation: Any, found: list[tuple], index_columns: tuple[str, ...],
                         limit: int) -> UnexpectedRows:
    from dsbench.expectations.base import jsonable

    capped = len(found) > limit
    found = found[:limit]
    rows = [int(line[0]) for line in found]
    reported = [jsonable(line[1]) for line in found]
    values = [expectation.gx_value(value) for value in reported]
    if not index_columns:
        return UnexpectedRows(rows, values, list(rows), capped)
    judged = expectation.defect_columns()
    index = []
    for line, value in zip(found, reported):
        entry = {name: jsonable(v) for name, v in zip(index_columns, line[2:])}
        # The judged columns' values as reported (masked, for personal data), as GX lists them.
        if isinstance(value, dict):
            entry.update(value)
        elif len(judged) == 1:
            entry[judged[0]] = value
        index.append(entry)
    return UnexpectedRows(rows, values, index, capped, index_columns)


def report_format(expectation: Any, run: ResultFormat | None, suite: ResultFormat | None,
                  manifest_resource: Any = None) -> ResultFormat | None:
    """The format of one expectation's result (its own, else the run's, else the suite's, whose
    index columns :func:`check_index_columns` checked); a format that lists rows and names no
    index column takes the table's declared primary key (from the manifest), when the table has
    all its columns. Raises SuiteError naming the field."""
    own = expectation.kw.result_format
    fmt = effective(own, run, suite)
    if fmt is None or not fmt.wants_rows:
        return fmt
    if fmt.unexpected_index_column_names is None:
        key = primary_key(manifest_resource)
        if key and all(name in expectation.table.columns for name in key):
            return replace(fmt, unexpected_index_column_names=tuple(key))
        return fmt
    if own is not None:
        check_index_columns(fmt, expectation.table, "kwargs.result_format")
    return fmt


def check_index_columns(fmt: ResultFormat | None, table: Any, location: str | None) -> None:
    """A SuiteError when ``fmt`` names an index column ``table`` does not have."""
    for name in (fmt.unexpected_index_column_names or ()) if fmt is not None else ():
        if name not in table.columns:
            known = ", ".join(list(table.columns)[:20])
            raise SuiteError(f"unexpected_index_column_names: unknown column {name!r} in table "
                             f"{table.name!r} (columns: {known})", location=location)


def primary_key(resource: Any) -> list[str]:
    """The primary key a manifest resource declares (Table Schema ``primaryKey``), or []."""
    schema = getattr(resource, "schema_", None)
    key = (getattr(schema, "model_extra", None) or {}).get("primaryKey") if schema is not None else None
    if isinstance(key, str):
        return [key]
    if isinstance(key, list) and key and all(isinstance(k, str) for k in key):
        return list(key)
    return []


def collect_unexpected_rows(expectations: list[Any], outcomes: list[Any],
                            compute: Callable[[list[Metric]], dict[Metric, Any]],
                            limit: int = MAX_UNEXPECTED_ROWS) -> dict[int, UnexpectedRows]:
    """The unexpected rows of every result whose format lists rows (SUMMARY: the first
    partial_unexpected_count; COMPLETE: up to ``limit``), by position; a result with no
    unexpected row has none to look up, one whose expectation cannot point at rows is left out."""
    wanted: dict[int, tuple[Metric, tuple[str, ...], int]] = {}
    found: dict[int, UnexpectedRows] = {}
    for i, (expectation, outcome) in enumerate(zip(expectations, outcomes)):
        fmt = getattr(expectation, "report_format", None)
        if fmt is None or not fmt.wants_rows or outcome.exception is not None:
            continue
        names = fmt.unexpected_index_column_names or ()
        count = fmt.partial_unexpected_count if fmt.level == "SUMMARY" else limit
        metric = unexpected_rows_metric(expectation, names, count)
        if metric is None:
            continue
        if outcome.result.get("unexpected_count") == 0:
            found[i] = UnexpectedRows([], [], [], False, names or None)
        else:
            wanted[i] = (metric, names, count)
    if wanted:
        values = compute([metric for metric, _, _ in wanted.values()])
        for i, (metric, names, count) in wanted.items():
            if isinstance(values.get(metric), list):
                found[i] = read_unexpected_rows(expectations[i], values[metric], names, count)
    return found


# --- failing rows as Parquet ----------------------------------------------------------------------

def collect_failing_rows(items: list[tuple[str, Any, Any]], writer: "FailingRowsWriter",
                         compute_one: Callable[[Metric], Any]) -> dict[int, dict[str, Any]]:
    """Stage the failing rows of every failed result in ``items`` ((file name, expectation,
    outcome) by position) whose expectation can point at its rows, one query and one file at a
    time (at most one file's rows in memory); what each result records of its file, by position."""
    from dsbench.engine.metrics import MetricFailure

    recorded: dict[int, dict[str, Any]] = {}
    for i, (name, expectation, outcome) in enumerate(items):
        if outcome.success or outcome.exception is not None:
            continue
        metric = failing_rows_metric(expectation, writer.max_rows)
        if metric is None:
            continue
        value = compute_one(metric)
        if isinstance(value, MetricFailure):
            recorded[i] = {"file": None, "error": value.message}
        else:
            recorded[i] = writer.add(name, value)
    return recorded


def file_name(suite: str, expectation_id: str) -> str:
    """``<suite>--<id>.parquet``, with any character but letters, digits, ``.``, ``_`` and ``-``
    replaced (and then a short hash of the real names, so that two names never share a file)."""
    basis = f"{suite}--{expectation_id}"
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", basis).lstrip(".")[:150]
    if safe != basis:
        safe += "-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:8]
    return safe + ".parquet"


class FailingRowsWriter:
    """Stage Parquet files in a hidden directory inside ``directory``; :meth:`commit` moves them
    into place, :meth:`discard` removes them. Nothing partial is ever left under a final name."""

    def __init__(self, directory: str | Path, max_rows: int = MAX_FAILING_ROWS):
        if isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1:
            raise DsbenchError(f"must be a whole number >= 1, not {max_rows!r}", location="--max-failing-rows")
        self.directory = Path(directory)
        self.max_rows = max_rows
        self.created = not self.directory.exists()  # removed again if nothing is written
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=".dsbench-failing-rows-", dir=self.directory))
        except OSError as error:
            raise DsbenchError(f"cannot write failing rows: {error.strerror or error}",
                               source=str(directory)) from None
        self.names: list[str] = []

    def add(self, name: str, table: Any) -> dict[str, Any]:
        """Stage ``table`` (capped at max_rows) as ``name``; what the result records of it."""
        import io

        import pyarrow.parquet as pq

        capped = table.num_rows > self.max_rows
        table = table.slice(0, self.max_rows)
        buffer = io.BytesIO()
        pq.write_table(table, buffer)
        try:
            (self.staging / name).write_bytes(buffer.getvalue())
        except OSError as error:
            raise DsbenchError(f"cannot write failing rows: {error.strerror or error}",
                               source=str(self.directory / name)) from None
        self.names.append(name)
        return {"file": name, "rows": table.num_rows, "capped": capped}

    def commit(self) -> None:
        import os

        try:
            for name in self.names:
                os.replace(self.staging / name, self.directory / name)
            self.created = False
        finally:
            self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        if self.created:
            try:
                self.directory.rmdir()  # only when empty
            except OSError:
                pass


@contextmanager
def failing_rows_written(directory: str | Path | None, max_rows: int = MAX_FAILING_ROWS) -> Iterator[Any]:
    """A :class:`FailingRowsWriter` for ``directory`` (None: no writer) whose files are moved into
    place when the block ends, and removed when it raises."""
    if directory is None:
        yield None
        return
    writer = FailingRowsWriter(directory, max_rows)
    try:
        yield writer
    except BaseException:
        writer.discard()
        raise
    writer.commit()


__all__ = ["FailingRowsWriter", "MAX_FAILING_ROWS", "check_index_columns", "collect_failing_rows",
           "collect_unexpected_rows", "failing_rows_metric", "failing_rows_written", "file_name", "flagged_rows",
           "primary_key", "read_unexpected_rows", "report_format", "unexpected_rows_metric"]
