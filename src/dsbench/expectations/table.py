"""Table expectations: row and column counts, the column set and order, and other tables."""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import Field

from dsbench.engine.metrics import Metric, Scope
from dsbench.expectations.base import Expectation, Kwargs, Outcome
from dsbench.expectations.column_aggregate import within


class CountBetweenKwargs(Kwargs):
    min_value: int | None = None
    max_value: int | None = None
    strict_min: bool = False
    strict_max: bool = False


class CountEqualKwargs(Kwargs):
    value: int = Field(ge=0)


def _one(success: bool, result: dict[str, Any]) -> Outcome:
    return Outcome(success, result, int(success), 1)


class ExpectTableRowCountToBeBetween(Expectation):
    """A measurement of size as well as a check: with a least number of rows required, A = the
    rows present, capped at that number, and B = that number (ISO/IEC 25024 Com-I-3: records /
    expected records); without one, 1/1 when the count is within the bounds, else 0/1."""

    type = "expect_table_row_count_to_be_between"
    summary = "The number of rows lies between min_value and max_value."
    default_concern = "completeness.scale"
    defect_kind = "measure"
    Kwargs = CountBetweenKwargs

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        return [self.m_rows]

    def judge(self, rows: int) -> bool:
        return within(rows, self.kw)

    def required(self) -> int | None:
        return self.kw.min_value + int(self.kw.strict_min) if self.kw.min_value else None

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        rows = int(values[self.m_rows])
        success, required = self.judge(rows), self.required()
        if required is None or required <= 0:
            return _one(success, {"observed_value": rows})
        return Outcome(success, {"observed_value": rows, "details": {"required_rows": required}},
                       min(rows, required), required)


class ExpectTableRowCountToEqual(ExpectTableRowCountToBeBetween):
    type = "expect_table_row_count_to_equal"
    summary = "The number of rows equals value."
    Kwargs = CountEqualKwargs

    def judge(self, rows: int) -> bool:
        return rows == self.kw.value

    def required(self) -> int | None:
        return self.kw.value


class ExpectTableColumnCountToBeBetween(Expectation):
    type = "expect_table_column_count_to_be_between"
    summary = "The number of columns lies between min_value and max_value."
    default_concern = "conformity.schema"
    Kwargs = CountBetweenKwargs

    def metrics(self) -> list[Metric]:
        return []

    def judge(self, count: int) -> bool:
        return within(count, self.kw)

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        count = len(self.table.columns)
        return _one(self.judge(count), {"observed_value": count})


class ExpectTableColumnCountToEqual(ExpectTableColumnCountToBeBetween):
    type = "expect_table_column_count_to_equal"
    summary = "The number of columns equals value."
    Kwargs = CountEqualKwargs

    def judge(self, count: int) -> bool:
        return count == self.kw.value


class ColumnSetKwargs(Kwargs):
    column_set: list[str] | None = None
    exact_match: bool | None = True


class ExpectTableColumnsToMatchSet(ExpectTableColumnCountToBeBetween):
    type = "expect_table_columns_to_match_set"
    summary = "The columns are exactly column_set (or include it, with exact_match: false)."
    Kwargs = ColumnSetKwargs

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        observed = list(self.table.columns)
        expected = list(self.kw.column_set or [])
        unexpected = sorted(set(observed) - set(expected))
        missing = sorted(set(expected) - set(observed))
        if self.kw.column_set is None:
            success = True
        elif self.kw.exact_match is False:
            success = not missing
        else:
            success = not missing and not unexpected
        result: dict[str, Any] = {"observed_value": sorted(observed)}
        if unexpected or missing:
            result["details"] = {"mismatched": {"unexpected": unexpected, "missing": missing}}
        return _one(success, result)


class ColumnListKwargs(Kwargs):
    column_list: list[str]


class ExpectTableColumnsToMatchOrderedList(ExpectTableColumnCountToBeBetween):
    type = "expect_table_columns_to_match_ordered_list"
    summary = "The columns are exactly column_list, in that order."
    Kwargs = ColumnListKwargs

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        observed = list(self.table.columns)
        expected = list(self.kw.column_list)
        mismatched = [
            {"Expected Column Position": i,
             "Expected": expected[i] if i < len(expected) else None,
             "Found": observed[i] if i < len(observed) else None}
            for i in range(max(len(observed), len(expected)))
            if (expected[i] if i < len(expected) else None) != (observed[i] if i < len(observed) else None)]
        result: dict[str, Any] = {"observed_value": observed}
        if mismatched:
            result["details"] = {"mismatched": mismatched}
        return _one(not mismatched, result)


class ColumnExistKwargs(Kwargs):
    column: str = Field(min_length=1)
    column_index: int | None = None


class ExpectColumnToExist(ExpectTableColumnCountToBeBetween):
    type = "expect_column_to_exist"
    summary = "The column exists (at column_index, when given)."
    Kwargs = ColumnExistKwargs

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        columns = list(self.table.columns)
        success = self.kw.column in columns
        if success and self.kw.column_index is not None:
            # A Python index, as in GX: -1 is the last column.
            index = self.kw.column_index
            success = -len(columns) <= index < len(columns) and columns[index] == self.kw.column
        return _one(success, {})


class OtherTableKwargs(Kwargs):
    other_table_name: str = Field(min_length=1)


class ExpectTableRowCountToEqualOtherTable(Expectation):
    type = "expect_table_row_count_to_equal_other_table"
    summary = "The number of rows equals that of another table of the dataset."
    default_concern = "consistency.referential"
    Kwargs = OtherTableKwargs

    def bind(self) -> None:
        self.other = self.other_table(self.kw.other_table_name)

    def metrics(self) -> list[Metric]:
        self.m_self = self.scope.aggregate("count(*)", label="row_count")
        self.m_other = Scope(self.other.view).aggregate("count(*)", label="row_count(other)")
        return [self.m_self, self.m_other]

    def metrics_used(self) -> list[Metric]:
        return [self.m_self, self.m_other]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        mine, theirs = int(values[self.m_self]), int(values[self.m_other])
        return _one(mine == theirs, {"observed_value": {"self": mine, "other": theirs}})


EXPECTATIONS = [
    ExpectTableRowCountToBeBetween, ExpectTableRowCountToEqual, ExpectTableColumnCountToBeBetween,
    ExpectTableColumnCountToEqual, ExpectTableColumnsToMatchSet, ExpectTableColumnsToMatchOrderedList,
    ExpectColumnToExist, ExpectTableRowCountToEqualOtherTable,
]
