"""Leakage between splits and label drift, against Python references (exact Jaccard over all
pairs, Fractions)."""

from __future__ import annotations

import random
from pathlib import Path
from collections import Counter
from fractions import Fraction

import pyarrow as pa
import pytest

import dsbench
from dsbench.suites.generated import manifest_suites
from tests.test_near_duplicates import base_text, jaccard, perturb, shingles
from tests.test_text_expectations import normalize

LEAK = "expect_column_values_to_not_occur_in_other_table"
DRIFT = "expect_column_label_distribution_to_match_other_table"


def run(test: pa.Table, train: pa.Table, *configs):
    return [r.outcome for r in dsbench.validate(test, list(configs), tables={"train": train}).results]


def splits(seed: int):
    rng = random.Random(seed)
    train = [base_text(rng)[:60] for _ in range(300)]
    test = [base_text(rng)[:60] for _ in range(150)]
    test += [rng.choice(train).upper() for _ in range(20)]  # copies (after normalisation)
    test += [perturb(rng.choice(train), rng, 0.02) for _ in range(30)]  # near copies
    test += [None] * 5
    rng.shuffle(test)
    return train, test


@pytest.mark.parametrize("seed", range(3))
def test_leakage_matches_exact_jaccard(seed):
    train, test = splits(seed)
    copies, near = run(pa.table({"s": test}), pa.table({"s": train}),
                       {"type": LEAK, "kwargs": {"column": "s", "other_table_name": "train", "near": False}},
                       {"type": LEAK, "kwargs": {"column": "s", "other_table_name": "train"}})
    known = {normalize(t) for t in train}
    present = [t for t in test if t is not None]
    copied = [t for t in present if normalize(t) in known]
    assert (copies.passed, copies.evaluated) == (len(present) - len(copied), len(present))
    assert copies.result["details"]["copied_texts"] == len({normalize(t) for t in copied})

    train_sets = [shingles(normalize(u)) for u in train]
    leaked = [t for t in present if normalize(t) in known or any(
        len(x & y) >= 0.7 * len(x | y) for x in [shingles(normalize(t))] for y in train_sets)]
    found = near.result["unexpected_count"]
    assert len(copied) < found <= len(leaked) and found >= 0.95 * len(leaked)
    assert near.evaluated == len(present) and not near.success
    for pair in near.result["details"]["partial_leaks"]:
        assert pair["b"] in train and jaccard(pair["a"], pair["b"]) >= 0.7


def test_no_leak_and_row_condition():
    train = pa.table({"s": ["alpha beta gamma", "delta epsilon"]})
    test = pa.table({"s": ["ALPHA beta gamma", "zeta eta theta"], "keep": [False, True]})
    config = {"type": LEAK, "kwargs": {"column": "s", "other_table_name": "train"}}
    clean, = run(test, train, dict(config, kwargs=dict(config["kwargs"], row_condition="keep")))
    assert (clean.success, clean.passed, clean.evaluated) == (True, 1, 1)
    dirty, = run(test, train, config)
    assert (dirty.success, dirty.passed, dirty.evaluated) == (False, 1, 2)


@pytest.mark.parametrize("seed", range(4))
def test_label_drift_is_total_variation_distance(seed):
    rng = random.Random(seed)
    mine = [rng.choice(["pos", "neg", "neu", None]) for _ in range(rng.randint(50, 200))]
    theirs = [rng.choice(["pos", "pos", "neg", "other"]) for _ in range(rng.randint(50, 200))]
    result, = run(pa.table({"label": mine}), pa.table({"y": theirs}),
                  {"type": DRIFT, "kwargs": {"column": "label", "other_table_name": "train", "other_column": "y",
                                             "max_distance": 0.2}})
    a, b = Counter(x for x in mine if x is not None), Counter(theirs)
    n, m = sum(a.values()), sum(b.values())
    tvd = sum(abs(Fraction(a[k], n) - Fraction(b[k], m)) for k in set(a) | set(b)) / 2
    assert Fraction(result.passed, result.evaluated) == 1 - tvd
    assert result.result["observed_value"] == pytest.approx(float(tvd), rel=1e-11)
    assert result.success == (tvd <= Fraction(0.2))


def test_label_drift_not_applicable_without_labels():
    result, = run(pa.table({"label": pa.array([None, None], pa.string())}), pa.table({"label": ["a"]}),
                  {"type": DRIFT, "kwargs": {"column": "label", "other_table_name": "train"}})
    assert (result.success, result.evaluated) == (True, 0)


@pytest.mark.parametrize("config, location", [
    ({"type": LEAK, "kwargs": {"column": "s", "other_table_name": "nope"}}, "other_table_name"),
    ({"type": LEAK, "kwargs": {"column": "s", "other_table_name": "train", "other_column": "n"}}, "other_column"),
    ({"type": LEAK, "kwargs": {"column": "s", "other_table_name": "train", "other_column": "x\"; DROP"}}, "other_column"),
    ({"type": DRIFT, "kwargs": {"column": "s", "other_table_name": "train", "max_distance": 2}}, "max_distance"),
])
def test_bad_kwargs_are_suite_errors(config, location):
    with pytest.raises(dsbench.SuiteError) as error:
        run(pa.table({"s": ["a"]}), pa.table({"s": ["a"], "n": [1]}), config)
    assert location in str(error.value)


SPLITS = Path(__file__).parent / "data" / "splits"


def test_manifest_splits_generate_leakage_and_drift_checks():
    """validation repeats a train text; test holds a near copy of a train text (a full-width ！
    added) and a copy of a validation text."""
    with dsbench.load_dataset(SPLITS) as dataset:
        suites = {s.table: s for s in manifest_suites(dataset)}
        checks = {e.id: e for s in suites.values() for e in s.expectations
                  if e.type in (LEAK, DRIFT)}
        assert sorted(checks) == [
            "manifest.test.label.label_drift.train", "manifest.test.label.label_drift.validation",
            "manifest.test.text.not_in.train", "manifest.test.text.not_in.validation",
            "manifest.validation.label.label_drift.train", "manifest.validation.text.not_in.train"]
        assert "manifest.train.text.not_in.validation" not in checks  # train is checked against nothing
        outcomes = {r.id: r.outcome for table, suite in suites.items() if table != "documentation"
                    for r in dsbench.validate(dataset, suite).results}
    assert (outcomes["manifest.validation.text.not_in.train"].passed,
            outcomes["manifest.validation.text.not_in.train"].evaluated) == (1, 2)
    near = outcomes["manifest.test.text.not_in.train"]
    assert (near.passed, near.evaluated) == (3, 4)
    assert near.result["details"]["near_duplicate_texts"] == 1 and near.result["details"]["copied_texts"] == 0
    assert (outcomes["manifest.test.text.not_in.validation"].passed,) == (3,)
    # test: 3 neg, 1 pos; train: 2 neg, 3 pos -> TVD = |3/4 - 2/5| = 0.35 > 0.1
    drift = outcomes["manifest.test.label.label_drift.train"]
    assert Fraction(drift.passed, drift.evaluated) == 1 - Fraction(35, 100) and not drift.success
