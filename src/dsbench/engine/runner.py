"""Execute a plan on a DuckDB connection and return the value of every metric."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import duckdb

from dsbench import progress
from dsbench.engine.metrics import FUSED_KINDS, Metric, MetricFailure, thaw
from dsbench.engine.planner import Plan, Query, plan_metrics

STREAM_BATCH_ROWS = 1 << 16
CARDINALITY_SAMPLE_ROWS = 20_000
FEW_VALUES_SHARE = 0.05
READ_ERROR_MARKERS = ("CSV Error", "Invalid unicode", "Malformed JSON", "Parquet", "parquet", "orrupt",
                      "thrift", "ecompress")


class TableReadError(Exception):
    """A table's data could not be read while a query ran (IO, CSV parsing, encoding)."""

    def __init__(self, table: str, message: str):
        super().__init__(message)
        self.table = table
        self.message = message


@dataclass
class RunLog:
    """What ran and how long it took; kept apart from results, which must not depend on timing."""

    queries: list[tuple[str, float]] = field(default_factory=list)


class QueryTimeout(Exception):
    """A query ran longer than the time allowed and was interrupted."""


@contextmanager
def deadline(con: duckdb.DuckDBPyConnection, seconds: float | None) -> Iterator[None]:
    """Interrupt the query running on ``con`` once ``seconds`` have passed (DuckDB stops it at its
    next check, in well under a second), raising QueryTimeout instead of DuckDB's interrupt."""
    if seconds is None:
        yield
        return
    fired = threading.Event()

    def interrupt() -> None:
        fired.set()
        con.interrupt()

    timer = threading.Timer(seconds, interrupt)
    timer.start()
    try:
        yield
    except duckdb.Error:
        if fired.is_set():
            raise QueryTimeout(f"timed out after {seconds:g} s (--timeout)") from None
        raise
    finally:
        timer.cancel()


def _execute(con: duckdb.DuckDBPyConnection, query: Query, log: RunLog, timeout: float | None = None) -> dict[Metric, Any]:
    with deadline(con, timeout):
        return _execute_now(con, query, log)


def _one_select(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse anything but a single SELECT: the last line of defence if SQL ever got past the
    allow-list, since even a sealed connection may change its own catalogue (DROP, DELETE …)."""
    statements = con.extract_statements(sql)
    if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
        raise ValueError("refused: a metric query must be a single SELECT statement")


def _execute_now(con: duckdb.DuckDBPyConnection, query: Query, log: RunLog) -> dict[Metric, Any]:
    started = time.perf_counter()
    _one_select(con, query.sql)
    params = thaw(query.params)
    if query.kind in FUSED_KINDS:
        row = con.execute(query.sql, params).fetchone()
        values = dict(zip(query.metrics, row))
    elif query.kind == "rows":
        values = {query.metrics[0]: con.execute(query.sql, params).fetchall()}
    elif query.kind == "top":
        values = {metric: [] for metric in query.metrics}
        for *keys, count in con.execute(query.sql, params).fetchall():
            index = next(i for i, key in enumerate(keys) if key is not None)
            values[query.metrics[index]].append((keys[index], count))
    else:
        metric = query.metrics[0]
        # DuckDB 2 refuses a new relation while the result of an execute() is unread (a fused
        # aggregate read with fetchone, say): run that one to its end first.
        if hasattr(con, "complete"):
            con.complete()
        relation = con.sql(query.sql, params=params)
        # DuckDB 2 renamed the relation's fetch_arrow_reader to to_arrow_reader (and dropped the
        # cursor's fetch_record_batch).
        to_reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_arrow_reader
        reader = to_reader(STREAM_BATCH_ROWS)
        values = {metric: metric.reducer(reader)}
    log.queries.append((query.sql, time.perf_counter() - started))
    return values


def _is_read_error(error: Exception) -> bool:
    """The data itself could not be read (IO, CSV parsing, encoding): not a metric's fault. A
    refused access (to a file outside the dataset, say) is the metric's own fault."""
    if isinstance(error, duckdb.PermissionException):
        return False
    text = str(error)
    return isinstance(error, duckdb.IOException) or any(marker in text for marker in READ_ERROR_MARKERS)


def _failure(error: Exception) -> MetricFailure:
    return MetricFailure(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)


def run_plan(con: duckdb.DuckDBPyConnection, plan: Plan, log: RunLog | None = None,
             timeout: float | None = None) -> dict[Metric, Any]:
    """Run every query, each for at most ``timeout`` seconds. A failing fused query is re-run
    metric by metric so that one bad metric (say, a cast that fails on some value, or a regex
    that takes too long) errors only the expectations that depend on it."""
    log = log if log is not None else RunLog()
    values: dict[Metric, Any] = {}
    for query in progress.track("queries", plan.queries):
        try:
            values.update(_execute(con, query, log, timeout))
        except (duckdb.Error, ValueError, TypeError, OverflowError, QueryTimeout) as error:
            if _is_read_error(error):
                raise TableReadError(query.metrics[0].table, str(error)) from None
            if query.alone is not None and len(query.metrics) > 1:
                for metric in query.metrics:
                    try:
                        values.update(_execute(con, query.alone(metric), log, timeout))
                    except (duckdb.Error, ValueError, TypeError, OverflowError, QueryTimeout) as alone:
                        values[metric] = _failure(alone)
            else:
                for metric in query.metrics:
                    values[metric] = _failure(error)
    return values


def compute(con: duckdb.DuckDBPyConnection, metrics: Iterable[Metric], known: dict[Metric, Any],
            log: RunLog | None = None, timeout: float | None = None) -> tuple[dict[Metric, Any], Plan]:
    """The value of every metric: those in ``known`` (computed earlier on the same data) as they
    are, the others by a plan of their own, whose values are added to ``known``."""
    wanted = list(dict.fromkeys(metrics))
    missing = [m for m in wanted if m not in known]
    plan = plan_metrics(missing, few_distinct_values(con, missing, known, log, timeout))
    known.update(run_plan(con, plan, log, timeout))
    return {m: known[m] for m in wanted}, plan


def few_distinct_values(con: duckdb.DuckDBPyConnection, metrics: list[Metric], known: dict[Metric, Any],
                        log: RunLog | None = None, timeout: float | None = None) -> set[tuple[str, str]]:
    """(table, column) pairs of the ``values`` metrics whose column has at most
    FEW_VALUES_SHARE distinct values per row among the table's first CARDINALITY_SAMPLE_ROWS rows
    (one bounded query per table); smaller tables are cheap to check row by row. A wrong guess
    costs time, never correctness."""
    columns: dict[str, list[str]] = {}
    for metric in metrics:
        if metric.kind == "values" and metric.sql not in columns.setdefault(metric.table, []):
            columns[metric.table].append(metric.sql)
    samples = {table: Metric(table, f"SELECT count(*), {', '.join(f'count(DISTINCT {c})' for c in cols)} "
                                    f"FROM (SELECT {', '.join(cols)} FROM {table} LIMIT {CARDINALITY_SAMPLE_ROWS})",
                             kind="rows", label="cardinality_sample")
               for table, cols in columns.items()}
    missing = [m for m in samples.values() if m not in known]
    known.update(run_plan(con, plan_metrics(missing), log, timeout))
    few = set()
    for table, metric in samples.items():
        if not isinstance(known[metric], list):
            continue  # the sample failed: count per row, and let the real query report the problem
        sampled, *distinct = known[metric][0]
        if sampled < CARDINALITY_SAMPLE_ROWS:
            continue
        few.update((table, column) for column, n in zip(columns[table], distinct)
                   if n <= FEW_VALUES_SHARE * sampled)
    return few
