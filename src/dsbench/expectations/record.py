"""dsbench-specific expectations about records, references, types and freshness.

- records: complete (no missing value), not entirely empty, unique (exact duplicates: the extra
  copies);
- references: foreign-key values that exist in another table of the dataset (one anti-join);
- types: values castable to a declared type (``TRY_CAST``, lossless);
- freshness: the newest timestamp of a column is recent relative to a fixed ``as_of`` date (never
  the wall clock, so the same data gives the same result on every day it is checked).

None of these has a GX counterpart (``gx_compatible = False``); they follow GX's result shape and
``mostly`` semantics all the same.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Mapping

from pydantic import Field, field_validator, model_validator

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.engine.predicate import compile_predicate
from dsbench.engine.sql import quote_ident
from dsbench.errors import SuiteError
from dsbench.expectations.base import (PARTIAL_UNEXPECTED_COUNT, Expectation, Kwargs, Outcome,
                                       failed_metric, jsonable, percent)
from dsbench.expectations.column_map import (ColumnKwargs, ColumnMapExpectation, DuplicatedValues, MapKwargs,
                                           repeated_groups)
from dsbench.expectations.multicolumn import RowMapExpectation
from dsbench.expectations.types import base_type, is_integer, is_numeric, is_string, is_temporal


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

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        outcome = super().decide(values)
        top = values.get(self.m_unexpected)
        if outcome.exception is None:
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
        self.rule = compile_predicate(self.kw.predicate, self.table.columns, field="predicate")

    def unexpected(self) -> Condition:
        return Condition(f"({self.rule.sql}) IS NOT TRUE", self.rule.params)


# --- references --------------------------------------------------------------------------------

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


def _comparable_types(left: str, right: str) -> bool:
    if is_numeric(left) and is_numeric(right):
        return True
    if is_string(left) and is_string(right):
        return True
    return base_type(left) == base_type(right) or (is_temporal(left) and is_temporal(right)
                                                   and not {base_type(left), base_type(right)} & {"TIME", "INTERVAL"})


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
            if not _comparable_types(self.column_type(my_name), self.other.columns[their_name]):
                left, right = f"CAST({left} AS VARCHAR)", f"CAST({right} AS VARCHAR)"
            parts.append(f"{left} = {right}")
        return Condition(f"NOT EXISTS (SELECT 1 FROM {self.other.view} AS o WHERE {' AND '.join(parts)})")

    def value_sql(self) -> str:
        if len(self.cols) == 1:
            return self.cols[0]
        return "struct_pack(" + ", ".join(f"{c} := {c}" for c in self.cols) + ")"

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

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        failure = failed_metric(values, [self.m_rows, self.m_refs, self.m_dangling])
        if failure:
            return Outcome(False, {}, 0, 0, failure.message)
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


# --- types -------------------------------------------------------------------------------------

CastType = Literal["integer", "number", "boolean", "date", "datetime", "time", "string"]
TEMPORAL_TARGETS = ("date", "datetime", "time")


def castable(value: str, column_type: str, target: str, fmt: str | None = None) -> Condition:
    """When a non-null ``value`` (SQL) of ``column_type`` can be read as ``target`` without loss.

    Text is cast with ``TRY_CAST`` (or ``try_strptime`` with a format), made lossless where the
    cast alone would not be: an integer must not be rounded ('12.5' is not an integer), a date
    carries no time of day, a time is not a date. A column that already has a type of the target's
    family is castable throughout; other typed columns convert only where no information is lost
    (an integral DOUBLE to integer, 0/1 to boolean, a DATE to datetime, anything to string).
    """
    kind = base_type(column_type)
    if target == "string":
        return Condition("true")
    if is_string(column_type):
        if fmt is not None and target in TEMPORAL_TARGETS:
            return Condition(f"try_strptime({value}, ?) IS NOT NULL", (fmt,))
        if target == "integer":
            return Condition(f"TRY_CAST({value} AS BIGINT) IS NOT NULL AND "
                             f"TRY_CAST({value} AS DOUBLE) = TRY_CAST({value} AS BIGINT)")
        if target == "number":
            return Condition(f"TRY_CAST({value} AS DOUBLE) IS NOT NULL")
        if target == "boolean":
            return Condition(f"TRY_CAST({value} AS BOOLEAN) IS NOT NULL")
        if target == "date":
            return Condition(f"TRY_CAST({value} AS DATE) IS NOT NULL AND strpos({value}, ?) = 0", (":",))
        if target == "datetime":
            return Condition(f"TRY_CAST({value} AS TIMESTAMP) IS NOT NULL")
        if target == "time":
            return Condition(f"TRY_CAST({value} AS TIME) IS NOT NULL AND TRY_CAST({value} AS DATE) IS NULL")
    if is_numeric(column_type):
        if target == "number" or (target == "integer" and is_integer(column_type)):
            return Condition("true")
        if target == "integer":
            return Condition(f"TRY_CAST({value} AS HUGEINT) IS NOT NULL AND trunc({value}) = {value}")
        if target == "boolean":
            return Condition(f"{value} IN (0, 1)")
        return Condition("false")
    if kind == "BOOLEAN":
        return Condition("true" if target in ("boolean", "integer", "number") else "false")
    if kind == "DATE":
        return Condition("true" if target in ("date", "datetime") else "false")
    if kind.startswith("TIMESTAMP"):
        if target == "datetime":
            return Condition("true")
        if target == "date":
            return Condition(f"{value} = CAST({value} AS DATE)")
        return Condition("false")
    if kind == "TIME":
        return Condition("true" if target == "time" else "false")
    sql_type = {"integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE",
                "datetime": "TIMESTAMP", "time": "TIME"}[target]
    return Condition(f"TRY_CAST({value} AS {sql_type}) IS NOT NULL")


class CastableKwargs(MapKwargs):
    type: CastType
    format: str | None = Field(None, min_length=1, description="strftime format (date, datetime, time)")


class ExpectColumnValuesToBeCastable(ColumnMapExpectation):
    type = "expect_column_values_to_be_castable"
    value_only = True
    summary = "Non-null values can be read as type (integer, number, boolean, date, datetime, time, string) without loss."
    default_concern = "consistency.type"
    Kwargs = CastableKwargs
    gx_compatible: ClassVar[bool] = False

    def check(self) -> None:
        if self.kw.format is not None:
            if self.kw.type not in TEMPORAL_TARGETS:
                raise SuiteError(f"format applies to date, datetime and time, not {self.kw.type}",
                                 location="kwargs.format")
            check_strftime(self.kw.format, "kwargs.format")

    def expected(self) -> Condition:
        fmt = self.kw.format if is_string(self.column_type(self.kw.column)) else None
        return castable(self.col, self.column_type(self.kw.column), self.kw.type, fmt)


def check_strftime(fmt: str, location: str) -> None:
    """A bad strptime format is a suite error before any query, not a failure in a shared scan."""
    from dsbench.backends.duckdb.checks import _checker
    import duckdb

    try:
        _checker().execute("SELECT try_strptime('', ?)", [fmt]).fetchone()
    except duckdb.Error as error:
        message = " ".join(str(error).split()).split("Error: ", 1)[-1]
        raise SuiteError(f"invalid strftime format {fmt!r}: {message}", location=location) from None


# --- freshness ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Age:
    """A duration with calendar parts: years and months are calendar steps, the rest is exact."""

    years: int = 0
    months: int = 0
    delta: dt.timedelta = dt.timedelta(0)

    def before(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` minus this age (a month back from 31 March is 28/29 February)."""
        months = moment.year * 12 + (moment.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        month += 1
        if year < dt.MINYEAR:
            return dt.datetime.min.replace(tzinfo=moment.tzinfo)
        day = min(moment.day, calendar.monthrange(year, month)[1])
        try:
            return moment.replace(year=year, month=month, day=day) - self.delta
        except OverflowError:
            return dt.datetime.min.replace(tzinfo=moment.tzinfo)


_ISO_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                           r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", re.IGNORECASE)
_WORD = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute|second)s?\s*(?:,|and)?",
                   re.IGNORECASE)


def parse_age(text: str) -> Age:
    """ISO 8601 durations (``P30D``, ``P1Y6M``, ``PT12H``) or words (``30 days``, ``1 year, 6 months``)."""
    raw = text.strip()
    match = _ISO_DURATION.fullmatch(raw)
    if match and any(match.groups()):
        y, mo, w, d, h, mi, s = match.groups()
        return Age(int(y or 0), int(mo or 0),
                   dt.timedelta(weeks=int(w or 0), days=int(d or 0), hours=int(h or 0),
                                minutes=int(mi or 0), seconds=float(s or 0)))
    amounts: dict[str, float] = {}
    position = 0
    while position < len(raw):
        word = _WORD.match(raw, position)
        if word is None or word.end() == position:
            raise ValueError(f"{text!r} is not a duration (ISO 8601 like 'P30D', or words like '30 days')")
        unit = word.group(2).lower() + "s"
        amounts[unit] = amounts.get(unit, 0.0) + float(word.group(1))
        position = word.end()
    if not amounts:
        raise ValueError(f"{text!r} is not a duration (ISO 8601 like 'P30D', or words like '30 days')")
    for calendar_unit in ("years", "months"):
        if amounts.get(calendar_unit, 0) != int(amounts.get(calendar_unit, 0)):
            raise ValueError(f"{calendar_unit} must be whole numbers in {text!r}")
    return Age(int(amounts.pop("years", 0)), int(amounts.pop("months", 0)), dt.timedelta(**amounts))


def parse_moment(text: str) -> dt.datetime:
    """An ISO date or date-time; a date means its midnight."""
    value = text.strip()
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(0))
    except ValueError:
        pass
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)


def _aligned(a: dt.datetime, b: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A naive time and an aware one are compared by reading the naive one as UTC."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        a = a.replace(tzinfo=dt.timezone.utc) if a.tzinfo is None else a
        b = b.replace(tzinfo=dt.timezone.utc) if b.tzinfo is None else b
    return a, b


class RecentKwargs(ColumnKwargs):
    max_age: str = Field(min_length=1, description="ISO 8601 duration ('P30D') or words ('30 days')")
    as_of: str = Field(min_length=1, description="the ISO date (or date-time) ages are measured from")

    @field_validator("max_age")
    @classmethod
    def valid_age(cls, value: str) -> str:
        parse_age(value)
        return value

    @field_validator("as_of", mode="before")
    @classmethod
    def valid_moment(cls, value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):  # YAML reads an unquoted date as a date
            value = value.isoformat()
        if isinstance(value, str):
            try:
                parse_moment(value)
            except ValueError:
                raise ValueError(f"{value!r} is not an ISO date or date-time") from None
        return value


class ExpectColumnValuesToBeRecent(Expectation):
    """Freshness is judged against ``as_of`` (required), never the wall clock: the same data gives
    the same result whenever it is checked. Table-level: 1/1 when recent, else 0/1 (also when the
    column holds no value at all)."""

    type = "expect_column_values_to_be_recent"
    summary = "The newest value of the date/time column is at most max_age older than as_of."
    family = "column_aggregate"
    default_concern = "timeliness.currency"
    Kwargs = RecentKwargs
    gx_compatible: ClassVar[bool] = False

    def bind(self) -> None:
        self.col = self.column(self.kw.column)
        column_type = self.column_type(self.kw.column)
        kind = base_type(column_type)
        if is_string(column_type):
            self.value = f"TRY_CAST({self.col} AS TIMESTAMP)"
        elif kind == "DATE" or kind.startswith("TIMESTAMP"):
            self.value = self.col
        else:
            raise SuiteError(f"column {self.kw.column!r} is {column_type}, not a date or timestamp",
                             location="kwargs.column")

    def metrics(self) -> list[Metric]:
        self.m_max = self.scope.aggregate(f"max({self.value})", label=f"max({self.kw.column})")
        return [self.m_max]

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        failure = failed_metric(values, [self.m_max])
        if failure:
            return Outcome(False, {}, 0, 0, failure.message)
        newest = values[self.m_max]
        as_of = parse_moment(self.kw.as_of)
        oldest_allowed = parse_age(self.kw.max_age).before(as_of)
        details: dict[str, Any] = {"as_of": self.kw.as_of, "max_age": self.kw.max_age,
                                   "oldest_allowed": oldest_allowed.isoformat()}
        if newest is None:
            return Outcome(False, {"observed_value": None, "details": details}, 0, 1)
        if isinstance(newest, str):
            # DuckDB hands dates outside Python's years 1..9999 over as text ('10000-01-01',
            # '0002-01-01 (BC)'): the former is newer than any as_of, the latter older.
            success = not newest.endswith("(BC)")
            return Outcome(success, {"observed_value": newest, "details": details}, int(success), 1)
        moment = newest if isinstance(newest, dt.datetime) else dt.datetime.combine(newest, dt.time(0))
        moment, limit = _aligned(moment, oldest_allowed)
        moment, now = _aligned(moment, as_of)
        details["age_seconds"] = (now - moment).total_seconds()
        success = moment >= limit
        return Outcome(success, {"observed_value": jsonable(newest), "details": details}, int(success), 1)


EXPECTATIONS = [
    ExpectTableRecordsToBeComplete, ExpectTableRecordsToNotBeAllNull, ExpectTableRecordsToBeUnique,
    ExpectTableRowsToSatisfy,
    ExpectForeignKeyValuesToExist, ExpectColumnValuesToBeCastable, ExpectColumnValuesToBeRecent,
]
