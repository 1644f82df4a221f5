"""Referential integrity: foreign-key values that exist in another table of the dataset (one
anti-join per reference). dsbench-specific (``gx_compatible = False``), with GX's result shape."""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from pydantic import Field, field_validator, model_validator

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.engine.sql import quote_ident
from dsbench.engine.types import LogicalType
from dsbench.errors import SuiteError
from dsbench.expectations.base import PARTIAL_UNEXPECTED_COUNT, Expectation, Kwargs, Outcome, jsonable, percent


def _names(value: Any) -> Any:
    """Frictionless writes a one-field key as a string; accept it."""
    return [value] if isinstance(value, str) else value


class ForeignKeyKwargs(Kwargs):
    column_list: list[str] = Field(min_length=1)
    other_table_name: str = Field(min_length=1)
    other_column_list: list[str] = Field(min_length=1)
    mostly: float = Field(1.0, ge=0.0, le=1.0)

    @field_validator("column_list", "other_column_list", mode="before")
    @classmethod
    def one_name(cls, value: Any) -> Any:
        return _names(value)

    @model_validator(mode="after")
    def same_length(self):
        if len(self.column_list) != len(self.other_column_list):
            raise ValueError(f"column_list has {len(self.column_list)} columns but other_column_list "
                             f"has {len(self.other_column_list)}")
        return self


def _comparable_types(left: LogicalType, right: LogicalType) -> bool:
    if (left.is_numeric and right.is_numeric) or (left.is_string and right.is_string):
        return True
    # Dates and timestamps compare with each other; times of day and intervals only with their own kind.
    return left.same_type(right) or (left.is_temporal and right.is_temporal
                                     and not {left.family, right.family} & {"time", "interval"})


class ExpectForeignKeyValuesToExist(Expectation):
    """A reference is present when every part of it is present; a present reference must match a
    row of the other table (SQL equality). One query per reference: the scoped, present
    references without a match in the other table (``NOT EXISTS``, an anti-join), grouped, which
    gives the count of dangling rows and, at once, the most frequent dangling values."""

    type = "expect_foreign_key_values_to_exist"
    summary = "Present (non-null) references in column_list exist in other_column_list of other_table_name."
    family = "multitable"
    default_concern = "consistency.referential"
    Kwargs = ForeignKeyKwargs
    gx_compatible: ClassVar[bool] = False

    def bind(self) -> None:
        self.cols = [self.column(name, f"column_list[{i}]") for i, name in enumerate(self.kw.column_list)]
        other = self.other = self.other_table(self.kw.other_table_name)
        for i, name in enumerate(self.kw.other_column_list):
            if name not in other.columns:
                known = ", ".join(list(other.columns)[:20])
                raise SuiteError(f"unknown column {name!r} in table {other.name!r} (columns: {known})",
                                 location=f"kwargs.other_column_list[{i}]")
        self.other_cols = [quote_ident(name) for name in self.kw.other_column_list]

    def present(self) -> Condition:
        return Condition(" AND ".join(f"{c} IS NOT NULL" for c in self.cols))

    def dangling(self) -> Condition:
        """No row of the other table matches (a correlated NOT EXISTS, which DuckDB runs as an
        anti-join); columns of different type families are compared as text."""
        parts = []
        for mine, theirs, my_name, their_name in zip(self.cols, self.other_cols, self.kw.column_list,
                                                     self.kw.other_column_list):
            left, right = f"o.{theirs}", f"{self.table.view}.{mine}"
            theirs_type = self.dialect.logical_type(self.other.columns[their_name])
            if not _comparable_types(self.logical(my_name), theirs_type):
                left, right = self.dialect.cast(left, "text"), self.dialect.cast(right, "text")
            parts.append(f"{left} = {right}")
        return Condition(f"NOT EXISTS (SELECT 1 FROM {self.other.view} AS o WHERE {' AND '.join(parts)})")

    def value_sql(self) -> str:
        if len(self.cols) == 1:
            return self.cols[0]
        return self.dialect.struct((c, c) for c in self.cols)

    defect_kind = "rows"

    def defect_columns(self) -> list[str]:
        return list(self.kw.column_list)

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        return self.present() & self.dangling() & self.scope.condition

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_refs = self.scope.aggregate("count(*)", where=self.present(),
                                           label=f"references({', '.join(self.kw.column_list)})")
        # One query: the dangling references grouped by value, with the totals over all groups
        # (rows, distinct values) computed before the top values are cut off.
        self.m_dangling = self.scope.rows(
            f"{self.value_sql()} AS value, count(*) AS n, sum(count(*)) OVER () AS dangling_rows, "
            f"count(*) OVER () AS dangling_values",
            where=self.present() & self.dangling(),
            tail=f" GROUP BY {', '.join(self.cols)} ORDER BY n DESC, value ASC LIMIT {PARTIAL_UNEXPECTED_COUNT}",
            label=f"dangling({', '.join(self.kw.column_list)} -> {self.kw.other_table_name})")
        return [self.m_rows, self.m_refs, self.m_dangling]

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_refs, self.m_dangling]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        rows, refs = int(values[self.m_rows]), int(values[self.m_refs])
        top = values[self.m_dangling]
        dangling = int(top[0][2]) if top else 0
        keys = int(top[0][3]) if top else 0
        counts = [{"value": jsonable(value), "count": int(n)} for value, n, _, _ in top]
        missing = rows - refs
        result = {
            "element_count": rows,
            "missing_count": missing,
            "missing_percent": percent(missing, rows),
            "unexpected_count": dangling,
            "unexpected_percent": percent(dangling, refs),
            "unexpected_percent_total": percent(dangling, rows),
            "unexpected_percent_nonmissing": percent(dangling, refs),
            "partial_unexpected_list": [c["value"] for c in counts for _ in range(c["count"])][
                :PARTIAL_UNEXPECTED_COUNT],
            "partial_unexpected_counts": counts,
            "details": {"unexpected_distinct_count": keys, "other_table": self.kw.other_table_name},
        }
        success = refs == 0 or (refs - dangling) / refs >= self.kw.mostly
        return Outcome(success, result, refs - dangling, refs)


EXPECTATIONS = [ExpectForeignKeyValuesToExist]
