"""dsbench-specific expectations about records (rows): complete (no missing value), not entirely
empty, unique (exact duplicates: the extra copies), and satisfying a rule of the data's own.

None of these has a GX counterpart (``gx_compatible = False``); they follow GX's result shape and
``mostly`` semantics all the same. References between tables are in ``references``, types in
``castable``, freshness in ``freshness``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.engine.predicate import compile_predicate
from dsbench.errors import SuiteError
from dsbench.expectations.base import Kwargs, Outcome
from dsbench.expectations.column_map import DuplicatedValues, repeated_groups
from dsbench.expectations.multicolumn import RowMapExpectation


# --- records -----------------------------------------------------------------------------------

class RecordKwargs(Kwargs):
    column_list: list[str] | None = Field(None, min_length=1, description="default: every column")
    mostly: float = Field(1.0, ge=0.0, le=1.0)


class RecordExpectation(RowMapExpectation):
    """A yes/no question about every record (row) in scope, over ``column_list`` or all columns.
    Every record is an element, whatever its missing values (A = records that meet it, B = records)."""

    family = "record"
    Kwargs = RecordKwargs
    counts_nulls = True
    gx_compatible: ClassVar[bool] = False

    def column_names(self) -> list[str]:
        return list(self.kw.column_list) if self.kw.column_list else list(self.table.columns)

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_nonnull = self.m_rows
        self.m_unexpected = self.unexpected_count_metric()
        return [self.m_rows, self.m_unexpected]


class NullPatternRecords(RecordExpectation):
    """Records judged by which of their values are missing. The columns' present-value counts
    (known from a profile, or from Parquet metadata) often settle it — no column has a null, or
    some column has no null — and only otherwise is every record looked at."""

    def metrics(self) -> list[Metric]:
        super().metrics()
        self.m_present = [self.scope.aggregate(f"count({c})", label="present") for c in self.cols]
        return [self.m_rows, *self.m_present]

    def full_columns(self, values: Mapping[Metric, Any]) -> list[bool]:
        return [values.get(m) == values.get(self.m_rows) and isinstance(values.get(m), int)
                for m in self.m_present]

    def settled(self, values: Mapping[Metric, Any]) -> bool:
        raise NotImplementedError

    def follow_up(self, values: Mapping[Metric, Any]) -> list[Metric]:
        return [] if self.settled(values) else [self.m_unexpected]

    def unexpected_count(self, values: Mapping[Metric, Any]) -> int:
        return int(values[self.m_unexpected]) if self.m_unexpected in values else 0


class CompleteKwargs(RecordKwargs):
    missing_columns: list[str] = Field(default_factory=list, description="fields the records should have "
                                       "but the table lacks (e.g. declared by a manifest): missing in every record")


class ExpectTableRecordsToBeComplete(NullPatternRecords):
    """A record is complete when none of its items is missing; a field listed in
    ``missing_columns`` (declared, but not in the table) is missing from every record."""

    type = "expect_table_records_to_be_complete"
    summary = ("Records have no missing value in column_list (default: all columns); a field of "
               "missing_columns, absent from the table, leaves every record incomplete.")
    default_concern = "completeness.record"
    Kwargs = CompleteKwargs

    def bind(self) -> None:
        super().bind()
        for i, name in enumerate(self.kw.missing_columns):
            if name in self.table.columns:
                raise SuiteError(f"{name!r} is a column of table {self.table.name!r}, not a missing one",
                                 location=f"kwargs.missing_columns[{i}]")

    def unexpected(self) -> Condition:
        if self.kw.missing_columns:
            return Condition("true")
        return Condition(" OR ".join(f"{c} IS NULL" for c in self.cols))

    def settled(self, values: Mapping[Metric, Any]) -> bool:
        # No null anywhere and no field missing: every record is complete.
        return not self.kw.missing_columns and all(self.full_columns(values))


class ExpectTableRecordsToNotBeAllNull(NullPatternRecords):
    type = "expect_table_records_to_not_be_all_null"
    summary = "Records have at least one present value in column_list (default: all columns)."
    default_concern = "completeness.empty_record"

    def unexpected(self) -> Condition:
        return Condition(" AND ".join(f"{c} IS NULL" for c in self.cols))

    def settled(self, values: Mapping[Metric, Any]) -> bool:
        return any(self.full_columns(values))  # a column without nulls: no record is empty


class ExpectTableRecordsToBeUnique(DuplicatedValues, RecordExpectation):
    """Two records are the same when every listed column holds the same value, a missing value
    matching a missing value (SQL GROUP BY). Of each group of copies the first is kept: the extra
    copies are unexpected (records − distinct records), and ``details`` gives the groups, the rows
    in them and the extra copies."""

    type = "expect_table_records_to_be_unique"
    summary = ("Records (over column_list, default all columns) occur once; every extra copy of a "
               "repeated record (all but one of each group) is unexpected.")
    default_concern = "uniqueness.record"

    def key(self) -> tuple[str, str]:
        return self.col, self.record()

    def rows_considered(self) -> None:
        return None  # every record, whatever its missing values

    def unexpected_in(self, rows_in_groups: int, groups: int) -> int:
        return rows_in_groups - groups

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        outcome = super().conclude(values)
        top = values.get(self.m_unexpected)
        in_groups, groups = repeated_groups(top) if isinstance(top, list) else (0, 0)
        outcome.result["details"] = {"duplicate_groups": groups, "rows_in_duplicate_groups": in_groups,
                                     "extra_copies": in_groups - groups}
        return outcome

    def repeated_over(self, partition: str, frame: RowFrame) -> str:
        # The first of each group is kept. Rows equal on every column are interchangeable, so
        # ordering by all of them (then by the row number) gives the same answer on every run.
        order = ", ".join([*frame.columns, frame.row])
        return f"row_number() OVER (PARTITION BY {partition} ORDER BY {order}) > 1"


class PredicateKwargs(Kwargs):
    predicate: str = Field(min_length=1, description="a boolean SQL expression over the row's columns, "
                                                     "with the row_condition allow-list")
    mostly: float = Field(1.0, ge=0.0, le=1.0)


class ExpectTableRowsToSatisfy(RecordExpectation):
    """A business rule of the data's own, as a predicate over each row (``price >= cost``,
    ``status <> 'shipped' OR shipped_at IS NOT NULL``). The predicate passes the same allow-list as
    ``row_condition`` — columns, literals, operators, CASE, CAST and a few scalar functions; no
    subquery, table function, file or statement — and is rebuilt with quoted identifiers and bound
    literals. A row is unexpected unless the predicate is true (false or NULL)."""

    type = "expect_table_rows_to_satisfy"
    summary = "Rows in scope satisfy a boolean SQL predicate over their columns (row_condition allow-list)."
    default_concern = "consistency.rule"
    Kwargs = PredicateKwargs
    shows_rows = True  # evidence: the first rows that break the rule

    def column_names(self) -> list[str]:
        return list(self.table.columns)

    def bind(self) -> None:
        super().bind()
        self.rule = compile_predicate(self.kw.predicate, self.table.columns, field="predicate", dialect=self.dialect)

    def unexpected(self) -> Condition:
        return Condition(f"({self.rule.sql}) IS NOT TRUE", self.rule.params)


EXPECTATIONS = [ExpectTableRecordsToBeComplete, ExpectTableRecordsToNotBeAllNull, ExpectTableRecordsToBeUnique,
                ExpectTableRowsToSatisfy]
