"""Group metrics into as few queries as possible (the Deequ scan-sharing idea).

Every plain aggregate of a table goes into ONE ``SELECT agg1, agg2, … FROM table``; aggregates over
DISTINCT values share a second one; the value counts that serve as evidence for every failed
expectation of a table share one grouped query; row-returning and streamed metrics run as their own
queries. Duplicates are computed once.

``values`` metrics (conditions on one column's value) join the plain aggregate scan, except on
columns known to hold few distinct values: those are grouped first (``SELECT col, count(*) …
GROUP BY col``, one query per column) and every condition is evaluated once per distinct value.
Where several regex screens of one column run per row, one combined regex is tried first and the
separate ones only on rows it matched (DuckDB evaluates the shared expression once per row).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import FUSED_KINDS, Metric

TOP_VALUES = 20


@dataclass
class Query:
    sql: str
    params: tuple
    metrics: list[Metric]
    kind: str  # "aggregate"/"distinct" (one row, a column per metric), "rows" or "stream" (one metric)
    # The query for one of its metrics alone, to isolate a metric that makes the whole query fail.
    alone: Callable[[Metric], "Query"] | None = field(default=None, repr=False)


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)

    @property
    def metric_count(self) -> int:
        return sum(len(q.metrics) for q in self.queries)


def combined_regex(patterns: Iterable[str]) -> str:
    """A regex that matches wherever one of ``patterns`` does."""
    return "|".join(f"(?:{p})" for p in dict.fromkeys(patterns))


def _aggregate_sql(metric: Metric, dialect: Dialect, prefilter: str | None = None) -> tuple[str, tuple]:
    if metric.kind != "values":
        return metric.sql, metric.params
    condition = metric.condition
    if prefilter is None:
        return f"count(*) FILTER (WHERE {condition.sql})", condition.params
    return (f"count(*) FILTER (WHERE CASE WHEN {dialect.regex_contains(metric.sql, '?')} THEN ({condition.sql}) "
            f"ELSE false END)", (prefilter, *condition.params))


def aggregate_select(metrics: list[Metric], dialect: Dialect) -> tuple[list[str], tuple]:
    """The SELECT-list items of plain per-row aggregates (``aggregate`` and ``values`` metrics of
    one table) and their parameters, with combined regex screens."""
    prefilters = _prefilters(metrics)
    rendered = [_aggregate_sql(m, dialect, prefilters.get(m.sql) if m.screen else None) for m in metrics]
    return [sql for sql, _ in rendered], tuple(p for _, ps in rendered for p in ps)


def aggregate_query(table: str, metrics: list[Metric], dialect: Dialect) -> Query:
    items, params = aggregate_select(metrics, dialect)
    columns = ", ".join(items)
    kind = "distinct" if metrics[0].kind == "distinct" else "aggregate"
    return Query(f"SELECT {columns} FROM {table}", params, metrics, kind,
                 alone=lambda metric: aggregate_query(table, [metric], dialect))


def grouped_query(table: str, column: str, metrics: list[Metric]) -> Query:
    """``values`` metrics of one column, evaluated once per distinct value and weighted by its count."""
    n = '"dsbench_rows_"' if column == '"dsbench_rows"' else '"dsbench_rows"'
    columns = ", ".join(f"coalesce(sum({n}) FILTER (WHERE {m.condition.sql}), 0)" for m in metrics)
    params = tuple(p for m in metrics for p in m.condition.params)
    sql = f"SELECT {columns} FROM (SELECT {column}, count(*) AS {n} FROM {table} GROUP BY {column})"
    return Query(sql, params, metrics, "aggregate", alone=lambda metric: grouped_query(table, column, [metric]))


def top_values_query(table: str, metrics: list[Metric], dialect: Dialect) -> Query:
    """One scan for the top values of several expressions, each over its own rows.

    Key ``k<i>`` is the i-th expression where the i-th condition holds, else NULL; grouping sets
    count each key separately; a row belongs to set i exactly when ``k<i>`` is not NULL (the
    counted values are never NULL: map expectations count only non-null values, and rows are structs).
    """
    keys = [f"k{i}" for i in range(len(metrics))]
    cases = ", ".join(f"CASE WHEN ({m.condition}) THEN {m.sql} END AS {k}" for m, k in zip(metrics, keys))
    anywhere = " OR ".join(f"({m.condition})" for m in metrics)
    sets = ", ".join(f"({k})" for k in keys)
    present = " OR ".join(f"{k} IS NOT NULL" for k in keys)
    partition = ", ".join(f"{k} IS NULL" for k in keys)
    order = ", ".join(f"{k} ASC" for k in keys)
    counted = (f"SELECT {', '.join(keys)}, n FROM (SELECT {', '.join(keys)}, count(*) AS n FROM "
               f"(SELECT {cases} FROM {table} WHERE {anywhere}) GROUP BY GROUPING SETS ({sets})) WHERE {present}")
    sql = dialect.qualify(counted, f"row_number() OVER (PARTITION BY {partition} ORDER BY n DESC, {order}) <= {TOP_VALUES}")
    params = tuple(p for m in metrics for p in m.condition.params) * 2
    return Query(sql, params, metrics, "top", alone=lambda metric: top_values_query(table, [metric], dialect))


def plan_metrics(metrics: Iterable[Metric], dialect: Dialect, few_values: Iterable[tuple[str, str]] = ()) -> Plan:
    """The queries of ``metrics`` in ``dialect``; ``few_values``: (table, column) pairs whose
    ``values`` metrics are evaluated per distinct value."""
    few_values = set(few_values)
    unique = list(dict.fromkeys(metrics))
    fused: dict[tuple[str, str], list[Metric]] = {}
    grouped: dict[tuple[str, str], list[Metric]] = {}
    others: list[Query] = []
    for metric in unique:
        if metric.kind == "values" and (metric.table, metric.sql) in few_values:
            grouped.setdefault((metric.table, metric.sql), []).append(metric)
        elif metric.kind in (*FUSED_KINDS, "top", "values"):
            kind = "aggregate" if metric.kind == "values" else metric.kind
            fused.setdefault((metric.table, kind), []).append(metric)
        else:
            others.append(Query(metric.sql, metric.params, [metric], metric.kind))
    queries = []
    for (table, kind), group in fused.items():
        if kind == "top":
            queries.append(top_values_query(table, group, dialect))
        else:
            queries.append(aggregate_query(table, group, dialect))
    queries += [grouped_query(table, column, group) for (table, column), group in grouped.items()]
    return Plan(queries + others)


def _prefilters(metrics: list[Metric]) -> dict[str, str]:
    """Column -> one combined regex, for columns screened by more than one regex per row."""
    screens: dict[str, list[str]] = {}
    for metric in metrics:
        if metric.kind == "values" and metric.screen:
            screens.setdefault(metric.sql, []).extend(metric.screen)
    return {column: combined_regex(patterns) for column, patterns in screens.items() if len(patterns) > 1}
