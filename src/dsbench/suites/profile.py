"""Profile a table in one pass: what the data-driven suite generator needs to know.

A row count, then one query per table, returning one row (no data is loaded into Python); both are
metrics, run by the engine's runner like every other:

- an aggregate scan over all columns: the sum and the number of distinct values of the rows'
  hashes (the card's content hash, and proof that records are unique when there are as many as
  rows); per column the non-null count; for numeric columns the quartiles
  (continuous percentiles, over finite values; over a deterministic sample of rows chosen by row hash
  when the table has 2 x ``QUARTILE_SAMPLE_ROWS`` rows or more), the least finite value and, for
  integer columns, an approximate count of distinct values (HyperLogLog: a key has one per row);
- for the VARCHAR columns (a scalar subquery, only when there are some), over the first
  ``TEXT_SAMPLE_ROWS`` rows in table order (a deterministic prefix, so that profiling a wide text
  table costs one bounded read, not a group-by of every value): the column values are
  unnested and grouped once, so each distinct value is examined once and weighted by its count,
  giving per column the number of values castable (losslessly, with the same SQL as
  ``expect_column_values_to_be_castable``) to BIGINT, DOUBLE, BOOLEAN, DATE and TIMESTAMP, the
  number containing whitespace, the mean and maximum length, and the dominant *shape*: digits
  become ``9``, upper-case letters ``A``, other letters ``a``, everything else stays
  (a regex replacement in SQL); values longer than 64 characters have no shape. The most frequent
  shape wins, ties broken by the shape itself, so the result is deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

from dsbench.engine import types as logical_types
from dsbench.engine.backend import TableReadError
from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Metric, MetricFailure, Scope, content_hash
from dsbench.engine.planner import aggregate_select
from dsbench.engine.runner import compute, few_distinct_values
from dsbench.engine.sql import quote_ident
from dsbench.engine.types import LogicalType
from dsbench.errors import DataError
from dsbench.expectations.castable import castable
from dsbench.expectations.column_map import distinct_keys

# The type probed (by its DuckDB name, a label of the castable shares) -> the castable type it
# evidences, in order of preference (most specific first).
CASTS = {"BIGINT": "integer", "DOUBLE": "number", "BOOLEAN": "boolean", "DATE": "date",
         "TIMESTAMP": "datetime"}
SHAPE_MAX_LENGTH = 64
TEXT_SAMPLE_ROWS = 100_000
# Quartiles are exact up to twice this many rows; beyond, they are those of a sample of
# QUARTILE_SAMPLE_ROWS to 2 x QUARTILE_SAMPLE_ROWS rows picked by row hash (deterministic, whatever
# the row order or thread count) — exact quartiles would sort every value, and hold them in memory.
QUARTILE_SAMPLE_ROWS = 200_000
QUARTILES = (0.25, 0.5, 0.75)
SHAPE_RULES = (("[0-9]", "9"), (r"\p{Lu}", "A"), (r"[\p{Ll}\p{Lt}\p{Lm}\p{Lo}]", "a"))
TEXT = LogicalType(logical_types.STRING)
SHAPE_CLASSES = {"9": "[0-9]", "A": r"\p{Lu}", "a": r"[\p{Ll}\p{Lt}\p{Lm}\p{Lo}]"}
RE2_SPECIAL = set("\\.+*?()|[]{}^$-/#&~")


@dataclass(frozen=True)
class ColumnProfile:
    name: str
    type: str  # the engine's name of the column's type
    non_null: int
    castable: dict[str, float] = field(default_factory=dict)  # DuckDB type -> share of non-null values
    shape: str | None = None
    shape_share: float | None = None  # of non-null values
    whitespace_share: float | None = None
    mean_length: float | None = None
    max_length: int | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    minimum: float | None = None  # of the finite values (numeric columns)
    distinct: int | None = None  # approximate distinct values (integer columns; HyperLogLog)
    logical: LogicalType | None = None  # the column's logical type (None: not profiled)

    @property
    def is_text(self) -> bool:
        return self.logical is not None and self.logical.is_string

    @property
    def is_numeric(self) -> bool:
        return self.logical is not None and self.logical.is_numeric


@dataclass(frozen=True)
class TableProfile:
    table: str
    rows: int
    columns: tuple[ColumnProfile, ...]
    queries: int  # queries run to build it
    quartile_sample_every: int = 1  # quartiles from the rows whose hash is a multiple of this
    quartile_sample_rows: int = 0

    @property
    def quartiles_exact(self) -> bool:
        return self.quartile_sample_every == 1

    def column(self, name: str) -> ColumnProfile:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def shape_sql(dialect: Dialect, col: str) -> tuple[str, tuple]:
    """SQL for the shape of a text value, with its parameters."""
    sql, params = col, []
    for pattern, replacement in SHAPE_RULES:
        sql = dialect.regex_replace(sql, "?", "?")
        params += [pattern, replacement]
    return f"CASE WHEN {dialect.char_length(col)} <= ? THEN {sql} END", (SHAPE_MAX_LENGTH, *params)


def shape_regex(shape: str) -> str:
    """The anchored RE2 regex matching exactly the values of this shape."""
    parts, index = [], 0
    while index < len(shape):
        char, run = shape[index], 1
        while index + run < len(shape) and shape[index + run] == char:
            run += 1
        if char in SHAPE_CLASSES:
            token = SHAPE_CLASSES[char]
        elif char in RE2_SPECIAL:
            token = "\\" + char
        elif not char.isprintable() or (char.isspace() and char != " "):
            token = f"\\x{{{ord(char):x}}}"
        else:
            token = char
        parts.append(token + (f"{{{run}}}" if run > 1 else ""))
        index += run
    return "^" + "".join(parts) + "$"


def _share(part: Any, whole: int) -> float | None:
    return int(part) / whole if whole else None


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _text_statistics(dialect: Dialect, view: str, names: list[str]) -> tuple[str, list[Any]]:
    """A scalar subquery: one struct per text column (in ``names`` order) with its castable
    counts, whitespace count, length statistics and dominant shape.

    Values are grouped first, so each distinct value is cast and shaped once and weighted by its
    count: far cheaper than per row when values repeat, and never more rows than the table has.
    """
    keys = dialect.list_of(*(str(i) for i in range(len(names))))
    values = dialect.list_of(*(quote_ident(name) for name in names))
    params: list[Any] = []
    flags = []
    for probed, target in CASTS.items():
        condition = castable(dialect, "s", TEXT, target)
        flags.append(f"coalesce(sum(n) FILTER (WHERE {condition.sql}), 0) AS {probed.lower()}")
        params += condition.params
    flags.append(f"coalesce(sum(n) FILTER (WHERE {dialect.regex_contains('s', '?')}), 0) AS whitespace")
    params.append(r"\s")
    shape, shape_params = shape_sql(dialect, "s")
    params += shape_params
    fields = [("k", "stats.k"), *((t.lower(), t.lower()) for t in CASTS), ("whitespace", "whitespace"),
              ("length_sum", "length_sum"), ("max_length", "max_length"), ("sampled", "sampled"),
              ("shape", "top.shape"), ("shape_count", "top.m")]
    length = dialect.char_length("s")
    top = dialect.qualify(f"SELECT k, shape, sum(n) AS m FROM (SELECT k, {shape} AS shape, n FROM values_) "
                          f"WHERE shape IS NOT NULL GROUP BY k, shape",
                          "row_number() OVER (PARTITION BY k ORDER BY sum(n) DESC, shape ASC) = 1")
    sql = (
        f"SELECT {dialect.aggregate_list(dialect.struct(fields), order_by='stats.k')} FROM ("
        f"SELECT k, {', '.join(flags)}, sum(n * {length}) AS length_sum, max({length}) AS max_length, "
        f"sum(n) AS sampled "
        f"FROM values_ GROUP BY k) AS stats LEFT JOIN ({top}) AS top "
        f"ON stats.k = top.k")
    with_clause = (f"WITH values_ AS (SELECT k, s, count(*) AS n FROM (SELECT {dialect.unnest(keys)} AS k, "
                   f"{dialect.unnest(values)} AS s FROM (SELECT * FROM {view} LIMIT {TEXT_SAMPLE_ROWS})) "
                   f"WHERE s IS NOT NULL GROUP BY k, s) ")
    return f"({with_clause}{sql})", params


def _fusable(dataset: Any, view: str, metrics: Iterable[Metric]) -> list[Metric]:
    """The metrics of this table the profile's scan can compute: per-row aggregates not known
    yet, except conditions on columns of few values (cheaper over their grouped values)."""
    candidates = [m for m in dict.fromkeys(metrics) if m.table == view and m.kind in ("aggregate", "values")
                  and m not in dataset.metric_values]
    few = few_distinct_values(dataset.session, candidates, dataset.metric_values)
    return [m for m in candidates if not (m.kind == "values" and (m.table, m.sql) in few)]


def _value(dataset: Any, table: Any, metric: Metric) -> Any:
    """The value of one of the profile's metrics, run within the dataset's time limit (kept apart
    from the dataset's values: the suites ask for the numbers in it by their own metrics); a table
    that cannot be read is an error naming it."""
    try:
        return compute(dataset.session, [metric], {}, timeout=dataset.timeout)[0][metric]
    except TableReadError as error:
        raise DataError(error.message, source=table.source) from None


def _timed_out(failure: MetricFailure) -> bool:
    return failure.message.startswith("timed out")


def _failed(table: Any, failure: MetricFailure) -> DataError:
    """Profiling a table that ran out of time, or failed, is an error naming the table."""
    reason = failure.message if _timed_out(failure) else f"failed: {failure.message}"
    return DataError(f"profiling table {table.name!r} {reason}", source=table.source)


def _unused_name(names: Any, stem: str) -> str:
    name = stem
    while name in names:
        name += "_"
    return name


def profile_table(dataset: Any, table_name: str | None = None, also: Iterable[Metric] = ()) -> TableProfile:
    """Profile one table of a loaded :class:`~dsbench.data.Dataset`: a row count, then ONE scan.

    The numbers the table's suites and the card also need (rows, non-null counts, the content hash,
    the number of distinct record hashes) are left in ``dataset.metric_values``, so nothing is
    computed twice; so are the metrics ``also`` asks for, those that are plain per-row aggregates
    (the others are left to the suites' own plan)."""
    table, dialect = dataset.table(table_name), dataset.dialect
    scope = Scope(table.view)
    names = list(table.columns)
    cols = [quote_ident(name) for name in names]
    kinds = [dialect.logical_type(column_type) for column_type in table.columns.values()]
    count = scope.aggregate("count(*)")
    counted = _value(dataset, table, count)
    if isinstance(counted, MetricFailure):
        raise _failed(table, counted)
    rows = int(counted)
    every = max(1, rows // QUARTILE_SAMPLE_ROWS)
    hashed = quote_ident(_unused_name(table.columns, "dsbench_row_hash"))
    sampled = f"{hashed} % {every} = 0"

    content, distinct = content_hash(table.view, cols, dialect), distinct_keys(dialect, scope, ", ".join(cols))
    selects = [f"coalesce(sum({dialect.cast(hashed, 'int128')}), 0)", f"count(DISTINCT {hashed})",
               f"count(*) FILTER (WHERE {sampled})"]
    params: list[Any] = []
    for col, kind in zip(cols, kinds):
        selects.append(f"count({col})")
        if kind.is_numeric:
            finite = f" AND {dialect.is_finite(col)}" if kind.is_float else ""
            # Distinct values tell keys; they are counted for integers only (floats are no keys).
            approximate = "NULL" if kind.family in ("float", "decimal") else dialect.approx_count_distinct(col)
            quartiles = f"{dialect.percentiles_cont(col, QUARTILES)} FILTER (WHERE {sampled}{finite})"
            selects.append(dialect.struct([("q", quartiles), ("low", f"min({col}) FILTER (WHERE true{finite})"),
                                           ("values", approximate)]))
        else:
            selects.append("NULL")
    extra = _fusable(dataset, table.view, also)
    extra_items, extra_params = aggregate_select(extra, dialect) if extra else ([], ())
    text_columns = [name for name, kind in zip(names, kinds) if kind.is_string]
    if text_columns:
        subquery, text_params = _text_statistics(dialect, table.view, text_columns)
        selects.append(subquery)
        params += text_params
    source = f"(SELECT {', '.join(cols)}, {dialect.hash(*cols)} AS {hashed} FROM {table.view})"

    def scan(items: list[str], more: tuple = ()) -> Metric:
        return Metric(table.view, f"SELECT {', '.join(items)} FROM {source}", (*params, *more), "rows",
                      label=f"profile({table.name})")

    found = _value(dataset, table, scan(selects + extra_items, extra_params))
    if isinstance(found, MetricFailure) and extra and not _timed_out(found):
        # A metric asked for besides failed: profile without it (the suites will report it).
        found, extra = _value(dataset, table, scan(selects)), []
    if isinstance(found, MetricFailure):
        raise _failed(table, found)
    width = len(selects)
    row, extra_values = found[0][:width], found[0][width:]
    known = {count: rows, content: row[0], distinct: row[1], **dict(zip(extra, extra_values))}
    text = {name: stats for name, stats in zip(text_columns, row[-1] or [])} if text_columns else {}

    columns = []
    for index, (name, column_type) in enumerate(table.columns.items()):
        kind = kinds[index]
        non_null, quartiles = int(row[3 + 2 * index]), row[4 + 2 * index]
        known[scope.aggregate(f"count({cols[index]})")] = non_null
        if name in text:
            stats = text[name]
            shape, sampled_values = stats["shape"], int(stats["sampled"] or 0)
            columns.append(ColumnProfile(
                name, column_type, non_null,
                castable={t: _share(stats[t.lower()], sampled_values) for t in CASTS} if sampled_values else {},
                shape=shape,
                shape_share=_share(stats["shape_count"], sampled_values) if shape is not None else None,
                whitespace_share=_share(stats["whitespace"], sampled_values),
                mean_length=int(stats["length_sum"]) / sampled_values if sampled_values else None,
                max_length=int(stats["max_length"]) if stats["max_length"] is not None else None,
                logical=kind))
        elif kind.is_numeric:
            least, distinct_values = quartiles["low"], quartiles["values"]
            quartiles = quartiles["q"] or [None, None, None]
            columns.append(ColumnProfile(name, column_type, non_null, q1=_finite(quartiles[0]),
                                         median=_finite(quartiles[1]), q3=_finite(quartiles[2]),
                                         minimum=_finite(least),
                                         distinct=None if distinct_values is None else int(distinct_values),
                                         logical=kind))
        else:
            columns.append(ColumnProfile(name, column_type, non_null, logical=kind))
    dataset.metric_values.update(known)
    return TableProfile(table.name, rows, tuple(columns), 2, every, int(row[2]))
