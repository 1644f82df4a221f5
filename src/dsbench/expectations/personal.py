"""Personal information in text and numbers (TC609 0202, ISO/IEC 5259-2 Idn-ML-1, GB/T 36344 0106),
found and validated in DuckDB.

A pattern alone over-reports (any 18 digits look like an identity number), so each kind is
*validated* where the format allows it:

- ``email``: ``local@domain.tld`` (RFC 5322's common subset);
- ``prc_mobile``: a run of exactly 11 digits, ``1[3-9]`` then 9 digits;
- ``prc_resident_id``: a run of 17 digits and a check character (18 in all), a region code not
  starting with 0, a real birth date from 1800 on, and the ISO 7064 MOD 11-2 check character;
- ``bank_card``: a run of 16 to 19 digits that passes the Luhn check;
- ``ipv4``: four dot-separated numbers 0..255 (``999.1.1.1`` is not an address);
- ``ipv6``: eight groups of 1-4 hex digits, or fewer with one ``::`` (at least two groups, one of
  them of three or more digits, so that ``std::map`` or a time ``12:30`` is not an address).

Digits are matched as maximal runs: a number inside a longer number is not a phone number.
Evidence never shows a value: ``partial_unexpected_list`` holds the *masked* detections of each
unexpected row (``138****5678``, ``110105********002X``, ``a***@example.com``), and the result
counts the rows with each kind.
"""

from __future__ import annotations

from typing import Any, Literal, Mapping

from pydantic import Field

from dsbench.engine.metrics import Condition, Metric
from dsbench.engine.sql import sql_string
from dsbench.errors import SuiteError
from dsbench.expectations.base import Outcome
from dsbench.expectations.column_map import MapKwargs
from dsbench.expectations.text import TextMap
from dsbench.expectations.types import is_numeric, is_string

Kind = Literal["email", "prc_mobile", "prc_resident_id", "bank_card", "ipv4", "ipv6"]
KINDS: tuple[str, ...] = ("email", "prc_mobile", "prc_resident_id", "bank_card", "ipv4", "ipv6")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"  # check character for (weighted digit sum) mod 11
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"


def _digit(char: str) -> str:
    return f"(ascii({char}) - 48)"


def _extract(text: str, pattern: str) -> str:
    return f"regexp_extract_all({text}, {sql_string(pattern)})"


def detections(kind: str, text: str) -> str:
    """SQL for the list of ``kind`` detections in the VARCHAR expression ``text`` (NULL for NULL)."""
    if kind == "email":
        return _extract(text, EMAIL)
    if kind == "prc_mobile":
        return f"list_filter({_extract(text, '[0-9]+')}, lambda x: regexp_full_match(x, '1[3-9][0-9]{{9}}'))"
    if kind == "prc_resident_id":
        weighted = f"list_sum(list_transform(range(17), lambda i: {_digit('x[i + 1]')} * {ID_WEIGHTS}[i + 1]))"
        return (f"list_filter({_extract(text, '[0-9]+[Xx]?')}, lambda x: "
                f"regexp_full_match(x, '[1-9][0-9]{{16}}[0-9Xx]') AND substr(x, 7, 2) IN ('18', '19', '20') "
                f"AND try_strptime(substr(x, 7, 8), '%Y%m%d') IS NOT NULL "
                f"AND {sql_string(ID_CHECK)}[1 + ({weighted} % 11)::BIGINT] = upper(x[18]))")
    if kind == "bank_card":
        # Luhn: from the right, every second digit doubled (minus 9 when above 9); the sum ends in 0.
        digit = _digit("x[length(x) - i]")
        luhn = (f"list_sum(list_transform(range(length(x)), lambda i: CASE WHEN i % 2 = 1 THEN "
                f"{digit} * 2 - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END ELSE {digit} END)) % 10 = 0")
        return (f"list_filter({_extract(text, '[0-9]+')}, lambda x: length(x) BETWEEN 16 AND 19 "
                f"AND {luhn})")
    if kind == "ipv4":
        return (f"list_filter({_extract(text, '[0-9.]+')}, lambda x: regexp_full_match(x, "
                f"'[0-9]{{1,3}}(\\.[0-9]{{1,3}}){{3}}') AND list_bool_and(list_transform(string_split(x, '.'), "
                f"lambda o: TRY_CAST(o AS INTEGER) <= 255)))")
    if kind == "ipv6":
        parts = "string_split(x, '::')"
        groups = (f"flatten(list_transform({parts}, lambda p: CASE WHEN p = '' THEN []::VARCHAR[] "
                  f"ELSE string_split(p, ':') END))")
        return (f"list_filter({_extract(text, '[0-9A-Fa-f:]+')}, lambda x: len({parts}) <= 2 "
                f"AND list_bool_and(list_transform({groups}, lambda g: regexp_full_match(g, '[0-9A-Fa-f]{{1,4}}'))) "
                f"AND CASE WHEN len({parts}) = 1 THEN len({groups}) = 8 ELSE len({groups}) BETWEEN 2 AND 7 END "
                f"AND list_bool_or(list_transform({groups}, lambda g: length(g) >= 3)))")
    raise ValueError(f"unknown kind {kind!r}")


# A regex that matches wherever a detection of the kind could be (a necessary condition): rows
# without a match skip the detectors (see the planner's regex screens).
CANDIDATES = {"email": "@", "prc_mobile": "1[3-9][0-9]{9}", "prc_resident_id": "[0-9]{17}",
              "bank_card": "[0-9]{16}", "ipv4": r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]", "ipv6": "[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:"}


def masked(kind: str, detection: str) -> str:
    """SQL masking one detection (the VARCHAR expression ``detection``)."""
    if kind == "email":  # the first character of the local part, and the domain
        return f"regexp_replace({detection}, '^(.)[^@]*@', '\\1***@')"
    if kind in ("ipv4", "ipv6"):  # the first group, and the separators
        separator = "'.'" if kind == "ipv4" else "':'"
        first = f"string_split({detection}, {separator})[1]"
        return (f"{first} || {separator} || regexp_replace(substr({detection}, length({first}) + 2), "
                f"'[0-9A-Fa-f]', '*', 'g')")
    start, end = {"prc_mobile": (3, 4), "prc_resident_id": (6, 4), "bank_card": (4, 4)}[kind]
    return (f"left({detection}, {start}) || repeat('*', length({detection}) - {start + end}) || "
            f"right({detection}, {end})")


DIGITS_10 = "1e10"  # the least number with 11 digits: a mobile number, the shortest kind in digits


class PersonalKwargs(MapKwargs):
    kinds: list[Kind] = Field(default_factory=lambda: list(KINDS), min_length=1,
                              description="what to look for (default: every kind)")


class ExpectColumnValuesToNotContainPersonalInformation(TextMap):
    """Text columns are screened as they are; numeric columns as their decimal text, since phone,
    identity and card numbers are often stored as integers. A number below 10^10 has too few digits
    for any kind a number can hold (a phone number has 11), so only larger ones are looked at."""

    type = "expect_column_values_to_not_contain_personal_information"
    summary = ("Values hold no e-mail address, PRC mobile number, PRC resident identity number (check "
               "character and birth date validated), bank card number (Luhn) or IP address; numbers are "
               "screened as their digits.")
    default_concern = "compliance.personal_info"
    Kwargs = PersonalKwargs

    def check(self) -> None:
        column_type = self.column_type(self.kw.column)
        if not (is_string(column_type) or is_numeric(column_type)):
            raise SuiteError(f"column {self.kw.column!r} is {column_type}, neither text nor a number",
                             location="kwargs.column")
        self.numeric = is_numeric(column_type)
        self.text = f"CAST({self.col} AS VARCHAR)" if self.numeric else self.col

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(self.kw.kinds))

    def found(self, kinds: list[str]) -> str:
        """SQL: the value holds a detection of one of ``kinds``."""
        found = " OR ".join(f"len({detections(k, self.text)}) > 0" for k in kinds)
        return f"CASE WHEN abs({self.col}) < {DIGITS_10} THEN false ELSE ({found}) END" if self.numeric else f"({found})"

    def expected(self) -> Condition:
        return Condition(f"NOT {self.found(self.kinds())}")

    def metrics(self) -> list[Metric]:
        metrics = super().metrics()
        self.m_kinds = {kind: self.scope.value_count(
            self.col, Condition(self.found([kind])), () if self.numeric else (CANDIDATES[kind],),
            label=f"rows_with({kind})") for kind in self.kinds()}
        if not self.numeric:
            return metrics + list(self.m_kinds.values())
        # Numbers: first the cheap count of those long enough to be anything; the detectors run
        # only when there are some.
        self.m_long = self.scope.aggregate("count(*)", where=Condition(f"abs({self.col}) >= {DIGITS_10}"),
                                           label=f"numbers_of_11_digits({self.kw.column})")
        return [self.m_rows, self.m_nonnull, self.m_long]

    def follow_up(self, values: Mapping[Metric, Any]) -> list[Metric]:
        if self.numeric and values.get(self.m_long) != 0:
            return [self.m_unexpected, *self.m_kinds.values()]
        return []

    def decide(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.numeric and values.get(self.m_long) == 0:  # no number has the digits of any kind
            values = {**values, self.m_unexpected: 0, **{m: 0 for m in self.m_kinds.values()}}
        outcome = super().decide(values)
        if outcome.exception is None:
            outcome.result["details"] = {"rows_with": {k: int(values[m]) for k, m in self.m_kinds.items()
                                                       if not isinstance(values[m], Exception)}}
        return outcome

    def screen(self) -> tuple[str, ...]:
        return () if self.numeric else tuple(CANDIDATES[k] for k in self.kinds())

    def value_sql(self) -> str:
        """Evidence: the masked detections of a row, never the row's text."""
        lists = [f"list_transform(coalesce({detections(k, self.text)}, []), lambda d: {masked(k, 'd')})"
                 for k in self.kinds()]
        return f"list_concat({', '.join(lists)})" if len(lists) > 1 else lists[0]


EXPECTATIONS = [ExpectColumnValuesToNotContainPersonalInformation]
