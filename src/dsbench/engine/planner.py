"""Group metrics into as few queries as possible (the Deequ scan-sharing idea).

Every plain aggregate of a table goes into ONE ``SELECT agg1, agg2, … FROM table``; aggregates over
DISTINCT values share a second one; row-returning and streamed metrics run as their own queries.
Duplicates are computed once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from dsbench.engine.metrics import FUSED_KINDS, Metric


@dataclass
class Query:
    sql: str
    params: tuple
    metrics: list[Metric]
    kind: str  # "aggregate"/"distinct" (one row, a column per metric), "rows" or "stream" (one metric)

    def explain(self) -> str:
        return f"[{self.kind}] {self.sql}"


@dataclass
class Plan:
    queries: list[Query] = field(default_factory=list)

    @property
    def metric_count(self) -> int:
        return sum(len(q.metrics) for q in self.queries)

    def scans_of(self, table: str) -> int:
        """How many queries read ``table`` (the quoted name)."""
        return sum(1 for q in self.queries if q.metrics[0].table == table)


def aggregate_query(table: str, metrics: list[Metric]) -> Query:
    columns = ", ".join(m.sql for m in metrics)
    params = tuple(p for m in metrics for p in m.params)
    return Query(f"SELECT {columns} FROM {table}", params, metrics, metrics[0].kind)


def plan_metrics(metrics: Iterable[Metric]) -> Plan:
    unique = list(dict.fromkeys(metrics))
    fused: dict[tuple[str, str], list[Metric]] = {}
    others: list[Query] = []
    for metric in unique:
        if metric.kind in FUSED_KINDS:
            fused.setdefault((metric.table, metric.kind), []).append(metric)
        else:
            others.append(Query(metric.sql, metric.params, [metric], metric.kind))
    queries = [aggregate_query(table, group) for (table, _), group in fused.items()]
    return Plan(queries + others)
