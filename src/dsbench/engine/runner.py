"""Run a plan on a backend's session and return the value of every metric, isolating a failing
metric by re-running it alone (engine-neutral: the session executes, this module decides what to
run and what a failure errors)."""

from __future__ import annotations

from typing import Any, Iterable

from dsbench import progress
from dsbench.engine.backend import QueryTimeout, RunLog, Session, TableReadError
from dsbench.engine.metrics import Metric, MetricFailure
from dsbench.engine.planner import Plan, plan_metrics

CARDINALITY_SAMPLE_ROWS = 20_000
FEW_VALUES_SHARE = 0.05


def _failure(error: Exception) -> MetricFailure:
    return MetricFailure(str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)


def run_plan(session: Session, plan: Plan, log: RunLog | None = None,
             timeout: float | None = None) -> dict[Metric, Any]:
    """Run every query, each for at most ``timeout`` seconds. A failing fused query is re-run
    metric by metric so that one bad metric (say, a cast that fails on some value, or a regex
    that takes too long) errors only the expectations that depend on it."""
    log = log if log is not None else RunLog()
    values: dict[Metric, Any] = {}
    for query in progress.track("queries", plan.queries):
        try:
            values.update(session.execute(query, log, timeout))
        except (*session.errors, ValueError, TypeError, OverflowError, QueryTimeout) as error:
            unreadable = session.read_error(error)
            if unreadable is not None:
                raise TableReadError(query.metrics[0].table, unreadable) from None
            if query.alone is not None and len(query.metrics) > 1:
                for metric in query.metrics:
                    try:
                        values.update(session.execute(query.alone(metric), log, timeout))
                    except (*session.errors, ValueError, TypeError, OverflowError, QueryTimeout) as alone:
                        values[metric] = _failure(alone)
            else:
                for metric in query.metrics:
                    values[metric] = _failure(error)
    return values


def compute(session: Session, metrics: Iterable[Metric], known: dict[Metric, Any],
            log: RunLog | None = None, timeout: float | None = None) -> tuple[dict[Metric, Any], Plan]:
    """The value of every metric: those in ``known`` (computed earlier on the same data) as they
    are, the others by a plan of their own, whose values are added to ``known``."""
    wanted = list(dict.fromkeys(metrics))
    missing = [m for m in wanted if m not in known]
    plan = plan_metrics(missing, session.dialect, few_distinct_values(session, missing, known, log, timeout))
    known.update(run_plan(session, plan, log, timeout))
    return {m: known[m] for m in wanted}, plan


def few_distinct_values(session: Session, metrics: list[Metric], known: dict[Metric, Any],
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
    known.update(run_plan(session, plan_metrics(missing, session.dialect), log, timeout))
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
