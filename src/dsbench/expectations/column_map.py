"""Column map expectations: a yes/no question about every non-null value of a column.

Each subclass states when a value is *expected* (``expected`` returns a SQL condition); the base
class counts rows, non-null values and unexpected values in the table's shared aggregate scan and
decides with GX's ``mostly`` semantics: success when (non-null - unexpected) / non-null >= mostly,
and vacuously when there is no non-null value. This module holds that machinery and what several
families share (bounds, sets, duplicates); the families are in ``column_map_values`` and
``column_map_text``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Mapping

from pydantic import Field, model_validator

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, RowFrame, conjoin
from dsbench.engine.types import LogicalType
from dsbench.errors import SuiteError
from dsbench.expectations.base import (EVIDENCE_SAMPLE, PARTIAL_UNEXPECTED_COUNT, Expectation, Kwargs, Outcome,
                                       jsonable, percent)


class ColumnKwargs(Kwargs):
    column: str = Field(min_length=1)


class MapKwargs(ColumnKwargs):
    mostly: float = Field(1.0, ge=0.0, le=1.0)


class ColumnMapExpectation(Expectation):
    family = "column_map"
    Kwargs = MapKwargs
    # The not-null family counts nulls as the elements in question and reports no missing fields.
    counts_nulls: ClassVar[bool] = False
    # ``expected`` depends on the column's value alone: on a text column, the engine may evaluate it
    # once per distinct value (see the ``values`` metric kind).
    value_only: ClassVar[bool] = False
    # Counting nulls, the unexpected values are all NULL: nothing to show, unless rows are shown.
    shows_rows: ClassVar[bool] = False
    defect_kind: ClassVar[str] = "rows"

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        self.check()

    def check(self) -> None:
        """Refuse kwargs that cannot apply to this column (types, regex syntax …)."""

    def expected(self) -> Condition:
        raise NotImplementedError

    def unexpected(self) -> Condition:
        ok = self.expected()
        return Condition(f"{self.col} IS NOT NULL AND ({ok.sql}) IS NOT TRUE", ok.params)

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        found = getattr(self, "unexpected_values", None)
        if found is not None:  # every unexpected value is known: a lookup instead of the test
            return Condition(self.dialect.list_contains(self.dialect.list_parameter("text"), self.col), (found,))
        return self.unexpected() & self.scope.condition

    def unexpected_count_metric(self) -> Metric:
        label = f"unexpected({self.type})"
        if self.value_only and self.logical(self.kw.column).is_string:
            return self.scope.value_count(self.col, self.unexpected(), self.screen(), label=label)
        return self.scope.aggregate("count(*)", where=self.unexpected(), label=label)

    def screen(self) -> tuple[str, ...]:
        """Regexes one of which matches every unexpected non-null value (a necessary condition), if
        known: rows none of them matches need no further look."""
        return ()

    def metrics(self) -> list[Metric]:
        self.m_rows = self.scope.aggregate("count(*)", label="row_count")
        self.m_nonnull = self.scope.aggregate(f"count({self.col})", label=f"nonnull({self.kw.column})")
        self.m_unexpected = self.unexpected_count_metric()
        return [self.m_rows, self.m_nonnull, self.m_unexpected]

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_nonnull, self.m_unexpected]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        rows = int(values[self.m_rows])
        unexpected = self.unexpected_count(values)
        if self.counts_nulls:
            considered = rows
            result = {"element_count": rows, "unexpected_count": unexpected,
                      "unexpected_percent": percent(unexpected, rows),
                      "partial_unexpected_list": []}
        else:
            considered = int(values[self.m_nonnull])
            missing = rows - considered
            result = {
                "element_count": rows,
                "unexpected_count": unexpected,
                "unexpected_percent": percent(unexpected, considered),
                "partial_unexpected_list": [],
                "missing_count": missing,
                "missing_percent": percent(missing, rows),
                "unexpected_percent_total": percent(unexpected, rows),
                "unexpected_percent_nonmissing": percent(unexpected, considered),
            }
        result["partial_unexpected_counts"] = []
        if considered == 0:
            success = True
        else:
            success = (considered - unexpected) / considered >= self.kw.mostly
        return Outcome(success, result, considered - unexpected, considered)

    def unexpected_count(self, values: Mapping[Metric, Any]) -> int:
        return int(values[self.m_unexpected])

    # -- evidence for failures -------------------------------------------------------------------
    def evidence(self, outcome: Outcome) -> list[Metric]:
        """The first unexpected values in row order (a query that stops as soon as it has them);
        with full evidence, also the most frequent unexpected values over the whole table (one
        grouped scan shared by every failed expectation of the table)."""
        if outcome.result.get("unexpected_count", 0) == 0 or (self.counts_nulls and not self.shows_rows):
            return []
        where = self.unexpected()
        # The value itself too when it alone decides (it may let scoring look the rows up).
        select = f"{self.value_sql()}, {self.col}" if self.decided_by_value() else self.value_sql()
        self.m_partial = self.scope.rows(select, where=where, tail=f" LIMIT {EVIDENCE_SAMPLE}",
                                         label="unexpected_sample")
        if not self.context.full_evidence:
            return [self.m_partial]
        self.m_counts = self.scope.top_values(self.value_sql(), where, label="partial_unexpected_counts")
        return [self.m_partial, self.m_counts]

    def value_sql(self) -> str:
        """The value reported as evidence for an unexpected row."""
        return self.col

    def add_evidence(self, outcome: Outcome, values: Mapping[Metric, Any]) -> None:
        sample = values.get(getattr(self, "m_partial", None))
        counts = values.get(getattr(self, "m_counts", None))
        if isinstance(sample, list):
            found = [jsonable(row[0]) for row in sample]
            outcome.result["partial_unexpected_list"] = found[:PARTIAL_UNEXPECTED_COUNT]
            if not isinstance(counts, list):
                # Counted among the first EVIDENCE_SAMPLE unexpected values (all of them when there
                # are no more); unexpected_sample_size says how many that was.
                outcome.result["partial_unexpected_counts"] = most_frequent(found)
                outcome.result["unexpected_sample_size"] = len(found)
        if isinstance(counts, list):
            outcome.result["partial_unexpected_counts"] = [
                {"value": jsonable(value), "count": int(count)} for value, count in counts]
        if isinstance(sample, list) and len(sample) == outcome.result.get("unexpected_count") \
                and self.decided_by_value():
            # The sample holds every unexpected row, and whether a row is unexpected depends on
            # its text alone: the rows with these texts are exactly the unexpected ones.
            self.unexpected_values = sorted({row[-1] for row in sample})

    def decided_by_value(self) -> bool:
        """Whether a row is unexpected depends on its text in the column alone."""
        return self.value_only and self.scope.condition is None and self.logical(self.kw.column).is_string


def _order_key(value: Any) -> tuple:
    """Values of one column sort naturally; mixed or structured ones by their JSON text."""
    if isinstance(value, bool) or value is None:
        return (0, str(value))
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, json.dumps(value, sort_keys=True, default=str))


def most_frequent(values: list[Any]) -> list[dict[str, Any]]:
    """The PARTIAL_UNEXPECTED_COUNT most frequent values, by count, then value."""
    counts: dict[str, list] = {}
    for value in values:
        key = json.dumps(value, sort_keys=True, default=str)
        counts.setdefault(key, [value, 0])[1] += 1
    ranked = sorted(counts.values(), key=lambda item: (-item[1], _order_key(item[0])))
    return [{"value": value, "count": count} for value, count in ranked[:PARTIAL_UNEXPECTED_COUNT]]


def text_of(dialect: Dialect, col: str, logical: LogicalType) -> str:
    """SQL of a column's values as text (a text column as it is)."""
    return col if logical.is_string else dialect.cast(col, "text")


# --- bounds and sets ---------------------------------------------------------------------------

class BetweenMapKwargs(MapKwargs):
    min_value: Any = None
    max_value: Any = None
    strict_min: bool = False
    strict_max: bool = False

    @model_validator(mode="after")
    def one_bound(self):
        if self.min_value is None and self.max_value is None:
            raise ValueError("min_value and max_value cannot both be None")
        return self


def bounds_condition(sql: str, kw: Any) -> Condition:
    parts, params = [], []
    if kw.min_value is not None:
        parts.append(f"{sql} {'>' if kw.strict_min else '>='} ?")
        params.append(kw.min_value)
    if kw.max_value is not None:
        parts.append(f"{sql} {'<' if kw.strict_max else '<='} ?")
        params.append(kw.max_value)
    return Condition(" AND ".join(parts), tuple(params))


def check_comparable(expectation: Expectation, column: str, values: list[Any], field: str) -> None:
    """Refuse bounds or set members that cannot be compared with the column's values."""
    column_type, logical = expectation.column_type(column), expectation.logical(column)
    for value in values:
        if value is None:
            continue
        if logical.is_numeric and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise SuiteError(f"{value!r} is not a number but column {column!r} is {column_type}",
                             location=f"kwargs.{field}")
        if logical.is_string and not isinstance(value, str):
            raise SuiteError(f"{value!r} is not a string but column {column!r} is {column_type}",
                             location=f"kwargs.{field}")


def in_set(sql: str, values: list[Any]) -> Condition:
    members = [v for v in values if v is not None]
    if not members:
        return Condition("false")
    return Condition(f"{sql} IN ({', '.join('?' for _ in members)})", tuple(members))


# --- duplicates --------------------------------------------------------------------------------

def repeated_groups(top: list) -> tuple[int, int]:
    """(rows in repeated groups, repeated groups) from the rows of :meth:`DuplicatedValues.unexpected_count_metric`."""
    return (int(top[0][2]), int(top[0][3])) if top else (0, 0)


class DuplicatedValues(ColumnMapExpectation):
    """Rows whose key occurs more than once are unexpected. One group-by gives both the count and
    the evidence: the most repeated keys with their counts, and the total over all repeated keys.

    A key of several columns is first screened by the number of distinct key hashes (a cheap
    aggregate of 8-byte values, shared with the data profile): equal keys have equal hashes, so
    as many distinct hashes as rows proves every key unique. Only otherwise is the exact group-by
    over the keys themselves run (a hash collision then costs time, never a wrong answer)."""

    def key(self) -> tuple[str, str]:
        """(GROUP BY expression, the value reported for a key)."""
        return self.col, self.col

    def rows_considered(self) -> Condition | None:
        return Condition(f"{self.col} IS NOT NULL")

    def repeated(self) -> str:
        """The HAVING condition of a group of unexpected rows."""
        return "count(*) > 1"

    def repeated_over(self, partition: str, frame: RowFrame) -> str:
        """Whether a row is unexpected, as window functions over its group (``PARTITION BY
        partition``): :meth:`repeated` of the group."""
        return f"count(*) OVER (PARTITION BY {partition}) > 1"

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        key = self.key()[0] if self.screened() else frame.shared(self.key()[0])  # one expression: computed once
        considered = conjoin(self.rows_considered(), self.scope.condition)
        if considered is None:
            return Condition(self.repeated_over(key, frame))
        inside = f"(({considered.sql}) IS TRUE)"
        return Condition(f"{inside} AND {self.repeated_over(f'{inside}, {key}', frame)}", considered.params * 2)

    def screened(self) -> bool:
        return len(getattr(self, "cols", ())) > 1

    def metrics(self) -> list[Metric]:
        metrics = super().metrics()
        if not self.screened():
            return metrics
        self.m_distinct = distinct_keys(self.dialect, self.scope, self.key()[0], self.rows_considered())
        self.m_considered = self.scope.aggregate("count(*)", where=self.rows_considered())
        return [self.m_rows, self.m_nonnull, self.m_distinct, self.m_considered]

    def all_distinct(self, values: Mapping[Metric, Any]) -> bool:
        distinct = values.get(self.m_distinct)
        return isinstance(distinct, int) and distinct == values.get(self.m_considered)

    def follow_up(self, values: Mapping[Metric, Any]) -> list[Metric]:
        return [self.m_unexpected] if self.screened() and not self.all_distinct(values) else []

    def unexpected_count_metric(self) -> Metric:
        group, value = self.key()
        clause, params = self.scope.where_clause(self.rows_considered())
        sql = (f"SELECT value, n, sum(n) OVER () AS total, count(*) OVER () AS groups FROM ("
               f"SELECT {value} AS value, count(*) AS n "
               f"FROM {self.table.view}{clause} GROUP BY {group} HAVING {self.repeated()}) "
               f"ORDER BY n DESC, value ASC LIMIT {PARTIAL_UNEXPECTED_COUNT}")
        return Metric(self.table.view, sql, params, "rows", label=f"duplicated({value})")

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.screened() and self.m_unexpected not in values and self.all_distinct(values):
            values = {**values, self.m_unexpected: []}  # no key occurs twice
        top = values.get(self.m_unexpected)
        if not isinstance(top, list):
            return super().conclude(values)
        in_groups, groups = repeated_groups(top)
        outcome = super().conclude({**values, self.m_unexpected: self.unexpected_in(in_groups, groups)})
        counts = [{"value": jsonable(value), "count": int(n)} for value, n, *_ in top]
        outcome.result["partial_unexpected_counts"] = counts
        # A sample of unexpected values: the most repeated ones, each as often as it occurs.
        outcome.result["partial_unexpected_list"] = [
            c["value"] for c in counts for _ in range(c["count"])][:PARTIAL_UNEXPECTED_COUNT]
        return outcome

    def unexpected_in(self, rows_in_groups: int, groups: int) -> int:
        """The unexpected rows, given the rows in repeated groups and the number of such groups:
        every row of a repeated key (GX)."""
        return rows_in_groups

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []  # computed with the count


def distinct_keys(dialect: Dialect, scope: Any, key: str, where: Condition | None = None) -> Metric:
    """The number of distinct hashes of the key ``key`` (SQL expressions, comma-separated)."""
    return scope.aggregate(f"count(DISTINCT {dialect.hash(key)})", where=where, kind="distinct",
                           label=f"distinct_hashes({key})")


__all__ = ["BetweenMapKwargs", "ColumnKwargs", "ColumnMapExpectation", "DuplicatedValues", "MapKwargs",
           "bounds_condition", "check_comparable", "distinct_keys", "in_set", "most_frequent", "repeated_groups",
           "text_of"]
