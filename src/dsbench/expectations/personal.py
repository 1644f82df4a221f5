"""Personal information in text and numbers (TC609 0202, ISO/IEC 5259-2 Idn-ML-1, GB/T 36344 0106),
found and validated by the engine (in the dialect's vocabulary of regexes and lists).

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

from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, MetricFailure
from dsbench.engine.sql import sql_string
from dsbench.errors import SuiteError
from dsbench.expectations.base import Outcome
from dsbench.expectations.column_map import MapKwargs
from dsbench.expectations.text import TextMap

Kind = Literal["email", "prc_mobile", "prc_resident_id", "bank_card", "ipv4", "ipv6"]
KINDS: tuple[str, ...] = ("email", "prc_mobile", "prc_resident_id", "bank_card", "ipv4", "ipv6")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"  # check character for (weighted digit sum) mod 11
EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
MOBILE = "1[3-9][0-9]{9}"
RESIDENT_ID = "[1-9][0-9]{16}[0-9Xx]"
IPV4 = r"[0-9]{1,3}(\.[0-9]{1,3}){3}"
IPV6_GROUP = "[0-9A-Fa-f]{1,4}"


def _digit(char: str) -> str:
    return f"(ascii({char}) - 48)"


def detections(dialect: Dialect, kind: str, text: str) -> str:
    """SQL for the list of ``kind`` detections in the text expression ``text`` (NULL for NULL): the
    candidate runs the kind's regex extracts, kept where the kind's validation of the run ``x`` holds."""
    d = dialect

    def kept(pattern: str, valid: str) -> str:
        return d.filter(d.regex_extract_all(text, sql_string(pattern)), "x", valid)

    if kind == "email":
        return d.regex_extract_all(text, sql_string(EMAIL))
    if kind == "prc_mobile":
        return kept("[0-9]+", d.regex_full_match("x", sql_string(MOBILE)))
    if kind == "prc_resident_id":
        weights = d.list_of(*(str(w) for w in ID_WEIGHTS))
        term = f"{_digit(d.char_at('x', 'i + 1'))} * {d.list_element(weights, 'i + 1')}"
        weighted = d.list_sum(d.transform(d.integer_range(None, "17"), "i", term))
        check = d.char_at(sql_string(ID_CHECK), f"1 + {d.cast(f'{weighted} % 11', 'int64')}")
        born = d.try_parse_timestamp(d.substring("x", "7", "8"), sql_string(d.time_format("%Y%m%d")))
        return kept("[0-9]+[Xx]?", f"{d.regex_full_match('x', sql_string(RESIDENT_ID))} "
                                   f"AND {d.substring('x', '7', '2')} IN ('18', '19', '20') "
                                   f"AND {born} IS NOT NULL AND {check} = upper({d.char_at('x', '18')})")
    if kind == "bank_card":
        # Luhn: from the right, every second digit doubled (minus 9 when above 9); the sum ends in 0.
        length = d.char_length("x")
        digit = _digit(d.char_at("x", f"{length} - i"))
        doubled = f"CASE WHEN i % 2 = 1 THEN {digit} * 2 - CASE WHEN {digit} > 4 THEN 9 ELSE 0 END ELSE {digit} END"
        luhn = f"{d.list_sum(d.transform(d.integer_range(None, length), 'i', doubled))} % 10 = 0"
        return kept("[0-9]+", f"{length} BETWEEN 16 AND 19 AND {luhn}")
    if kind == "ipv4":
        octets = d.transform(d.split("x", "'.'"), "o", f"{d.try_cast('o', 'int32')} <= 255")
        return kept("[0-9.]+", f"{d.regex_full_match('x', sql_string(IPV4))} AND {d.list_all(octets)}")
    if kind == "ipv6":
        parts = d.split("x", "'::'")
        groups = d.flatten(d.transform(parts, "p", f"CASE WHEN p = '' THEN {d.empty_list('text')} "
                                                   f"ELSE {d.split('p', sql_string(':'))} END"))
        hexes = d.transform(groups, "g", d.regex_full_match("g", sql_string(IPV6_GROUP)))
        long_group = d.transform(groups, "g", f"{d.char_length('g')} >= 3")
        return kept("[0-9A-Fa-f:]+", f"{d.list_length(parts)} <= 2 AND {d.list_all(hexes)} "
                                     f"AND CASE WHEN {d.list_length(parts)} = 1 THEN {d.list_length(groups)} = 8 "
                                     f"ELSE {d.list_length(groups)} BETWEEN 2 AND 7 END AND {d.list_any(long_group)}")
    raise ValueError(f"unknown kind {kind!r}")


# A regex that matches wherever a detection of the kind could be (a necessary condition): rows
# without a match skip the detectors (see the planner's regex screens).
CANDIDATES = {"email": "@", "prc_mobile": "1[3-9][0-9]{9}", "prc_resident_id": "[0-9]{17}",
              "bank_card": "[0-9]{16}", "ipv4": r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]", "ipv6": "[0-9A-Fa-f]:[0-9A-Fa-f]{0,4}:"}


def masked(dialect: Dialect, kind: str, detection: str) -> str:
    """SQL masking one detection (the text expression ``detection``)."""
    d = dialect
    if kind == "email":  # the first character of the local part, and the domain
        return d.regex_replace_first(detection, "'^(.)[^@]*@'", sql_string("\\1***@"))
    if kind in ("ipv4", "ipv6"):  # the first group, and the separators
        separator = "'.'" if kind == "ipv4" else "':'"
        first = d.list_element(d.split(detection, separator), "1")
        rest = d.substring(detection, f"{d.char_length(first)} + 2")
        return f"{first} || {separator} || {d.regex_replace(rest, sql_string('[0-9A-Fa-f]'), sql_string('*'))}"
    start, end = {"prc_mobile": (3, 4), "prc_resident_id": (6, 4), "bank_card": (4, 4)}[kind]
    return (f"left({detection}, {start}) || repeat('*', {d.char_length(detection)} - {start + end}) || "
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
        logical = self.logical(self.kw.column)
        if not (logical.is_string or logical.is_numeric):
            raise SuiteError(f"column {self.kw.column!r} is {self.column_type(self.kw.column)}, neither text nor "
                             "a number", location="kwargs.column")
        self.numeric = logical.is_numeric
        self.text = self.dialect.cast(self.col, "text") if self.numeric else self.col

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(self.kw.kinds))

    def found(self, kinds: list[str]) -> str:
        """SQL: the value holds a detection of one of ``kinds``."""
        found = " OR ".join(f"{self.dialect.list_length(detections(self.dialect, k, self.text))} > 0" for k in kinds)
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

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        if self.numeric and values.get(self.m_long) == 0:  # no number has the digits of any kind
            values = {**values, self.m_unexpected: 0, **{m: 0 for m in self.m_kinds.values()}}
        outcome = super().conclude(values)
        # A kind whose count failed is left out of the details (the result itself stands).
        outcome.result["details"] = {"rows_with": {k: int(values[m]) for k, m in self.m_kinds.items()
                                                   if not isinstance(values[m], MetricFailure)}}
        return outcome

    def screen(self) -> tuple[str, ...]:
        return () if self.numeric else tuple(CANDIDATES[k] for k in self.kinds())

    def value_sql(self) -> str:
        """Evidence: the masked detections of a row, never the row's text."""
        dialect = self.dialect
        lists = [dialect.transform(f"coalesce({detections(dialect, k, self.text)}, {dialect.list_of()})", "d",
                                   masked(dialect, k, "d"))
                 for k in self.kinds()]
        return dialect.list_concat(*lists) if len(lists) > 1 else lists[0]


EXPECTATIONS = [ExpectColumnValuesToNotContainPersonalInformation]
