"""Label expectations (class balance Bal-ML-3 and Bal-ML-8, richness Div-ML-1, class sizes) against
an independent Python reference (Counter, exact fractions), hand-built fixtures with exact A/B, the
not-applicable cases, and the one grouped count all four share."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections import Counter
from fractions import Fraction

import pyarrow as pa
import pytest

import dsbench
from dsbench.errors import SuiteError
from dsbench.suites.model import Suite
from dsbench.validation.runner import bind

BAL3 = "expect_column_class_sizes_to_be_balanced"
BAL8 = "expect_column_class_distribution_to_be_near_uniform"
RICH = "expect_column_distinct_labels_to_cover_set"
SIZE = "expect_column_class_sizes_to_be_at_least"


def outcomes(table: pa.Table, *configs: dict) -> list:
    return [r.outcome for r in dsbench.validate(table, list(configs)).results]


def measure(outcome) -> tuple[int, int]:
    return outcome.passed, outcome.evaluated


# --- the reference -----------------------------------------------------------------------------

def kind(value) -> str:
    """Type-aware identity: booleans, numbers and strings never equal one another."""
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, (int, float)) else "str"


def reference(labels: list, declared: list | None, min_size: int = 1) -> dict:
    counts = Counter((kind(v), v) for v in labels if v is not None)
    declared_keys = {(kind(v), v) for v in declared or []}
    classes = set(counts) | declared_keys
    n, k = sum(counts.values()), len(classes)
    sizes = {c: counts.get(c, 0) for c in classes}
    out = {"n": n, "k": k, "sizes": sizes}
    if k < 2 or n == 0:
        out["bal3"] = out["bal8"] = (0, 0)
    else:
        b = n * (k - 1)
        x3 = 1 - Fraction(max(abs(Fraction(s) - Fraction(n, k)) for s in sizes.values()), Fraction(n * (k - 1), k))
        tv = sum(abs(Fraction(s, n) - Fraction(1, k)) for s in sizes.values()) / 2
        x8 = 1 - tv / (1 - Fraction(1, k))
        assert (x3 * b).denominator == 1 and (x8 * b).denominator == 1
        out["bal3"], out["bal8"] = (int(x3 * b), b), (int(x8 * b), b)
        probabilities = [Fraction(s, n) for s in sizes.values() if s]
        entropy = -sum(float(p) * math.log2(p) for p in probabilities)
        out["kl"] = sum(float(p) * math.log2(p * k) for p in probabilities)
        out["evenness"] = entropy / math.log2(k)
    out["rich"] = (sum(counts.get(c, 0) > 0 for c in declared_keys), len(declared_keys))
    out["size"] = (sum(s >= min_size for s in sizes.values()), k)
    return out


def random_labels(seed: int, n: int, integer: bool) -> tuple[list, list, list]:
    rng = random.Random(seed)
    pool = [0, 1, 2, 3, 7] if integer else ["cat", "dog", "bird", "猫", "Dog"]
    weights = [rng.randint(1, 10) for _ in pool]
    labels = [None if rng.random() < 0.1 else rng.choices(pool, weights)[0] for _ in range(n)]
    x = [rng.randint(0, 9) for _ in range(n)]
    # Declared: some present, some absent; for integers a float twin (matches) and a string (does not).
    declared = [1, 3, 9, 1.0, "1"] if integer else ["cat", "dog", "fish", "lion"]
    return labels, x, declared


# --- against the reference ----------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("integer", [False, True])
def test_random_labels_match_python(seed, integer):
    labels, x, declared = random_labels(seed, 300, integer)
    min_size = 30
    cases, configs = [], []
    for condition, keep in ((None, lambda i: True), ("x < 4", lambda i: x[i] < 4)):
        for value_set in (None, declared):
            common = {"column": "y", **({"value_set": value_set} if value_set else {}),
                      **({"row_condition": condition} if condition else {})}
            cases.append(reference([v for i, v in enumerate(labels) if keep(i)], value_set, min_size))
            configs += [{"type": BAL3, "kwargs": common}, {"type": BAL8, "kwargs": common},
                        {"type": SIZE, "kwargs": {**common, "min_value": min_size}},
                        {"type": RICH, "kwargs": {**common, "value_set": value_set or [0]}}]
    results = outcomes(pa.table({"y": labels, "x": x}), *configs)
    for ref, (bal3, bal8, size, rich) in zip(cases, zip(*[iter(results)] * 4)):
        assert measure(bal3) == ref["bal3"] and measure(bal8) == ref["bal8"]
        assert measure(size) == ref["size"]
        assert bal3.result["observed_value"] == ref["bal3"][0] / ref["bal3"][1]
        assert bal8.result["observed_value"] == ref["bal8"][0] / ref["bal8"][1]
        assert bal8.result["details"]["kl_divergence_bits"] == pytest.approx(ref["kl"], rel=1e-9, abs=1e-12)
        assert bal8.result["details"]["normalized_entropy"] == pytest.approx(ref["evenness"], rel=1e-9)
        assert bal3.result["details"]["classes"] == ref["k"] and bal3.result["details"]["label_count"] == ref["n"]
        listed = {(kind(c["value"]), c["value"]): c["count"] for c in bal3.result["details"]["class_counts"]}
        assert listed == ref["sizes"]
        assert size.result["observed_value"] == min(ref["sizes"].values())
        below = sorted((s, c) for c, s in ref["sizes"].items() if s < min_size)
        assert [(c["count"], c["value"]) for c in size.result["details"]["classes_below_minimum"]] == \
            [(s, c[1]) for s, c in below][:20]
        if ref["rich"][1]:  # a set was declared (else RICH ran on a stand-in, unchecked)
            assert measure(rich) == ref["rich"]
            assert rich.success == (ref["rich"][0] == ref["rich"][1])


# --- hand-built fixtures -------------------------------------------------------------------------

FIXTURE = pa.table({"y": ["a"] * 6 + ["b"] * 3 + ["c"] + [None] * 2})


def test_fixture_exact_measures():
    """N = 10, classes a, b, c (6, 3, 1) and the declared, absent d: k = 4, B = N(k − 1) = 30;
    deviations |4n − N| = 14, 2, 6, 10."""
    declared = {"column": "y", "value_set": ["a", "b", "c", "d"]}
    bal3, bal8, rich, size = outcomes(
        FIXTURE, {"type": BAL3, "kwargs": declared}, {"type": BAL8, "kwargs": declared},
        {"type": RICH, "kwargs": {"column": "y", "value_set": ["e", "d", "b", "a", "a"]}},
        {"type": SIZE, "kwargs": {**declared, "min_value": 3}})
    assert measure(bal3) == (30 - 14, 30) and bal3.success
    assert bal3.result["details"] == {
        "classes": 4, "label_count": 10, "mean_class_size": 2.5, "largest_deviation": 3.5,
        "most_deviating_class": "a",
        "class_counts": [{"value": "a", "count": 6}, {"value": "b", "count": 3},
                         {"value": "c", "count": 1}, {"value": "d", "count": 0}]}
    assert measure(bal8) == (30 - (14 + 2), 30)
    assert bal8.result["details"]["total_variation_distance"] == 0.4  # 16 / (4 · 10)
    assert measure(rich) == (2, 4) and not rich.success  # a, b of a, b, d, e (the repeated a counts once)
    assert rich.result["observed_value"] == 0.5
    assert rich.result["details"] == {"declared_count": 4, "present_count": 2, "missing_labels": ["d", "e"],
                                      "undeclared_count": 1, "partial_undeclared_labels": ["c"]}
    assert measure(size) == (2, 4) and not size.success and size.result["observed_value"] == 0
    assert size.result["details"]["classes_below_minimum"] == [{"value": "d", "count": 0}, {"value": "c", "count": 1}]


def test_thresholds_decide_success_not_the_measure():
    kw = {"column": "y", "value_set": ["a", "b", "c", "d"]}
    low, high = outcomes(FIXTURE, {"type": BAL3, "kwargs": {**kw, "min_value": 0.5}},
                         {"type": BAL3, "kwargs": {**kw, "min_value": 0.6}})
    assert measure(low) == measure(high) == (16, 30) and low.success and not high.success
    rich, size = outcomes(FIXTURE, {"type": RICH, "kwargs": {**kw, "min_value": 0.75}},
                          {"type": SIZE, "kwargs": {**kw, "min_value": 3, "mostly": 0.5}})
    assert measure(rich) == (3, 4) and rich.success
    assert measure(size) == (2, 4) and size.success


def test_uniform_labels_score_one():
    table = pa.table({"y": [1, 2, 3] * 5})
    bal3, bal8, size = outcomes(table, {"type": BAL3, "kwargs": {"column": "y"}},
                                {"type": BAL8, "kwargs": {"column": "y"}},
                                {"type": SIZE, "kwargs": {"column": "y", "min_value": 5}})
    assert measure(bal3) == measure(bal8) == (30, 30)
    assert bal8.result["details"]["kl_divergence_bits"] == 0.0
    assert bal8.result["details"]["normalized_entropy"] == 1.0
    assert measure(size) == (3, 3) and size.success and size.result["observed_value"] == 5


@pytest.mark.parametrize("seed", range(5))
def test_binary_labels_give_the_same_balance_both_ways(seed):
    rng = random.Random(seed)
    labels = [None if rng.random() < 0.1 else rng.random() < rng.random() for _ in range(rng.randint(2, 200))]
    configs = [{"type": name, "kwargs": {"column": "y", **kw}} for kw in ({}, {"value_set": [True, False]})
               for name in (BAL3, BAL8)]
    results = outcomes(pa.table({"y": pa.array(labels, pa.bool_())}), *configs)
    for bal3, bal8 in zip(results[::2], results[1::2]):
        assert measure(bal3) == measure(bal8)
        assert bal3.result["observed_value"] == bal8.result["observed_value"]


def test_a_declared_second_class_makes_one_present_class_binary():
    """Applicable, and as unbalanced as can be, both ways."""
    bal3, bal8 = outcomes(pa.table({"y": ["x"] * 7}), {"type": BAL3, "kwargs": {"column": "y", "value_set": ["z"]}},
                          {"type": BAL8, "kwargs": {"column": "y", "value_set": ["z"]}})
    assert measure(bal3) == measure(bal8) == (0, 7)
    assert bal3.result["observed_value"] == 0.0 and bal3.success  # the default min_value is 0


# --- not applicable ------------------------------------------------------------------------------

@pytest.mark.parametrize("table, kwargs", [
    (pa.table({"y": ["a", "a", None]}), {}),  # one class
    (pa.table({"y": pa.array([None, None], pa.string())}), {}),  # no label
    (pa.table({"y": pa.array([], pa.string())}), {"value_set": ["a", "b"]}),  # declared, but N = 0
    (pa.table({"y": ["a", "b"], "x": [1, 2]}), {"row_condition": "x > 5"}),  # nothing in scope
    (pa.table({"y": ["a", "a"]}), {"value_set": ["a"]}),  # the one declared class is the one present
])
def test_balance_without_two_classes_and_a_label_is_not_applicable(table, kwargs):
    for name in (BAL3, BAL8):
        (outcome,) = outcomes(table, {"type": name, "kwargs": {"column": "y", "min_value": 1.0, **kwargs}})
        assert measure(outcome) == (0, 0) and outcome.success
        assert outcome.result["observed_value"] is None


def test_class_sizes_and_richness_without_labels():
    empty = pa.table({"y": pa.array([None], pa.string())})
    size, declared_size, rich = outcomes(
        empty, {"type": SIZE, "kwargs": {"column": "y", "min_value": 1}},
        {"type": SIZE, "kwargs": {"column": "y", "min_value": 1, "value_set": ["a", "b"]}},
        {"type": RICH, "kwargs": {"column": "y", "value_set": ["a", "b"]}})
    assert measure(size) == (0, 0) and size.success and size.result["observed_value"] is None
    assert measure(declared_size) == (0, 2) and not declared_size.success
    assert measure(rich) == (0, 2) and not rich.success  # no label present: none of the declared ones


# --- type-aware matching and ordering -------------------------------------------------------------

def test_declared_values_match_by_kind_and_value():
    ints = pa.table({"y": [1, 1, 2]})
    (rich,) = outcomes(ints, {"type": RICH, "kwargs": {"column": "y", "value_set": [1.0, "1", True, 2]}})
    assert measure(rich) == (2, 4)  # 1.0 is the integer 1 and 2 is present; "1" and true are not labels
    assert rich.result["details"]["missing_labels"] == [True, "1"]  # bool < number < str
    bools = pa.table({"y": [True, False, True]})
    (bal3,) = outcomes(bools, {"type": BAL3, "kwargs": {"column": "y", "value_set": [1, "true", True]}})
    assert [c["value"] for c in bal3.result["details"]["class_counts"]] == [False, True, 1, "true"]
    assert [c["count"] for c in bal3.result["details"]["class_counts"]] == [1, 2, 0, 0]


def test_other_label_types_are_json_ready():
    table = pa.table({"d": [dt.date(2024, 1, 2), dt.date(2024, 1, 1), None],
                      "f": [float("nan"), 0.5, float("nan")]})
    result = dsbench.validate(table, [
        {"type": BAL3, "kwargs": {"column": "d", "value_set": ["2024-01-03", dt.date(2024, 1, 2), "soon"]}},
        {"type": SIZE, "kwargs": {"column": "f", "min_value": 2}}])
    dates, floats = (r.outcome for r in result.results)
    # Suites store dates as ISO text, so declared strings are dates on a date column, unless they do not parse.
    assert dates.result["details"]["class_counts"] == [
        {"value": "2024-01-01", "count": 1}, {"value": "2024-01-02", "count": 1},
        {"value": "2024-01-03", "count": 0}, {"value": "soon", "count": 0}]  # dates, then the string
    assert measure(floats) == (1, 2)  # every NaN is one class
    assert floats.result["details"]["classes_below_minimum"] == [{"value": 0.5, "count": 1}]
    json.dumps(result.to_dict(), allow_nan=False)
    aware = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    (stamps,) = outcomes(pa.table({"t": [aware, aware]}), {"type": RICH, "kwargs": {
        "column": "t", "value_set": ["2024-01-01 00:00:00", "2024-01-01T01:00:00+01:00", "2024-01-02"]}})
    assert measure(stamps) == (1, 2)  # the first two are the same instant; a naive string means UTC


# --- one grouped count for all ------------------------------------------------------------------

def test_every_label_expectation_shares_one_grouped_count():
    table = pa.table({"y": ["a", "b", "a", None], "x": [1, 2, 3, 4]})
    configs = [{"type": BAL3, "kwargs": {"column": "y"}},
               {"type": BAL8, "kwargs": {"column": "y", "value_set": ["a", "z"], "min_value": 0.5}},
               {"type": RICH, "kwargs": {"column": "y", "value_set": ["a"]}},
               {"type": SIZE, "kwargs": {"column": "y", "min_value": 2}}]
    with dsbench.load_dataset(table) as dataset:
        bound = bind(Suite.from_expectations(configs), dataset)
        metrics = [expectation.metrics() for _, expectation in bound]
        assert all(m == metrics[0] and len(m) == 1 for m in metrics)
        assert "value_set" not in metrics[0][0].sql and metrics[0][0].params == ()  # declared values stay in Python
    result = dsbench.validate(table, configs + [{"type": BAL3, "kwargs": {"column": "y", "row_condition": "x > 1"}}])
    grouped = [sql for sql, _ in result.log.queries if "GROUP BY" in sql]
    assert len(grouped) == 2, grouped  # one per scope: the whole table, and x > 1


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize("config, where", [
    ({"type": BAL3, "kwargs": {"column": "nope"}}, "kwargs.column"),
    ({"type": BAL3, "kwargs": {"column": "y", "min_value": 1.5}}, "kwargs.min_value"),
    ({"type": BAL8, "kwargs": {"column": "y", "min_value": -0.1}}, "kwargs.min_value"),
    ({"type": BAL8, "kwargs": {"column": "y", "min_value": True}}, "kwargs.min_value"),
    ({"type": SIZE, "kwargs": {"column": "y"}}, "kwargs.min_value"),
    ({"type": SIZE, "kwargs": {"column": "y", "min_value": 0}}, "kwargs.min_value"),
    ({"type": SIZE, "kwargs": {"column": "y", "min_value": 2.5}}, "kwargs.min_value"),
    ({"type": RICH, "kwargs": {"column": "y"}}, "kwargs.value_set"),
    ({"type": RICH, "kwargs": {"column": "y", "value_set": []}}, "kwargs.value_set"),
    ({"type": RICH, "kwargs": {"column": "y", "value_set": ["a"], "min_value": 2}}, "kwargs.min_value"),
    ({"type": SIZE, "kwargs": {"column": "y", "min_value": 1, "value_set": ["a", None]}}, "kwargs.value_set"),
    ({"type": BAL3, "kwargs": {"column": "y", "weights": [1]}}, "kwargs.weights"),
])
def test_bad_configurations_are_suite_errors(config, where):
    with pytest.raises(SuiteError, match=rf"expectations\[0\]\.{where}"):
        dsbench.validate(pa.table({"y": ["a"]}), [config])


def test_types_are_registered_with_their_concerns():
    types = dsbench.expectation_types()
    for name, concern in {BAL3: "balance.label", BAL8: "balance.label_distribution",
                          RICH: "diversity.label", SIZE: "balance.class_size"}.items():
        cls = types[name]
        assert cls.default_concern == concern and cls.gx_compatible is False
        assert cls.summary and "\n" not in cls.summary
