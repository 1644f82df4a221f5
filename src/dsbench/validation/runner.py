"""validate(): bind a suite to a dataset, compute all metrics in shared scans, decide, add evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from dsbench import progress
from dsbench.backends import load_dataset
from dsbench.data.dataset import Dataset, LoadOptions, Table
from dsbench.engine.backend import RunLog, TableReadError
from dsbench.engine.metrics import Metric
from dsbench.engine.planner import Plan
from dsbench.engine.runner import compute
from dsbench.errors import DataError, DsbenchError, SuiteError, pydantic_location
from dsbench.expectations.base import Context, Expectation, ExpectationConfig, Outcome
from dsbench.expectations.registry import get_expectation_type
from dsbench.expectations.result_format import MAX_UNEXPECTED_ROWS, ResultFormat, parse_result_format, shape
from dsbench.suites.model import Suite, resolve_suite


@dataclass
class ExpectationResult:
    """One expectation's outcome, GX-shaped by :meth:`to_dict`."""

    config: ExpectationConfig
    id: str
    outcome: Outcome
    expectation: Expectation | None = field(default=None, repr=False, compare=False)  # as bound to the data
    rows: Any = field(default=None, repr=False)  # its unexpected rows (result_format SUMMARY, COMPLETE)
    failing_rows: dict[str, Any] | None = None  # the Parquet file of its failing rows (--failing-rows)

    @property
    def result_format(self) -> ResultFormat | None:
        return getattr(self.expectation, "report_format", None)

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
        document = {
            "success": self.outcome.success,
            "expectation_config": {"type": self.config.type, "kwargs": dict(self.config.kwargs),
                                   "meta": meta, "id": self.id, "severity": self.config.severity},
            "result": shape(self.outcome.result, self.result_format, self.rows),
            "exception_info": {"raised_exception": exception is not None,
                               "exception_message": exception, "exception_traceback": None},
            "measure": {"passed": self.outcome.passed, "evaluated": self.outcome.evaluated},
        }
        if self.failing_rows is not None:
            document["failing_rows"] = self.failing_rows
        return document


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
    # How the table was read, when it came from text: the missing-value tokens, the columns read
    # as text because some value did not fit their type, and the JSON types of mixed columns.
    reading: dict[str, Any] = field(default_factory=dict)

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
        from dsbench._version import __version__

        return {"success": self.success, "statistics": self.statistics,
                "results": [r.to_dict() for r in self.results],
                "suite_name": self.suite.name,
                "meta": {"suite_version": self.suite.version, "table": self.table,
                         "dsbench_version": __version__, **({"reading": self.reading} if self.reading else {})}}


def reading(table: Table) -> dict[str, Any]:
    """What :attr:`ValidationResult.reading` says of ``table`` (empty for a table with types)."""
    if table.missing_values is None and not table.source_types:
        return {}
    return {"missing_values": table.missing_values, "read_as_text": dict(table.read_as_text),
            "json_types": {c: census["types"] for c, census in table.source_types.items()}}


def bind(suite: Suite, dataset: Dataset, full_evidence: bool = False,
         result_format: ResultFormat | None = None) -> list[tuple[ExpectationConfig, Expectation]]:
    """Instantiate every expectation against its table; any problem is a SuiteError naming the
    expectation's position and field, raised before a single query runs. Each expectation gets
    the format of its result (``report_format``): its own, else ``result_format`` (the run's),
    else the suite's."""
    from dsbench.validation.rows import check_index_columns, report_format

    try:
        table = dataset.table(suite.table)
    except DataError as error:  # the suite names no table, or one the dataset does not have
        raise SuiteError(error.problem, location="table") from None
    context = Context(table, dataset.tables, dataset.manifest, full_evidence, dialect=dataset.dialect)
    suite_format, resource = parse_result_format(suite.result_format), dataset.resource(table.name)
    check_index_columns(suite_format, table, "result_format")
    try:
        check_index_columns(result_format, table, "result_format")
    except SuiteError as error:  # the run's option, not the suite's fault
        raise DsbenchError(error.problem, location=error.location) from None
    bound = []
    for index, config in enumerate(suite.expectations):
        where = f"expectations[{index}]"
        try:
            cls = get_expectation_type(config.type)
            kwargs = cls.Kwargs.model_validate(config.kwargs)
            expectation = cls(kwargs, context)
            expectation.report_format = report_format(expectation, result_format, suite_format, resource)
            bound.append((config, expectation))
        except ValidationError as error:
            location, message = pydantic_location(error)
            raise SuiteError(message, location=f"{where}.kwargs.{location}" if location else f"{where}.kwargs") from None
        except DsbenchError as error:
            raise error.within(location=where) from None
    return bound


def run(suite: Suite, dataset: Dataset, full_evidence: bool = False, **reporting: Any) -> ValidationResult:
    """One suite; ``reporting``: the keyword options of :func:`run_suites`."""
    return run_suites([suite], dataset, full_evidence, **reporting)[0]


def run_suites(suites: list[Suite], dataset: Dataset, full_evidence: bool = False, *,
               result_format: ResultFormat | None = None, max_rows: int = MAX_UNEXPECTED_ROWS,
               failing_rows: Any = None) -> list[ValidationResult]:
    """Run several suites on one dataset with ONE plan: metrics are shared across all of them, so
    every table is scanned once for all their plain aggregates (and, with ``full_evidence``, once
    for the value counts of all their failures). ``result_format`` is the run's (see
    :mod:`dsbench.expectations.result_format`; COMPLETE lists stop after ``max_rows`` rows); ``failing_rows``, a
    :class:`~dsbench.validation.rows.FailingRowsWriter`, stages the failing rows of each failed
    expectation (the caller commits them)."""
    dataset.seal()
    bound_suites = []
    for suite in suites:
        try:
            bound_suites.append(bind(suite, dataset, full_evidence, result_format))
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
    rows, files = _row_evidence(suites, bound_suites, outcomes, dataset, log, max_rows, failing_rows)

    results, position = [], 0
    for suite, bound in zip(suites, bound_suites):
        items = [ExpectationResult(config, config.stable_id(suite.name, i), outcomes[position + i], expectation,
                                   rows.get(position + i), files.get(position + i))
                 for i, (config, expectation) in enumerate(bound)]
        position += len(bound)
        table = dataset.table(suite.table)
        results.append(ValidationResult(suite, table.name, items, plan, log, reading(table)))
    return results


def _row_evidence(suites: list[Suite], bound_suites: list, outcomes: list[Outcome], dataset: Dataset, log: RunLog,
                  max_rows: int, failing_rows: Any) -> tuple[dict[int, Any], dict[int, dict]]:
    """By position: the unexpected rows of the results whose format lists them, and the failing
    rows staged for each failed result (see dsbench.validation.rows)."""
    from dsbench.validation.rows import collect_failing_rows, collect_unexpected_rows, file_name

    everything = [expectation for bound in bound_suites for _, expectation in bound]
    rows = collect_unexpected_rows(everything, outcomes, lambda metrics: _compute(dataset, metrics, log)[0],
                                   max_rows)
    if failing_rows is None:
        return rows, {}
    names = [file_name(suite.name, config.stable_id(suite.name, i))
             for suite, bound in zip(suites, bound_suites) for i, (config, _) in enumerate(bound)]

    def compute_one(metric: Metric) -> Any:  # not kept among the dataset's values: one file at a time
        try:
            return _compute(dataset, [metric], log)[0][metric]
        finally:
            dataset.metric_values.pop(metric, None)

    files = collect_failing_rows(list(zip(names, everything, outcomes)), failing_rows, compute_one)
    return rows, files


def _compute(dataset: Dataset, metrics: Iterable[Metric], log: RunLog) -> tuple[dict[Metric, Any], Plan]:
    try:
        return compute(dataset.session, metrics, dataset.metric_values, log, dataset.timeout)
    except TableReadError as error:
        sources = {t.view: t.source for t in dataset.tables.values()}
        raise DataError(error.message, source=sources.get(error.table)) from None


def validate(data: Any, suite: Any, *, tables: dict[str, Any] | None = None,
             encoding: str | None = None, missing_values: list[str] | None = None,
             full_evidence: bool = False, threads: int | None = None,
             memory_limit: str | None = None, timeout: float | None = None,
             options: LoadOptions | None = None, result_format: Any = None,
             failing_rows: str | Path | None = None, max_failing_rows: int = MAX_UNEXPECTED_ROWS) -> ValidationResult:
    """Validate ``data`` against ``suite``.

    ``data``: a path (file, glob, Parquet directory, dataset directory with a manifest,
    ``file.duckdb#table``), a pandas / pyarrow / polars object, a DuckDB relation, or a
    :class:`~dsbench.data.Dataset`. ``suite``: a path, a suite id, a :class:`Suite`, or a list of
    ``{"type": …, "kwargs": …}`` dicts. ``tables`` adds other tables by name (for expectations that
    compare tables). Failed map expectations report their first unexpected values and the counts
    among them; ``full_evidence`` counts unexpected values over the whole table instead.

    ``result_format`` (GX's levels BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE, or the dict form) is the
    run's format, which an expectation's own overrides and which overrides the suite's; COMPLETE
    lists the unexpected rows (1-based row numbers in file order), at most ``max_failing_rows``.
    ``failing_rows``, a directory, receives one Parquet file of each failed expectation's rows
    (every column and the row number; at most ``max_failing_rows``), all or none.
    """
    suite = resolve_suite(suite)
    try:
        run_format = parse_result_format(result_format)
    except ValueError as error:
        raise DsbenchError(str(error), location="result_format") from None
    if isinstance(max_failing_rows, bool) or not isinstance(max_failing_rows, int) or max_failing_rows < 1:
        raise DsbenchError(f"must be a whole number >= 1, not {max_failing_rows!r}", location="max_failing_rows")
    reporting = {"result_format": run_format, "max_rows": max_failing_rows}
    if isinstance(data, Dataset):
        return _run_writing(suite, data, full_evidence, reporting, failing_rows)
    options = (options or LoadOptions()).given(encoding=encoding, missing_values=missing_values, threads=threads,
                                               memory_limit=memory_limit, timeout=timeout)
    with load_dataset(data, options=options, extra_tables=tables) as dataset:
        return _run_writing(suite, dataset, full_evidence, reporting, failing_rows)


def _run_writing(suite: Suite, dataset: Dataset, full_evidence: bool, reporting: dict[str, Any],
                 directory: str | Path | None) -> ValidationResult:
    """:func:`run`, with the failing rows written into ``directory`` when it is given: every file
    of the run or none."""
    from dsbench.validation.rows import failing_rows_written

    with failing_rows_written(directory, reporting["max_rows"]) as writer:
        return run(suite, dataset, full_evidence, failing_rows=writer, **reporting)
