"""What every expectation is: validated kwargs, the metrics it needs, and a decision.

An expectation never touches data. It declares :class:`~dsbench.engine.Metric` values; the engine
computes them (sharing scans with every other expectation); ``decide`` turns them into a GX-shaped
result plus the A/B measure used for scoring (``passed`` of ``evaluated`` elements). SQL that engines
spell differently is asked of the dataset's dialect (``self.dialect``), never spelled here.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dsbench.data.dataset import Table
from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, MetricFailure, RowFrame, Scope
from dsbench.engine.predicate import compile_predicate
from dsbench.engine.sql import quote_ident
from dsbench.engine.types import LogicalType
from dsbench.errors import SuiteError
from dsbench.expectations.result_format import ResultFormatField
from dsbench.files import non_finite_text

Severity = Literal["critical", "warning", "info"]
PARTIAL_UNEXPECTED_COUNT = 20
# Unexpected values fetched as evidence: the first ones in row order. Their counts are exact when a
# check has at most this many unexpected values; full evidence counts over the whole table.
EVIDENCE_SAMPLE = 200


class Kwargs(BaseModel):
    """Keyword arguments common to every expectation (GX Core 1.x names)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True, defer_build=True)

    row_condition: str | None = None
    condition_parser: str | None = None
    # How much of the result is reported (dsbench.expectations.result_format); never what is computed.
    result_format: ResultFormatField = None
    # Accepted for GX compatibility; they do not change what dsbench computes.
    catch_exceptions: bool | None = None
    include_config: bool | None = None
    batch_id: str | None = None
    meta: dict[str, Any] | None = None

    @field_validator("row_condition", mode="before")
    @classmethod
    def gx_condition_object(cls, value: Any) -> Any:
        """GX 1.x may serialise a text condition as {"type": "pass_through", "pass_through_filter": …}."""
        if isinstance(value, dict):
            if value.get("type") == "pass_through" and isinstance(value.get("pass_through_filter"), str):
                return value["pass_through_filter"]
            raise ValueError("only SQL text (or GX pass-through) row conditions are supported")
        return value


class ExpectationConfig(BaseModel):
    """One entry of a suite: a GX ``type`` + ``kwargs`` plus dsbench's concern, severity and id."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None
    concern: str | None = None
    severity: Severity = "critical"
    meta: dict[str, Any] = Field(default_factory=dict)
    notes: str | None = None

    def stable_id(self, suite_name: str, index: int) -> str:
        """An explicit id, else one derived from the suite, position, type and kwargs, so the same
        suite gives the same ids on every run."""
        if self.id:
            return self.id
        basis = f"{suite_name}\x1f{index}\x1f{self.type}\x1f{sorted(self.kwargs.items())!r}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, "dsbench:" + basis))


@dataclass
class Outcome:
    """The decision for one expectation."""

    success: bool
    result: dict[str, Any]
    passed: int  # A: elements that meet the expectation
    evaluated: int  # B: elements evaluated (0 = not applicable)
    exception: str | None = None


@dataclass
class Context:
    """What an expectation may look at while it is being bound: its table, and the others, and the
    dialect of the engine that will run its metrics (required: expectations know no engine)."""

    table: Table
    tables: Mapping[str, Table] = field(default_factory=dict)
    manifest: Any = None  # the dataset's Manifest, when it has one (for documentation checks)
    full_evidence: bool = False  # count unexpected values over the whole table (one more scan)
    dialect: Dialect = field(kw_only=True)


def jsonable(value: Any) -> Any:
    """Turn a DuckDB/Python value into a JSON-ready one, deterministically."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else non_finite_text(value)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def percent(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


class Expectation:
    """Base class. Subclasses set ``type``, ``summary``, ``Kwargs`` and implement ``metrics`` and
    ``conclude`` (the judgement, given metrics that were all computed); optional ``evidence``
    metrics are computed only when the expectation failed."""

    type: ClassVar[str]
    summary: ClassVar[str]
    family: ClassVar[str] = "table"
    default_concern: ClassVar[str | None] = None
    Kwargs: ClassVar[type[Kwargs]] = Kwargs

    def __init__(self, kwargs: Kwargs, context: Context):
        self.kw = kwargs
        self.context = context
        self.dialect = context.dialect
        self.table = context.table
        condition = None
        if kwargs.row_condition:
            condition = compile_predicate(_gx_condition(kwargs.row_condition), self.table.columns,
                                          dialect=self.dialect)
        self.scope = Scope(self.table.view, condition)
        self.bind()

    # -- binding ---------------------------------------------------------------------------------
    def bind(self) -> None:
        """Check kwargs against the table (columns exist, types fit). Raise SuiteError if not."""

    def column(self, name: str, field: str = "column") -> str:
        """The quoted SQL name of an existing column, or a SuiteError naming the kwarg."""
        if name not in self.table.columns:
            known = ", ".join(list(self.table.columns)[:20])
            raise SuiteError(f"unknown column {name!r} in table {self.table.name!r} (columns: {known})",
                             location=f"kwargs.{field}")
        return quote_ident(name)

    def other_table(self, name: str, field: str = "other_table_name") -> Table:
        """Another table of the dataset, or a SuiteError naming the kwarg."""
        other = self.context.tables.get(name)
        if other is None:
            known = ", ".join(self.context.tables)
            raise SuiteError(f"no table {name!r} in the dataset (tables: {known})", location=f"kwargs.{field}")
        return other

    def column_type(self, name: str) -> str:
        """The engine's name of the column's type (as results report it)."""
        return self.table.columns[name]

    def logical(self, name: str) -> LogicalType:
        """The column's type as a logical type (numeric? text? …)."""
        return self.dialect.logical_type(self.column_type(name))

    # -- computing -------------------------------------------------------------------------------
    def metrics(self) -> list[Metric]:
        raise NotImplementedError

    def follow_up(self, values: Mapping[Metric, Any]) -> list[Metric]:
        """Metrics still needed, given the values of :meth:`metrics` (computed before ``decide``)."""
        return []

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        """The outcome: errored with the message of the first metric of :meth:`metrics_used` whose
        query failed (the one place that rule lives), else the judgement of :meth:`conclude`."""
        failure = failed_metric(values, self.metrics_used())
        if failure is not None:
            return Outcome(False, {}, 0, 0, failure.message)
        return self.conclude(values)

    def metrics_used(self) -> list[Metric]:
        """The metrics :meth:`conclude` reads (by default those :meth:`metrics` declares)."""
        return self.metrics()

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        """The judgement, from the values of :meth:`metrics_used` (none of which failed)."""
        raise NotImplementedError

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []

    def add_evidence(self, outcome: Outcome, values: Mapping[Metric, Any]) -> None:
        """Fill the result's evidence fields from the evidence metrics."""

    # -- how a result counts in an indicator (see dsbench.scoring.defects and dsbench.scoring.score) -------------
    #: ``rows``: the expectation flags rows of its table, ``evaluated - passed`` of them;
    #: ``scope``: it judges its columns or its table as a whole (a failure concerns all of them);
    #: ``measure``: it measures (class balance, a checklist), and its A/B is the measurement.
    defect_kind: ClassVar[str] = "scope"

    def defect_columns(self) -> list[str]:
        """The columns whose values the expectation judges ([]: the whole table)."""
        column = getattr(self.kw, "column", None)
        return [column] if isinstance(column, str) else []

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        """A condition over the table's rows (as ``frame`` presents them) that is true on exactly
        the rows the expectation counts as unexpected (window functions and subqueries allowed), or
        None when it can count them but not point at them."""
        return None

    def row_flag(self, frame: RowFrame) -> Condition | None:
        """A condition true on exactly the unexpected rows, where ``frame.row`` numbers the rows
        in file order (row-level evidence, see dsbench.validation.rows), or None when the rows cannot
        be pointed at. By default the rows :meth:`defect_flag` flags, for expectations that flag rows."""
        return self.defect_flag(frame) if self.defect_kind == "rows" else None

    def gx_value(self, value: Any) -> Any:
        """An unexpected row's reported value as GX lists it in ``unexpected_list``."""
        return value


def _gx_condition(text: str) -> str:
    """GX's own condition syntax ``col("x") > 5`` is also accepted: ``col("x")`` means column x."""
    import re

    return re.sub(r'\bcol\(\s*"((?:[^"]|"")*)"\s*\)', lambda m: '"' + m.group(1) + '"', text)


def failed_metric(values: Mapping[Metric, Any], metrics: list[Metric]) -> MetricFailure | None:
    for metric in metrics:
        if isinstance(values.get(metric), MetricFailure):
            return values[metric]
    return None


__all__ = ["Condition", "Context", "EVIDENCE_SAMPLE", "Expectation", "ExpectationConfig", "Kwargs",
           "Outcome", "PARTIAL_UNEXPECTED_COUNT", "failed_metric", "jsonable", "percent"]
