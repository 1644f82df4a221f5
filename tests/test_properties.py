"""Property tests: dsbench's metrics against independent Python references, and scoring invariants.

Part 1 generates small tables (0-60 rows) WITH NULLS as pyarrow tables, so that the semantics are
those of Arrow and Parquet (README, "NaN inside a Parquet or Arrow file is a value"): int64 columns
(small values for ties, plus the int64 extremes), float64 columns (NaN, -0.0, +/-inf), and text
columns (empty strings, whitespace, newlines, combining accents, CJK, emoji). Each example runs
one suite of many expectations through ``dsbench.validate`` (some tables are written to Parquet
first, so that Parquet metadata paths are exercised too) and compares ``element_count``,
``missing_count``, ``unexpected_count``, ``observed_value``, the A/B ``measure`` and ``success``
(with ``mostly``) with plain-Python references written here, never with dsbench helpers.

The references implement DuckDB's documented value semantics, which dsbench inherits: NaN equals
NaN and sorts above every other number (+inf included), -0.0 equals 0.0, NULL compares as unknown
(so a predicate or row condition that is NULL is not true), text compares by code point, and
``length`` counts code points. Regexes are listed twice, as RE2 and as the Python pattern with the
same meaning (``\\A``/``\\Z`` for ``^``/``$``), and stay where both engines agree.

One property runs on 25,000-row tables whose text column has few distinct values, so that the
engine evaluates conditions once per distinct value (the ``values`` path of the planner), next to a
many-valued column evaluated row by row with the combined regex screen.

Part 2 checks the scoring model (``dsbench.scoring.score``) on generated standards, tables and results
against a reference that counts cells and rows one by one from each result's explicit set of
flagged rows (dsbench counts them from the signatures of ``dsbench.scoring.defects``): every indicator is
its unit's A/B, scores stay within 0..scale (None when nothing applies); a not-applicable or
not-evaluated indicator changes nothing else; an exact copy of a result changes nothing, a check
that finds nothing changes no applicable indicator, a failing check never raises one and a failing
critical check fails a critical gate; the order of results does not change the card.

Hypothesis runs derandomized with fixed budgets and no example database, so CI sees the same
examples on every run; DSBENCH_PROPERTY_SCALE=10 runs ten times as many locally. Discrepancies
found are kept as explicit ``@example``s (at the end).
"""

from __future__ import annotations

import itertools
import math
import os
import random
import re
import tempfile
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import dsbench
from dsbench.cards.card import canonical_bytes, scores_document
from dsbench.scoring.score import Evidence, Measured, score
from dsbench.scoring.standard import standard_from_document

NAN, INF = math.nan, math.inf

# DSBENCH_PROPERTY_SCALE multiplies every example budget (CI runs the fixed budgets below).
BUDGET_SCALE = float(os.environ.get("DSBENCH_PROPERTY_SCALE", "1"))


def budget(examples: int) -> int:
    return max(1, round(examples * BUDGET_SCALE))


PROPERTY = settings(deadline=None, derandomize=True, database=None, print_blob=False,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example, HealthCheck.filter_too_much])

# ==============================================================================================
# Part 1 — metrics against references
# ==============================================================================================

INT64_MIN, INT64_MAX = -(2 ** 63), 2 ** 63 - 1

STRING_POOL = ["", " ", "  ", "a", "ab", "abc", "b", "A", "aa", "é", "e\u0301", "中文", "x y", " a ", "\t",
               "😀", "a\nb", "a\n", "b\n", "100", "-1", "a_c", "a%c", "\u00a0", "\u3000x", "NaN", "null", "ä"]
ALPHABET = "abcAé中😀 \t\n0_%-"

# (RE2 pattern as given to dsbench, the Python pattern with the same meaning)
REGEXES = [
    ("a", "a"), ("^a", r"\Aa"), ("a$", r"a\Z"), ("^$", r"\A\Z"), ("[0-9]", "[0-9]"),
    ("^[a-c]+$", r"\A[a-c]+\Z"), ("a.c", "a.c"), ("é|中", "é|中"), ("b+", "b+"), ("^ | $", r"\A | \Z"),
    ("[a-z]", "[a-z]"), ("(ab)+", "(ab)+"), ("\t", "\t"), ("😀", "😀"), ("a{2}", "a{2}"), ("[%_]", "[%_]"),
    ("^-", r"\A-"), ("[05]$", r"[05]\Z"), ("A|b", "A|b"), ("x y", "x y"),
]


def is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def order_key(value: Any) -> tuple:
    """DuckDB's order of one column's values: NaN above every number (+inf too), -0.0 = 0.0."""
    return (1, 0) if is_nan(value) else (0, value)


def canon(value: Any) -> Any:
    """A hashable key under which equal values (NaN and NaN, -0.0 and 0.0) coincide."""
    if is_nan(value):
        return ("NaN",)
    if isinstance(value, float) and value == 0:
        return 0.0
    return value


def same(a: Any, b: Any) -> bool:
    return canon(a) == canon(b)


def greater(a: Any, b: Any, or_equal: bool) -> bool | None:
    """SQL ``a > b`` (``>=``) with DuckDB's order; None when a value is NULL."""
    if a is None or b is None:
        return None
    return order_key(a) >= order_key(b) if or_equal else order_key(a) > order_key(b)


def between(value: Any, low: Any, high: Any, strict_min: bool, strict_max: bool) -> bool:
    key = order_key(value)
    if low is not None and not (key > order_key(low) if strict_min else key >= order_key(low)):
        return False
    if high is not None and not (key < order_key(high) if strict_max else key <= order_key(high)):
        return False
    return True


def mostly_met(evaluated: int, unexpected: int, mostly: float) -> bool:
    """GX's rule: vacuously true without elements, else the share of good elements >= mostly."""
    return evaluated == 0 or (evaluated - unexpected) / evaluated >= mostly


def repeated(keys: list) -> int:
    """How many items share their key with another item."""
    return sum(n for n in Counter(keys).values() if n > 1)


def as_json(value: Any) -> Any:
    """A float as a result's JSON carries it: NaN and infinities as strings."""
    if is_nan(value):
        return "NaN"
    if isinstance(value, float) and math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def from_json(value: Any) -> Any:
    return {"NaN": NAN, "Infinity": INF, "-Infinity": -INF}.get(value, value) if isinstance(value, str) else value


# --- references --------------------------------------------------------------------------------

Ref = dict[str, Any]


def map_reference(values: list, ok: Callable[[Any], bool], mostly: float = 1.0) -> Ref:
    """A column map expectation: nulls are missing, not evaluated."""
    present = [v for v in values if v is not None]
    bad = sum(1 for v in present if not ok(v))
    return {"element_count": len(values), "missing_count": len(values) - len(present),
            "unexpected_count": bad, "measure": (len(present) - bad, len(present)),
            "success": mostly_met(len(present), bad, mostly)}


def not_null_reference(values: list, mostly: float = 1.0) -> Ref:
    nulls = sum(v is None for v in values)
    return {"element_count": len(values), "unexpected_count": nulls, "measure": (len(values) - nulls, len(values)),
            "success": mostly_met(len(values), nulls, mostly)}


def unique_reference(values: list, mostly: float = 1.0) -> Ref:
    present = [v for v in values if v is not None]
    bad = repeated([canon(v) for v in present])
    return {"element_count": len(values), "missing_count": len(values) - len(present), "unexpected_count": bad,
            "measure": (len(present) - bad, len(present)), "success": mostly_met(len(present), bad, mostly)}


def rows_reference(rows: list[dict], bad: Callable[[dict], bool], mostly: float = 1.0) -> Ref:
    """A record expectation: every row is an element."""
    unexpected = sum(1 for r in rows if bad(r))
    return {"element_count": len(rows), "unexpected_count": unexpected,
            "measure": (len(rows) - unexpected, len(rows)), "success": mostly_met(len(rows), unexpected, mostly)}


def kept_rows_reference(rows: list[dict], keep: Callable[[dict], bool], bad: Callable[[dict], bool],
                        mostly: float = 1.0) -> Ref:
    """A multi-column map expectation: rows that ``ignore_row_if`` drops are missing."""
    kept = [r for r in rows if keep(r)]
    unexpected = sum(1 for r in kept if bad(r))
    return {"element_count": len(rows), "missing_count": len(rows) - len(kept), "unexpected_count": unexpected,
            "measure": (len(kept) - unexpected, len(kept)), "success": mostly_met(len(kept), unexpected, mostly)}


def present(values: list) -> list:
    return [v for v in values if v is not None]


def ref_min(values: list) -> Any:
    values = present(values)
    return min(values, key=order_key) if values else None


def ref_max(values: list) -> Any:
    values = present(values)
    return max(values, key=order_key) if values else None


def special_sum(values: list) -> float | None:
    """The IEEE result of summing when NaN or infinities take part, else None."""
    if any(is_nan(v) for v in values) or (INF in values and -INF in values):
        return NAN
    if INF in values:
        return INF
    if -INF in values:
        return -INF
    return None


def ref_sum(values: list, integer: bool) -> Any:
    values = present(values)
    if integer:
        return sum(values)  # exact (DuckDB sums BIGINT into HUGEINT)
    special = special_sum(values)
    return special if special is not None else float(sum(map(Fraction, values), Fraction(0)))


def ref_mean(values: list) -> Any:
    values = present(values)
    if not values:
        return None
    special = special_sum(values)
    return special if special is not None else float(sum(map(Fraction, values), Fraction(0)) / len(values))


def ref_median(values: list) -> Any:
    """quantile_cont(0.5): the middle value, or the midpoint of the two middle ones (NaN sorts last)."""
    values = sorted(present(values), key=order_key)
    if not values:
        return None
    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    low, high = values[middle - 1], values[middle]
    special = special_sum([low, high])
    if special is not None:
        return special
    return float((Fraction(low) + Fraction(high)) / 2)


def ref_distinct(values: list) -> int:
    return len({canon(v) for v in present(values)})


def within(observed: Any, low: Any, high: Any, strict_min: bool, strict_max: bool) -> bool:
    """GX's rule for an observed statistic: no value or NaN never passes."""
    if observed is None or is_nan(observed):
        return False
    if low is not None and not (observed > low if strict_min else observed >= low):
        return False
    if high is not None and not (observed < high if strict_max else observed <= high):
        return False
    return True


def float_close(got: Any, want: Any, magnitude: float) -> bool:
    """Equal, or within the error of compensated float sums over values of ``magnitude``."""
    got = from_json(got)
    if want is None or got is None:
        return got is want
    if is_nan(want) or is_nan(got):
        return is_nan(want) and is_nan(got)
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= 1e-12 * magnitude + 1e-12 * abs(want) + 1e-300


# --- tables ------------------------------------------------------------------------------------

INTS = st.one_of(st.integers(-5, 5), st.integers(-5, 5), st.integers(-1000, 1000))
BIG_INTS = st.one_of(INTS, st.sampled_from([INT64_MIN, INT64_MAX, INT64_MIN + 1, 10 ** 15]))
FINITE_FLOATS = st.one_of(st.sampled_from([0.0, -0.0, 0.5, 1.0, -1.0, 2.5, 1e-9]),
                          st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
FLOATS = st.one_of(FINITE_FLOATS, FINITE_FLOATS, st.sampled_from([NAN, NAN, INF, -INF]))
NAN_FLOATS = st.one_of(FINITE_FLOATS, FINITE_FLOATS, st.just(NAN))  # no infinities
STRINGS = st.one_of(st.sampled_from(STRING_POOL), st.sampled_from(STRING_POOL),
                    st.text(alphabet=ALPHABET, max_size=6))

ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string()}


def column_values(values: st.SearchStrategy, n: int) -> st.SearchStrategy:
    """n values of a column that has no null, some nulls, many nulls, or only nulls."""
    mode = st.sampled_from(["some", "some", "none", "many", "all"])

    def build(which: str) -> st.SearchStrategy:
        element = {"none": values, "some": st.one_of(st.none(), values, values, values),
                   "many": st.one_of(st.none(), st.none(), values), "all": st.none()}[which]
        return st.lists(element, min_size=n, max_size=n)

    return mode.flatmap(build)


@st.composite
def tables(draw, columns: dict[str, tuple[str, st.SearchStrategy]], max_rows: int = 60) -> dict[str, list]:
    n = draw(st.integers(0, max_rows))
    return {name: draw(column_values(values, n)) for name, (_, values) in columns.items()}


def arrow(data: dict[str, list], columns: dict[str, tuple[str, Any]]) -> pa.Table:
    return pa.table({name: pa.array(values, type=ARROW_TYPES[columns[name][0]]) for name, values in data.items()})


def rows_of(data: dict[str, list]) -> list[dict]:
    names = list(data)
    return [dict(zip(names, row)) for row in zip(*data.values())] if names else []


def validate(table: pa.Table, expectations: list[tuple[str, dict]], parquet: bool = False) -> list[dict]:
    suite = [{"type": kind, "kwargs": kwargs} for kind, kwargs in expectations]
    if not parquet:
        return [r.to_dict() for r in dsbench.validate(table, suite).results]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "data.parquet"
        pq.write_table(table, path, row_group_size=16)  # several row groups
        return [r.to_dict() for r in dsbench.validate(str(path), suite).results]


def compare(results: list[dict], expectations: list[tuple[str, dict]], references: list[Ref]) -> None:
    """Every field the reference states must match the result; all mismatches are reported.
    A callable reference for ``observed_value`` is a predicate on the JSON value."""
    problems = []
    for result, (kind, kwargs), reference in zip(results, expectations, references, strict=True):
        if result["exception_info"]["raised_exception"]:
            problems.append(f"{kind} {kwargs}: raised {result['exception_info']['exception_message']}")
            continue
        got = dict(result["result"])
        got["success"] = result["success"]
        got["measure"] = (result["measure"]["passed"], result["measure"]["evaluated"])
        for name, want in reference.items():
            if name not in got:
                problems.append(f"{kind} {kwargs}: no {name} in result")
            elif callable(want):
                if not want(got[name]):
                    problems.append(f"{kind} {kwargs}: {name} = {got[name]!r} is not as expected")
            elif got[name] != want or isinstance(got[name], bool) != isinstance(want, bool):
                problems.append(f"{kind} {kwargs}: {name} = {got[name]!r}, reference {want!r}")
    assert not problems, "\n".join(problems)


# --- kwargs ------------------------------------------------------------------------------------

MOSTLY = st.one_of(st.just(1.0), st.sampled_from([0.0, 0.5, 0.9, 0.1, 0.75]), st.floats(0, 1))


@st.composite
def bounds(draw, values: st.SearchStrategy) -> dict:
    """min/max for a between check: one-sided or two-sided, each strict or not."""
    low, high = draw(values), draw(values)
    which = draw(st.sampled_from(["both", "both", "min", "max"]))
    kwargs = {"min_value": low if which != "max" else None, "max_value": high if which != "min" else None}
    if draw(st.booleans()):
        kwargs["strict_min"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["strict_max"] = draw(st.booleans())
    return kwargs


def bounded(value: Any, kw: dict) -> bool:
    return between(value, kw["min_value"], kw["max_value"], kw.get("strict_min", False), kw.get("strict_max", False))


INT_BOUNDS = st.one_of(st.integers(-6, 6), st.sampled_from([2.5, -0.5, INT64_MAX, INT64_MIN]))
FLOAT_BOUNDS = st.one_of(st.sampled_from([0.0, -0.0, 0.5, 1.0, -1.0, 1e6, -1e6, INF, -INF]),
                         st.floats(-1e6, 1e6, allow_nan=False))
STRING_BOUNDS = st.one_of(st.sampled_from(STRING_POOL), st.text(alphabet=ALPHABET, max_size=3))


def member_sets(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.lists(st.one_of(values, values, values, st.none()), max_size=6)


# --- property: column map expectations ----------------------------------------------------------

MAP_COLUMNS = {"a": ("int", BIG_INTS), "f": ("float", FLOATS), "s": ("str", STRINGS)}


@st.composite
def map_cases(draw):
    data = draw(tables(MAP_COLUMNS))
    a, s = data["a"], data["s"]
    cases: list[tuple[str, dict, Ref]] = []

    def add(kind: str, kwargs: dict, reference: Ref) -> None:
        cases.append((kind, kwargs, reference))

    for name in ("a", "f", "s"):
        mostly = draw(MOSTLY)
        add("expect_column_values_to_not_be_null", {"column": name, "mostly": mostly},
            not_null_reference(data[name], mostly))
        mostly = draw(MOSTLY)
        add("expect_column_values_to_be_unique", {"column": name, "mostly": mostly},
            unique_reference(data[name], mostly))
    for name, bound_values in (("a", INT_BOUNDS), ("f", FLOAT_BOUNDS), ("s", STRING_BOUNDS)):
        for _ in range(2):
            kw, mostly = draw(bounds(bound_values)), draw(MOSTLY)
            if kw["min_value"] is None and kw["max_value"] is None:
                continue
            add("expect_column_values_to_be_between", {"column": name, **kw, "mostly": mostly},
                map_reference(data[name], lambda v, kw=kw: bounded(v, kw), mostly))
    for name, members in (("a", st.one_of(st.integers(-6, 6), st.sampled_from([2.0, 2.5]))),
                          ("f", FLOATS), ("s", STRINGS)):
        for kind, inside in (("expect_column_values_to_be_in_set", True),
                             ("expect_column_values_to_not_be_in_set", False)):
            value_set, mostly = draw(member_sets(members)), draw(MOSTLY)
            ok = (lambda v, vs=value_set, inside=inside:
                  any(same(v, m) for m in vs if m is not None) == inside)
            add(kind, {"column": name, "value_set": value_set, "mostly": mostly},
                map_reference(data[name], ok, mostly))
    # Regexes: on text, and on an integer column (matched as its decimal text).
    for name, values in (("s", s), ("s", s), ("a", a)):
        re2, python = draw(st.sampled_from(REGEXES))
        mostly = draw(MOSTLY)
        add("expect_column_values_to_match_regex", {"column": name, "regex": re2, "mostly": mostly},
            map_reference(values, lambda v, p=python: re.search(p, str(v)) is not None, mostly))
    for _ in range(draw(st.integers(1, 3))):  # several screens of one column share a combined regex
        re2, python = draw(st.sampled_from(REGEXES))
        mostly = draw(MOSTLY)
        add("expect_column_values_to_not_match_regex", {"column": "s", "regex": re2, "mostly": mostly},
            map_reference(s, lambda v, p=python: re.search(p, v) is None, mostly))
    for _ in range(2):
        kw = draw(bounds(st.integers(0, 6)))
        if kw["min_value"] is None and kw["max_value"] is None:
            continue
        mostly = draw(MOSTLY)
        add("expect_column_value_lengths_to_be_between", {"column": "s", **kw, "mostly": mostly},
            map_reference(s, lambda v, kw=kw: bounded(len(v), kw), mostly))
    return data, cases


def run_cases(data: dict[str, list], columns: dict, cases: list, parquet: bool = False) -> None:
    expectations = [(kind, kwargs) for kind, kwargs, _ in cases]
    results = validate(arrow(data, columns), expectations, parquet=parquet)
    compare(results, expectations, [reference for _, _, reference in cases])


@settings(PROPERTY, max_examples=budget(120))
@given(case=map_cases())
def test_column_map_expectations_match_python(case):
    data, cases = case
    run_cases(data, MAP_COLUMNS, cases)


# --- property: column aggregates ----------------------------------------------------------------

AGG_COLUMNS = {"a": ("int", BIG_INTS), "x": ("float", FLOATS), "f": ("float", FLOATS), "s": ("str", STRINGS)}


def exact_observed(want: Any) -> Callable[[Any], bool]:
    """observed_value equals the reference exactly (-0.0 == 0.0), and is no bool posing as a number."""
    return lambda got: got == as_json(want) and isinstance(got, bool) == isinstance(want, bool) \
        and (got is None) == (want is None)


@st.composite
def aggregate_cases(draw):
    data = draw(tables(AGG_COLUMNS))
    cases: list[tuple[str, dict, Ref]] = []

    def judged(kind: str, column: str, observed: Any, bound_values: st.SearchStrategy, exact: bool,
               magnitude: float = 0.0) -> None:
        """An aggregate with bounds; success is asserted unless a float statistic is too close to
        a bound for the compensated sum's error to be ruled out."""
        kw = draw(bounds(bound_values))
        reference: Ref = {"observed_value": exact_observed(observed) if exact
                          else (lambda got, want=observed, m=magnitude: float_close(got, want, m))}
        limits = [b for b in (kw["min_value"], kw["max_value"]) if b is not None]
        near = (not exact and observed is not None and math.isfinite(observed)
                and any(abs(observed - b) <= 1e-9 * (magnitude + abs(b)) + 1e-300 for b in limits))
        if not near:
            success = within(observed, kw["min_value"], kw["max_value"], kw.get("strict_min", False),
                             kw.get("strict_max", False))
            reference.update(success=success, measure=(int(success), 1))
        cases.append((kind, {"column": column, **kw}, reference))

    a, x, f, s = data["a"], data["x"], data["f"], data["s"]
    for name, values, bound_values in (("a", a, INT_BOUNDS), ("f", f, FLOAT_BOUNDS), ("s", s, STRING_BOUNDS)):
        judged("expect_column_min_to_be_between", name, ref_min(values), bound_values, True)
        judged("expect_column_max_to_be_between", name, ref_max(values), bound_values, True)
        judged("expect_column_unique_value_count_to_be_between", name, ref_distinct(values),
               st.integers(0, 12), True)
        nonnull = len(present(values))
        judged("expect_column_proportion_of_unique_values_to_be_between", name,
               ref_distinct(values) / nonnull if nonnull else 0.0, st.sampled_from([0.0, 0.25, 0.5, 0.9, 1.0]),
               True)
    judged("expect_column_sum_to_be_between", "a", ref_sum(a, integer=True), INT_BOUNDS, True)
    for name, values in (("a", a), ("x", x)):
        magnitude = sum(abs(float(v)) for v in present(values) if not is_nan(v))
        judged("expect_column_mean_to_be_between", name, ref_mean(values), FLOAT_BOUNDS, False, magnitude)
        judged("expect_column_median_to_be_between", name, ref_median(values), FLOAT_BOUNDS, False,
               max([abs(float(v)) for v in present(values) if not is_nan(v)], default=0.0))
    magnitude = sum(abs(v) for v in present(x) if not is_nan(v))
    judged("expect_column_sum_to_be_between", "x", ref_sum(x, integer=False), FLOAT_BOUNDS, False, magnitude)
    return data, cases


@settings(PROPERTY, max_examples=budget(100))
@given(case=aggregate_cases(), parquet=st.booleans())
def test_column_aggregates_match_python(case, parquet):
    data, cases = case
    run_cases(data, AGG_COLUMNS, cases, parquet=parquet)


# --- property: pairs, compound keys and records ---------------------------------------------------

ROW_COLUMNS = {"a": ("int", INTS), "b": ("int", INTS), "f": ("float", NAN_FLOATS), "g": ("float", FLOATS),
               "s": ("str", STRINGS), "t": ("str", st.sampled_from(["", "a", "b", "中", " "]))}

PAIR_KEEP = {
    "both_values_are_missing": lambda x, y: not (x is None and y is None),
    "either_value_is_missing": lambda x, y: x is not None and y is not None,
    "neither": lambda x, y: True,
}
MULTI_KEEP = {
    "all_values_are_missing": lambda vs: not all(v is None for v in vs),
    "any_value_is_missing": lambda vs: all(v is not None for v in vs),
    "never": lambda vs: True,
}


def sql_or(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def not_null(*values: Any) -> bool:
    return all(v is not None for v in values)


# predicate (dsbench SQL) -> its three-valued value for a row
PREDICATES: dict[str, Callable[[dict], bool | None]] = {
    "a >= b": lambda r: greater(r["a"], r["b"], True),
    "a >= b OR b IS NULL": lambda r: sql_or(greater(r["a"], r["b"], True), r["b"] is None),
    "f < 1.0": lambda r: None if r["f"] is None else order_key(r["f"]) < (0, 1.0),
    "g > f": lambda r: greater(r["g"], r["f"], False),
    "length(s) <= 2": lambda r: None if r["s"] is None else len(r["s"]) <= 2,
    "s = t": lambda r: None if not not_null(r["s"], r["t"]) else r["s"] == r["t"],
    "s < t": lambda r: None if not not_null(r["s"], r["t"]) else r["s"] < r["t"],
    "coalesce(a, 0) >= coalesce(b, 0)": lambda r: (r["a"] or 0) >= (r["b"] or 0),
    "CASE WHEN a IS NULL THEN s IS NOT NULL ELSE a <> 0 END":
        lambda r: (r["s"] is not None) if r["a"] is None else r["a"] != 0,
}


@st.composite
def record_cases(draw):
    data = draw(tables(ROW_COLUMNS))
    rows = rows_of(data)
    names = list(ROW_COLUMNS)
    cases: list[tuple[str, dict, Ref]] = []
    for x, y in (("a", "b"), ("f", "g"), ("b", "a")):
        rule, mostly = draw(st.sampled_from(sorted(PAIR_KEEP))), draw(MOSTLY)
        or_equal = draw(st.sampled_from([None, False, True]))
        kwargs = {"column_A": x, "column_B": y, "mostly": mostly}
        if draw(st.booleans()) or rule != "both_values_are_missing":
            kwargs["ignore_row_if"] = rule
        if or_equal is not None:
            kwargs["or_equal"] = or_equal
        cases.append(("expect_column_pair_values_a_to_be_greater_than_b", kwargs, kept_rows_reference(
            rows, lambda r, x=x, y=y, k=PAIR_KEEP[rule]: k(r[x], r[y]),
            lambda r, x=x, y=y, e=bool(or_equal): greater(r[x], r[y], e) is not True, mostly)))
    for _ in range(2):
        columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
        rule, mostly = draw(st.sampled_from(sorted(MULTI_KEEP))), draw(MOSTLY)
        kwargs = {"column_list": columns, "ignore_row_if": rule, "mostly": mostly}
        keep = (lambda r, cs=columns, k=MULTI_KEEP[rule]: k([r[c] for c in cs]))
        keys = Counter(tuple(canon(r[c]) for c in columns) for r in rows if keep(r))
        cases.append(("expect_compound_columns_to_be_unique", kwargs, kept_rows_reference(
            rows, keep, lambda r, cs=columns, keys=keys: keys[tuple(canon(r[c]) for c in cs)] > 1, mostly)))
    for kind, bad in (("expect_table_records_to_be_unique", None),
                      ("expect_table_records_to_be_complete", lambda vs: any(v is None for v in vs)),
                      ("expect_table_records_to_not_be_all_null", lambda vs: all(v is None for v in vs))):
        for columns in (None, draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))):
            chosen, mostly = columns or names, draw(MOSTLY)
            kwargs = {"mostly": mostly} if columns is None else {"column_list": columns, "mostly": mostly}
            if bad is None:  # the extra copies: rows whose record was seen before (in row order)
                seen: set = set()

                def test(r, cs=chosen, seen=seen):
                    key = tuple(canon(r[c]) for c in cs)
                    extra = key in seen
                    seen.add(key)
                    return extra
            else:
                test = (lambda r, cs=chosen, bad=bad: bad([r[c] for c in cs]))
            cases.append((kind, kwargs, rows_reference(rows, test, mostly)))
    for predicate in draw(st.lists(st.sampled_from(sorted(PREDICATES)), min_size=1, max_size=3, unique=True)):
        mostly = draw(MOSTLY)
        cases.append(("expect_table_rows_to_satisfy", {"predicate": predicate, "mostly": mostly},
                      rows_reference(rows, lambda r, p=PREDICATES[predicate]: p(r) is not True, mostly)))
    return data, cases


@settings(PROPERTY, max_examples=budget(100))
@given(case=record_cases(), parquet=st.booleans())
def test_pair_compound_and_record_expectations_match_python(case, parquet):
    data, cases = case
    run_cases(data, ROW_COLUMNS, cases, parquet=parquet)


# --- property: row_condition scoping -------------------------------------------------------------

# row_condition -> does the row belong to the scope (the condition is TRUE, not false or NULL)?
CONDITIONS: dict[str, Callable[[dict], bool]] = {
    "a > 0": lambda r: r["a"] is not None and r["a"] > 0,
    'col("a") > 0': lambda r: r["a"] is not None and r["a"] > 0,
    "f <= 0.5": lambda r: r["f"] is not None and order_key(r["f"]) <= (0, 0.5),
    "s <> ''": lambda r: r["s"] is not None and r["s"] != "",
    "a > 0 AND s IS NOT NULL": lambda r: r["a"] is not None and r["a"] > 0 and r["s"] is not None,
    "a IS NULL OR b >= 2": lambda r: r["a"] is None or (r["b"] is not None and r["b"] >= 2),
    "length(s) > 1": lambda r: r["s"] is not None and len(r["s"]) > 1,
    "NOT (a = b)": lambda r: not_null(r["a"], r["b"]) and r["a"] != r["b"],
}


@st.composite
def scoped_cases(draw):
    data = draw(tables(ROW_COLUMNS))
    condition = draw(st.sampled_from(sorted(CONDITIONS)))
    scoped = [r for r in rows_of(data) if CONDITIONS[condition](r)]
    column = {name: [r[name] for r in scoped] for name in ROW_COLUMNS}
    where = {"row_condition": condition}
    cases: list[tuple[str, dict, Ref]] = []
    for name in ("s", "f", "a"):
        cases.append(("expect_column_values_to_not_be_null", {"column": name, **where},
                      not_null_reference(column[name])))
        cases.append(("expect_column_values_to_be_unique", {"column": name, **where},
                      unique_reference(column[name])))
    kw = draw(bounds(st.integers(-6, 6)))
    if kw["min_value"] is not None or kw["max_value"] is not None:
        cases.append(("expect_column_values_to_be_between", {"column": "b", **kw, **where},
                      map_reference(column["b"], lambda v: bounded(v, kw))))
    value_set = draw(member_sets(STRINGS))
    cases.append(("expect_column_values_to_be_in_set", {"column": "s", "value_set": value_set, **where},
                  map_reference(column["s"], lambda v: any(v == m for m in value_set if m is not None))))
    re2, python = draw(st.sampled_from(REGEXES))
    cases.append(("expect_column_values_to_match_regex", {"column": "s", "regex": re2, **where},
                  map_reference(column["s"], lambda v: re.search(python, v) is not None)))
    cases.append(("expect_column_value_lengths_to_be_between", {"column": "s", "min_value": 1, "max_value": 3,
                                                                **where},
                  map_reference(column["s"], lambda v: 1 <= len(v) <= 3)))
    for kind, stat in (("expect_column_min_to_be_between", ref_min(column["f"])),
                       ("expect_column_max_to_be_between", ref_max(column["f"])),
                       ("expect_column_unique_value_count_to_be_between", ref_distinct(column["s"]))):
        target = "s" if "unique" in kind else "f"
        cases.append((kind, {"column": target, "min_value": None, "max_value": None, **where},
                      {"observed_value": exact_observed(stat)}))
    cases.append(("expect_column_sum_to_be_between", {"column": "a", "min_value": 0, **where},
                  {"observed_value": exact_observed(ref_sum(column["a"], integer=True)),
                   "success": ref_sum(column["a"], integer=True) >= 0}))
    keys = Counter((canon(r["a"]), r["s"]) for r in scoped if not (r["a"] is None and r["s"] is None))
    cases.append(("expect_compound_columns_to_be_unique", {"column_list": ["a", "s"], **where},
                  kept_rows_reference(scoped, lambda r: not (r["a"] is None and r["s"] is None),
                                      lambda r: keys[(canon(r["a"]), r["s"])] > 1)))
    cases.append(("expect_table_records_to_be_complete", {"column_list": ["b", "g"], **where},
                  rows_reference(scoped, lambda r: r["b"] is None or r["g"] is None)))
    cases.append(("expect_table_rows_to_satisfy", {"predicate": "a >= b", **where},
                  rows_reference(scoped, lambda r: greater(r["a"], r["b"], True) is not True)))
    cases.append(("expect_column_pair_values_a_to_be_greater_than_b",
                  {"column_A": "a", "column_B": "b", "ignore_row_if": "either_value_is_missing", **where},
                  kept_rows_reference(scoped, lambda r: not_null(r["a"], r["b"]),
                                      lambda r: not greater(r["a"], r["b"], False))))
    return data, cases


@settings(PROPERTY, max_examples=budget(80))
@given(case=scoped_cases())
def test_row_condition_scopes_every_family(case):
    data, cases = case
    run_cases(data, ROW_COLUMNS, cases)


# --- property: few distinct values in a large table ----------------------------------------------

LARGE_ROWS = 25_000


@st.composite
def large_cases(draw):
    """A 25,000-row table: ``s`` has at most 31 distinct values (the per-distinct-value path);
    ``u`` derives a value per row from ``s`` with thousands of distinct values (row by row)."""
    pool = draw(st.lists(STRINGS, min_size=1, max_size=30, unique=True)) + [None]
    weights = draw(st.lists(st.integers(1, 20), min_size=len(pool), max_size=len(pool)))
    chooser = random.Random(draw(st.integers(0, 2 ** 32)))
    s = chooser.choices(pool, weights=weights, k=LARGE_ROWS)
    u = [None if v is None else f"{v}{i % 1500}" for i, v in enumerate(s)]
    data = {"s": s, "u": u}
    cases: list[tuple[str, dict, Ref]] = []
    for name in ("s", "u"):
        values = data[name]
        value_set = draw(st.lists(st.sampled_from(pool), max_size=8))
        cases.append(("expect_column_values_to_be_in_set", {"column": name, "value_set": value_set, "mostly": 0.5},
                      map_reference(values, lambda v, vs=value_set: v in vs, 0.5)))
        cases.append(("expect_column_values_to_not_be_in_set", {"column": name, "value_set": value_set},
                      map_reference(values, lambda v, vs=value_set: v not in vs)))
        for re2, python in draw(st.lists(st.sampled_from(REGEXES), min_size=1, max_size=2, unique=True)):
            cases.append(("expect_column_values_to_match_regex", {"column": name, "regex": re2},
                          map_reference(values, lambda v, p=python: re.search(p, v) is not None)))
        for re2, python in draw(st.lists(st.sampled_from(REGEXES), min_size=2, max_size=3, unique=True)):
            cases.append(("expect_column_values_to_not_match_regex", {"column": name, "regex": re2},
                          map_reference(values, lambda v, p=python: re.search(p, v) is None)))
        kw = {"min_value": draw(st.integers(0, 3)), "max_value": draw(st.integers(2, 6)),
              "strict_max": draw(st.booleans())}
        cases.append(("expect_column_value_lengths_to_be_between", {"column": name, **kw},
                      map_reference(values, lambda v, kw=kw: bounded(len(v), kw))))
        kw = draw(bounds(STRING_BOUNDS))
        if kw["min_value"] is not None or kw["max_value"] is not None:
            cases.append(("expect_column_values_to_be_between", {"column": name, **kw},
                          map_reference(values, lambda v, kw=kw: bounded(v, kw))))
    return data, cases


@settings(PROPERTY, max_examples=budget(10))
@given(case=large_cases())
def test_few_distinct_values_path_matches_python(case):
    data, cases = case
    columns = {"s": ("str", None), "u": ("str", None)}
    expectations = [(kind, kwargs) for kind, kwargs, _ in cases]
    suite = [{"type": kind, "kwargs": kwargs} for kind, kwargs in expectations]
    result = dsbench.validate(arrow(data, columns), suite)
    compare([r.to_dict() for r in result.results], expectations, [reference for _, _, reference in cases])
    # The comparison covered both paths: s grouped by value, u counted row by row.
    grouped = [sql for sql, _ in result.log.queries if "GROUP BY" in sql and "dsbench_rows" in sql]
    assert any('GROUP BY "s"' in sql for sql in grouped), grouped
    assert not any('GROUP BY "u"' in sql for sql in grouped), grouped


# ==============================================================================================
# Part 2 — scoring invariants
# ==============================================================================================

SCORING_CONCERNS = ["completeness.value", "completeness.record", "validity.range", "validity.domain",
                    "validity.format", "validity.length", "uniqueness.key", "uniqueness.record",
                    "consistency.rule", "accuracy.outlier", "timeliness.currency", "balance.label"]
UNBOUND_CONCERN = "cleanliness.text"  # a known concern no generated standard binds
NAME = {"zh": "名", "en": "name"}
INTEGER_WEIGHTS = st.integers(1, 5)
DECIMAL_WEIGHTS = st.one_of(INTEGER_WEIGHTS, st.sampled_from([0.1, 0.2, 0.3, 0.5, 0.7, 1.3, 2.5]),
                            st.floats(0.01, 10))
UNITS = ["values", "text_values", "cells", "records", "tables", "measure"]
COLUMNS = ["c0", "c1", "c2"]
TEXT = ["c1"]  # the text column of the generated table


@st.composite
def standard_documents(draw, weights: st.SearchStrategy = INTEGER_WEIGHTS) -> dict:
    concerns = list(draw(st.permutations(SCORING_CONCERNS)))  # each concern bound at most once
    scale = draw(st.sampled_from([100, 100, 1, 10, 7.5]))
    dimensions, codes = [], itertools.count()
    for d in range(draw(st.integers(1, 3))):
        indicators = []
        for _ in range(draw(st.integers(1, 4))):
            external = draw(st.integers(0, 4)) == 0
            take = draw(st.integers(0 if external else 1, 2))
            mine, concerns = concerns[:take], concerns[take:]
            external = external or not mine  # a data indicator needs a concern; none are left
            indicator = {"code": f"I{next(codes)}", "name": NAME, "weight": draw(weights), "concerns": mine}
            if external:
                indicator["evidence"] = "external"
            else:
                indicator["unit"] = draw(st.sampled_from(UNITS))
            if draw(st.booleans()):
                indicator["direction"] = "lower_is_better"
            if draw(st.booleans()):
                indicator["threshold"] = draw(st.sampled_from([0.0, 0.5, 0.9, 1.0]))
            indicators.append(indicator)
        dimensions.append({"code": f"D{d}", "id": f"d{d}", "name": NAME, "weight": draw(weights),
                           "indicators": indicators})
    gates = []
    indicator_codes = [i["code"] for d in dimensions for i in d["indicators"]]
    for kind in draw(st.lists(st.sampled_from(["min_score", "min_dimension_score", "min_indicator_score",
                                               "no_failed_severity"]), max_size=4)):
        gate: dict[str, Any] = {"type": kind}
        if kind == "no_failed_severity":
            gate["severity"] = draw(st.sampled_from(["critical", "warning", "info"]))
        else:
            gate["value"] = draw(st.sampled_from([0, scale / 2, scale * 0.9, scale]))
        if kind == "min_dimension_score" and draw(st.booleans()):
            gate["dimension"] = draw(st.sampled_from([d["code"] for d in dimensions]))
        if kind == "min_indicator_score":
            gate["indicator"] = draw(st.sampled_from(indicator_codes))
        gates.append(gate)
    minimums = sorted(set(draw(st.lists(st.sampled_from([0, scale * 0.6, scale * 0.8, scale * 0.9, scale]),
                                        max_size=4))), reverse=True)
    levels = [{"grade": "ABCDE"[i], "name": NAME, "min_score": m} for i, m in enumerate(minimums)]
    return {"id": "generated", "version": "1", "status": "draft", "title": NAME,
            "source": {"document": "generated by the property tests"},
            "profile": {"origin": "dsbench", "note": "generated"}, "scale": scale,
            "dimensions": dimensions, "gates": gates, "levels": levels}


# A table is a presence matrix (row -> column -> present?). A result is a Measured plus, for one
# that flags rows, the explicit set of rows it flags: the reference counts cells and rows from
# these sets directly; dsbench counts them from the signatures built below.

@st.composite
def presence_tables(draw) -> list[dict[str, bool]]:
    return draw(st.lists(st.fixed_dictionaries({c: st.booleans() for c in COLUMNS}), max_size=12))


@st.composite
def measured_results(draw, document: dict, table: list[dict[str, bool]]) -> list[tuple[Measured, set[int]]]:
    bound = [c for d in document["dimensions"] for i in d["indicators"] for c in i["concerns"]]
    concerns = st.sampled_from(bound + [UNBOUND_CONCERN, None]) if bound else st.sampled_from([UNBOUND_CONCERN, None])
    results = []
    for index in range(draw(st.integers(0, 10))):
        concern = draw(concerns)
        kind = draw(st.sampled_from(["rows", "rows", "rows", "scope", "measure"]))
        columns = draw(st.sampled_from([(), ("c0",), ("c1",), ("c2",), ("c0", "c1")]))
        errored = draw(st.integers(0, 9)) == 0
        severity = draw(st.sampled_from(["critical", "warning", "info"]))
        flagged: set[int] = set()
        by_row, identity = False, None
        if kind == "rows" and not errored:
            examined = [r for r, row in enumerate(table) if len(columns) != 1 or row[columns[0]]]
            flagged = set(draw(st.lists(st.sampled_from(examined), unique=True))) if examined else set()
            by_row = bool(flagged) and draw(st.integers(0, 4)) > 0  # else counted without signatures
            identity = None if by_row or not flagged else draw(st.sampled_from(["same", f"own{index}"]))
            evaluated = len(examined)
            passed = evaluated - len(flagged)
            success = not flagged or draw(st.booleans())
        else:
            evaluated = 0 if errored else draw(st.one_of(st.integers(0, 3), st.integers(0, 500)))
            passed = draw(st.integers(0, evaluated))
            success = False if errored else draw(st.booleans())
        results.append((Measured(f"r{index}", concern, severity, success, passed, evaluated, errored, "t", kind,
                                 columns, len(flagged), by_row, identity), flagged))
    return results


def elements_of(table: list[dict[str, bool]], results: list[tuple[Measured, set[int]]]) -> dict[str, dict]:
    """What dsbench.scoring.defects would record for the table: its counts and the signature groups."""
    atoms = sorted(r.id for r, _ in results if r.by_row)
    flags = {r.id: rows for r, rows in results}
    groups: dict[tuple, dict] = {}
    for index, row in enumerate(table):
        signature = tuple(i for i, atom in enumerate(atoms) if index in flags[atom])
        if signature:
            group = groups.setdefault(signature, {"atoms": list(signature), "rows": 0, "missing": {}})
            group["rows"] += 1
            for column in COLUMNS:
                if not row[column]:
                    group["missing"][column] = group["missing"].get(column, 0) + 1
    return {"t": {"rows": len(table), "present": {c: sum(row[c] for row in table) for c in COLUMNS},
                  "text": TEXT, "absent": [], "atoms": atoms, "groups": list(groups.values()), "exact": True}}


def reference_fraction(unit: str, bound: list[tuple[Measured, set[int]]],
                       table: list[dict[str, bool]]) -> Fraction | None:
    """A/B of an indicator, counted cell by cell and row by row from the explicit flagged sets."""
    results = [r for r, _ in bound]
    if unit == "measure":
        found = [Fraction(0, 1) if r.errored else Fraction(r.passed, r.evaluated) for r in results
                 if r.errored or r.evaluated > 0]
        return min(found) if found else None
    if not any(r.evaluated > 0 or r.whole for r in results):
        return None

    def defective(elements: set, rows_judged: Callable[[Measured], set]) -> int:
        if any(r.whole for r, _ in judging):
            return len(elements)
        flagged = set().union(*(rows_judged(r) & elements for r, rows in judging if r.by_row))
        opaque = {r.identity: r.flagged for r, _ in judging if r.kind == "rows" and not r.by_row and r.flagged}
        return min(len(elements), len(flagged) + sum(opaque.values()))

    if unit == "tables":
        return Fraction(0 if any(r.whole or r.flagged for r in results) else 1, 1)
    if unit == "records":
        judging = bound
        rows = set(range(len(table)))
        bad = defective(rows, lambda r: dict((m.id, f) for m, f in bound)[r.id])
        return Fraction(len(rows) - bad, len(rows)) if rows else None
    total = bad = 0
    for column in (TEXT if unit == "text_values" else COLUMNS):
        cells = {i for i, row in enumerate(table) if unit == "cells" or row[column]}
        total += len(cells)
        judging = [(r, rows) for r, rows in bound if not r.columns or column in r.columns]
        if judging:
            bad += defective(cells, lambda r: dict((m.id, f) for m, f in bound)[r.id])
    return Fraction(total - bad, total) if total else None


@st.composite
def evidence_for(draw, document: dict) -> dict[str, Evidence]:
    evidence = {}
    for dimension in document["dimensions"]:
        for indicator in dimension["indicators"]:
            if indicator.get("evidence") != "external" or draw(st.booleans()):
                continue
            if draw(st.booleans()):
                evidence[indicator["code"]] = Evidence(score=draw(st.sampled_from([0.0, 0.3, 0.86, 1.0])),
                                                       source="review")
            else:
                evaluated = draw(st.integers(1, 500))
                evidence[indicator["code"]] = Evidence(passed=draw(st.integers(0, evaluated)), evaluated=evaluated,
                                                       source="audit")
    return evidence


@st.composite
def scoring_cases(draw, weights: st.SearchStrategy = INTEGER_WEIGHTS):
    document = draw(standard_documents(weights))
    table = draw(presence_tables())
    return document, table, draw(measured_results(document, table)), draw(evidence_for(document))


def indicators_of(scores) -> dict[str, Any]:
    return {i.code: i for d in scores.dimensions for i in d.indicators}


def scored(document: dict, table: list, results: list, evidence: dict, name: str = "generated.yaml"):
    return score(standard_from_document(document, name), [r for r, _ in results], evidence,
                 elements_of(table, results))


def check_bounds_and_counts(document: dict, table: list, results: list, evidence: dict[str, Evidence]) -> None:
    """Scores lie within 0..scale; None exactly when nothing applies; an indicator is A/B as counted
    element by element; dimensions and the overall score are weighted means."""
    scale = document["scale"]
    scores = scored(document, table, results, evidence)
    assert scores.scale == scale
    spec = {i["code"]: i for d in document["dimensions"] for i in d["indicators"]}
    for dimension in scores.dimensions:
        for indicator in dimension.indicators:
            source = spec[indicator.code]
            if source.get("evidence") == "external":
                given = evidence.get(indicator.code)
                fraction = None if given is None else (
                    Fraction(given.score) if given.score is not None else Fraction(given.passed, given.evaluated))
            else:
                bound = [(r, rows) for r, rows in results if r.concern in source["concerns"]]
                fraction = reference_fraction(source["unit"], bound, table)
            if fraction is None:
                assert indicator.score is None and indicator.status in ("not_applicable", "not_evaluated")
                continue
            assert indicator.status in ("scored", "external"), (indicator, fraction)
            assert 0 <= indicator.score <= scale
            assert math.isclose(indicator.score, float(fraction * Fraction(scale)), rel_tol=1e-12, abs_tol=1e-12)
        counted = [i.score for i in dimension.indicators if i.score is not None]
        if counted:
            assert dimension.status == "scored" and 0 <= dimension.score <= scale, dimension
            # A weighted mean lies between its smallest and largest member (up to rounding).
            slack = 1e-12 * scale
            assert min(counted) - slack <= dimension.score <= max(counted) + slack, dimension
        else:
            assert dimension.score is None and dimension.status in ("not_applicable", "not_evaluated")
    dimension_scores = [d.score for d in scores.dimensions if d.score is not None]
    if dimension_scores:
        assert 0 <= scores.score <= scale
        assert min(dimension_scores) - 1e-12 * scale <= scores.score <= max(dimension_scores) + 1e-12 * scale
        assert math.isclose(sum(d.effective_weight for d in scores.dimensions if d.score is not None), 1)
    else:
        assert scores.score is None and scores.grade is None and not scores.passed


@settings(PROPERTY, max_examples=budget(200))
@given(case=scoring_cases())
def test_indicators_count_their_elements_and_stay_within_the_scale(case):
    check_bounds_and_counts(*case)


def without_indicator(document: dict, code: str) -> dict:
    """The standard without one indicator (and without its dimension if that becomes empty), and
    without the gates that name either."""
    copy = {**document, "dimensions": []}
    removed_dimension = None
    for dimension in document["dimensions"]:
        indicators = [i for i in dimension["indicators"] if i["code"] != code]
        if indicators:
            copy["dimensions"].append({**dimension, "indicators": indicators})
        else:
            removed_dimension = dimension["code"]
    copy["gates"] = [g for g in document["gates"] if g.get("indicator") != code
                     and (removed_dimension is None or g.get("dimension") != removed_dimension)]
    return copy


@st.composite
def not_applicable_cases(draw):
    document, table, results, evidence = draw(scoring_cases())
    indicators = [i for d in document["dimensions"] for i in d["indicators"]]
    if len(indicators) < 2:
        # the indicator removed must leave a standard with at least one indicator
        extra = {"code": "Z", "name": NAME, "weight": 1, "concerns": [], "evidence": "external"}
        document["dimensions"][0]["indicators"].append(extra)
        indicators.append(extra)
    target = draw(st.sampled_from(indicators))
    mine = set(target["concerns"])
    # The target applies to nothing: its concerns have only results that examined nothing.
    results = [(r, rows) for r, rows in results if r.concern not in mine]
    for index, concern in enumerate(draw(st.lists(st.sampled_from(sorted(mine)), max_size=3)) if mine else []):
        results.append((Measured(f"na{index}", concern, "critical", True, 0, 0, False, "t", "rows"), set()))
    evidence = {code: e for code, e in evidence.items() if code != target["code"]}
    return document, table, target["code"], draw(st.permutations(results)), evidence


@settings(PROPERTY, max_examples=budget(120))
@given(case=not_applicable_cases())
def test_not_applicable_indicator_changes_nothing_else(case):
    document, table, code, results, evidence = case
    full = scored(document, table, results, evidence)
    assert indicators_of(full)[code].score is None
    assert indicators_of(full)[code].status in ("not_applicable", "not_evaluated")
    reduced = scored(without_indicator(document, code), table, results, evidence, "reduced.yaml")
    kept = indicators_of(reduced)
    for other, indicator in indicators_of(full).items():
        if other == code:
            continue
        twin = kept[other]
        assert (indicator.status, indicator.score, indicator.value, indicator.passed, indicator.evaluated,
                indicator.threshold_met) == (twin.status, twin.score, twin.value, twin.passed, twin.evaluated,
                                             twin.threshold_met)
    reduced_dimensions = {d.code: d for d in reduced.dimensions}
    for dimension in full.dimensions:
        if dimension.code in reduced_dimensions:
            twin = reduced_dimensions[dimension.code]
            assert dimension.score == twin.score
            # A dimension is "not evaluated" rather than "not applicable" while one of its indicators
            # waits for evidence: only removing such an indicator may change the label.
            if indicators_of(full)[code].status == "not_applicable":
                assert dimension.status == twin.status
        else:  # the target was its only indicator
            assert dimension.score is None
    assert (full.score, full.grade) == (reduced.score, reduced.grade)


@st.composite
def added_check_cases(draw):
    """A case, and the same case with one more result: a copy of one of its results, a check that
    finds nothing, or a check that flags more rows (``critical``, failing)."""
    document, table, results, evidence = draw(scoring_cases(DECIMAL_WEIGHTS))
    added = draw(st.sampled_from(["copy", "passing", "failing"]))
    if added == "copy" and results:
        original, rows = draw(st.sampled_from(results))
        # The same rule under another id: an atom of the signatures too, or the same identity.
        extra = Measured("copy", *[getattr(original, f) for f in ("concern", "severity", "success", "passed",
                                                                    "evaluated", "errored", "table", "kind",
                                                                    "columns", "flagged", "by_row", "identity")])
        return document, table, results, evidence, added, (extra, set(rows))
    bound = [c for d in document["dimensions"] for i in d["indicators"] for c in i["concerns"]]
    concern = draw(st.sampled_from(bound)) if bound else UNBOUND_CONCERN
    columns = draw(st.sampled_from([(), ("c0",), ("c1",), ("c2",)]))
    examined = [r for r, row in enumerate(table) if len(columns) != 1 or row[columns[0]]]
    if added == "failing" and examined:
        rows = set(draw(st.lists(st.sampled_from(examined), min_size=1, unique=True)))
        extra = Measured("added", concern, "critical", False, len(examined) - len(rows), len(examined), False, "t",
                         "rows", columns, len(rows), True)
        return document, table, results, evidence, "failing", (extra, rows)
    extra = Measured("added", concern, "info", True, len(examined), len(examined), False, "t", "rows", columns)
    return document, table, results, evidence, "passing", (extra, set())


@settings(PROPERTY, max_examples=budget(200))
@given(case=added_check_cases())
def test_copies_passing_checks_and_failing_checks(case):
    """An exact copy changes nothing; a check that finds nothing changes no indicator that was
    applicable; a failing check never raises an indicator, and a failing critical check fails a
    standard with a critical gate."""
    document, table, results, evidence, added, extra = case
    before = scored(document, table, results, evidence)
    after = scored(document, table, results + [extra], evidence)
    old, new = indicators_of(before), indicators_of(after)
    for code, indicator in old.items():
        if added == "copy":
            assert (new[code].score, new[code].passed, new[code].evaluated) == \
                (indicator.score, indicator.passed, indicator.evaluated), code
        elif indicator.score is not None:
            if added == "passing":
                assert (new[code].score, new[code].passed, new[code].evaluated) == \
                    (indicator.score, indicator.passed, indicator.evaluated), code
            else:
                assert new[code].score <= indicator.score, code
    if added == "copy":
        assert (after.score, after.grade, after.passed) == (before.score, before.grade, before.passed)
    if added == "failing" and any(g["type"] == "no_failed_severity" and g["severity"] == "critical"
                                  for g in document["gates"]):
        assert not after.passed


@settings(PROPERTY, max_examples=budget(120))
@given(case=scoring_cases(DECIMAL_WEIGHTS), data=st.data())
def test_order_of_results_does_not_change_the_card(case, data):
    document, table, results, evidence = case
    shuffled = data.draw(st.permutations(results))
    assert canonical_bytes(scores_document(scored(document, table, shuffled, evidence), _standard(document))) == \
        canonical_bytes(scores_document(scored(document, table, results, evidence), _standard(document)))


def _standard(document: dict):
    return standard_from_document(document, "generated.yaml")


# --- discrepancies found by the properties above --------------------------------------------------

def weighted_document(weights: list[float], scale: float = 100) -> dict:
    """One dimension whose indicators have the given weights, each bound to its own concern."""
    indicators = [{"code": f"I{i}", "name": NAME, "weight": w, "concerns": [SCORING_CONCERNS[i]], "unit": "records"}
                  for i, w in enumerate(weights)]
    return {"id": "generated", "version": "1", "status": "draft", "title": NAME,
            "source": {"document": "generated by the property tests"},
            "profile": {"origin": "dsbench", "note": "generated"}, "scale": scale,
            "dimensions": [{"code": "D0", "id": "d0", "name": NAME, "weight": 1, "indicators": indicators}],
            "gates": [{"type": "min_score", "value": scale}], "levels": []}


def all_passed(document: dict) -> list[tuple[Measured, set[int]]]:
    concerns = [c for d in document["dimensions"] for i in d["indicators"] for c in i["concerns"]]
    return [(Measured(f"r{i}", c, "critical", True, 10, 10, False, "t", "rows", ()), set())
            for i, c in enumerate(concerns)]


TEN_FULL_ROWS = [{c: True for c in COLUMNS}] * 10

# Regressions: scoring once divided float sums, so with non-integer weights (the schema allows any
# number > 0) a dimension whose indicators all score the full scale scored above it,
# (1*100 + 1.3*100) / 2.3 = 100.00000000000001, or below it, (0.1*100 + 0.2*100) / 0.3 =
# 99.99999999999999, and a `min_score: 100` gate failed on data that passes every check.

@settings(PROPERTY)
@example(case=(weighted_document([1, 1.3]), TEN_FULL_ROWS, all_passed(weighted_document([1, 1.3])), {}))
@given(case=scoring_cases(DECIMAL_WEIGHTS))
def test_scores_stay_within_the_scale_with_decimal_weights(case):
    check_bounds_and_counts(*case)


@settings(PROPERTY)
@example(weights=[0.1, 0.2])
@given(weights=st.lists(DECIMAL_WEIGHTS, min_size=1, max_size=4))
def test_data_passing_every_check_scores_the_full_scale(weights):
    document = weighted_document(weights)
    scores = scored(document, TEN_FULL_ROWS, all_passed(document), {})
    assert [d.score for d in scores.dimensions] == [100] and scores.score == 100 and scores.passed
