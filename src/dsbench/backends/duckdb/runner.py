"""Run a query of the plan on one DuckDB connection: single SELECT only, within a deadline, results
fetched by the query's kind (a fused row, rows, top values, or a streamed reduction)."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import duckdb

from dsbench.backends.duckdb.dialect import DIALECT
from dsbench.backends.duckdb.errors import describe_duckdb_error
from dsbench.engine.metrics import FUSED_KINDS, Metric, thaw
from dsbench.engine.planner import Query
from dsbench.engine.backend import QueryTimeout, RunLog

STREAM_BATCH_ROWS = 1 << 16
READ_ERROR_MARKERS = ("CSV Error", "Invalid unicode", "Malformed JSON", "Parquet", "parquet", "orrupt",
                      "thrift", "ecompress")


class DuckDBSession:
    """The :class:`~dsbench.engine.backend.Session` of a DuckDB connection."""

    errors = (duckdb.Error,)
    dialect = DIALECT

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def execute(self, query: Query, log: RunLog, timeout: float | None = None) -> dict[Metric, Any]:
        with deadline(self.con, timeout):
            return _execute_now(self.con, query, log)

    def read_error(self, error: Exception) -> str | None:
        """What the user is told when ``error`` means the data itself could not be read, else None."""
        return describe_duckdb_error(error) if _is_read_error(error) else None


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
