"""Column map expectations on values as text: patterns (regular expressions and SQL LIKE, one
machinery), lengths, and parsing (strftime formats, JSON, dateutil). A value that is not text is
judged by its text (``CAST … AS`` the dialect's text type)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric, RowFrame
from dsbench.expectations.base import Outcome
from dsbench.expectations.column_map import BetweenMapKwargs, ColumnMapExpectation, MapKwargs, bounds_condition, text_of


def _text(expectation: ColumnMapExpectation) -> str:
    return text_of(expectation.dialect, expectation.col, expectation.logical(expectation.kw.column))


# --- patterns ----------------------------------------------------------------------------------

class PatternMatch(ColumnMapExpectation):
    """A value's text matches patterns: any of them, or all of them with ``match_on: all``; the
    negated types match none of them. Subclasses say how one pattern (a bound ``?``) is tested."""

    value_only = True
    default_concern = "validity.format"
    pattern_field: ClassVar[str]  # the kwarg holding the pattern or the list of patterns
    negate: ClassVar[bool] = False

    def patterns(self) -> list[str]:
        found = getattr(self.kw, self.pattern_field)
        return list(found) if isinstance(found, list) else [found]

    def matches(self, text: str) -> str:
        """SQL: ``text`` matches the pattern bound to ``?``."""
        raise NotImplementedError

    def misses(self, text: str) -> str:
        """SQL: ``text`` does not match the pattern bound to ``?``."""
        return f"NOT {self.matches(text)}"

    def expected(self) -> Condition:
        text = _text(self)
        if self.negate:
            tests, joiner = [self.misses(text) for _ in self.patterns()], " AND "  # matches none
        else:
            tests = [self.matches(text) for _ in self.patterns()]
            joiner = " OR " if getattr(self.kw, "match_on", "any") == "any" else " AND "
        return Condition(joiner.join(tests), tuple(self.patterns()))


class RegexMatch(PatternMatch):
    """Regular expressions with search semantics (a match anywhere in the text), checked by the
    engine when the suite is bound."""

    def check(self) -> None:
        for pattern in self.patterns():
            self.dialect.check_regex(pattern, f"kwargs.{self.pattern_field}")

    def matches(self, text: str) -> str:
        return self.dialect.regex_contains(text, "?")

    def screen(self) -> tuple[str, ...]:
        return tuple(self.patterns()) if self.negate else ()


class LikeMatch(PatternMatch):
    """SQL LIKE patterns (``%`` any run of characters, ``_`` one character; the whole text)."""

    def matches(self, text: str) -> str:
        return f"{text} LIKE ?"

    def misses(self, text: str) -> str:
        return f"{text} NOT LIKE ?"


class RegexKwargs(MapKwargs):
    regex: str


class RegexListKwargs(MapKwargs):
    regex_list: list[str] = Field(min_length=1)
    match_on: Literal["any", "all"] = "any"


class NotRegexListKwargs(MapKwargs):
    regex_list: list[str] = Field(min_length=1)


class LikeKwargs(MapKwargs):
    like_pattern: str


class LikeListKwargs(MapKwargs):
    like_pattern_list: list[str] = Field(min_length=1)
    match_on: Literal["any", "all"] = "any"


class NotLikeListKwargs(MapKwargs):
    like_pattern_list: list[str] = Field(min_length=1)


class ExpectColumnValuesToMatchRegex(RegexMatch):
    type = "expect_column_values_to_match_regex"
    summary = "Values contain a match of the regular expression (RE2 syntax, search semantics)."
    Kwargs = RegexKwargs
    pattern_field = "regex"


class ExpectColumnValuesToNotMatchRegex(ExpectColumnValuesToMatchRegex):
    type = "expect_column_values_to_not_match_regex"
    summary = "Values contain no match of the regular expression."
    negate = True


class ExpectColumnValuesToMatchRegexList(RegexMatch):
    type = "expect_column_values_to_match_regex_list"
    summary = "Values match any (or all, with match_on: all) of the regular expressions."
    Kwargs = RegexListKwargs
    pattern_field = "regex_list"


class ExpectColumnValuesToNotMatchRegexList(ExpectColumnValuesToMatchRegexList):
    type = "expect_column_values_to_not_match_regex_list"
    summary = "Values match none of the regular expressions."
    Kwargs = NotRegexListKwargs
    negate = True


class ExpectColumnValuesToMatchLikePattern(LikeMatch):
    type = "expect_column_values_to_match_like_pattern"
    summary = "Values match the SQL LIKE pattern."
    Kwargs = LikeKwargs
    pattern_field = "like_pattern"


class ExpectColumnValuesToNotMatchLikePattern(ExpectColumnValuesToMatchLikePattern):
    type = "expect_column_values_to_not_match_like_pattern"
    summary = "Values do not match the SQL LIKE pattern."
    negate = True


class ExpectColumnValuesToMatchLikePatternList(LikeMatch):
    type = "expect_column_values_to_match_like_pattern_list"
    summary = "Values match any (or all) of the SQL LIKE patterns."
    Kwargs = LikeListKwargs
    pattern_field = "like_pattern_list"


class ExpectColumnValuesToNotMatchLikePatternList(ExpectColumnValuesToMatchLikePatternList):
    type = "expect_column_values_to_not_match_like_pattern_list"
    summary = "Values match none of the SQL LIKE patterns."
    Kwargs = NotLikeListKwargs
    negate = True


# --- lengths -----------------------------------------------------------------------------------

class LengthBetweenKwargs(BetweenMapKwargs):
    min_value: int | None = None
    max_value: int | None = None


class LengthEqualKwargs(MapKwargs):
    value: int = Field(ge=0)


class ExpectColumnValueLengthsToBeBetween(ColumnMapExpectation):
    type = "expect_column_value_lengths_to_be_between"
    value_only = True
    summary = "String lengths (in characters) lie between min_value and max_value."
    default_concern = "validity.length"
    Kwargs = LengthBetweenKwargs

    def length(self) -> str:
        return self.dialect.char_length(_text(self))

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
        parsed = self.dialect.try_parse_timestamp(_text(self), "?")
        return Condition(f"{parsed} IS NOT NULL", (self.dialect.time_format(self.kw.strftime_format),))


class ExpectColumnValuesToBeJsonParseable(ColumnMapExpectation):
    type = "expect_column_values_to_be_json_parseable"
    value_only = True
    summary = "Values are valid JSON documents."
    default_concern = "validity.format"

    def expected(self) -> Condition:
        return Condition(self.dialect.is_json(_text(self)))


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
        sql = (f"SELECT {self.col}, count(*) FROM {self.table.view}{clause} "
               f"{self.dialect.group_by_all([self.col])}")
        return Metric(self.table.view, sql, params, "stream", reducer=CountUnparseableDates(),
                      label=f"unparseable_dates({self.kw.column})")

    def evidence(self, outcome: Outcome) -> list[Metric]:
        return []  # which values fail is known only to dateutil; counts are exact

    def defect_flag(self, frame: RowFrame) -> Condition | None:
        return None  # only dateutil (in Python) knows which rows fail


EXPECTATIONS = [
    ExpectColumnValuesToMatchRegex, ExpectColumnValuesToNotMatchRegex,
    ExpectColumnValuesToMatchRegexList, ExpectColumnValuesToNotMatchRegexList,
    ExpectColumnValuesToMatchLikePattern, ExpectColumnValuesToNotMatchLikePattern,
    ExpectColumnValuesToMatchLikePatternList, ExpectColumnValuesToNotMatchLikePatternList,
    ExpectColumnValueLengthsToBeBetween, ExpectColumnValueLengthsToEqual,
    ExpectColumnValuesToBeDateutilParseable, ExpectColumnValuesToMatchStrftimeFormat,
    ExpectColumnValuesToBeJsonParseable,
]
