"""Freshness: the newest timestamp of a column is recent relative to a fixed ``as_of`` date (never
the wall clock, so the same data gives the same result on every day it is checked).
dsbench-specific (``gx_compatible = False``)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from pydantic import Field, field_validator

from dsbench.engine.metrics import Metric
from dsbench.errors import SuiteError
from dsbench.expectations.base import Expectation, Outcome, jsonable
from dsbench.expectations.column_map import ColumnKwargs


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
        logical = self.logical(self.kw.column)
        if logical.is_string:
            self.value = self.dialect.try_cast(self.col, "timestamp")
        elif logical.family in ("date", "timestamp"):
            self.value = self.col
        else:
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, not a date or "
                             "timestamp", location="kwargs.column")

    def metrics(self) -> list[Metric]:
        self.m_max = self.scope.aggregate(f"max({self.value})", label=f"max({self.kw.column})")
        return [self.m_max]

    def metrics_used(self) -> list[Metric]:
        return [self.m_max]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
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


EXPECTATIONS = [ExpectColumnValuesToBeRecent]
