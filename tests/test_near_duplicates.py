"""Near duplicates (MinHash LSH in DuckDB) against exact Jaccard similarities computed in Python,
and the seeded perturbation test: recall and precision of at least 0.95 on planted copies."""

from __future__ import annotations

import random
from collections import Counter

import duckdb
import pyarrow as pa
import pytest

import dsbench
from dsbench.backends.duckdb.dialect import DIALECT
from dsbench.expectations.near_duplicates import NearDuplicateKwargs, band_layout, documents, near_pairs
from tests.test_text_expectations import normalize

TYPE = "expect_column_values_to_not_have_near_duplicates"
# Perturbation: each character is edited with probability ``rate``, by a substitution, an
# insertion or a deletion chosen uniformly; base texts of 40-160 characters.
VOCABULARY = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)] + list("abcdefghijklmnopqrstuvwxyz")


def shingles(text: str, k: int = 3) -> set[str]:
    return {text[i:i + k] for i in range(max(len(text) - k + 1, 1))}


def jaccard(a: str, b: str, k: int = 3) -> float:
    x, y = shingles(normalize(a), k), shingles(normalize(b), k)
    return len(x & y) / len(x | y)


def base_text(rng: random.Random) -> str:
    words = []
    while sum(map(len, words)) < rng.randint(40, 160):
        words.append("".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 4))))
    return "".join(words)


def perturb(text: str, rng: random.Random, rate: float = 0.03) -> str:
    out = []
    for char in text:
        if rng.random() >= rate:
            out.append(char)
            continue
        edit = rng.choice(("substitute", "insert", "delete"))
        if edit == "substitute":
            out.append(rng.choice(VOCABULARY))
        elif edit == "insert":
            out += [char, rng.choice(VOCABULARY)]
    return "".join(out)


def found_pairs(texts: list[str | None], **kwargs) -> set[frozenset]:
    """The verified pairs of the expectation's own SQL, as pairs of normalised texts."""
    con = duckdb.connect()
    con.register("tbl", pa.table({"s": pa.array(texts, pa.string())}))
    docs, params = documents(DIALECT, "tbl", '"s"', None)
    ctes, more = near_pairs(DIALECT, f"SELECT *, 0 AS side FROM ({docs})", NearDuplicateKwargs(column="s", **kwargs),
                            False)
    return {frozenset(row) for row in con.execute(f"WITH {ctes} SELECT a, b FROM p", params + more).fetchall()}


def outcome(texts, **kwargs):
    result = dsbench.validate(pa.table({"s": pa.array(texts, pa.string())}),
                              [{"type": TYPE, "kwargs": {"column": "s", **kwargs}}])
    return result.results[0].outcome


def test_hand_built_fixture_exact_counts():
    texts = ["我爱北京天安门广场", "我爱北京天安门广场!",  # J = 7/8
             "Hello World", "hello   world",  # identical after normalisation
             "今天天气很好，我们去公园散步吧", "今天天气很好，我们去公园散步了",  # J = 12/14
             "完全不同的一句话", "另外一句毫不相干的话", None]
    assert jaccard(texts[0], texts[1]) == 7 / 8 and jaccard(texts[4], texts[5]) == 12 / 14
    result = outcome(texts)
    # Six rows are involved (two near pairs, one copy); of each group the first text is kept, so
    # the extra copies are "我爱北京天安门广场!" (its pair partner sorts first), the second "hello
    # world" and "今天天气很好，我们去公园散步吧" ("了" U+4E86 sorts before "吧" U+5427).
    assert (result.success, result.passed, result.evaluated) == (False, 5, 8)
    assert result.result["unexpected_count"] == 3 and result.result["missing_count"] == 1
    details = result.result["details"]
    assert details["near_duplicate_pairs"] == 2 and details["texts_repeated_after_normalization"] == 1
    assert (details["extra_copies"], details["rows_with_copies_or_near_duplicates"]) == (3, 6)
    assert [(p["a"], p["b"], p["jaccard"]) for p in details["partial_near_duplicate_pairs"]] == [
        ("我爱北京天安门广场", "我爱北京天安门广场!", 0.875),
        ("今天天气很好，我们去公园散步了", "今天天气很好，我们去公园散步吧", round(12 / 14, 6))]
    assert {"value": "Hello World", "count": 2} in result.result["partial_unexpected_counts"]
    # A stricter threshold leaves only the copy after normalisation.
    strict = outcome(texts, threshold=0.9)
    assert (strict.passed, strict.result["details"]["near_duplicate_pairs"]) == (7, 0)


def test_pairs_are_exactly_the_true_pairs_above_the_threshold():
    """Every reported pair has an exact Jaccard >= threshold (verification), and MinHash misses
    at most 5% of the true pairs, compared with all pairs in Python."""
    rng = random.Random(7)
    texts = [base_text(rng)[:50] for _ in range(120)]
    texts += [perturb(t, rng) for t in texts[:60]] + [perturb(perturb(t, rng), rng) for t in texts[:30]]
    true = {frozenset((normalize(a), normalize(b))) for i, a in enumerate(texts) for b in texts[i + 1:]
            if normalize(a) != normalize(b) and jaccard(a, b) >= 0.7}
    found = found_pairs(texts)
    assert all(jaccard(*pair) >= 0.7 for pair in found)
    assert found <= true and len(found) >= 0.95 * len(true) > 30


@pytest.mark.parametrize("rate, threshold", [(0.02, 0.7), (0.05, 0.5)])
def test_seeded_perturbation_recall_and_precision(rate, threshold):
    """3,000 texts, 600 of them copied with edits at ``rate`` per character: the planted pairs
    found (recall) and the pairs found that were planted (precision). With 3-character shingles an
    edit changes up to 3 shingles, so 2% edits keep a Jaccard similarity of about 0.89 and 5% of
    about 0.74; the default threshold 0.7 suits the first, 0.5 the second."""
    rng = random.Random(2026)
    bases = [base_text(rng) for _ in range(3000)]
    copies = {bases[i]: perturb(bases[i], rng, rate) for i in rng.sample(range(len(bases)), 600)}
    planted = {frozenset((normalize(a), normalize(b))) for a, b in copies.items() if normalize(a) != normalize(b)}
    found = found_pairs(bases + list(copies.values()), threshold=threshold)
    recall = len(found & planted) / len(planted)
    precision = len(found & planted) / len(found)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)
    # Through the expectation: the extra copies are every row of a text with a found partner that
    # sorts before it, and every copy but one of the other texts; every row of a text in a pair or
    # repeated is counted in the details.
    texts = [normalize(t) for t in bases + list(copies.values())]
    counts = Counter(texts)
    later = {max(pair) for pair in found}
    involved = set().union(*found) | {t for t, n in counts.items() if n > 1}
    result = outcome(bases + list(copies.values()), threshold=threshold)
    assert result.result["unexpected_count"] == sum(n if t in later else n - 1 for t, n in counts.items())
    assert result.result["details"]["rows_with_copies_or_near_duplicates"] == sum(t in involved for t in texts)


def test_band_layout_meets_the_candidate_probability():
    for threshold in (0.5, 0.7, 0.8, 0.9):
        bands, rows = band_layout(threshold, 64)
        assert 1 - (1 - threshold ** rows) ** bands >= 0.9 and bands * rows <= 64
        more = 64 // (rows + 1)
        assert 1 - (1 - threshold ** (rows + 1)) ** more < 0.9
    assert band_layout(0.7, 64) == (16, 4)


def test_row_condition_seed_and_reproducibility():
    texts = ["abcdefghij" * 3, "abcdefghij" * 3 + "x", "zyxwvutsrq" * 3, None]
    flag = [True, False, True, True]
    table = pa.table({"s": texts, "keep": flag})
    config = {"type": TYPE, "kwargs": {"column": "s", "row_condition": "keep"}}
    first = dsbench.validate(table, [config]).results[0].outcome
    assert (first.passed, first.evaluated) == (2, 2)
    again = dsbench.validate(table, [dict(config, kwargs={"column": "s"})]).results[0].outcome
    assert (again.passed, again.evaluated) == (2, 3)  # the longer text of the pair is the extra copy
    assert dsbench.validate(table, [dict(config, kwargs={"column": "s"})]).results[0].outcome.result == again.result


@pytest.mark.parametrize("kwargs, location", [({"column": "n"}, "kwargs.column"),
                                              ({"column": "s", "threshold": 0}, "threshold"),
                                              ({"column": "s", "shingle_size": 0}, "shingle_size"),
                                              ({"column": "nope"}, "kwargs.column")])
def test_bad_kwargs_are_suite_errors(kwargs, location):
    with pytest.raises(dsbench.SuiteError) as error:
        dsbench.validate(pa.table({"s": ["a"], "n": [1]}), [{"type": TYPE, "kwargs": kwargs}])
    assert location in str(error.value)
