"""validate(): bind a suite to a dataset, compute all metrics in shared scans, decide, add evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from pydantic import ValidationError

from dsbench import progress
from dsbench.data.manifest import pydantic_location
from dsbench.data.sources import Dataset, LoadOptions, describe_duckdb_error, load_dataset
from dsbench.engine.metrics import Metric
from dsbench.engine.planner import Plan
from dsbench.engine.runner import RunLog, TableReadError, compute
from dsbench.errors import DataError, DsbenchError, SuiteError
from dsbench.expectations.base import Context, Expectation, ExpectationConfig, Outcome
from dsbench.expectations.registry import get_expectation_type
from dsbench.suite import Suite, resolve_suite


@dataclass
class ExpectationResult:
    """One expectation's outcome, GX-shaped by :meth:`to_dict`."""

    config: ExpectationConfig
    id: str
    outcome: Outcome
    expectation: Expectation | None = field(default=None, repr=False, compare=False)  # as bound to the data

    @property
    def success(self) -> bool:
        return self.outcome.success

    @property
    def concern(self) -> str | None:
        return self.config.concern or getattr(get_expectation_type(self.config.type), "default_concern", None)

    def to_dict(self) -> dict[str, Any]:
        meta = dict(self.config.meta)
        if self.concern:
            meta["concern"] = self.concern
        exception = self.outcome.exception
        return {
            "success": self.outcome.success,
            "expectation_config": {"type": self.config.type, "kwargs": dict(self.config.kwargs),
                                   "meta": meta, "id": self.id, "severity": self.config.severity},
            "result": self.outcome.result,
            "exception_info": {"raised_exception": exception is not None,
                               "exception_message": exception, "exception_traceback": None},
            "measure": {"passed": self.outcome.passed, "evaluated": self.outcome.evaluated},
        }


@dataclass
class ValidationResult:
    """The result of one suite on one table.

    ``success`` is true when every expectation succeeded; ``results`` lists
    :class:`ExpectationResult` in suite order; ``to_dict()`` is the GX-shaped JSON document.
    """

    suite: Suite
    table: str
    results: list[ExpectationResult]
    plan: Plan
    log: RunLog = field(repr=False, default_factory=RunLog)

    @property
    def success(self) -> bool:
        return all(r.success for r in self.results)

    @property
    def statistics(self) -> dict[str, Any]:
        total = len(self.results)
        good = sum(r.success for r in self.results)
        return {"evaluated_expectations": total, "successful_expectations": good,
                "unsuccessful_expectations": total - good,
                "success_percent": good / total * 100 if total else None}

    def to_dict(self) -> dict[str, Any]:
        from dsbench import __version__

        return {"success": self.success, "statistics": self.statistics,
                "results": [r.to_dict() for r in self.results],
                "suite_name": self.suite.name,
                "meta": {"suite_version": self.suite.version, "table": self.table,
                         "dsbench_version": __version__}}


def bind(suite: Suite, dataset: Dataset, full_evidence: bool = False) -> list[tuple[ExpectationConfig, Expectation]]:
    """Instantiate every expectation against its table; any problem is a SuiteError naming the
    expectation's position and field, raised before a single query runs."""
    try:
        table = dataset.table(suite.table)
    except DataError as error:  # the suite names no table, or one the dataset does not have
        raise SuiteError(error.problem, location="table") from None
    context = Context(table, dataset.tables, dataset.manifest, full_evidence)
    bound = []
    for index, config in enumerate(suite.expectations):
        where = f"expectations[{index}]"
        try:
            cls = get_expectation_type(config.type)
            kwargs = cls.Kwargs.model_validate(config.kwargs)
            bound.append((config, cls(kwargs, context)))
        except ValidationError as error:
            location, message = pydantic_location(error)
            raise SuiteError(message, location=f"{where}.kwargs.{location}" if location else f"{where}.kwargs") from None
        except DsbenchError as error:
            raise error.within(location=where) from None
    return bound


def run(suite: Suite, dataset: Dataset, full_evidence: bool = False) -> ValidationResult:
    return run_suites([suite], dataset, full_evidence)[0]


def run_suites(suites: list[Suite], dataset: Dataset, full_evidence: bool = False) -> list[ValidationResult]:
    """Run several suites on one dataset with ONE plan: metrics are shared across all of them, so
    every table is scanned once for all their plain aggregates (and, with ``full_evidence``, once
    for the value counts of all their failures)."""
    dataset.seal()
    bound_suites = []
    for suite in suites:
        try:
            bound_suites.append(bind(suite, dataset, full_evidence))
        except SuiteError as error:
            raise error.within(source=suite.source) from None
    everything = [expectation for bound in bound_suites for _, expectation in bound]
    log = RunLog()
    values, plan = _compute(dataset, (m for expectation in everything for m in expectation.metrics()), log)
    # Some expectations ask for an exact, costly count only when a cheap one leaves doubt.
    follow_up = [m for expectation in everything for m in expectation.follow_up(values)]
    if follow_up:
        values.update(_compute(dataset, follow_up, log)[0])
    outcomes = [expectation.decide(values) for expectation in everything]

    evidence = {i: everything[i].evidence(o) for i, o in enumerate(outcomes)
                if not o.success and o.exception is None}
    wanted = [m for metrics in evidence.values() for m in metrics]
    if wanted:
        progress.stage("evidence")  # its queries are shown as evidence
        evidence_values = _compute(dataset, wanted, log)[0]
        progress.stage(None)
        for i in evidence:
            everything[i].add_evidence(outcomes[i], evidence_values)

    results, position = [], 0
    for suite, bound in zip(suites, bound_suites):
        items = [ExpectationResult(config, config.stable_id(suite.name, i), outcomes[position + i], expectation)
                 for i, (config, expectation) in enumerate(bound)]
        position += len(bound)
        results.append(ValidationResult(suite, dataset.table(suite.table).name, items, plan, log))
    return results


def _compute(dataset: Dataset, metrics: Iterable[Metric], log: RunLog) -> tuple[dict[Metric, Any], Plan]:
    try:
        return compute(dataset.con, metrics, dataset.metric_values, log, dataset.timeout)
    except TableReadError as error:
        sources = {t.view: t.source for t in dataset.tables.values()}
        raise DataError(describe_duckdb_error(error.message), source=sources.get(error.table)) from None


def validate(data: Any, suite: Any, *, tables: dict[str, Any] | None = None,
             encoding: str | None = None, missing_values: list[str] | None = None,
             full_evidence: bool = False, threads: int | None = None,
             memory_limit: str | None = None, timeout: float | None = None) -> ValidationResult:
    """Validate ``data`` against ``suite``.

    ``data``: a path (file, glob, Parquet directory, dataset directory with a manifest,
    ``file.duckdb#table``), a pandas / pyarrow / polars object, a DuckDB relation, or a
    :class:`~dsbench.data.Dataset`. ``suite``: a path, a suite id, a :class:`Suite`, or a list of
    ``{"type": …, "kwargs": …}`` dicts. ``tables`` adds other tables by name (for expectations that
    compare tables). Failed map expectations report their first unexpected values and the counts
    among them; ``full_evidence`` counts unexpected values over the whole table instead.
    """
    suite = resolve_suite(suite)
    if isinstance(data, Dataset):
        return run(suite, data, full_evidence)
    options = LoadOptions(encoding=encoding, missing_values=missing_values, threads=threads,
                          memory_limit=memory_limit, timeout=timeout)
    with load_dataset(data, options=options, extra_tables=tables) as dataset:
        return run(suite, dataset, full_evidence)
