"""Group metrics into as few queries as possible (the Deequ scan-sharing idea).

Every plain aggregate of a table goes into ONE ``SELECT agg1, agg2, … FROM table``; aggregates over
DISTINCT values share a second one; the value counts that serve as evidence for every failed
expectation of a table share one grouped query; row-returning and streamed metrics run as their own
queries. Duplicates are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from dsbench.engine.metrics import FUSED_KINDS, Metric

TOP_VALUES = 20


@dataclass
class Query:
    sql: str
    params: tuple
    metrics: list[Metric]
    kind: str  # "aggregate"/"distinct" (one row, a column per metric), "rows" or "stream" (one metric)


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)

    @property
    def metric_count(self) -> int:
        return sum(len(q.metrics) for q in self.queries)


def aggregate_query(table: str, metrics: list[Metric]) -> Query:
    columns = ", ".join(m.sql for m in metrics)
    params = tuple(p for m in metrics for p in m.params)
    return Query(f"SELECT {columns} FROM {table}", params, metrics, metrics[0].kind)


def top_values_query(table: str, metrics: list[Metric]) -> Query:
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
    sql = (f"SELECT {', '.join(keys)}, n FROM (SELECT {', '.join(keys)}, count(*) AS n FROM "
           f"(SELECT {cases} FROM {table} WHERE {anywhere}) GROUP BY GROUPING SETS ({sets})) "
           f"WHERE {present} QUALIFY row_number() OVER (PARTITION BY {partition} "
           f"ORDER BY n DESC, {order}) <= {TOP_VALUES}")
    params = tuple(p for m in metrics for p in m.condition.params) * 2
    return Query(sql, params, metrics, "top")


def plan_metrics(metrics: Iterable[Metric]) -> Plan:
    unique = list(dict.fromkeys(metrics))
    fused: dict[tuple[str, str], list[Metric]] = {}
    others: list[Query] = []
    for metric in unique:
        if metric.kind in FUSED_KINDS or metric.kind == "top":
            fused.setdefault((metric.table, metric.kind), []).append(metric)
        else:
            others.append(Query(metric.sql, metric.params, [metric], metric.kind))
    queries = [top_values_query(table, group) if kind == "top" else aggregate_query(table, group)
               for (table, kind), group in fused.items()]
    return Plan(queries + others)
