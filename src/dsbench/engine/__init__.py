"""Metrics, the planner that fuses them into few scans, and the DuckDB runner."""

from dsbench.engine.metrics import Metric, Scope
from dsbench.engine.planner import Plan, Query, plan_metrics
from dsbench.engine.metrics import MetricFailure
from dsbench.engine.runner import run_plan

__all__ = ["Metric", "MetricFailure", "Plan", "Query", "Scope", "plan_metrics", "run_plan"]
