"""Column map expectations on values as values: nulls, ranges, sets, uniqueness, the column's type,
order, and z-score outliers (see :mod:`dsbench.expectations.column_map` for the machinery)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.errors import SuiteError
from dsbench.expectations.base import EVIDENCE_SAMPLE, Outcome
from dsbench.expectations.column_map import (BetweenMapKwargs, ColumnMapExpectation, DuplicatedValues, MapKwargs,
                                             bounds_condition, check_comparable, in_set)


# --- nulls -------------------------------------------------------------------------------------

class NullCounts(ColumnMapExpectation):
    """Nulls are rows minus present values: both counts are needed anyway (and known from a
    profile, or from Parquet metadata), so no condition is evaluated per row."""

    counts_nulls = True

    def metrics(self) -> list[Metric]:
        super().metrics()
        return self.metrics_used()

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_nonnull]


class ExpectColumnValuesToNotBeNull(NullCounts):
    type = "expect_column_values_to_not_be_null"
    summary = "Values are not null."
    default_concern = "completeness.value"

    def unexpected(self) -> Condition:
        return Condition(f"{self.col} IS NULL")

    def unexpected_count(self, values: Mapping[Metric, Any]) -> int:
        return int(values[self.m_rows]) - int(values[self.m_nonnull])


class ExpectColumnValuesToBeNull(NullCounts):
    type = "expect_column_values_to_be_null"
    summary = "Values are null."

    def unexpected(self) -> Condition:
        return Condition(f"{self.col} IS NOT NULL")

    def unexpected_count(self, values: Mapping[Metric, Any]) -> int:
        return int(values[self.m_nonnull])


# --- ranges and sets ---------------------------------------------------------------------------

class ExpectColumnValuesToBeBetween(ColumnMapExpectation):
    type = "expect_column_values_to_be_between"
    value_only = True
    summary = "Values lie between min_value and max_value (inclusive unless strict)."
    default_concern = "validity.range"
    Kwargs = BetweenMapKwargs

    def check(self) -> None:
        check_comparable(self, self.kw.column, [self.kw.min_value], "min_value")
        check_comparable(self, self.kw.column, [self.kw.max_value], "max_value")

    def expected(self) -> Condition:
        return bounds_condition(self.col, self.kw)


class SetKwargs(MapKwargs):
    value_set: list[Any]


class ExpectColumnValuesToBeInSet(ColumnMapExpectation):
    type = "expect_column_values_to_be_in_set"
    value_only = True
    summary = "Values are members of value_set."
    default_concern = "validity.domain"
    Kwargs = SetKwargs

    def check(self) -> None:
        check_comparable(self, self.kw.column, self.kw.value_set, "value_set")

    def expected(self) -> Condition:
        return in_set(self.col, self.kw.value_set)


class ExpectColumnValuesToNotBeInSet(ExpectColumnValuesToBeInSet):
    type = "expect_column_values_to_not_be_in_set"
    summary = "Values are not members of value_set."

    def expected(self) -> Condition:
        inside = in_set(self.col, self.kw.value_set)
        return Condition(f"NOT ({inside.sql})", inside.params)


# --- uniqueness --------------------------------------------------------------------------------

class ExpectColumnValuesToBeUnique(DuplicatedValues):
    type = "expect_column_values_to_be_unique"
    summary = "Every non-null value occurs once; all rows holding a repeated value are unexpected."
    default_concern = "uniqueness.key"


# --- types -------------------------------------------------------------------------------------

class TypeKwargs(MapKwargs):
    type_: str = Field(min_length=1)


class TypeListKwargs(MapKwargs):
    type_list: list[str] | None = None


class ExpectColumnValuesToBeOfType(ColumnMapExpectation):
    """Judged on the column's declared type, as GX does for typed (non-object) columns."""

    type = "expect_column_values_to_be_of_type"
    summary = "The column's type is type_ (DuckDB, Arrow, numpy or Python type names)."
    default_concern = "consistency.type"
    Kwargs = TypeKwargs
    defect_kind = "scope"  # judged on the column's type, not value by value

    def accepted(self) -> list[str]:
        return [self.kw.type_]

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_nonnull = self.scope.aggregate(f"count({self.col})", label=f"nonnull({self.kw.column})")
        return [self.m_rows, self.m_nonnull]

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_nonnull]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        observed = self.column_type(self.kw.column)
        success = any(self.dialect.type_matches(observed, name) for name in self.accepted())
        return Outcome(success, {"observed_value": observed}, int(success), 1)

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []


class ExpectColumnValuesToBeInTypeList(ExpectColumnValuesToBeOfType):
    type = "expect_column_values_to_be_in_type_list"
    summary = "The column's type is one of type_list."
    Kwargs = TypeListKwargs

    def accepted(self) -> list[str]:
        return list(self.kw.type_list or [])

    def metrics_used(self) -> list[Metric]:
        return [] if self.kw.type_list is None else super().metrics_used()

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.kw.type_list is None:  # GX: no list means any type
            observed = self.column_type(self.kw.column)
            return Outcome(True, {"observed_value": observed}, 1, 1)
        return super().conclude(values)


# --- order -------------------------------------------------------------------------------------

class MonotonicKwargs(MapKwargs):
    strictly: bool = False


@dataclass(frozen=True)
class CountOrderBreaks:
    """Fold non-null values in row order: count values out of order with their predecessor."""

    decreasing: bool
    strictly: bool

    def __call__(self, reader: Any) -> int:
        import pyarrow.compute as pc

        if self.decreasing:
            bad_step = pc.greater_equal if self.strictly else pc.greater
        else:
            bad_step = pc.less_equal if self.strictly else pc.less
        breaks, previous = 0, None
        for batch in reader:
            column = batch.column(0)
            if len(column) == 0:
                continue
            if previous is not None:
                breaks += int(bad_step(column.slice(0, 1), previous).to_pylist()[0] is True)
            if len(column) > 1:
                steps = bad_step(column.slice(1), column.slice(0, len(column) - 1))
                breaks += int(pc.sum(steps.cast("int64")).as_py() or 0)
            previous = column.slice(len(column) - 1, 1)
        return breaks


class ExpectColumnValuesToBeIncreasing(ColumnMapExpectation):
    type = "expect_column_values_to_be_increasing"
    summary = "Non-null values, in row order, never decrease (strictly: always increase)."
    default_concern = "consistency.order"
    Kwargs = MonotonicKwargs
    decreasing: ClassVar[bool] = False

    def unexpected_count_metric(self) -> Metric:
        return self.scope.stream(self.col, CountOrderBreaks(self.decreasing, self.kw.strictly),
                                 where=Condition(f"{self.col} IS NOT NULL"),
                                 label=f"order_breaks({self.kw.column})")

    def evidence(self, outcome: Outcome) -> list[Metric]:
        """The first values out of order with the value before them, in row order."""
        if outcome.result.get("unexpected_count", 0) == 0:
            return []
        from dsbench.expectations.row_queries import unexpected_rows_metric

        self.m_partial = unexpected_rows_metric(self, (), EVIDENCE_SAMPLE - 1)
        return [self.m_partial] if self.m_partial is not None else []

    def add_evidence(self, outcome: Outcome, values: Mapping[Metric, Any]) -> None:
        sample = values.get(getattr(self, "m_partial", None))
        if isinstance(sample, list):  # (row number, value) -> (value,)
            values = {**values, self.m_partial: [row[1:2] for row in sample]}
        super().add_evidence(outcome, values)

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        return None  # counted alone in scoring, as before row numbers (see row_flag)

    def row_flag(self, frame: RowFrame) -> Condition | None:
        """A present value in scope out of order with the previous present value in scope, rows
        taken in file order (``frame.row``); as the streamed count, a NaN is out of order with
        nothing (Arrow's comparisons), though DuckDB sorts it above every number."""
        considered = Condition(f"{self.col} IS NOT NULL") & self.scope.condition
        inside = f"(({considered.sql}) IS TRUE)"
        previous = (f"lag(CASE WHEN {inside} THEN {self.col} END IGNORE NULLS) "
                    f"OVER (ORDER BY {frame.row})")
        if self.decreasing:
            operator = ">=" if self.kw.strictly else ">"
        else:
            operator = "<=" if self.kw.strictly else "<"
        test = f"{self.col} {operator} {previous}"
        params = considered.params * 2
        if self.logical(self.kw.column).is_float:
            test = f"NOT {self.dialect.is_nan(self.col)} AND NOT {self.dialect.is_nan(previous)} AND {test}"
            params = considered.params * 3
        return Condition(f"{inside} AND {test}", params)


class ExpectColumnValuesToBeDecreasing(ExpectColumnValuesToBeIncreasing):
    type = "expect_column_values_to_be_decreasing"
    summary = "Non-null values, in row order, never increase (strictly: always decrease)."
    decreasing = True


# --- outliers ----------------------------------------------------------------------------------

class ZScoreKwargs(MapKwargs):
    threshold: float
    double_sided: bool = True


def _unwrap_scalars(values: Mapping[Metric, Any]) -> Mapping[Metric, Any]:
    """Row metrics that hold one value are used like aggregates."""
    return {m: (v[0][0] if m.kind == "rows" and isinstance(v, list) and len(v) == 1 and len(v[0]) == 1
                else v) for m, v in values.items()}


class ExpectColumnValueZScoresToBeLessThan(ColumnMapExpectation):
    """z = (value - mean) / sample standard deviation, over the rows in scope. As in GX, a
    double-sided test compares |z| with |threshold|, and an undefined z-score (fewer than two
    values, a constant column, NaN) meets the expectation."""

    type = "expect_column_value_z_scores_to_be_less_than"
    summary = "Z-scores (sample standard deviation) are below threshold (absolute if double_sided)."
    default_concern = "accuracy.outlier"
    Kwargs = ZScoreKwargs

    def check(self) -> None:
        if not self.logical(self.kw.column).is_numeric:
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, "
                             "not numeric", location="kwargs.column")

    def expected(self) -> Condition:
        clause, params = self.scope.where_clause()
        mean = f"(SELECT avg({self.col}) FROM {self.table.view}{clause})"
        stdev = f"(SELECT stddev_samp({self.col}) FROM {self.table.view}{clause})"
        z = f"(({self.col} - {mean}) / {stdev})"
        if self.kw.double_sided:
            test, threshold = f"abs({z}) < ?", abs(self.kw.threshold)
        else:
            test, threshold = f"{z} < ?", self.kw.threshold
        # Parameters in the order their placeholders appear: stdev, stdev, z (mean, stdev),
        # test (mean, stdev), threshold.
        return Condition(f"({stdev} IS NULL OR {stdev} = 0 OR {self.dialect.is_nan(z)} OR {test})",
                         params * 6 + (threshold,))

    def unexpected_count_metric(self) -> Metric:
        # Needs the mean and deviation first: its own query, not part of the shared scan.
        where = self.unexpected()
        clause, params = self.scope.where_clause(where)
        return Metric(self.table.view, f"SELECT count(*) FROM {self.table.view}{clause}", params, "rows",
                      label=f"z_outliers({self.kw.column})")

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        return super().conclude(_unwrap_scalars(values))


EXPECTATIONS = [
    ExpectColumnValuesToNotBeNull, ExpectColumnValuesToBeNull, ExpectColumnValuesToBeBetween,
    ExpectColumnValuesToBeInSet, ExpectColumnValuesToNotBeInSet, ExpectColumnValuesToBeUnique,
    ExpectColumnValuesToBeOfType, ExpectColumnValuesToBeInTypeList,
    ExpectColumnValuesToBeIncreasing, ExpectColumnValuesToBeDecreasing,
    ExpectColumnValueZScoresToBeLessThan,
]
