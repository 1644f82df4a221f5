"""Pair and multi-column map expectations: a yes/no question about each row across columns.

Rows are first filtered by ``ignore_row_if`` (GX's rule for missing values); the rest are the
elements evaluated, with the same ``mostly`` semantics as single-column map expectations.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Literal

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric
from dsbench.engine.types import LogicalType
from dsbench.expectations.base import Kwargs
from dsbench.expectations.column_map import ColumnMapExpectation, DuplicatedValues


class PairKwargs(Kwargs):
    column_A: str = Field(min_length=1)
    column_B: str = Field(min_length=1)
    ignore_row_if: Literal["both_values_are_missing", "either_value_is_missing", "neither"] = \
        "both_values_are_missing"
    mostly: float = Field(1.0, ge=0.0, le=1.0)


class GreaterKwargs(PairKwargs):
    or_equal: bool | None = None


class MultiKwargs(Kwargs):
    column_list: list[str] = Field(min_length=1)
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = \
        "all_values_are_missing"
    mostly: float = Field(1.0, ge=0.0, le=1.0)


class SumKwargs(MultiKwargs):
    sum_total: float


class RowMapExpectation(ColumnMapExpectation):
    """A map expectation over several columns of each row."""

    family = "multicolumn"

    def bind(self) -> None:
        names = self.column_names()
        fields = ["column_A", "column_B"] if hasattr(self.kw, "column_A") else \
            [f"column_list[{i}]" for i in range(len(names))]
        self.cols = [self.column(name, field) for name, field in zip(names, fields)]
        self.col = ", ".join(self.cols)

    def record(self) -> str:
        """The row's values as one SQL value: a struct keyed by column name (types may differ)."""
        return self.dialect.struct((c, c) for c in self.cols)

    def column_names(self) -> list[str]:
        if hasattr(self.kw, "column_A"):
            return [self.kw.column_A, self.kw.column_B]
        return list(self.kw.column_list)

    def defect_columns(self) -> list[str]:
        return self.column_names()

    def kept(self) -> Condition:
        rule = self.kw.ignore_row_if
        if rule in ("both_values_are_missing", "all_values_are_missing"):
            return Condition("NOT (" + " AND ".join(f"{c} IS NULL" for c in self.cols) + ")")
        if rule in ("either_value_is_missing", "any_value_is_missing"):
            return Condition(" AND ".join(f"{c} IS NOT NULL" for c in self.cols))
        return Condition("true")

    def unexpected(self) -> Condition:
        ok = self.expected()
        return self.kept() & Condition(f"({ok.sql}) IS NOT TRUE", ok.params)

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_nonnull = self.scope.aggregate("count(*)", where=self.kept(), label="rows_evaluated")
        self.m_unexpected = self.unexpected_count_metric()
        return [self.m_rows, self.m_nonnull, self.m_unexpected]

    def value_sql(self) -> str:
        return self.record()

    def gx_value(self, value: Any) -> Any:
        """GX lists a pair's unexpected values as [A, B], other rows as {column: value}."""
        if hasattr(self.kw, "column_A") and isinstance(value, dict):
            return [value.get(self.kw.column_A), value.get(self.kw.column_B)]
        return value


class ExpectColumnPairValuesToBeEqual(RowMapExpectation):
    type = "expect_column_pair_values_to_be_equal"
    summary = "In each row, column_A equals column_B."
    default_concern = "consistency.rule"
    Kwargs = PairKwargs

    def expected(self) -> Condition:
        return Condition(f"{self.cols[0]} = {self.cols[1]}")


class ExpectColumnPairValuesAToBeGreaterThanB(RowMapExpectation):
    type = "expect_column_pair_values_a_to_be_greater_than_b"
    summary = "In each row, column_A is greater than (or_equal: at least) column_B."
    default_concern = "consistency.rule"
    Kwargs = GreaterKwargs

    def expected(self) -> Condition:
        operator = ">=" if self.kw.or_equal else ">"
        return Condition(f"{self.cols[0]} {operator} {self.cols[1]}")


class ExpectCompoundColumnsToBeUnique(DuplicatedValues, RowMapExpectation):
    type = "expect_compound_columns_to_be_unique"
    summary = "The combination of the columns is unique; all rows of a repeated combination are unexpected."
    default_concern = "uniqueness.key"
    Kwargs = MultiKwargs

    def key(self) -> tuple[str, str]:
        return self.col, self.record()

    def rows_considered(self) -> Condition:
        return self.kept()


def _comparable(type_a: LogicalType, type_b: LogicalType) -> bool:
    if type_a.is_numeric and type_b.is_numeric:
        return True
    return type_a.name == type_b.name or (type_a.is_string and type_b.is_string)


class ExpectSelectColumnValuesToBeUniqueWithinRecord(RowMapExpectation):
    """As GX (pandas ``nunique(dropna=False)`` across the row): two missing values are the same
    value whatever their columns' types; two present values clash only when equal, which needs
    comparable types."""

    type = "expect_select_column_values_to_be_unique_within_record"
    summary = "Within each row, the listed columns hold pairwise different values (missing counts as a value)."
    default_concern = "consistency.rule"
    Kwargs = MultiKwargs

    def expected(self) -> Condition:
        names = self.column_names()
        clashes = []
        for i, j in combinations(range(len(names)), 2):
            if _comparable(self.logical(names[i]), self.logical(names[j])):
                clashes.append(f"{self.cols[i]} IS NOT DISTINCT FROM {self.cols[j]}")
            else:
                clashes.append(f"({self.cols[i]} IS NULL AND {self.cols[j]} IS NULL)")
        return Condition("NOT (" + " OR ".join(clashes) + ")" if clashes else "true")


class ExpectMulticolumnSumToEqual(RowMapExpectation):
    """As GX (pandas ``sum(axis=1, skipna=False)``): a missing value makes the row's sum missing,
    so a row that ``ignore_row_if`` keeps and that has a missing value is unexpected."""

    type = "expect_multicolumn_sum_to_equal"
    summary = "In each row, the sum of the listed columns equals sum_total (a missing value fails the row)."
    default_concern = "consistency.rule"
    Kwargs = SumKwargs

    def expected(self) -> Condition:
        total = " + ".join(self.cols)
        return Condition(f"({total}) = ?", (self.kw.sum_total,))


EXPECTATIONS = [
    ExpectColumnPairValuesToBeEqual, ExpectColumnPairValuesAToBeGreaterThanB,
    ExpectCompoundColumnsToBeUnique, ExpectSelectColumnValuesToBeUniqueWithinRecord,
    ExpectMulticolumnSumToEqual,
]
