"""Comparing cards: `diff` shows only what changed in scores and results, and naming or location is
not a change; `verify` lists differences in content before those that only name or locate the data."""

from __future__ import annotations

import re
import shutil

import pytest

import dsbench
from dsbench.cards.compare import (NAMING, NO_CHANGES, ExpectationChange, ResultState, card_differences,
                               change_lines, score_changes)
from dsbench.verification import MAX_LISTED, verify
from tests.conftest import DATASETS, SUITES, run_cli

STANDARD = "gbt-36344-2018"
ROWS = 30
BLANK = 7  # the order whose amount the changed file leaves empty
SUITE = """name: sales
version: 1
expectations:
  - type: expect_column_values_to_be_between
    kwargs: {column: amount, min_value: 0}
    id: amount-positive
"""


def sales(blank: int | None = None) -> str:
    lines = ["order_id,region,amount,placed_on"]
    for order in range(1, ROWS + 1):
        amount = "" if order == blank else f"{10 + order * 1.5:.2f}"
        lines.append(f"{order},{('north', 'south', 'east')[order % 3]},{amount},2025-01-{order:02d}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """One file under a versioned name, the same bytes under next year's name, next year's file with
    one value left empty, and the first file scored with a suite of one more check."""
    root = tmp_path_factory.mktemp("sales")
    files = {"first": root / "a" / "sales-2025.csv", "renamed": root / "b" / "sales-2026.csv",
             "changed": root / "c" / "sales-2026.csv"}
    for key, path in files.items():
        path.parent.mkdir()
        path.write_text(sales(BLANK if key == "changed" else None))
    suite = root / "sales.yaml"
    suite.write_text(SUITE)
    cards = {key: dsbench.evaluate(path, STANDARD).save(root / f"{key}.json") for key, path in files.items()}
    cards["with_suite"] = dsbench.evaluate(files["first"], STANDARD, suites=[suite]).save(root / "with_suite.json")
    documents = {key: dsbench.ScoreCard.load(path).document for key, path in cards.items()}
    return {"files": files, "cards": cards, "documents": documents, "suite": suite}


def _pairs(text: str) -> list[tuple[str, str]]:
    """Every `before → after` in the text."""
    return re.findall(r"([^\s(]+) → ([^\s,)]+)", text)


def _indicators(document: dict) -> dict[str, dict]:
    return {i["code"]: i for d in document["dimensions"] for i in d["indicators"]}


def test_a_renamed_file_keeps_ids_and_scores_and_diff_shows_no_change(sets):
    first, renamed = sets["documents"]["first"], sets["documents"]["renamed"]
    assert (first["dataset"]["name"], renamed["dataset"]["name"]) == ("sales-2025", "sales-2026")
    ids = [r["id"] for r in first["results"]]
    assert ids == [r["id"] for r in renamed["results"]] and ids
    assert not any("2025" in rid or "2026" in rid for rid in ids)
    assert [s["id"] for s in first["suites"]] == [s["id"] for s in renamed["suites"]]
    assert first["score"] == renamed["score"] and first["dimensions"] == renamed["dimensions"]
    assert not score_changes(first, renamed)
    run = run_cli("diff", sets["cards"]["first"], sets["cards"]["renamed"])
    assert (run.code, run.out) == (0, NO_CHANGES + "\n"), run.err


def test_verify_of_a_renamed_file_finds_names_and_locations_only(sets):
    found = verify(sets["cards"]["first"], data=str(sets["files"]["renamed"]))
    assert not found and not found.edited
    assert found.content == [], [d.path for d in found.content]
    paths = {d.path for d in found.differences}
    assert {"dataset.name", "dataset.tables[sales-2025].name", "dataset.tables[sales-2025].files[0].path"} <= paths
    # The fingerprint names a table by its role in the dataset, and suites are digested so too.
    assert "dataset.fingerprint" not in paths and not any(p.startswith("suites[") for p in paths)


def test_diff_of_one_changed_value_lists_exactly_what_moved(sets):
    first, changed = sets["documents"]["first"], sets["documents"]["changed"]
    changes = score_changes(first, changed)
    before, after = _indicators(first), _indicators(changed)
    fields = ("passed", "evaluated", "score", "status")
    moved = {code for code in before if any(before[code][f] != after[code][f] for f in fields)}
    assert {"0201", "0202"} <= moved and len(moved) < len(before)
    assert [c.code for c in changes.indicators] == [code for code in before if code in moved]
    results = [{r["id"]: (r["success"], r["measure"]) for r in doc["results"]} for doc in (first, changed)]
    shifted = sorted(rid for rid in results[0] if results[0][rid] != results[1][rid])
    assert [c.id for c in changes.expectations] == shifted and set(results[0]) == set(results[1])
    assert "generated-data-table:data.table.amount.not_null" in shifted

    run = run_cli("diff", sets["cards"]["first"], sets["cards"]["changed"])
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines == change_lines(changes)
    assert "  0202 Data record completeness: 30/30 → 29/30 (100.0 → 96.7, −3.3)" in lines
    assert "  generated-data-table:data.table.amount.not_null: passed → failed, 30/30 → 29/30" in lines
    assert lines[0].startswith("score: ") and not any(line.startswith(("grade", "verdict")) for line in lines)
    # Only what changed: no value is printed beside itself, and nothing unchanged is named.
    pairs = _pairs(run.out)
    assert pairs and all(was != now for was, now in pairs), pairs
    assert "True" not in run.out and "False" not in run.out
    items = [line[2:] for line in lines if line.startswith("  ")]
    assert [item.split()[0] for item in items if re.match(r"\d{4} ", item)] == [c.code for c in changes.indicators]
    assert [item.split(": ")[0] for item in items if not re.match(r"\d{4} ", item)] == shifted


def test_verify_lists_the_content_hash_before_names_and_locations(sets):
    run = run_cli("verify", sets["cards"]["first"], "--data", sets["files"]["changed"])
    assert run.code == 1, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("dataset.tables[sales-2025].content_hash: card has "), lines[:3]
    naming = [i for i, line in enumerate(lines) if line.startswith(("dataset.name:", "results[", "digest:"))]
    content = [i for i, line in enumerate(lines) if line.startswith(("dataset.fingerprint:", "score:",
                                                                       "dimensions[", "elements.sales-2025."))]
    assert naming and content and max(content) < min(naming), lines
    assert "NOT verified" in lines[-1] and "in content" in lines[-1]

    found = verify(sets["cards"]["first"], data=str(sets["files"]["changed"]))
    ranks = [d.rank for d in found.differences]
    assert ranks == sorted(ranks) and NAMING in ranks and ranks[0] != NAMING
    assert [line for line in found.lines()] == lines[:-1]
    shown = found.lines(limit=2)
    assert shown[0] == lines[0] and shown[-1] == f"… and {len(found.differences) - 2} more differences"
    assert len(shown) == 3 and MAX_LISTED >= 2


def test_card_differences_match_results_by_id_not_position(sets):
    first, with_suite = sets["documents"]["first"], sets["documents"]["with_suite"]
    found = card_differences(first, with_suite)
    added = [d for d in found if d.path == "results[sales:amount-positive]"]
    assert len(added) == 1 and added[0].old is None and added[0].new["success"] is True
    assert not any(re.match(r"results\[\d+\]", d.path) for d in found)


def test_diff_shows_an_expectation_added_then_removed(sets):
    first, with_suite = sets["documents"]["first"], sets["documents"]["with_suite"]
    changes = score_changes(first, with_suite)
    assert changes.expectations == [ExpectationChange("sales:amount-positive", None, ResultState(True, ROWS, ROWS))]
    assert changes.expectations[0].kind == "added"
    run = run_cli("diff", sets["cards"]["first"], sets["cards"]["with_suite"])
    assert run.code == 0, run.err
    assert f"  sales:amount-positive: added (passed, {ROWS}/{ROWS})" in run.out.splitlines()
    back = run_cli("diff", sets["cards"]["with_suite"], sets["cards"]["first"])
    assert f"  sales:amount-positive: removed (passed, {ROWS}/{ROWS})" in back.out.splitlines()
    assert score_changes(with_suite, first).expectations[0].kind == "removed"


def test_verify_reruns_a_card_with_a_suite_of_ones_own(sets):
    found = verify(sets["cards"]["with_suite"], data=str(sets["files"]["first"]), suites=[str(sets["suite"])])
    assert found and found.lines() == []


def test_diff_lists_score_indicator_and_expectation_changes(tmp_path):
    first = dsbench.evaluate(DATASETS / "penguins", STANDARD, suites=["penguins"]).save(tmp_path / "a.json")
    relaxed = tmp_path / "penguins.yaml"
    relaxed.write_text((SUITES / "penguins.yaml").read_text().replace(
        "kwargs: {column: body_mass_g}", "kwargs: {column: body_mass_g, mostly: 0.99}"))
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("'0601': {score: 0.5, source: a test}\n")
    second = dsbench.evaluate(DATASETS / "penguins", STANDARD, suites=[relaxed],
                              evidence=evidence).save(tmp_path / "b.json")
    run = run_cli("diff", first, second)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].startswith("score: ")
    assert "  0601 Accessible: not evaluated → external evidence (— → 50.0)" in lines
    assert "  penguins:body-mass-present: failed → passed" in lines
    copy = tmp_path / "copy.json"
    shutil.copy(first, copy)
    assert run_cli("diff", first, copy).out == NO_CHANGES + "\n"
