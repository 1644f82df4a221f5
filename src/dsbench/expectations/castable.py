"""Types: non-null values that can be read as a declared type without loss (``try_cast``, made
lossless where a cast alone would round or drop). dsbench-specific (``gx_compatible = False``)."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition
from dsbench.engine.types import LogicalType
from dsbench.errors import SuiteError
from dsbench.expectations.column_map import ColumnMapExpectation, MapKwargs


CastType = Literal["integer", "number", "boolean", "date", "datetime", "time", "string"]
TEMPORAL_TARGETS = ("date", "datetime", "time")


# The type each target is cast to (a key of Dialect.TYPE_NAMES).
CAST_TYPES = {"integer": "int64", "number": "float64", "boolean": "boolean", "date": "date",
              "datetime": "timestamp", "time": "time"}


def castable(dialect: Dialect, value: str, logical: LogicalType, target: str, fmt: str | None = None) -> Condition:
    """When a non-null ``value`` (SQL) of type ``logical`` can be read as ``target`` without loss.

    Text is cast with ``try_cast`` (or parsed with a strftime format), made lossless where the
    cast alone would not be: an integer must not be rounded ('12.5' is not an integer), a date
    carries no time of day, a time is not a date. A column that already has a type of the target's
    family is castable throughout; other typed columns convert only where no information is lost
    (an integral DOUBLE to integer, 0/1 to boolean, a DATE to datetime, anything to string).
    """
    if target == "string":
        return Condition("true")

    def converts(key: str) -> str:
        return dialect.try_cast(value, key)

    if logical.is_string:
        if fmt is not None and target in TEMPORAL_TARGETS:
            return Condition(f"{dialect.try_parse_timestamp(value, '?')} IS NOT NULL", (dialect.time_format(fmt),))
        if target == "integer":
            return Condition(f"{converts('int64')} IS NOT NULL AND {converts('float64')} = {converts('int64')}")
        if target == "number":
            return Condition(f"{converts('float64')} IS NOT NULL")
        if target == "boolean":
            return Condition(f"{converts('boolean')} IS NOT NULL")
        if target == "date":
            return Condition(f"{converts('date')} IS NOT NULL AND {dialect.position(value, '?')} = 0", (":",))
        if target == "datetime":
            return Condition(f"{converts('timestamp')} IS NOT NULL")
        if target == "time":
            return Condition(f"{converts('time')} IS NOT NULL AND {converts('date')} IS NULL")
    if logical.is_numeric:
        if target == "number" or (target == "integer" and logical.is_integer):
            return Condition("true")
        if target == "integer":
            return Condition(f"{converts('int128')} IS NOT NULL AND {dialect.truncate(value)} = {value}")
        if target == "boolean":
            return Condition(f"{value} IN (0, 1)")
        return Condition("false")
    if logical.family == "boolean":
        return Condition("true" if target in ("boolean", "integer", "number") else "false")
    if logical.family == "date":
        return Condition("true" if target in ("date", "datetime") else "false")
    if logical.family == "timestamp":
        if target == "datetime":
            return Condition("true")
        if target == "date":
            return Condition(f"{value} = {dialect.cast(value, 'date')}")
        return Condition("false")
    if logical.family == "time" and not logical.time_zone:
        return Condition("true" if target == "time" else "false")
    return Condition(f"{converts(CAST_TYPES[target])} IS NOT NULL")


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
            # A bad format is a suite error before any query, not a failure in a shared scan.
            self.dialect.check_time_format(self.kw.format, "kwargs.format")

    def expected(self) -> Condition:
        logical = self.logical(self.kw.column)
        fmt = self.kw.format if logical.is_string else None
        return castable(self.dialect, self.col, logical, self.kw.type, fmt)


EXPECTATIONS = [ExpectColumnValuesToBeCastable]
