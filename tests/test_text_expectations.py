"""Normalised duplicates and conflicting labels against a Python reference of the same
normalisation (full-width ASCII and ideographic space to ASCII, lower case, ASCII white space
collapsed and trimmed)."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict

import pyarrow as pa
import pytest

import dsbench

FULL = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}


def normalize(text: str) -> str:
    folded = text.translate(FULL).lower()
    return re.sub(r"^ | $", "", re.sub(r"[ \t\n\r\f\v]+", " ", folded))


def random_rows(seed: int, n: int) -> tuple[list, list]:
    rng = random.Random(seed)
    stems = ["Hello world", "好评 质量不错", "bad", "ＯＫ", "a\tb", "Ünïcode", "x  y"]
    texts, labels = [], []
    for _ in range(n):
        stem = rng.choice(stems)
        variant = rng.choice([stem, stem.upper(), f" {stem} ", stem.replace(" ", "\u3000"),
                              "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in stem),
                              stem + str(rng.randint(0, 30))])
        texts.append(None if rng.random() < 0.05 else variant)
        labels.append(None if rng.random() < 0.05 else rng.choice(["pos", "neg", "pos"]))
    return texts, labels


@pytest.mark.parametrize("seed", range(5))
def test_normalised_duplicates_and_conflicting_labels_match_python(seed):
    texts, labels = random_rows(seed, 400)
    result = dsbench.validate(pa.table({"s": texts, "label": labels}), [
        {"type": "expect_column_values_to_be_unique_after_normalization", "kwargs": {"column": "s"}},
        {"type": "expect_labels_to_be_consistent", "kwargs": {"column": "s", "label_column": "label"}}])
    duplicates, conflicts = (r.outcome for r in result.results)

    counts = Counter(normalize(t) for t in texts if t is not None)
    assert duplicates.result["unexpected_count"] == sum(n for n in counts.values() if n > 1)
    top = sorted(((n, k) for k, n in counts.items() if n > 1), key=lambda item: (-item[0], item[1]))[:20]
    assert [(c["count"], c["value"]) for c in duplicates.result["partial_unexpected_counts"]] == top

    seen: dict[str, set] = defaultdict(set)
    rows: Counter = Counter()
    for t, label in zip(texts, labels):
        if t is not None and label is not None:
            seen[normalize(t)].add(label)
            rows[normalize(t)] += 1
    conflicting = sum(rows[k] for k, found in seen.items() if len(found) > 1)
    assert conflicts.result["unexpected_count"] == conflicting > 0
    assert (conflicts.passed, conflicts.evaluated) == (sum(rows.values()) - conflicting, sum(rows.values()))


def test_width_case_and_spacing_are_one_text():
    texts = ["Ｈｅｌｌｏ　World ", "hello   world", "HELLO\tWORLD", "hello world!"]
    result = dsbench.validate(pa.table({"s": texts}), [
        {"type": "expect_column_values_to_be_unique_after_normalization", "kwargs": {"column": "s"}}])
    outcome = result.results[0].outcome
    assert outcome.result["unexpected_count"] == 3
    assert outcome.result["partial_unexpected_counts"] == [{"value": "hello world", "count": 3}]


def test_text_checks_need_a_text_column():
    with pytest.raises(dsbench.errors.SuiteError, match="not text"):
        dsbench.validate(pa.table({"n": [1, 2]}), [
            {"type": "expect_column_values_to_be_unique_after_normalization", "kwargs": {"column": "n"}}])
    with pytest.raises(dsbench.errors.SuiteError, match="label_column"):
        dsbench.validate(pa.table({"s": ["a"]}), [
            {"type": "expect_labels_to_be_consistent", "kwargs": {"column": "s", "label_column": "nope"}}])


CJK_RANGES = [(0x4E00, 0x9FFF), (0x3040, 0x309F), (0x30A0, 0x30FF), (0xAC00, 0xD7AF)]


def is_cjk(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in CJK_RANGES)


def python_tokens(text: str) -> int:
    count, in_word = 0, False
    for char in text:
        if char.isspace():
            in_word = False
        elif is_cjk(char):
            count, in_word = count + 1, False
        elif not in_word:
            count, in_word = count + 1, True
    return count


@pytest.mark.parametrize("seed", range(3))
def test_blank_texts_and_token_counts_match_python(seed):
    rng = random.Random(seed)
    alphabet = ["a", "Zz", "NLP", "数据", "质", "テスト", "한국", " ", "  ", "\t", "\u3000", "\u00a0", "!", "4.5"]
    texts = [None if rng.random() < 0.05 else "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
             for _ in range(500)]
    low, high = rng.randint(0, 3), rng.randint(3, 8)
    result = dsbench.validate(pa.table({"s": texts}), [
        {"type": "expect_column_values_to_not_be_blank", "kwargs": {"column": "s"}},
        {"type": "expect_column_value_token_counts_to_be_between",
         "kwargs": {"column": "s", "min_value": low, "max_value": high}}])
    blank, tokens = (r.outcome for r in result.results)
    present = [t for t in texts if t is not None]
    assert blank.result["unexpected_count"] == sum(t.strip() == "" for t in present) > 0
    assert tokens.result["unexpected_count"] == sum(not low <= python_tokens(t) <= high for t in present) > 0
