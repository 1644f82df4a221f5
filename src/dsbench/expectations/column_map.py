"""Column map expectations: a yes/no question about every non-null value of a column.

Each subclass states when a value is *expected* (``expected`` returns a SQL condition); the base
class counts rows, non-null values and unexpected values in the table's shared aggregate scan and
decides with GX's ``mostly`` semantics: success when (non-null - unexpected) / non-null >= mostly,
and vacuously when there is no non-null value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field, model_validator

from dsbench.engine.metrics import Condition, Metric, RowFrame, conjoin
from dsbench.errors import SuiteError
from dsbench.expectations.base import (EVIDENCE_SAMPLE, PARTIAL_UNEXPECTED_COUNT, Expectation, Kwargs, Outcome,
                                       failed_metric, jsonable, percent)
from dsbench.expectations.types import base_type, is_numeric, is_string, type_matches


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
            return Condition(f"list_contains(?::VARCHAR[], {self.col})", (found,))
        return self.unexpected() & self.scope.condition

    def unexpected_count_metric(self) -> Metric:
        label = f"unexpected({self.type})"
        if self.value_only and is_string(self.column_type(self.kw.column)):
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

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        failure = failed_metric(values, self.metrics_used())
        if failure:
            return Outcome(False, {}, 0, 0, failure.message)
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

    def metrics_used(self) -> list[Metric]:
        return [self.m_rows, self.m_nonnull, self.m_unexpected]

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
        return self.value_only and self.scope.condition is None and is_string(self.column_type(self.kw.column))


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
    column_type = expectation.column_type(column)
    for value in values:
        if value is None:
            continue
        if is_numeric(column_type) and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise SuiteError(f"{value!r} is not a number but column {column!r} is {column_type}",
                             location=f"kwargs.{field}")
        if is_string(column_type) and not isinstance(value, str):
            raise SuiteError(f"{value!r} is not a string but column {column!r} is {column_type}",
                             location=f"kwargs.{field}")


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


def in_set(sql: str, values: list[Any]) -> Condition:
    members = [v for v in values if v is not None]
    if not members:
        return Condition("false")
    return Condition(f"{sql} IN ({', '.join('?' for _ in members)})", tuple(members))


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
        self.m_distinct = distinct_keys(self.scope, self.key()[0], self.rows_considered())
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

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.screened() and self.m_unexpected not in values and self.all_distinct(values):
            values = {**values, self.m_unexpected: []}  # no key occurs twice
        top = values.get(self.m_unexpected)
        if not isinstance(top, list):
            return super().decide(values)
        in_groups, groups = repeated_groups(top)
        outcome = super().decide({**values, self.m_unexpected: self.unexpected_in(in_groups, groups)})
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


def distinct_keys(scope: Any, key: str, where: Condition | None = None) -> Metric:
    """The number of distinct hashes of the key ``key`` (SQL expressions, comma-separated)."""
    return scope.aggregate(f"count(DISTINCT hash({key}))", where=where, kind="distinct",
                           label=f"distinct_hashes({key})")


class ExpectColumnValuesToBeUnique(DuplicatedValues):
    type = "expect_column_values_to_be_unique"
    summary = "Every non-null value occurs once; all rows holding a repeated value are unexpected."
    default_concern = "uniqueness.key"


def _scalar(table: str, sql: str, params: tuple, label: str) -> Metric:
    return Metric(table, sql, params, "rows", label=label)


def _unwrap_scalars(values: Mapping[Metric, Any]) -> Mapping[Metric, Any]:
    """Row metrics that hold one value are used like aggregates."""
    return {m: (v[0][0] if m.kind == "rows" and isinstance(v, list) and len(v) == 1 and len(v[0]) == 1
                else v) for m, v in values.items()}


# --- patterns ----------------------------------------------------------------------------------

class RegexKwargs(MapKwargs):
    regex: str


class RegexListKwargs(MapKwargs):
    regex_list: list[str] = Field(min_length=1)
    match_on: Literal["any", "all"] = "any"


class LikeKwargs(MapKwargs):
    like_pattern: str


class LikeListKwargs(MapKwargs):
    like_pattern_list: list[str] = Field(min_length=1)
    match_on: Literal["any", "all"] = "any"


def text_of(col: str, column_type: str) -> str:
    return col if is_string(column_type) else f"CAST({col} AS VARCHAR)"


class ExpectColumnValuesToMatchRegex(ColumnMapExpectation):
    type = "expect_column_values_to_match_regex"
    value_only = True
    summary = "Values contain a match of the regular expression (RE2 syntax, search semantics)."
    default_concern = "validity.format"
    Kwargs = RegexKwargs
    negate: ClassVar[bool] = False

    def patterns(self) -> list[str]:
        return [self.kw.regex]

    def check(self) -> None:
        from dsbench.backends.duckdb.checks import check_regex

        field = "regex" if hasattr(self.kw, "regex") else "regex_list"
        for pattern in self.patterns():
            check_regex(pattern, f"kwargs.{field}")

    def combine(self) -> str:
        return getattr(self.kw, "match_on", "any")

    def screen(self) -> tuple[str, ...]:
        return tuple(self.patterns()) if self.negate else ()

    def expected(self) -> Condition:
        text = text_of(self.col, self.column_type(self.kw.column))
        tests = [f"regexp_matches({text}, ?)" for _ in self.patterns()]
        if self.negate:
            tests = [f"NOT {t}" for t in tests]
            joiner = " AND "  # matches none of the patterns
        else:
            joiner = " OR " if self.combine() == "any" else " AND "
        return Condition(joiner.join(tests), tuple(self.patterns()))


class ExpectColumnValuesToNotMatchRegex(ExpectColumnValuesToMatchRegex):
    type = "expect_column_values_to_not_match_regex"
    summary = "Values contain no match of the regular expression."
    negate = True


class ExpectColumnValuesToMatchRegexList(ExpectColumnValuesToMatchRegex):
    type = "expect_column_values_to_match_regex_list"
    summary = "Values match any (or all, with match_on: all) of the regular expressions."
    Kwargs = RegexListKwargs

    def patterns(self) -> list[str]:
        return list(self.kw.regex_list)


class NotRegexListKwargs(MapKwargs):
    regex_list: list[str] = Field(min_length=1)


class ExpectColumnValuesToNotMatchRegexList(ExpectColumnValuesToMatchRegexList):
    type = "expect_column_values_to_not_match_regex_list"
    summary = "Values match none of the regular expressions."
    Kwargs = NotRegexListKwargs
    negate = True


class ExpectColumnValuesToMatchLikePattern(ColumnMapExpectation):
    type = "expect_column_values_to_match_like_pattern"
    value_only = True
    summary = "Values match the SQL LIKE pattern."
    default_concern = "validity.format"
    Kwargs = LikeKwargs
    negate: ClassVar[bool] = False

    def patterns(self) -> list[str]:
        return [self.kw.like_pattern]

    def expected(self) -> Condition:
        text = text_of(self.col, self.column_type(self.kw.column))
        if self.negate:
            tests, joiner = [f"{text} NOT LIKE ?" for _ in self.patterns()], " AND "
        else:
            tests = [f"{text} LIKE ?" for _ in self.patterns()]
            joiner = " OR " if getattr(self.kw, "match_on", "any") == "any" else " AND "
        return Condition(joiner.join(tests), tuple(self.patterns()))


class ExpectColumnValuesToNotMatchLikePattern(ExpectColumnValuesToMatchLikePattern):
    type = "expect_column_values_to_not_match_like_pattern"
    summary = "Values do not match the SQL LIKE pattern."
    negate = True


class ExpectColumnValuesToMatchLikePatternList(ExpectColumnValuesToMatchLikePattern):
    type = "expect_column_values_to_match_like_pattern_list"
    summary = "Values match any (or all) of the SQL LIKE patterns."
    Kwargs = LikeListKwargs

    def patterns(self) -> list[str]:
        return list(self.kw.like_pattern_list)


class NotLikeListKwargs(MapKwargs):
    like_pattern_list: list[str] = Field(min_length=1)


class ExpectColumnValuesToNotMatchLikePatternList(ExpectColumnValuesToMatchLikePatternList):
    type = "expect_column_values_to_not_match_like_pattern_list"
    summary = "Values match none of the SQL LIKE patterns."
    Kwargs = NotLikeListKwargs
    negate = True


# --- lengths -----------------------------------------------------------------------------------

class LengthBetweenKwargs(MapKwargs):
    min_value: int | None = None
    max_value: int | None = None
    strict_min: bool = False
    strict_max: bool = False

    @model_validator(mode="after")
    def one_bound(self):
        if self.min_value is None and self.max_value is None:
            raise ValueError("min_value and max_value cannot both be None")
        return self


class LengthEqualKwargs(MapKwargs):
    value: int = Field(ge=0)


class ExpectColumnValueLengthsToBeBetween(ColumnMapExpectation):
    type = "expect_column_value_lengths_to_be_between"
    value_only = True
    summary = "String lengths (in characters) lie between min_value and max_value."
    default_concern = "validity.length"
    Kwargs = LengthBetweenKwargs

    def length(self) -> str:
        return f"length({text_of(self.col, self.column_type(self.kw.column))})"

    def expected(self) -> Condition:
        return bounds_condition(self.length(), self.kw)


class ExpectColumnValueLengthsToEqual(ExpectColumnValueLengthsToBeBetween):
    type = "expect_column_value_lengths_to_equal"
    summary = "String lengths (in characters) equal value."
    Kwargs = LengthEqualKwargs

    def expected(self) -> Condition:
        return Condition(f"{self.length()} = ?", (self.kw.value,))


# --- parsing -----------------------------------------------------------------------------------

class StrftimeKwargs(MapKwargs):
    strftime_format: str = Field(min_length=1)


class ExpectColumnValuesToMatchStrftimeFormat(ColumnMapExpectation):
    type = "expect_column_values_to_match_strftime_format"
    value_only = True
    summary = "Values parse with the strftime format (DuckDB strptime)."
    default_concern = "validity.format"
    Kwargs = StrftimeKwargs

    def expected(self) -> Condition:
        text = text_of(self.col, self.column_type(self.kw.column))
        return Condition(f"try_strptime({text}, ?) IS NOT NULL", (self.kw.strftime_format,))


class ExpectColumnValuesToBeJsonParseable(ColumnMapExpectation):
    type = "expect_column_values_to_be_json_parseable"
    value_only = True
    summary = "Values are valid JSON documents."
    default_concern = "validity.format"

    def expected(self) -> Condition:
        return Condition(f"json_valid({text_of(self.col, self.column_type(self.kw.column))})")


@dataclass(frozen=True)
class CountUnparseableDates:
    """Fold (value, count) batches: rows whose value dateutil cannot parse."""

    def __call__(self, reader: Any) -> int:
        from dateutil import parser

        bad = 0
        for batch in reader:
            values, counts = batch.column(0).to_pylist(), batch.column(1).to_pylist()
            for value, count in zip(values, counts):
                try:
                    parser.parse(value) if isinstance(value, str) else parser.parse(str(value))
                except (ValueError, OverflowError, TypeError):
                    bad += count
        return bad


class ExpectColumnValuesToBeDateutilParseable(ColumnMapExpectation):
    type = "expect_column_values_to_be_dateutil_parseable"
    summary = "Values are parseable by dateutil (each distinct value is parsed once)."
    default_concern = "validity.format"

    def unexpected_count_metric(self) -> Metric:
        clause, params = self.scope.where_clause(Condition(f"{self.col} IS NOT NULL"))
        sql = f"SELECT {self.col}, count(*) FROM {self.table.view}{clause} GROUP BY ALL"
        return Metric(self.table.view, sql, params, "stream", reducer=CountUnparseableDates(),
                      label=f"unparseable_dates({self.kw.column})")

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []  # which values fail is known only to dateutil; counts are exact

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        return None  # only dateutil (in Python) knows which rows fail


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

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        failure = failed_metric(values, self.metrics_used())
        if failure:
            return Outcome(False, {}, 0, 0, failure.message)
        observed = self.column_type(self.kw.column)
        success = any(type_matches(observed, name) for name in self.accepted())
        return Outcome(success, {"observed_value": observed}, int(success), 1)

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []


class ExpectColumnValuesToBeInTypeList(ExpectColumnValuesToBeOfType):
    type = "expect_column_values_to_be_in_type_list"
    summary = "The column's type is one of type_list."
    Kwargs = TypeListKwargs

    def accepted(self) -> list[str]:
        return list(self.kw.type_list or [])

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.kw.type_list is None:  # GX: no list means any type
            observed = self.column_type(self.kw.column)
            return Outcome(True, {"observed_value": observed}, 1, 1)
        return super().decide(values)


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
        from dsbench.validation.rows import unexpected_rows_metric

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
        if base_type(self.column_type(self.kw.column)) in ("FLOAT", "DOUBLE"):
            test = f"NOT isnan({self.col}) AND NOT isnan({previous}) AND {test}"
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


class ExpectColumnValueZScoresToBeLessThan(ColumnMapExpectation):
    """z = (value - mean) / sample standard deviation, over the rows in scope. As in GX, a
    double-sided test compares |z| with |threshold|, and an undefined z-score (fewer than two
    values, a constant column, NaN) meets the expectation."""

    type = "expect_column_value_z_scores_to_be_less_than"
    summary = "Z-scores (sample standard deviation) are below threshold (absolute if double_sided)."
    default_concern = "accuracy.outlier"
    Kwargs = ZScoreKwargs

    def check(self) -> None:
        if not is_numeric(self.column_type(self.kw.column)):
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
        return Condition(f"({stdev} IS NULL OR {stdev} = 0 OR isnan({z}) OR {test})",
                         params * 6 + (threshold,))

    def unexpected_count_metric(self) -> Metric:
        # Needs the mean and deviation first: its own query, not part of the shared scan.
        where = self.unexpected()
        clause, params = self.scope.where_clause(where)
        return _scalar(self.table.view, f"SELECT count(*) FROM {self.table.view}{clause}", params,
                       f"z_outliers({self.kw.column})")

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        return super().decide(_unwrap_scalars(values))


EXPECTATIONS = [
    ExpectColumnValuesToNotBeNull, ExpectColumnValuesToBeNull, ExpectColumnValuesToBeBetween,
    ExpectColumnValuesToBeInSet, ExpectColumnValuesToNotBeInSet, ExpectColumnValuesToBeUnique,
    ExpectColumnValuesToMatchRegex, ExpectColumnValuesToNotMatchRegex,
    ExpectColumnValuesToMatchRegexList, ExpectColumnValuesToNotMatchRegexList,
    ExpectColumnValuesToMatchLikePattern, ExpectColumnValuesToNotMatchLikePattern,
    ExpectColumnValuesToMatchLikePatternList, ExpectColumnValuesToNotMatchLikePatternList,
    ExpectColumnValueLengthsToBeBetween, ExpectColumnValueLengthsToEqual,
    ExpectColumnValuesToBeOfType, ExpectColumnValuesToBeInTypeList,
    ExpectColumnValuesToBeIncreasing, ExpectColumnValuesToBeDecreasing,
    ExpectColumnValuesToBeDateutilParseable, ExpectColumnValuesToMatchStrftimeFormat,
    ExpectColumnValuesToBeJsonParseable, ExpectColumnValueZScoresToBeLessThan,
]
