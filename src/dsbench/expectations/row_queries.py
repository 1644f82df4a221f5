"""The queries that point at an expectation's unexpected rows: the rows of its table numbered in
the order the engine reads them (from 1), and its row flag over them (see
:mod:`dsbench.validation.rows`, which reports and writes them, and :mod:`dsbench.scoring.defects`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.engine.sql import quote_ident

ROW_NUMBER = "dsbench_row_number"


def row_name(columns: Iterable[str]) -> str:
    """``dsbench_row_number``, lengthened until no column's name starts with it (so names built
    on it, such as its shared expressions, never meet a column either)."""
    stem, names = ROW_NUMBER, list(columns)
    while any(name.startswith(stem) for name in names):
        stem += "_"
    return stem


def frame_of(table: Any) -> RowFrame:
    return RowFrame(row_name(table.columns), [quote_ident(c) for c in table.columns])


def flagged_rows(expectation: Any) -> tuple[RowFrame, Condition, str] | None:
    """(frame, flag, FROM clause) of the expectation's unexpected rows, or None when it cannot
    point at them. The FROM clause is the table with the row number (and the flag's shared
    expressions), named like the table so that the flag's references to it still hold."""
    table = expectation.table
    frame = frame_of(table)
    try:
        flag = expectation.row_flag(frame)
    except NotImplementedError:
        return None
    if flag is None:
        return None
    extra = [f"{sql} AS {name}" for sql, name in frame.expressions.items()]
    extra.append(f"{expectation.dialect.row_number()} AS {frame.row}")
    source = f"(SELECT *, {', '.join(extra)} FROM {table.view}) AS {table.view}"
    return frame, flag, source


def rows_query(frame: RowFrame, flag: Condition, source: str, select: list[str], limit: int) -> tuple[str, tuple]:
    hit = f"{frame.row}_hit"
    names = [f"{frame.row}_v{i}" for i in range(len(select))]
    inner = ", ".join([f"{frame.row}", *(f"{sql} AS {name}" for sql, name in zip(select, names)),
                       f"coalesce(({flag.sql}), false) AS {hit}"])
    sql = (f"SELECT {', '.join([frame.row, *names])} FROM (SELECT {inner} FROM {source}) "
           f"WHERE {hit} ORDER BY {frame.row} LIMIT {int(limit) + 1}")
    return sql, flag.params


def unexpected_rows_metric(expectation: Any, index_columns: tuple[str, ...], limit: int) -> Metric | None:
    """The first ``limit`` + 1 unexpected rows: (row number, reported value, index columns …)."""
    found = flagged_rows(expectation)
    value = getattr(expectation, "value_sql", None)
    if found is None or value is None:
        return None
    frame, flag, source = found
    sql, params = rows_query(frame, flag, source, [value(), *(quote_ident(c) for c in index_columns)], limit)
    return Metric(expectation.table.view, sql, params, "rows", label=f"unexpected_rows({expectation.type})")


@dataclass(frozen=True)
class ArrowRows:
    """Fold a record batch reader into one Arrow table (the query bounds its rows)."""

    def __call__(self, reader: Any) -> Any:
        return reader.read_all()


def failing_rows_metric(expectation: Any, limit: int) -> Metric | None:
    """The first ``limit`` + 1 unexpected rows, every column of the table after the row number."""
    found = flagged_rows(expectation)
    if found is None:
        return None
    frame, flag, source = found
    columns = [quote_ident(c) for c in expectation.table.columns]
    sql, params = rows_query(frame, flag, source, columns, limit)
    # Named back: the row number, then the table's own columns.
    names = [f"{frame.row}_v{i}" for i in range(len(columns))]
    renamed = ", ".join([frame.row, *(f"{n} AS {c}" for n, c in zip(names, columns))])
    return Metric(expectation.table.view, f"SELECT {renamed} FROM ({sql})", params, "stream",
                  reducer=ArrowRows(), label=f"failing_rows({expectation.type})")


__all__ = ["ArrowRows", "ROW_NUMBER", "failing_rows_metric", "flagged_rows", "frame_of", "row_name", "rows_query",
           "unexpected_rows_metric"]
