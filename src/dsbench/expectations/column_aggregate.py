"""Column aggregate expectations: one statistic of a column, judged against a range or a set."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Callable, Mapping

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric
from dsbench.errors import SuiteError
from dsbench.expectations.base import PARTIAL_UNEXPECTED_COUNT, Expectation, Outcome, jsonable
from dsbench.expectations.column_map import ColumnKwargs, check_comparable


class AggregateBetweenKwargs(ColumnKwargs):
    min_value: Any = None
    max_value: Any = None
    strict_min: bool = False
    strict_max: bool = False


def like_observed(bound: Any, observed: Any) -> Any:
    """A bound written as an ISO string compares with a date or timestamp statistic."""
    if isinstance(bound, str) and isinstance(observed, (dt.date, dt.datetime)):
        try:
            parsed = dt.datetime.fromisoformat(bound)
        except ValueError:
            return bound
        if isinstance(observed, dt.datetime):
            return parsed.replace(tzinfo=observed.tzinfo) if parsed.tzinfo is None else parsed
        return parsed.date()
    return bound


def within(value: Any, kw: Any) -> bool:
    """GX's between rule for an observed statistic (None never passes)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    low, high = like_observed(kw.min_value, value), like_observed(kw.max_value, value)
    try:
        above = low is None or (value > low if kw.strict_min else value >= low)
        below = high is None or (value < high if kw.strict_max else value <= high)
    except TypeError:
        return False
    return bool(above and below)


class ColumnAggregateExpectation(Expectation):
    family = "column_aggregate"
    Kwargs = AggregateBetweenKwargs
    needs_numeric: bool = False

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        logical = self.logical(self.kw.column)
        if self.needs_numeric and not logical.is_numeric:
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, not numeric",
                             location="kwargs.column")
        if hasattr(self.kw, "min_value") and not logical.is_temporal:
            check_comparable(self, self.kw.column, [self.kw.min_value], "min_value")
            check_comparable(self, self.kw.column, [self.kw.max_value], "max_value")

    def statistic(self) -> Metric:
        raise NotImplementedError

    def metrics(self) -> list[Metric]:
        self.m_value = self.statistic()
        return [self.m_value]

    def observe(self, value: Any) -> Any:
        return value

    def judge(self, observed: Any) -> bool:
        return within(observed, self.kw)

    def metrics_used(self) -> list[Metric]:
        return [self.m_value]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        observed = self.observe(values[self.m_value])
        success = self.judge(observed)
        return Outcome(success, {"observed_value": jsonable(observed)}, int(success), 1)


def _simple(name: str, type_name: str, summary: str, sql: Callable[[Dialect, str], str], numeric: bool = False,
            concern: str | None = "validity.range") -> type[ColumnAggregateExpectation]:
    """A type whose statistic is the aggregate ``sql(dialect, column)``."""

    def statistic(self) -> Metric:
        return self.scope.aggregate(sql(self.dialect, self.col), label=f"{type_name}({self.kw.column})")

    return type(name, (ColumnAggregateExpectation,), {
        "type": type_name, "summary": summary, "statistic": statistic, "needs_numeric": numeric,
        "default_concern": concern, "__module__": __name__})


ExpectColumnMinToBeBetween = _simple(
    "ExpectColumnMinToBeBetween", "expect_column_min_to_be_between",
    "The column minimum lies between min_value and max_value.", lambda dialect, col: f"min({col})")
ExpectColumnMaxToBeBetween = _simple(
    "ExpectColumnMaxToBeBetween", "expect_column_max_to_be_between",
    "The column maximum lies between min_value and max_value.", lambda dialect, col: f"max({col})")
ExpectColumnMeanToBeBetween = _simple(
    "ExpectColumnMeanToBeBetween", "expect_column_mean_to_be_between",
    "The column mean (compensated sum) lies between min_value and max_value.",
    lambda dialect, col: dialect.compensated_avg(col), True,
    "validity.distribution")
ExpectColumnMedianToBeBetween = _simple(
    "ExpectColumnMedianToBeBetween", "expect_column_median_to_be_between",
    "The column median (midpoint of the two middle values) lies between min_value and max_value.",
    lambda dialect, col: dialect.percentile_cont(col, 0.5), True, "validity.distribution")
ExpectColumnStdevToBeBetween = _simple(
    "ExpectColumnStdevToBeBetween", "expect_column_stdev_to_be_between",
    "The sample standard deviation lies between min_value and max_value.",
    lambda dialect, col: f"stddev_samp({col})", True,
    "validity.distribution")


class ExpectColumnSumToBeBetween(ColumnAggregateExpectation):
    type = "expect_column_sum_to_be_between"
    summary = "The column sum (0 when there is no value, exact for integers) lies between bounds."
    default_concern = "validity.range"
    needs_numeric = True

    def statistic(self) -> Metric:
        exact = self.logical(self.kw.column).is_integer
        expr = f"sum({self.col})" if exact else self.dialect.compensated_sum(self.col)
        return self.scope.aggregate(expr, outer="coalesce({}, 0)", label=f"sum({self.kw.column})")


class ExpectColumnUniqueValueCountToBeBetween(ColumnAggregateExpectation):
    type = "expect_column_unique_value_count_to_be_between"
    summary = "The number of distinct non-null values lies between min_value and max_value."
    default_concern = "uniqueness.value"

    def bind(self) -> None:
        self.col = self.column(self.kw.column)

    def statistic(self) -> Metric:
        return self.scope.aggregate(f"count(DISTINCT {self.col})", kind="distinct",
                                    label=f"distinct({self.kw.column})")


class ExpectColumnProportionOfUniqueValuesToBeBetween(ColumnAggregateExpectation):
    type = "expect_column_proportion_of_unique_values_to_be_between"
    summary = "Distinct non-null values / non-null values lies between min_value and max_value."
    default_concern = "uniqueness.value"

    def bind(self) -> None:
        self.col = self.column(self.kw.column)

    def metrics(self) -> list[Metric]:
        self.m_distinct = self.scope.aggregate(f"count(DISTINCT {self.col})", kind="distinct",
                                               label=f"distinct({self.kw.column})")
        self.m_nonnull = self.scope.aggregate(f"count({self.col})", label=f"nonnull({self.kw.column})")
        self.m_value = self.m_distinct
        return [self.m_distinct, self.m_nonnull]

    def metrics_used(self) -> list[Metric]:
        return [self.m_distinct, self.m_nonnull]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        nonnull = int(values[self.m_nonnull])
        # GX: 0 when there is no non-null value (not "no proportion").
        observed = int(values[self.m_distinct]) / nonnull if nonnull else 0.0
        success = within(observed, self.kw)
        return Outcome(success, {"observed_value": observed}, int(success), 1)


class ExpectColumnProportionOfNonNullValuesToBeBetween(ExpectColumnProportionOfUniqueValuesToBeBetween):
    type = "expect_column_proportion_of_non_null_values_to_be_between"
    summary = "Non-null values / rows lies between min_value and max_value."
    default_concern = "completeness.value"

    def metrics(self) -> list[Metric]:
        self.m_distinct = self.scope.aggregate("count(*)", label="row_count")
        self.m_nonnull = self.scope.aggregate(f"count({self.col})", label=f"nonnull({self.kw.column})")
        self.m_value = self.m_distinct
        return [self.m_distinct, self.m_nonnull]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        rows = int(values[self.m_distinct])
        observed = int(values[self.m_nonnull]) / rows if rows else 0.0  # GX: 0 without rows
        success = within(observed, self.kw)
        return Outcome(success, {"observed_value": observed}, int(success), 1)


class QuantileRanges(BaseModel):
    model_config = ConfigDict(extra="forbid")
    quantiles: list[float] = Field(min_length=1)
    value_ranges: list[list[Any]]

    @model_validator(mode="after")
    def same_length(self):
        if len(self.quantiles) != len(self.value_ranges):
            raise ValueError("quantiles and value_ranges must have the same length")
        if any(not 0 <= q <= 1 for q in self.quantiles):
            raise ValueError("quantiles must lie between 0 and 1")
        if any(len(r) != 2 for r in self.value_ranges):
            raise ValueError("each value range is [min, max]")
        return self


INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


class QuantileKwargs(ColumnKwargs):
    quantile_ranges: QuantileRanges
    # GX's pandas engine reads a method name here (linear, lower, higher, midpoint, nearest) and
    # uses "nearest" when it is false; SQL engines read a relative error. DuckDB is exact, so any
    # other value means "nearest" too.
    allow_relative_error: Any = False


def _lerp(a: Any, b: Any, t: float) -> Any:
    """numpy's linear interpolation, rounding included (from the nearer end)."""
    if t == 0:
        return a
    return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t


def _close(value: Any, bound: Any) -> bool:
    """GX's isclose(value, bound, rtol=1e-4) with numpy's default atol of 1e-8."""
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, bound))
    return numbers and abs(value - bound) <= 1e-8 + 1e-4 * abs(bound)


def _quantile_in_range(value: Any, low: Any, high: Any) -> bool:
    """GX's rule: no value never passes; a value within rtol 1e-4 of a bound passes."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if (low is not None and _close(value, low)) or (high is not None and _close(value, high)):
        return True
    try:
        return bool((low is None or value >= low) and (high is None or value <= high))
    except TypeError:
        return False


class ExpectColumnQuantileValuesToBeBetween(ColumnAggregateExpectation):
    """Quantiles as GX's pandas engine computes them (numpy): h = q * (n - 1) over the sorted
    non-null values, then "nearest" (round half to even, the default), "lower", "higher",
    "linear" or "midpoint", chosen by ``allow_relative_error``. The query fetches only the values
    at floor(h) and ceil(h); it needs a sort, so it runs as its own query."""

    type = "expect_column_quantile_values_to_be_between"
    summary = "Each quantile (nearest rank unless another interpolation is named) lies in its value range."
    default_concern = "validity.distribution"
    Kwargs = QuantileKwargs
    needs_numeric = False

    def bind(self) -> None:
        self.col = self.column(self.kw.column)

    def interpolation(self) -> str:
        rule = self.kw.allow_relative_error
        return rule if isinstance(rule, str) and rule in INTERPOLATIONS else "nearest"

    def statistic(self) -> Metric:
        clause, params = self.scope.where_clause(Condition(f"{self.col} IS NOT NULL"))
        quantiles = list(self.kw.quantile_ranges.quantiles)
        dialect, fractions = self.dialect, self.dialect.list_parameter("float64")
        # The quantiles and their positions (0, 1, …), one row each.
        each = (f"{dialect.unnest(fractions)} AS q, "
                f"{dialect.unnest(dialect.integer_range(None, dialect.list_length(fractions)))} AS i")
        sql = (f"WITH s AS (SELECT {self.col} AS v, row_number() OVER (ORDER BY {self.col}) - 1 AS k, "
               f"count(*) OVER () AS n FROM {self.table.view}{clause}), "
               f"q AS (SELECT {each}) "
               f"SELECT q.i, (s.n - 1) * q.q AS h, s.k, s.v FROM q JOIN s "
               f"ON s.k = {dialect.cast('floor((s.n - 1) * q.q)', 'int64')} "
               f"OR s.k = {dialect.cast('ceil((s.n - 1) * q.q)', 'int64')} ORDER BY q.i, s.k")
        return Metric(self.table.view, sql, params + (quantiles, quantiles), "rows",
                      label=f"quantiles({self.kw.column})")

    def observe(self, rows: Any) -> Any:
        at: dict[int, dict[int, Any]] = {}
        position: dict[int, float] = {}
        for i, h, k, v in rows:
            at.setdefault(int(i), {})[int(k)] = v
            position[int(i)] = float(h)
        quantiles = list(self.kw.quantile_ranges.quantiles)
        rule = self.interpolation()
        values = []
        for i in range(len(quantiles)):
            if i not in at:  # no non-null value
                values.append(None)
                continue
            h = position[i]
            low, high = at[i][math.floor(h)], at[i][math.ceil(h)]
            if rule == "nearest":
                values.append(at[i][round(h)])  # round() is half to even, like numpy.around
            elif rule == "lower":
                values.append(low)
            elif rule == "higher":
                values.append(high)
            elif rule == "linear":
                values.append(_lerp(low, high, h - math.floor(h)))
            else:  # midpoint
                values.append(_lerp(low, high, 0.0 if h == math.floor(h) else 0.5))
        return {"quantiles": quantiles, "values": values}

    def details(self, observed: Any) -> list[bool]:
        return [_quantile_in_range(value, low, high) for value, (low, high)
                in zip(observed["values"], self.kw.quantile_ranges.value_ranges)]

    def judge(self, observed: Any) -> bool:
        return all(self.details(observed))

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        observed = self.observe(values[self.m_value])
        details = self.details(observed)
        success = all(details)
        return Outcome(success, {"observed_value": jsonable(observed),
                                 "details": {"success_details": details}}, int(success), 1)


class SetAggregateKwargs(ColumnKwargs):
    value_set: list[Any] | None = None


class ExpectColumnDistinctValuesToBeInSet(ColumnAggregateExpectation):
    type = "expect_column_distinct_values_to_be_in_set"
    summary = "Every distinct non-null value is a member of value_set."
    default_concern = "validity.domain"
    Kwargs = SetAggregateKwargs

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        check_comparable(self, self.kw.column, list(self.kw.value_set or []), "value_set")

    def statistic(self) -> Metric:
        return self.scope.aggregate(self.dialect.aggregate_list(self.col, order_by=self.col, distinct=True),
                                    kind="distinct",
                                    where=Condition(f"{self.col} IS NOT NULL"),
                                    label=f"distinct_values({self.kw.column})")

    def observe(self, value: Any) -> Any:
        return list(value or [])

    def relation(self, observed: set, expected: set) -> bool:
        return observed <= expected

    def judge(self, observed: Any) -> bool:
        if self.kw.value_set is None:
            return True
        return self.relation(set(_hashable(observed)), set(_hashable(self.kw.value_set)))

    # GX 1.x reports, per relation, how many distinct values break it and (up to 20) which.
    reports_unexpected: bool = True
    reports_missing: bool = False

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        outcome = super().conclude(values)
        observed = set(_hashable(outcome.result["observed_value"]))
        expected = set(_hashable(self.kw.value_set or []))
        unexpected = sorted(observed - expected, key=repr)
        missing = sorted(expected - observed, key=repr)
        if self.reports_unexpected:
            outcome.result["unexpected_count"] = len(unexpected)
            outcome.result["partial_unexpected_list"] = unexpected[:PARTIAL_UNEXPECTED_COUNT]
        if self.reports_missing:
            outcome.result["missing_count"] = len(missing)
            outcome.result["partial_missing_list"] = missing[:PARTIAL_UNEXPECTED_COUNT]
        outcome.result["details"] = {"unexpected_values": unexpected, "missing_values": missing}
        return outcome


def _hashable(values: Any) -> list:
    return [tuple(v) if isinstance(v, list) else v for v in values]


class ExpectColumnDistinctValuesToContainSet(ExpectColumnDistinctValuesToBeInSet):
    type = "expect_column_distinct_values_to_contain_set"
    summary = "The distinct non-null values include every member of value_set."
    reports_unexpected = False
    reports_missing = True

    def relation(self, observed: set, expected: set) -> bool:
        return expected <= observed


class ExpectColumnDistinctValuesToEqualSet(ExpectColumnDistinctValuesToBeInSet):
    type = "expect_column_distinct_values_to_equal_set"
    summary = "The distinct non-null values are exactly value_set."
    reports_missing = True

    def relation(self, observed: set, expected: set) -> bool:
        return expected == observed


class MostCommonKwargs(ColumnKwargs):
    value_set: list[Any]
    ties_okay: bool | None = None


class ExpectColumnMostCommonValueToBeInSet(ColumnAggregateExpectation):
    type = "expect_column_most_common_value_to_be_in_set"
    summary = "The most common non-null value is in value_set (with ties_okay, any of the tied ones)."
    default_concern = "validity.distribution"
    Kwargs = MostCommonKwargs

    def bind(self) -> None:
        self.col = self.column(self.kw.column)

    def statistic(self) -> Metric:
        clause, params = self.scope.where_clause(Condition(f"{self.col} IS NOT NULL"))
        counts = (f"SELECT v FROM (SELECT {self.col} AS v, count(*) AS n FROM {self.table.view}{clause} "
                  f"{self.dialect.group_by_all([self.col])})")
        sql = f"{self.dialect.qualify(counts, 'n = max(n) OVER ()')} ORDER BY v"
        return Metric(self.table.view, sql, params, "rows", label=f"modes({self.kw.column})")

    def observe(self, rows: Any) -> Any:
        return [row[0] for row in rows]

    def judge(self, modes: Any) -> bool:
        hits = len(set(_hashable(self.kw.value_set)) & set(_hashable(modes)))
        if self.kw.ties_okay:
            return hits > 0
        return len(modes) == 1 and hits == 1


EXPECTATIONS = [
    ExpectColumnMinToBeBetween, ExpectColumnMaxToBeBetween, ExpectColumnMeanToBeBetween,
    ExpectColumnMedianToBeBetween, ExpectColumnSumToBeBetween, ExpectColumnStdevToBeBetween,
    ExpectColumnQuantileValuesToBeBetween, ExpectColumnUniqueValueCountToBeBetween,
    ExpectColumnProportionOfUniqueValuesToBeBetween, ExpectColumnProportionOfNonNullValuesToBeBetween,
    ExpectColumnDistinctValuesToBeInSet, ExpectColumnDistinctValuesToContainSet,
    ExpectColumnDistinctValuesToEqualSet, ExpectColumnMostCommonValueToBeInSet,
]
