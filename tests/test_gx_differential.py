"""Differential tests: dsbench against GX Core's pandas engine as the oracle.

For every expectation type that dsbench registers, hypothesis generates small tables (nulls, NaN
given through pandas, empty tables, Unicode strings, ties, negative numbers) together with kwargs
for every type, and the SAME pandas DataFrame is validated once by GX (one suite, one
``batch.validate`` call) and once by dsbench (one ``dsbench.validate`` call). Per expectation we
compare ``success``, ``result.unexpected_count`` (when GX reports it), ``result.observed_value``
(when GX reports it; floats with ``math.isclose(rel_tol=1e-9)``, lists exactly) and, for map
expectations, ``element_count`` and ``missing_count``.

Where GX has no pandas implementation, is wrong, or has semantics that dsbench deliberately does
not copy, the generated inputs are restricted to the domain where both agree, the generated case
still asserts what dsbench does (against an independent reference where GX cannot serve), and an
example-based test below pins the divergent behaviour. ``DIVERGENCES`` lists each of them.

Three generated tests share that comparison: tables of 0-9 rows, empty tables, and each
expectation alone in its suite (fused scans and query order must not change a result).
Hypothesis runs derandomized with a fixed example budget, so CI sees the same examples on every
run; DSBENCH_GX_EXAMPLES raises the budget and DSBENCH_GX_SHRINK turns shrinking on locally.
"""

from __future__ import annotations

import json
import math
import os
import re
import warnings
from datetime import datetime
from typing import Any, Callable

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import dsbench  # noqa: E402
from tests.references import plain  # noqa: E402
from dsbench.errors import SuiteError  # noqa: E402

import great_expectations as gx  # noqa: E402  (a dev dependency: missing GX must fail, not skip)
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.expectation_configuration import (  # noqa: E402
    ExpectationConfiguration,
)

# --------------------------------------------------------------------------------------------
# Documented divergences: GX is wrong, crashes, lacks a pandas implementation, or dsbench
# deliberately chose other semantics. Each has an example-based test below; generated inputs
# for the type stay inside the domain where both agree.
# --------------------------------------------------------------------------------------------
DIVERGENCES: dict[str, str] = {
    "expect_column_values_to_be_of_type":
        "dsbench judges the DuckDB column type (observed_value 'DOUBLE', 'BIGINT', 'VARCHAR'); GX "
        "reports the numpy type name, and maps over values for object columns. With pandas 3's "
        "'str' dtype GX even contradicts itself (of_type 'str' passes, in_type_list ['str'] fails).",
    "expect_column_values_to_be_in_type_list": "as expect_column_values_to_be_of_type",
    "expect_column_values_to_match_regex": "RE2 (DuckDB) instead of Python re: \\d, \\w, \\s are "
        "ASCII-only, '$' does not match before a trailing newline, no look-around/backreferences",
    "expect_column_values_to_not_match_regex": "RE2, as expect_column_values_to_match_regex",
    "expect_column_values_to_match_regex_list": "RE2, as expect_column_values_to_match_regex",
    "expect_column_values_to_not_match_regex_list": "RE2, as expect_column_values_to_match_regex",
    "expect_column_values_to_match_strftime_format": "DuckDB strptime: trims surrounding "
        "whitespace, accepts %Y with fewer than 4 digits and year 0, unlike Python's strptime",
    "expect_column_values_to_be_json_parseable": "DuckDB json_valid: accepts trailing commas and "
        "bare nan/inf, which Python's json.loads refuses",
    "expect_column_values_to_match_like_pattern": "GX has no pandas implementation "
        "(MetricProviderError); compared with a Python translation of SQL LIKE instead",
    "expect_column_values_to_not_match_like_pattern": "no GX pandas implementation, as above",
    "expect_column_values_to_match_like_pattern_list": "no GX pandas implementation, as above",
    "expect_column_values_to_not_match_like_pattern_list": "no GX pandas implementation, as above",
    "expect_table_row_count_to_equal_other_table": "GX's pandas engine cannot read a second "
        "table ('does not support multiple named tables'); compared with len() of both frames",
    "expect_column_to_exist": "GX ignores column_index=0 (it tests `if column_index:`); dsbench "
        "checks position 0 like any other",
    "expect_column_distinct_values_to_be_in_set": "GX 1.24 leaves observed_value None; dsbench "
        "reports the sorted distinct non-null values (counts and success agree)",
    "expect_column_distinct_values_to_contain_set": "observed_value, as above",
    "expect_column_distinct_values_to_equal_set": "observed_value, as above",
    "expect_select_column_values_to_be_unique_within_record": "pandas counts None (object "
        "column) and NaN (float column) in one row as two values; both are NULL in DuckDB, one "
        "missing value, so the row repeats a value for dsbench",
    "NaN": "NaN in a pandas frame becomes NULL in DuckDB (both tools treat it as missing), but NaN "
        "read from a Parquet file is a value for dsbench",
}

# Types whose generated GX result is not compared with dsbench, but dsbench is checked against an
# independent reference (GX's pandas engine raises for them; the test asserts that it does).
NO_GX_PANDAS = {
    "expect_column_values_to_match_like_pattern", "expect_column_values_to_not_match_like_pattern",
    "expect_column_values_to_match_like_pattern_list",
    "expect_column_values_to_not_match_like_pattern_list",
    "expect_table_row_count_to_equal_other_table",
}
# Types where observed_value is a deliberate dsbench choice (checked separately).
OWN_OBSERVED_VALUE = {
    "expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list",
    "expect_column_distinct_values_to_be_in_set", "expect_column_distinct_values_to_contain_set",
    "expect_column_distinct_values_to_equal_set",
}

# --------------------------------------------------------------------------------------------
# Value pools. Floats are mostly dyadic (exact sums), a few are not (0.1, -0.3); bounds are drawn
# from the same pools so ties with the data exercise inclusive/strict edges.
# --------------------------------------------------------------------------------------------
FLOATS = [-3.0, -1.5, -1.0, -0.3, 0.0, 0.1, 0.5, 1.0, 2.0, 2.25, 7.0, 1e6]
INTS = list(range(-4, 6))
WORDS = ["a", "ab", "abc", "b", "B", "é", "e\u0301", "日本", "", " ", "a_b", "100%", "x.y", "-1",
         "Zz", "naïve", "🦆", "a-b"]
# Strings on which dateutil, Python strptime / DuckDB strptime (for STRFTIME_FORMATS) and
# json.loads / DuckDB json_valid agree (checked by test_parse_pool_is_in_the_common_domain).
PARSE_POOL = ["2021-01-02", "2020-02-29", "2021-02-29", "1999-12-31", "31/12/1999", "02/01/2021",
              "12:30", "25:00", "2021", "2021-1-2", "Jan 02, 2021", "", "abc", "{}", "[1, 2]",
              '{"a": 1}', "null", "true", "-2.5", '"x"', "[", "{'a': 1}", "1e3", "NaN",
              "2021-01-02 10:11:12", "2021-00-10", "{a:1}", '"2021"']
STRFTIME_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%H:%M", "%Y", "%Y-%m-%d %H:%M:%S", "%b %d, %Y",
                    "%m/%d/%y"]
# Patterns whose meaning is the same in Python re and RE2 on text without newlines.
REGEXES = ["a", "^a", "a$", "[0-9]", "^[a-z]+$", "é", "^$", "b|c", "^.{2}$", "^-", "\\.", "x*",
           "[^a-z]", "ab?c", "^[A-Z]", "日", "(a|b)+$", "^.$"]
LIKE_PATTERNS = ["a%", "%a", "%b%", "_", "__", "a_%", "%", "", "%.%", "日%", "%é", "_b%"]
TYPE_NAMES = ["int64", "float64", "int", "float", "int32", "float32", "str", "object", "bool",
              "int8", "uint64", "datetime64"]
THRESHOLDS = [-1.7, -0.7, 0.3, 0.7, 1.1, 1.7, 2.3]
PROPORTIONS = [0.0, 0.2, 0.25, 0.5, 0.75, 0.8, 1.0]
MOSTLY = [None, 0.0, 0.5, 0.75, 1.0]
ROW_CONDITIONS = [None, None, None, "i > 0", "i <= 1", "f >= 0", "j != 2"]
COLUMNS = ["i", "j", "f", "g", "s", "d"]
NUMERIC = ["i", "j", "f", "g"]
INTEGER = ["i", "j"]


# --------------------------------------------------------------------------------------------
# The oracle: one ephemeral GX context per module.
# --------------------------------------------------------------------------------------------
class GX:
    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False,
                                                                  metric_calculations=False)
        source = self.context.data_sources.add_pandas("pandas")
        asset = source.add_dataframe_asset("frame")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self.runs = 0

    def validate(self, df: pd.DataFrame, configs: list[dict]) -> list[dict]:
        """Validate all configs in one call; results in config order, as plain dicts."""
        self.runs += 1
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": df})
        # Passed to the constructor, expectations are kept as given; add_expectation would drop one
        # that equals another (say, mostly=1 spelled out), and costs O(n^2) comparisons.
        suite = gx.ExpectationSuite(name=f"suite{self.runs}", expectations=[
            ExpectationConfiguration(type=config["type"], kwargs=config["kwargs"],
                                     meta={"index": index}).to_domain_obj()
            for index, config in enumerate(configs)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = batch.validate(suite, result_format="SUMMARY")
        results: list[Any] = [None] * len(configs)
        for item in run.results:
            index = item.expectation_config.meta["index"]
            assert item.expectation_config.type == configs[index]["type"]
            results[index] = {"success": bool(item.success), "result": dict(item.result or {}),
                              "exception_info": dict(item.exception_info or {})}
        assert all(r is not None for r in results)
        return results


@pytest.fixture(scope="module")
def oracle() -> GX:
    return GX()


# --------------------------------------------------------------------------------------------
# Normalising and comparing results.
# --------------------------------------------------------------------------------------------
def same(a: Any, b: Any) -> bool:
    """Floats: isclose(rel 1e-9, with a 1e-12 floor for cancellation near 0); lists exactly."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def gx_raised(result: dict) -> bool:
    info = result["exception_info"]
    if "raised_exception" in info:
        return bool(info["raised_exception"])
    return any(isinstance(v, dict) and v.get("raised_exception") for v in info.values())


def compare(config: dict, theirs: dict, ours: dict, fragile: bool = False) -> None:
    """Assert dsbench's result (ours) agrees with GX's (theirs) for one expectation.

    ``fragile``: an observed float (a statistic, a z-score, a row sum) lies within 1e-9 of its
    bound, where two correct float computations may round to opposite sides; success and
    unexpected_count are then not compared (the rest is).
    """
    where = f"{config['type']} {config['kwargs']}: GX {theirs} / dsbench {ours}"
    assert not gx_raised(theirs), f"GX raised inside the common domain: {where}"
    assert not ours["exception_info"]["raised_exception"], f"dsbench raised: {where}"
    if not fragile:
        assert ours["success"] == theirs["success"], f"success differs: {where}"
    mine, gx_result = ours["result"], plain(theirs["result"])
    for key in ("unexpected_count", "element_count", "missing_count"):
        if key in gx_result and not (fragile and key == "unexpected_count"):
            assert key in mine, f"dsbench does not report {key}: {where}"
            assert mine[key] == gx_result[key], f"{key} differs: {where}"
    if "observed_value" in gx_result and config["type"] not in OWN_OBSERVED_VALUE:
        assert "observed_value" in mine, f"dsbench does not report observed_value: {where}"
        assert same(plain(mine["observed_value"]), gx_result["observed_value"]), \
            f"observed_value differs: {where}"


# --------------------------------------------------------------------------------------------
# Generated tables.
# --------------------------------------------------------------------------------------------
@st.composite
def tables(draw, sizes: st.SearchStrategy = st.integers(0, 9)) -> pd.DataFrame:
    n = draw(sizes)
    nullable = draw(st.booleans())
    # pandas 3 makes strings its "str" dtype (missing = NaN); object columns are common too, and
    # mark missing values with None or NaN (one marker per table, see none_meets_nan).
    string_dtype = draw(st.sampled_from(["str", object]))
    marker = None if string_dtype is object and draw(st.booleans()) else np.nan

    def column(values: st.SearchStrategy, can_miss: bool, missing_value: Any) -> list:
        element = st.one_of(values, values, st.just(missing_value)) if can_miss else values
        return draw(st.lists(element, min_size=n, max_size=n))

    # Any Unicode text but "\n": before a final newline Python's "$" matches and RE2's does not
    # (see test_regular_expressions_are_re2).
    text = st.text(st.characters(codec="utf-8", exclude_characters="\n"), max_size=4)
    words = st.one_of(st.sampled_from(WORDS), text)
    return pd.DataFrame({
        "i": pd.Series(column(st.sampled_from(INTS), False, None), dtype="int64"),
        "j": pd.Series(column(st.sampled_from(INTS), False, None), dtype="int64"),
        "f": pd.Series(column(st.sampled_from(FLOATS), nullable, np.nan), dtype="float64"),
        "g": pd.Series(column(st.sampled_from(FLOATS), nullable, np.nan), dtype="float64"),
        "s": pd.Series(column(words, nullable, marker), dtype=string_dtype),
        "d": pd.Series(column(st.sampled_from(PARSE_POOL), True, marker), dtype=string_dtype),
    })


def pool_of(column: str) -> list:
    if column in INTEGER:
        return INTS
    if column in NUMERIC:
        return FLOATS
    return WORDS if column == "s" else PARSE_POOL


def present(df: pd.DataFrame, column: str) -> list:
    """The column's non-missing values, as Python scalars, in row order."""
    return [plain(v) for v in df[column] if plain(v) is not None]


def often(draw) -> bool:
    """True two times in three (st.integers and st.booleans lean towards 0 and False)."""
    return draw(st.sampled_from([True, True, False]))


def pick(draw, df: pd.DataFrame, column: str, extra: list | None = None) -> Any:
    """A value of the column (so bounds and sets meet the data), else one from its pool."""
    values = present(df, column)
    if values and often(draw):
        return draw(st.sampled_from(values))
    return draw(st.sampled_from(extra if extra is not None else pool_of(column)))


def bounds(draw, candidates: Callable[[], Any], allow_both_none: bool = False,
           strict: bool = True) -> dict:
    low = candidates() if often(draw) else None
    high = candidates() if often(draw) else None
    if low is None and high is None and not allow_both_none:
        high = candidates()
    if low is not None and high is not None and low > high:
        low, high = high, low
    kwargs: dict[str, Any] = {"min_value": low, "max_value": high}
    if strict and often(draw):
        kwargs["strict_min"] = draw(st.sampled_from([True, False]))
        kwargs["strict_max"] = draw(st.sampled_from([True, False]))
    return kwargs


def common(draw, mostly: bool = True) -> dict:
    """mostly (map expectations) and row_condition, drawn first: the other kwargs are drawn
    from the rows in scope."""
    kwargs: dict[str, Any] = {}
    if mostly:
        value = draw(st.sampled_from(MOSTLY))
        if value is not None:
            kwargs["mostly"] = value
    condition = draw(st.sampled_from(ROW_CONDITIONS))
    if condition is not None:
        kwargs["row_condition"] = condition
        kwargs["condition_parser"] = "pandas"
    return kwargs


def subset(draw, pool: list, min_size: int = 1, max_size: int = 4) -> list:
    return draw(st.lists(st.sampled_from(pool), min_size=min_size, max_size=max_size, unique=True))


# One kwargs builder per expectation type: (draw, df) -> kwargs. Bounds, sets and totals are
# drawn from the rows in scope more often than from fixed pools, so ties with the data (strict
# versus inclusive bounds, hits in sets, exact sums, quantiles at GX's tolerance) are common.
Builder = Callable[[Any, pd.DataFrame], dict]
Extra = Callable[[Any, pd.DataFrame, str], dict]


def column_map(columns: list[str], extra: Extra | None = None, mostly: bool = True) -> Builder:
    def build(draw, df: pd.DataFrame) -> dict:
        kwargs = common(draw, mostly)
        column = draw(st.sampled_from(columns))
        return {"column": column, **(extra(draw, scoped(df, kwargs), column) if extra else {}),
                **kwargs}
    return build


def aggregate(columns: list[str], extra: Extra) -> Builder:
    return column_map(columns, extra, mostly=False)


def value_bounds(draw, df: pd.DataFrame, column: str, allow_both_none: bool = False) -> dict:
    return bounds(draw, lambda: pick(draw, df, column), allow_both_none)


def statistic_bounds(statistic: Callable[[pd.Series], Any], pool: list | None = None) -> Extra:
    """Bounds from the statistic itself as pandas computes it (on the whole column), or from a
    pool; with no pool given, from the column's values and their pool."""
    def extra(draw, df: pd.DataFrame, column: str) -> dict:
        value = plain(statistic(df[column]))

        def candidate() -> Any:
            if value is not None and draw(st.booleans()):
                return value
            return pick(draw, df, column) if pool is None else draw(st.sampled_from(pool))
        return bounds(draw, candidate, allow_both_none=True)
    return extra


def value_set(draw, df: pd.DataFrame, column: str, min_size: int = 0) -> list:
    members = [pick(draw, df, column) for _ in range(draw(st.integers(min_size, 5)))]
    return list(dict.fromkeys(members))


def nudged(draw, bound: Any) -> Any:
    """Sometimes move a bound off a value by a relative 5e-5 (within GX's quantile tolerance of
    rtol 1e-4 + atol 1e-8) or 2e-4 (outside it)."""
    if bound is None:
        return None
    nudge = draw(st.sampled_from([0.0, 0.0, 0.0, 5e-5, -5e-5, 2e-4, -2e-4]))
    return bound * (1 + nudge) if bound else nudge * 1e-4


def quantile_kwargs(draw, df: pd.DataFrame, column: str) -> dict:
    """Ranges around the quantiles themselves (as pandas computes them, nudged in and out of
    GX's tolerance) or around values of the column."""
    quantiles = subset(draw, [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0], max_size=3)
    rule = draw(st.sampled_from([None, False, "nearest", "linear", "lower", "higher", "midpoint"]))
    method = rule if isinstance(rule, str) else "nearest"
    actual = [plain(v) for v in df[column].quantile(quantiles, interpolation=method)]
    ranges = []
    for value in actual:
        def candidate() -> Any:
            return value if value is not None and draw(st.booleans()) else pick(draw, df, column)
        low = candidate() if often(draw) else None
        high = candidate() if often(draw) else None
        if low is not None and high is not None and low > high:
            low, high = high, low
        ranges.append([nudged(draw, low), nudged(draw, high)])
    kwargs: dict[str, Any] = {"quantile_ranges": {"quantiles": quantiles, "value_ranges": ranges}}
    if rule is not None:
        kwargs["allow_relative_error"] = rule
    return kwargs


def pair(columns: list[tuple[str, str]], extra: Callable[[Any], dict] | None = None) -> Builder:
    def build(draw, df: pd.DataFrame) -> dict:
        a, b = draw(st.sampled_from(columns))
        kwargs = {"column_A": a, "column_B": b, **(extra(draw) if extra else {})}
        rule = draw(st.sampled_from([None, "both_values_are_missing", "either_value_is_missing",
                                     "neither"]))
        if rule is not None:
            kwargs["ignore_row_if"] = rule
        return {**kwargs, **common(draw)}
    return build


def multi(columns: list[str], extra: Callable[[Any, pd.DataFrame, list], dict] | None = None) -> Builder:
    def build(draw, df: pd.DataFrame) -> dict:
        scope = common(draw)
        column_list = subset(draw, columns, min_size=2, max_size=4)
        kwargs = {"column_list": column_list,
                  **(extra(draw, scoped(df, scope), column_list) if extra else {})}
        rule = draw(st.sampled_from([None, "all_values_are_missing", "any_value_is_missing",
                                     "never"]))
        if rule is not None:
            kwargs["ignore_row_if"] = rule
        return {**kwargs, **scope}
    return build


def unique_within_record(draw, df: pd.DataFrame) -> dict:
    """Always a string and a float column (missing values of different types meet), plus up to
    two others."""
    build = multi(COLUMNS)
    kwargs = build(draw, df)
    first = [draw(st.sampled_from(["s", "d"])), draw(st.sampled_from(["f", "g"]))]
    others = [c for c in kwargs["column_list"] if c not in first][:2]
    kwargs["column_list"] = draw(st.permutations(first + others))
    return kwargs


def sum_total(draw, df: pd.DataFrame, column_list: list) -> dict:
    """A pool value, or the sum of some row with its missing values left out (a row that only
    equals sum_total when missing values count as 0)."""
    sums = [plain(v) for v in df[column_list].sum(axis=1, skipna=True)]
    return {"sum_total": draw(st.sampled_from([-2, 0, 1, 2, 3, 0.5, *sums, *sums]))}


def length_kwargs(draw, df: pd.DataFrame, column: str) -> dict:
    lengths = [len(str(v)) for v in present(df, column)]
    return bounds(draw, lambda: draw(st.sampled_from([0, 1, 2, 3, 4, *lengths])))


def regex_list_kwargs(draw, df: pd.DataFrame, column: str, match_on: bool = True) -> dict:
    kwargs: dict[str, Any] = {"regex_list": subset(draw, REGEXES, max_size=3)}
    if match_on and draw(st.booleans()):
        kwargs["match_on"] = draw(st.sampled_from(["any", "all"]))
    return kwargs


def like_list_kwargs(draw, df: pd.DataFrame, column: str, match_on: bool = True) -> dict:
    kwargs: dict[str, Any] = {"like_pattern_list": subset(draw, LIKE_PATTERNS, max_size=3)}
    if match_on and draw(st.booleans()):
        kwargs["match_on"] = draw(st.sampled_from(["any", "all"]))
    return kwargs


def row_count_bounds(draw, df: pd.DataFrame) -> dict:
    return bounds(draw, lambda: draw(st.sampled_from([0, 1, 3, 9, len(df), len(df)])))


def column_count_bounds(draw, df: pd.DataFrame) -> dict:
    # GX has no strict_min/strict_max for the column count.
    return bounds(draw, lambda: draw(st.sampled_from([0, 5, 6, 7])), allow_both_none=True,
                  strict=False)


def columns_to_match_set(draw, df: pd.DataFrame) -> dict:
    kwargs: dict[str, Any] = {"column_set": subset(draw, [*COLUMNS, "zz", "I"], min_size=0,
                                                   max_size=8)}
    if draw(st.booleans()):
        kwargs["exact_match"] = draw(st.booleans())
    return kwargs


def ordered_list(draw, df: pd.DataFrame) -> dict:
    choice = draw(st.sampled_from(["same", "permuted", "prefix", "extra"]))
    columns = list(COLUMNS)
    if choice == "permuted":
        columns = draw(st.permutations(COLUMNS))
    elif choice == "prefix":
        columns = columns[:draw(st.integers(0, len(columns)))]
    elif choice == "extra":
        columns = [*columns, "zz"]
    return {"column_list": list(columns)}


def column_exists(draw, df: pd.DataFrame) -> dict:
    kwargs: dict[str, Any] = {"column": draw(st.sampled_from([*COLUMNS, "zz", "I"]))}
    # column_index 0 is left out: GX ignores it (see test_column_to_exist_index_zero).
    index = draw(st.sampled_from([None, 1, 2, 5, 6, -1, -6]))
    if index is not None:
        kwargs["column_index"] = index
    return kwargs


def unique_proportion(column: pd.Series) -> float:
    values = column.dropna()
    return values.nunique() / len(values) if len(values) else 0.0


BUILDERS: dict[str, Builder] = {
    # table
    "expect_table_row_count_to_be_between": row_count_bounds,
    "expect_table_row_count_to_equal":
        lambda d, df: {"value": d(st.sampled_from([0, 1, 3, 9, len(df), len(df)]))},
    "expect_table_column_count_to_be_between": column_count_bounds,
    "expect_table_column_count_to_equal": lambda d, df: {"value": d(st.sampled_from([0, 5, 6, 7]))},
    "expect_table_columns_to_match_set": columns_to_match_set,
    "expect_table_columns_to_match_ordered_list": ordered_list,
    "expect_column_to_exist": column_exists,
    "expect_table_row_count_to_equal_other_table": lambda d, df: {"other_table_name": "other"},
    # column map
    "expect_column_values_to_not_be_null": column_map(COLUMNS),
    "expect_column_values_to_be_null": column_map(COLUMNS),
    # GX 1.x takes numbers and dates as bounds, not strings.
    "expect_column_values_to_be_between": column_map(NUMERIC, value_bounds),
    "expect_column_values_to_be_in_set":
        column_map(COLUMNS, lambda d, df, c: {"value_set": value_set(d, df, c)}),
    "expect_column_values_to_not_be_in_set":
        column_map(COLUMNS, lambda d, df, c: {"value_set": value_set(d, df, c)}),
    "expect_column_values_to_be_unique": column_map(COLUMNS),
    "expect_column_values_to_match_regex":
        column_map(["s", "i"], lambda d, df, c: {"regex": d(st.sampled_from(REGEXES))}),
    "expect_column_values_to_not_match_regex":
        column_map(["s", "i"], lambda d, df, c: {"regex": d(st.sampled_from(REGEXES))}),
    "expect_column_values_to_match_regex_list": column_map(["s", "i"], regex_list_kwargs),
    "expect_column_values_to_not_match_regex_list":
        column_map(["s", "i"], lambda d, df, c: regex_list_kwargs(d, df, c, match_on=False)),
    "expect_column_values_to_match_like_pattern":
        column_map(["s"], lambda d, df, c: {"like_pattern": d(st.sampled_from(LIKE_PATTERNS))}),
    "expect_column_values_to_not_match_like_pattern":
        column_map(["s"], lambda d, df, c: {"like_pattern": d(st.sampled_from(LIKE_PATTERNS))}),
    "expect_column_values_to_match_like_pattern_list": column_map(["s"], like_list_kwargs),
    "expect_column_values_to_not_match_like_pattern_list":
        column_map(["s"], lambda d, df, c: like_list_kwargs(d, df, c, match_on=False)),
    "expect_column_value_lengths_to_be_between": column_map(["s", "d", "i"], length_kwargs),
    "expect_column_value_lengths_to_equal": column_map(["s", "d", "i"], lambda d, df, c: {
        "value": d(st.sampled_from([0, 1, 2, 3, *(len(str(v)) for v in present(df, c))]))}),
    "expect_column_values_to_be_of_type":
        column_map(NUMERIC, lambda d, df, c: {"type_": d(st.sampled_from(TYPE_NAMES))}),
    "expect_column_values_to_be_in_type_list":
        column_map(NUMERIC, lambda d, df, c: {"type_list": d(st.one_of(
            st.none(), st.lists(st.sampled_from(TYPE_NAMES), min_size=1, max_size=3, unique=True)))}),
    "expect_column_values_to_be_increasing":
        column_map(NUMERIC, lambda d, df, c: {"strictly": d(st.booleans())}),
    "expect_column_values_to_be_decreasing":
        column_map(NUMERIC, lambda d, df, c: {"strictly": d(st.booleans())}),
    "expect_column_values_to_be_dateutil_parseable": column_map(["d", "s"]),
    "expect_column_values_to_match_strftime_format": column_map(["d"], lambda d, df, c: {
        "strftime_format": d(st.sampled_from(STRFTIME_FORMATS))}),
    "expect_column_values_to_be_json_parseable": column_map(["d"]),
    "expect_column_value_z_scores_to_be_less_than":
        column_map(NUMERIC, lambda d, df, c: {"threshold": d(st.sampled_from(THRESHOLDS)),
                                              "double_sided": d(st.booleans())}),
    # column aggregate (GX 1.x only takes numbers and dates as bounds of a statistic)
    "expect_column_min_to_be_between": aggregate(NUMERIC, statistic_bounds(pd.Series.min)),
    "expect_column_max_to_be_between": aggregate(NUMERIC, statistic_bounds(pd.Series.max)),
    "expect_column_mean_to_be_between": aggregate(NUMERIC, statistic_bounds(pd.Series.mean)),
    "expect_column_median_to_be_between": aggregate(NUMERIC, statistic_bounds(pd.Series.median)),
    "expect_column_sum_to_be_between":
        aggregate(NUMERIC, statistic_bounds(pd.Series.sum, [-10, -3, 0, 1, 2, 5, 9, 20])),
    "expect_column_stdev_to_be_between":
        aggregate(NUMERIC, statistic_bounds(pd.Series.std, [0, 0.5, 1, 1.5, 2, 3, 1e6])),
    "expect_column_quantile_values_to_be_between": aggregate(NUMERIC, quantile_kwargs),
    "expect_column_unique_value_count_to_be_between":
        aggregate(COLUMNS, statistic_bounds(pd.Series.nunique, [0, 1, 2, 3, 5, 9])),
    "expect_column_proportion_of_unique_values_to_be_between":
        aggregate(COLUMNS, statistic_bounds(unique_proportion, PROPORTIONS)),
    "expect_column_proportion_of_non_null_values_to_be_between":
        aggregate(COLUMNS, statistic_bounds(lambda c: c.notna().mean() if len(c) else 0.0,
                                            PROPORTIONS)),
    "expect_column_distinct_values_to_be_in_set":
        aggregate(COLUMNS, lambda d, df, c: {"value_set": value_set(d, df, c, min_size=1)}),
    "expect_column_distinct_values_to_contain_set":
        aggregate(COLUMNS, lambda d, df, c: {"value_set": value_set(d, df, c, min_size=1)}),
    "expect_column_distinct_values_to_equal_set":
        aggregate(COLUMNS, lambda d, df, c: {"value_set": value_set(d, df, c, min_size=1)}),
    "expect_column_most_common_value_to_be_in_set": aggregate(COLUMNS, lambda d, df, c: {
        "value_set": value_set(d, df, c, min_size=1),
        **({"ties_okay": d(st.booleans())} if d(st.booleans()) else {})}),
    # multicolumn
    "expect_column_pair_values_to_be_equal": pair([("f", "g"), ("i", "j"), ("i", "f"), ("s", "d")]),
    "expect_column_pair_values_a_to_be_greater_than_b":
        pair([("f", "g"), ("i", "j"), ("g", "i")],
             lambda d: {"or_equal": d(st.booleans())} if d(st.booleans()) else {}),
    "expect_compound_columns_to_be_unique": multi(COLUMNS),
    "expect_select_column_values_to_be_unique_within_record": unique_within_record,
    "expect_multicolumn_sum_to_equal": multi(NUMERIC, sum_total),
}


def none_meets_nan(df: pd.DataFrame, columns: list[str]) -> bool:
    """Does a row hold None in one of the columns and NaN in another? pandas counts them as two
    values (GX: unique within record), DuckDB sees two NULLs (see test_none_and_nan_in_a_record)."""
    cells = df[columns]
    nones = cells.apply(lambda c: c.map(lambda v: v is None)).any(axis=1)
    nans = cells.apply(lambda c: c.map(lambda v: isinstance(v, float) and math.isnan(v))).any(axis=1)
    return bool((nones & nans).any())


@st.composite
def cases(draw, sizes: st.SearchStrategy = st.integers(0, 9)
          ) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    df = draw(tables(sizes))
    other = pd.DataFrame({"x": range(draw(st.integers(0, 10)))})
    configs = []
    for name, build in BUILDERS.items():
        kwargs = build(draw, df)
        if name == "expect_select_column_values_to_be_unique_within_record" and \
                none_meets_nan(df, kwargs["column_list"]):
            # Outside the common domain: keep the columns that cannot hold None.
            kwargs["column_list"] = [c for c in kwargs["column_list"] if c in NUMERIC]
            kwargs["column_list"] += [c for c in ("i", "j") if c not in kwargs["column_list"]][
                :max(0, 2 - len(kwargs["column_list"]))]
        configs.append({"type": name, "kwargs": kwargs})
    return df, other, configs


# --------------------------------------------------------------------------------------------
# Independent references where GX has no pandas implementation.
# --------------------------------------------------------------------------------------------
def like_regex(pattern: str) -> re.Pattern:
    """SQL LIKE (DuckDB: no default escape character) as an anchored Python regex."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL)


def scoped(df: pd.DataFrame, kwargs: dict) -> pd.DataFrame:
    condition = kwargs.get("row_condition")
    return df.query(condition) if condition else df


def like_reference(config: dict, df: pd.DataFrame) -> dict:
    kwargs = config["kwargs"]
    values = [v for v in scoped(df, kwargs)[kwargs["column"]] if isinstance(v, str)]
    patterns = [kwargs["like_pattern"]] if "like_pattern" in kwargs else kwargs["like_pattern_list"]
    negate = "not_match" in config["type"]
    combine = all if kwargs.get("match_on", "any") == "all" else any

    def ok(value: str) -> bool:
        hits = [like_regex(p).fullmatch(value) is not None for p in patterns]
        return not any(hits) if negate else combine(hits)

    unexpected = sum(not ok(v) for v in values)
    mostly = kwargs.get("mostly", 1.0)
    success = not values or (len(values) - unexpected) / len(values) >= mostly
    return {"success": success, "unexpected_count": unexpected}


# --------------------------------------------------------------------------------------------
# Which float observations sit on a bound (success then depends on the last ulp).
# --------------------------------------------------------------------------------------------
FLOAT_STATISTICS = {"expect_column_mean_to_be_between", "expect_column_stdev_to_be_between",
                    "expect_column_median_to_be_between", "expect_column_sum_to_be_between"}


def fragile(config: dict, theirs: dict, ours: dict, df: pd.DataFrame) -> bool:
    """Is this a float tie: the outcome hangs on the last bits of a float that the two tools
    compute in different ways (pandas' sums and Welford versus DuckDB's Kahan sums)?"""
    kwargs = config["kwargs"]
    if config["type"] in FLOAT_STATISTICS:
        observed = plain(theirs["result"].get("observed_value"))
        mine = ours["result"].get("observed_value")
        return isinstance(observed, float) and observed != mine and any(
            b is not None and math.isclose(observed, b, rel_tol=1e-9, abs_tol=1e-12)
            for b in (kwargs.get("min_value"), kwargs.get("max_value")))
    if config["type"] == "expect_column_value_z_scores_to_be_less_than":
        column = scoped(df, kwargs)[kwargs["column"]].dropna()
        if len(column) < 2 or column.std() == 0:
            return False
        z = (column - column.mean()) / column.std()
        threshold = abs(kwargs["threshold"]) if kwargs["double_sided"] else kwargs["threshold"]
        z = z.abs() if kwargs["double_sided"] else z
        return bool(np.isclose(z, threshold, rtol=1e-9, atol=1e-12).any())
    if config["type"] == "expect_multicolumn_sum_to_equal":
        # pandas adds a row per dtype block (ints, then floats), DuckDB left to right: a row whose
        # sum is near sum_total and rounds differently by order is a tie either way.
        total = kwargs["sum_total"]
        for row in scoped(df, kwargs)[kwargs["column_list"]].itertuples(index=False):
            values = [plain(v) for v in row]
            if None in values:
                continue
            ordered = 0
            for v in values:
                ordered += v
            by_block = sum(v for v in values if isinstance(v, int)) + sum(
                v for v in values if isinstance(v, float))
            sums = {ordered, by_block, math.fsum(values)}
            if len(sums) > 1 and any(math.isclose(x, total, rel_tol=1e-9, abs_tol=1e-12)
                                     for x in sums):
                return True
        return False
    return False


# --------------------------------------------------------------------------------------------
# The differential test.
# --------------------------------------------------------------------------------------------
def gx_defines(name: str) -> bool:
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        get_expectation_impl(name)
    except ExpectationNotFoundError:
        return False
    return True


def test_every_registered_gx_type_is_generated():
    """No expectation type with a GX counterpart is silently left out: each one dsbench registers
    has a generator here, and the ones GX's pandas engine cannot serve name their reason. (Types
    GX does not define have no oracle; their own tests cover them.)"""
    registered = set(dsbench.expectation_types())
    with_gx_counterpart = {name for name in registered if gx_defines(name)}
    assert len(with_gx_counterpart) >= 51
    assert with_gx_counterpart == set(BUILDERS), with_gx_counterpart ^ set(BUILDERS)
    assert NO_GX_PANDAS <= set(DIVERGENCES)
    assert OWN_OBSERVED_VALUE <= set(DIVERGENCES)


# Each example runs ~51 expectations through GX (~0.5 s). Derandomized: the same examples on every
# run. Shrinking re-runs GX hundreds of times (minutes), so it is off unless DSBENCH_GX_SHRINK is
# set; without it a failure reports the generated case as it was drawn.
DIFFERENTIAL = settings(
    max_examples=int(os.environ.get("DSBENCH_GX_EXAMPLES", "70")), deadline=None, derandomize=True,
    database=None, print_blob=False,
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if os.environ.get("DSBENCH_GX_SHRINK") else [])],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@DIFFERENTIAL
@given(case=cases())
def test_dsbench_agrees_with_gx(oracle: GX, case):
    """Every registered type, on a generated table of 0-9 rows, agrees with GX (or with the
    reference, for the types GX's pandas engine cannot run)."""
    check(oracle, *case)


@settings(DIFFERENTIAL, max_examples=8)
@given(case=cases(sizes=st.just(0)))
def test_dsbench_agrees_with_gx_on_empty_tables(oracle: GX, case):
    """Empty tables, every type: vacuous truths, missing statistics, zero proportions."""
    check(oracle, *case)


@settings(DIFFERENTIAL, max_examples=4)
@given(case=cases(sizes=st.integers(1, 9)))
def test_each_expectation_alone_agrees_with_gx(oracle: GX, case):
    """Alone in its suite, each expectation gets the same answer: sharing scans with others and
    the order of queries on the connection do not change results."""
    df, other, configs = case
    theirs = oracle.validate(df, configs)
    for config, gx_result in zip(configs, theirs):
        (ours,) = dsbench.validate(df, [config], tables={"other": other}).results
        check_one(config, gx_result, ours.to_dict(), df, other)


def check(oracle: GX, df: pd.DataFrame, other: pd.DataFrame, configs: list[dict]) -> None:
    """One GX call and one dsbench call for all configs on df, then compare each result."""
    theirs = oracle.validate(df, configs)
    ours = [r.to_dict() for r in dsbench.validate(df, configs, tables={"other": other}).results]
    assert len(ours) == len(configs)
    for config, gx_result, ds_result in zip(configs, theirs, ours):
        check_one(config, gx_result, ds_result, df, other)


def check_one(config: dict, gx_result: dict, ds_result: dict, df: pd.DataFrame,
              other: pd.DataFrame) -> None:
    name = config["type"]
    if name in NO_GX_PANDAS:
        # Documented: GX's pandas engine cannot run these; it must keep failing loudly, and
        # dsbench is held to an independent reference instead.
        assert gx_raised(gx_result), f"GX now implements {name} on pandas: compare with it"
        if name == "expect_table_row_count_to_equal_other_table":
            assert ds_result["success"] == (len(df) == len(other))
            assert ds_result["result"]["observed_value"] == {"self": len(df), "other": len(other)}
        else:
            expected = like_reference(config, df)
            assert ds_result["success"] == expected["success"], (config, ds_result)
            assert ds_result["result"]["unexpected_count"] == expected["unexpected_count"], \
                (config, ds_result)
        return
    compare(config, gx_result, ds_result, fragile=fragile(config, gx_result, ds_result, df))
    if name in ("expect_column_values_to_be_of_type", "expect_column_values_to_be_in_type_list"):
        dtype = str(df[config["kwargs"]["column"]].dtype)
        assert ds_result["result"]["observed_value"] == {"int64": "BIGINT", "float64": "DOUBLE"}[dtype]
    elif name in OWN_OBSERVED_VALUE:
        column = scoped(df, config["kwargs"])[config["kwargs"]["column"]]
        assert ds_result["result"]["observed_value"] == sorted(set(column.dropna()))


def test_parse_pool_is_in_the_common_domain():
    """The generated parse inputs are ones on which Python and DuckDB agree, so the generated
    comparison above can hold; the divergent inputs are pinned in the tests below."""
    import duckdb

    con = duckdb.connect()
    for value in PARSE_POOL:
        try:
            json.loads(value)
            python_json = True
        except ValueError:
            python_json = False
        assert con.execute("SELECT json_valid(?)", [value]).fetchone()[0] == python_json, value
        for fmt in STRFTIME_FORMATS:
            try:
                datetime.strptime(value, fmt)
                python_time = True
            except ValueError:
                python_time = False
            duck = con.execute("SELECT try_strptime(?, ?) IS NOT NULL", [value, fmt]).fetchone()[0]
            assert duck == python_time, (value, fmt)


# --------------------------------------------------------------------------------------------
# Documented divergences, pinned by example. Each runs GX too, so that a GX change shows here.
# --------------------------------------------------------------------------------------------
def run_both(oracle: GX, df: pd.DataFrame, configs: list[dict], **options) -> list[tuple[dict, dict]]:
    theirs = oracle.validate(df, configs)
    ours = [r.to_dict() for r in dsbench.validate(df, configs, **options).results]
    return list(zip(theirs, ours))


def test_types_are_judged_by_the_duckdb_column_type(oracle: GX):
    """dsbench: the DuckDB column type decides, and is the observed_value. GX maps over values of
    object columns, and with pandas 3's 'str' dtype of_type('str') passes while
    in_type_list(['str']) fails on the very same column."""
    df = pd.DataFrame({"s": pd.Series(["a", "b", None], dtype="str"),
                       "mixed": pd.Series([1, "a", None], dtype=object),
                       "f": [1.0, np.nan, 2.0], "i": [1, 2, 3]})
    (of_str, in_list_str, mixed, floats, ints) = run_both(oracle, df, [
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "s", "type_": "str"}},
        {"type": "expect_column_values_to_be_in_type_list", "kwargs": {"column": "s", "type_list": ["str"]}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "mixed", "type_": "str"}},
        {"type": "expect_column_values_to_be_of_type", "kwargs": {"column": "f", "type_": "float64"}},
        {"type": "expect_column_values_to_be_in_type_list",
         "kwargs": {"column": "i", "type_list": ["int64"]}},
    ])
    assert of_str[0]["success"] and not in_list_str[0]["success"]  # GX contradicts itself
    assert of_str[1]["success"] and in_list_str[1]["success"]
    assert of_str[1]["result"] == in_list_str[1]["result"] == {"observed_value": "VARCHAR"}
    # A mixed object column: GX counts the int as unexpected; DuckDB reads the column as VARCHAR.
    assert not mixed[0]["success"] and mixed[0]["result"]["unexpected_count"] == 1
    assert mixed[1]["success"] and mixed[1]["result"] == {"observed_value": "VARCHAR"}
    assert plain(floats[0]["result"]["observed_value"]) == "float64"
    assert floats[1]["success"] and floats[1]["result"]["observed_value"] == "DOUBLE"
    assert ints[1]["success"] and ints[1]["result"]["observed_value"] == "BIGINT"


def test_regular_expressions_are_re2(oracle: GX):
    """RE2, not Python re: \\d and \\w are ASCII, '$' does not match before a final newline."""
    df = pd.DataFrame({"x": ["\u0663", "a\n", "3"]})  # ARABIC-INDIC DIGIT THREE
    digit, end, word = run_both(oracle, df, [
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "x", "regex": "\\d"}},
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "x", "regex": "a$"}},
        {"type": "expect_column_values_to_not_match_regex", "kwargs": {"column": "x", "regex": "\\w"}},
    ])
    assert digit[0]["result"]["unexpected_count"] == 1 and digit[1]["result"]["unexpected_count"] == 2
    assert end[0]["result"]["unexpected_count"] == 2 and end[1]["result"]["unexpected_count"] == 3
    assert word[0]["result"]["unexpected_count"] == 3 and word[1]["result"]["unexpected_count"] == 2


def test_regex_without_an_re2_equivalent_is_a_suite_error(oracle: GX):
    """Look-ahead is Python-only: GX runs it, dsbench refuses the suite before running it."""
    df = pd.DataFrame({"x": ["ab", "b"]})
    config = {"type": "expect_column_values_to_match_regex_list",
              "kwargs": {"column": "x", "regex_list": ["a(?=b)"]}}
    (theirs,) = oracle.validate(df, [config])
    assert theirs["result"]["unexpected_count"] == 1
    with pytest.raises(SuiteError, match="RE2"):
        dsbench.validate(df, [config])


def test_strftime_uses_duckdb_strptime(oracle: GX):
    """DuckDB's strptime trims surrounding spaces and takes %Y with fewer than four digits."""
    df = pd.DataFrame({"d": [" 2021-01-02", "2021-01-02 ", "99", "2021-01-02"]})
    ymd, year = run_both(oracle, df, [
        {"type": "expect_column_values_to_match_strftime_format",
         "kwargs": {"column": "d", "strftime_format": "%Y-%m-%d"}},
        {"type": "expect_column_values_to_match_strftime_format",
         "kwargs": {"column": "d", "strftime_format": "%Y"}},
    ])
    assert ymd[0]["result"]["unexpected_count"] == 3 and ymd[1]["result"]["unexpected_count"] == 1
    assert ymd[1]["success"] is False  # "99" is no %Y-%m-%d for either
    assert year[0]["result"]["unexpected_count"] == 4 and year[1]["result"]["unexpected_count"] == 3


def test_json_parseable_uses_duckdb_json_valid(oracle: GX):
    """json_valid accepts a trailing comma and bare nan/inf; json.loads does not."""
    df = pd.DataFrame({"j": ["[1,]", '{"a": 1,}', "nan", "inf", "{}", "{a}"]})
    ((theirs, ours),) = run_both(oracle, df, [
        {"type": "expect_column_values_to_be_json_parseable", "kwargs": {"column": "j"}}])
    assert theirs["result"]["unexpected_count"] == 5
    assert ours["result"]["unexpected_count"] == 1
    assert ours["result"]["partial_unexpected_list"] == ["{a}"]


def test_like_patterns_have_no_gx_pandas_implementation(oracle: GX):
    """GX's pandas engine raises for every LIKE type; dsbench runs them in DuckDB."""
    df = pd.DataFrame({"s": ["ab", "ba", "a", None, "a%b"]})
    results = run_both(oracle, df, [
        {"type": "expect_column_values_to_match_like_pattern",
         "kwargs": {"column": "s", "like_pattern": "a_%"}},
        {"type": "expect_column_values_to_not_match_like_pattern",
         "kwargs": {"column": "s", "like_pattern": "%b"}},
        {"type": "expect_column_values_to_match_like_pattern_list",
         "kwargs": {"column": "s", "like_pattern_list": ["a", "b%"], "match_on": "any"}},
        {"type": "expect_column_values_to_not_match_like_pattern_list",
         "kwargs": {"column": "s", "like_pattern_list": ["a", "b%"]}},
    ])
    assert all(gx_raised(theirs) for theirs, _ in results)
    assert "No provider found" in results[0][0]["exception_info"]["exception_message"]
    assert [ours["result"]["unexpected_count"] for _, ours in results] == [2, 2, 2, 2]


def test_row_count_of_another_table_is_not_possible_in_gx_pandas(oracle: GX):
    df, other = pd.DataFrame({"x": [1, 2, 3]}), pd.DataFrame({"y": [1, 2]})
    config = {"type": "expect_table_row_count_to_equal_other_table",
              "kwargs": {"other_table_name": "other"}}
    (theirs,) = oracle.validate(df, [config])
    assert gx_raised(theirs)
    (ours,) = dsbench.validate(df, [config], tables={"other": other}).results
    assert not ours.success and ours.outcome.result["observed_value"] == {"self": 3, "other": 2}
    (ours,) = dsbench.validate(df, [config], tables={"other": df.rename(columns={"x": "y"})}).results
    assert ours.success


def test_column_to_exist_index_zero(oracle: GX):
    """GX tests `if column_index:`, so index 0 is never checked: a GX bug dsbench does not copy."""
    df = pd.DataFrame({"a": [1], "b": [2]})
    configs = [{"type": "expect_column_to_exist", "kwargs": {"column": "b", "column_index": 0}},
               {"type": "expect_column_to_exist", "kwargs": {"column": "a", "column_index": 0}},
               {"type": "expect_column_to_exist", "kwargs": {"column": "b", "column_index": -1}}]
    (wrong, right, last) = run_both(oracle, df, configs)
    assert wrong[0]["success"] is True and wrong[1]["success"] is False
    assert right[0]["success"] is True and right[1]["success"] is True
    assert last[0]["success"] is True and last[1]["success"] is True


def test_distinct_values_observed_value(oracle: GX):
    """GX 1.24 leaves observed_value None; dsbench reports the sorted distinct non-null values.
    The counts and partial lists agree."""
    df = pd.DataFrame({"a": [3.0, 1.0, np.nan, 1.0, 4.0]})
    results = run_both(oracle, df, [
        {"type": f"expect_column_distinct_values_to_{relation}",
         "kwargs": {"column": "a", "value_set": [1, 2]}}
        for relation in ("be_in_set", "contain_set", "equal_set")])
    for theirs, ours in results:
        assert theirs["result"]["observed_value"] is None
        assert ours["result"]["observed_value"] == [1.0, 3.0, 4.0]
        assert ours["success"] is theirs["success"] is False
        for key in ("unexpected_count", "partial_unexpected_list", "missing_count", "partial_missing_list"):
            assert (key in ours["result"]) == (key in theirs["result"]), key
            if key in theirs["result"]:
                assert ours["result"][key] == plain(theirs["result"][key]), key


def test_nan_in_pandas_is_missing_but_nan_in_parquet_is_a_value(oracle: GX, tmp_path):
    """Both tools treat NaN in a pandas frame as missing (DuckDB reads it as NULL). NaN stored in
    a Parquet file is a float value for dsbench: not null, and greater than every number."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    df = pd.DataFrame({"x": [1.0, np.nan, 2.0, None]})
    configs = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}},
               {"type": "expect_column_values_to_be_between",
                "kwargs": {"column": "x", "min_value": 0, "max_value": 10}},
               {"type": "expect_column_max_to_be_between", "kwargs": {"column": "x", "max_value": 10}}]
    results = run_both(oracle, df, configs)
    for config, (theirs, ours) in zip(configs, results):
        compare(config, theirs, ours)
    (null_gx, null_ds), (between_gx, between_ds), (max_gx, max_ds) = results
    assert null_gx["result"]["unexpected_count"] == null_ds["result"]["unexpected_count"] == 2
    assert between_ds["result"]["missing_count"] == 2 and between_ds["success"]
    assert max_ds["result"]["observed_value"] == 2.0

    path = tmp_path / "nan.parquet"
    pq.write_table(pa.table({"x": pa.array([1.0, float("nan"), 2.0, None], pa.float64())}), path)
    null_pq, between_pq, max_pq = (r.to_dict() for r in dsbench.validate(str(path), configs).results)
    assert null_pq["result"]["unexpected_count"] == 1  # only the real null
    assert between_pq["result"]["unexpected_count"] == 1 and not between_pq["success"]  # NaN > 10
    assert max_pq["result"]["observed_value"] == "NaN" and not max_pq["success"]


def test_none_and_nan_in_a_record(oracle: GX):
    """pandas nunique(dropna=False) counts None (object column) and NaN (float column) as two
    values; in DuckDB both are NULL, the same missing value, so the row repeats a value."""
    df = pd.DataFrame({"f": [np.nan, 1.0], "o": pd.Series([None, "x"], dtype=object), "i": [1, 2]})
    config = {"type": "expect_select_column_values_to_be_unique_within_record",
              "kwargs": {"column_list": ["f", "o", "i"]}}
    ((theirs, ours),) = run_both(oracle, df, [config])
    assert theirs["success"] and theirs["result"]["unexpected_count"] == 0
    assert not ours["success"] and ours["result"]["unexpected_count"] == 1
    # NaN and NaN (or None and None) are the same missing value for both.
    df2 = pd.DataFrame({"f": [np.nan, 1.0], "g": [np.nan, 3.0], "i": [1, 2]})
    config2 = {"type": "expect_select_column_values_to_be_unique_within_record",
               "kwargs": {"column_list": ["f", "g", "i"]}}
    ((theirs, ours),) = run_both(oracle, df2, [config2])
    compare(config2, theirs, ours)
    assert ours["result"]["unexpected_count"] == 1
