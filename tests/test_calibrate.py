"""`dsbench calibrate`: a report on a standard over a corpus, checked against independent evaluations.

The corpus is penguins and three copies with a growing share of values blanked (the manifest
copied). The test standard (tests/data/standards/draft-nondiscriminating.yaml) has one indicator
made non-discriminating on purpose (C-FLD: every copy has every declared column) and two indicators
binding the same concern (C-VAL, C-VAL2).
"""

from __future__ import annotations

import csv
import json
import math
import re
import shutil
import statistics
from pathlib import Path

import pytest
import yaml

import dsbench
from dsbench.corpus.calibration import calibrate, calibrate_cards, rescore
from dsbench.i18n import LABELS, t
from dsbench.render.markdown import escape
from dsbench.cards.card import rounded, scores_document
from dsbench.scoring.standard import load_standard, standard_from_document
from tests.conftest import DATASETS, ROOT, run_cli

TEST_STANDARD = ROOT / "tests" / "data" / "standards" / "draft-nondiscriminating.yaml"
BLANK_RATES = (10, 30, 50)  # percent of measurement cells blanked
GATE = 70  # the test standard's min_dimension_score gate: every indicator's bar


def _code_scores(card: dict) -> dict[str, float | None]:
    return {i["code"]: i["score"] for d in card["dimensions"] for i in d["indicators"]}


def _write_standard(path: Path, document: dict) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(DATASETS / "penguins", root / "penguins")
    with open(DATASETS / "penguins" / "penguins.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    for rate in BLANK_RATES:
        copy = root / f"penguins-blank{rate}"
        copy.mkdir()
        shutil.copy(DATASETS / "penguins" / "datapackage.json", copy)
        with open(copy / "penguins.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for i, row in enumerate(rows):  # a fixed spread of cells, columns 2.. (not species, island)
                writer.writerow(["NA" if j >= 2 and (i * 37 + j * 11) % 100 < rate else v for j, v in enumerate(row)])
    return sorted(str(p) for p in root.iterdir())


@pytest.fixture(scope="module")
def cards(corpus) -> dict[str, dict]:
    """Each dataset evaluated on its own under the test standard: the independent reference."""
    return {Path(path).name: dsbench.evaluate(path, TEST_STANDARD).document for path in corpus}


@pytest.fixture(scope="module")
def report(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    run = run_cli("calibrate", "--standard", TEST_STANDARD, *corpus, "-o", out, "--jobs", "2")
    assert run.code == 0, run.err
    return run, json.loads((out / "calibration.json").read_text()), (out / "calibration.md").read_text(), out


def test_flags_exactly_the_deliberately_non_discriminating_indicator(report, cards):
    run, document, markdown, _ = report
    assert sorted(cards) == [d["name"] for d in document["datasets"]]
    assert all(_code_scores(card)["C-FLD"] == 100 for card in cards.values())
    # C-VAL2 counts the missing required values over every cell: never below the gate of 70, yet
    # different on every copy (discriminating).
    assert all(_code_scores(card)["C-VAL2"] >= GATE for card in cards.values())
    assert len({_code_scores(card)["C-VAL2"] for card in cards.values()}) == len(cards)
    assert document["flagged"] == {"non_discriminating": ["C-FLD"], "never_fails": ["C-FLD", "C-VAL2"],
                                   "always_fails": [], "never_scored": []}
    assert "non-discriminating: C-FLD" in run.out.splitlines()
    rows = [line for line in markdown.splitlines() if line.startswith("| `")]
    flagged_rows = [line for line in rows if "non-discriminating" in line]
    assert len(flagged_rows) == 1 and flagged_rows[0].startswith("| `C-FLD`")


def test_scores_distributions_and_pass_rates_agree_with_the_cards(report, cards):
    _, document, _, _ = report
    for dataset in document["datasets"]:
        card = cards[dataset["name"]]
        assert (dataset["score"], dataset["grade"], dataset["passed"]) == \
            (round(card["score"], 6), card["grade"], card["passed"])
    assert len({d["grade"] for d in document["datasets"]}) > 1  # the corpus spans grades
    for finding in document["indicators"]:
        values = [_code_scores(cards[name])[finding["code"]] for name in sorted(cards)]
        assert finding["scores"] == {name: round(v, 6) for name, v in zip(sorted(cards), values)}
        assert finding["bar"] == {"value": GATE, "origin": "dimension"}
        quartiles = statistics.quantiles(values, n=4, method="inclusive")
        expected = {"min": min(values), "q1": quartiles[0], "median": statistics.median(values),
                    "q3": quartiles[2], "max": max(values), "mean": statistics.fmean(values)}
        assert finding["distribution"] == pytest.approx(expected, abs=1e-6)
        passing = sum(1 for v in values if v >= GATE)
        assert (finding["passed"], finding["failed"]) == (passing, len(values) - passing)
        assert finding["pass_rate"] == pytest.approx(passing / len(cards))
    # Record completeness discriminates: only the copies with few blanks keep most records complete.
    passing = sum(_code_scores(card)["R-REC"] >= GATE for card in cards.values())
    assert [f["passed"] for f in document["indicators"] if f["code"] == "R-REC"] == [passing]
    assert 0 < passing < len(cards)


def test_indicators_counting_the_same_cells_correlate_and_constant_ones_are_left_out(report, cards):
    _, document, markdown, _ = report
    correlation = document["correlation"]
    pairs = {(p["a"], p["b"]): p for p in correlation["pairs"]}
    assert correlation["excluded"] == [{"code": "C-FLD", "reason": "constant (one score on every dataset)"}]
    assert not any("C-FLD" in pair for pair in pairs)
    names = sorted(cards)
    for other in ("C-VAL2", "R-REC"):
        r = statistics.correlation([_code_scores(cards[n])["C-VAL"] for n in names],
                                   [_code_scores(cards[n])[other] for n in names])
        assert pairs[("C-VAL", other)]["r"] == pytest.approx(r, abs=1e-6)
        assert pairs[("C-VAL", other)]["redundant"] == (abs(r) >= 0.9)
    # Every item and the required values: both count the same blanked cells.
    assert pairs[("C-VAL", "C-VAL2")]["r"] > 0.99 and pairs[("C-VAL", "C-VAL2")]["redundant"]
    assert f"`C-VAL`–`C-VAL2` (r = {pairs[('C-VAL', 'C-VAL2')]['r']:.3f})" in markdown
    assert "constant (one score on every dataset): `C-FLD`" in markdown


def test_a_gate_three_points_above_a_dataset_flips_it_at_minus_five(corpus, cards, tmp_path):
    chosen = "penguins-blank30"
    score = cards[chosen]["score"]
    document = yaml.safe_load(TEST_STANDARD.read_text(encoding="utf-8"))

    def with_gate(value: float, name: str) -> Path:
        return _write_standard(tmp_path / name, {**document, "gates": [{"type": "min_score", "value": value}]})

    drafted = with_gate(score + 3, "draft.yaml")
    sensitivity = calibrate(drafted, corpus, jobs=1).document["sensitivity"]
    gate = next(t for t in sensitivity["thresholds"] if t["id"] == "gates[0]")
    assert gate["down"] == {"value": round(score - 2, 6), "changed": 1, "datasets": [chosen]}
    # Independently: the normal evaluation under the draft and under a file with the gate moved.
    moved = with_gate(score - 2, "moved.yaml")
    flipped = [Path(path).name for path in corpus
               if dsbench.evaluate(path, drafted).passed != dsbench.evaluate(path, moved).passed]
    assert flipped == [chosen]


def test_against_an_older_version_names_the_changed_datasets_and_the_rebound_indicator(corpus, tmp_path):
    # gbt-36344-2018 has grade levels (tc609's draft has none, and its documentation gate fails every
    # copy of penguins whatever the data): 0202 (record completeness) rebound to empty records, which
    # lifts the incomplete records of penguins over grade A's floor.
    document = yaml.safe_load((ROOT / "standards" / "gbt-36344-2018.yaml").read_text(encoding="utf-8"))
    document["version"] = "2018-draft"
    for dimension in document["dimensions"]:
        for indicator in dimension["indicators"]:
            if indicator["code"] == "0202":
                indicator["concerns"] = ["completeness.empty_record"]
    draft = _write_standard(tmp_path / "gbt-draft.yaml", document)
    out = tmp_path / "out"
    run = run_cli("calibrate", "--standard", draft, *corpus, "--against", "gbt-36344-2018", "-o", out)
    assert run.code == 0, run.err
    against = json.loads((out / "calibration.json").read_text())["against"]
    assert against["changes"]["indicators"] == [
        {"code": "0202", "change": ["rebound"], "old_concerns": ["completeness.record"],
         "new_concerns": ["completeness.empty_record"]}]
    expected_changed = []
    for path in corpus:
        name = Path(path).name
        old, new = dsbench.evaluate(path, "gbt-36344-2018"), dsbench.evaluate(path, draft)
        row = next(d for d in against["datasets"] if d["name"] == name)
        assert (row["old"]["score"], row["old"]["grade"], row["new"]["score"], row["new"]["grade"]) == \
            (round(old.score, 6), old.grade, round(new.score, 6), new.grade)
        if (old.grade, old.passed) != (new.grade, new.passed):
            expected_changed.append(name)
        assert math.fsum(c["contribution_delta"] for c in row["causes"]) == pytest.approx(new.score - old.score, abs=1e-5)
    assert 0 < len(expected_changed) < len(corpus)
    changed = [d for d in against["datasets"] if d["outcome_changed"]]
    assert [d["name"] for d in changed] == expected_changed and against["changed"] == len(expected_changed)
    for row in changed:
        assert row["causes"][0]["code"] == "0202" and row["causes"][0]["change"] == ["rebound"]
        assert f"{row['name']} (" in run.out and "; 0202)" in run.out
    assert "- indicator `0202` rebound: completeness.record → completeness.empty\\_record" in \
        (out / "calibration.md").read_text()


def test_rescoring_the_golden_cards_reproduces_their_scores_under_any_of_the_standards():
    """A card's results do not depend on its standard: the card of a dataset under one standard,
    re-scored under another, gives that other card's scores exactly."""
    paths = sorted((ROOT / "reports").glob("*/*/card.json"))
    assert len(paths) >= 12
    golden = {(p.parent.parent.name, p.parent.name): json.loads(p.read_text(encoding="utf-8")) for p in paths}
    for (dataset, _), card in golden.items():
        for (other_dataset, standard), expected in golden.items():
            if other_dataset == dataset:
                again = rounded(scores_document(rescore(card, standard), load_standard(standard)))
                assert {key: expected[key] for key in again} == again, (dataset, card["standard"]["id"], standard)


def test_the_report_is_the_same_from_cards_and_from_any_number_of_jobs(report, cards, corpus, tmp_path):
    _, document, markdown, out = report
    from_cards = calibrate_cards(TEST_STANDARD, cards)  # the cards were made in this process, one at a time
    assert from_cards.to_json() == (out / "calibration.json").read_text()
    assert from_cards.markdown() == markdown
    saved = []
    for name, card in cards.items():  # evaluate's layout: <dataset>/<standard id>/card.json
        path = tmp_path / name / card["standard"]["id"] / "card.json"
        dsbench.ScoreCard(card).save(path)
        saved.append(str(path))
    assert calibrate(TEST_STANDARD, saved).document == document


def test_an_indicator_that_fails_everywhere_and_an_indicator_threshold(cards):
    document = yaml.safe_load(TEST_STANDARD.read_text(encoding="utf-8"))
    document["dimensions"][1]["indicators"].append(
        {"code": "R-DOC", "name": {"zh": "内容说明", "en": "Content documentation"}, "weight": 1,
         "concerns": ["documentation.content"], "unit": "measure"})
    document["dimensions"][0]["indicators"][0]["threshold"] = 0.8  # C-VAL: 80 points
    standard = standard_from_document(document, "constructed")
    report = calibrate_cards(standard, cards).document
    assert report["flagged"]["always_fails"] == ["R-DOC"]
    assert report["flagged"]["non_discriminating"] == ["C-FLD", "R-DOC"]
    c_val = next(f for f in report["indicators"] if f["code"] == "C-VAL")
    assert c_val["bar"] == {"value": 80, "origin": "indicator"}
    threshold = next(t for t in report["sensitivity"]["thresholds"] if t["id"] == "indicator:C-VAL")
    scores = {name: _code_scores(card)["C-VAL"] for name, card in cards.items()}
    assert threshold["down"]["datasets"] == sorted(n for n, v in scores.items() if 75 <= v < 80)
    assert threshold["up"]["datasets"] == sorted(n for n, v in scores.items() if 80 <= v < 85)
    assert threshold["total"] >= 1


@pytest.mark.parametrize("option", ["--standard", "--against"])
def test_a_bad_standard_file_is_refused_with_one_line_and_no_output(option, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: draft\nversion: '1'\n", encoding="utf-8")  # valid YAML, not a standard
    out = tmp_path / "out"
    standards = ["--standard", bad] if option == "--standard" else ["--standard", TEST_STANDARD, "--against", bad]
    run = run_cli("calibrate", *standards, DATASETS / "penguins", "-o", out)
    assert run.code == 2
    assert len(run.err.splitlines()) == 1 and str(bad) in run.err and run.out == ""
    assert not out.exists()



def test_an_unreadable_dataset_is_an_error_row_and_the_others_are_still_calibrated(corpus, cards, tmp_path):
    """As bench does: a corrupt file becomes an error row (named, with its one-line reason), the
    report is made from the other datasets and written, and the exit code is 1."""
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not a Parquet file")  # a magic number, then nothing readable
    chosen = corpus[:2]
    names = [Path(path).name for path in chosen]
    out = tmp_path / "out"
    run = run_cli("calibrate", "--standard", TEST_STANDARD, *chosen, broken, "-o", out, "--jobs", "2")
    assert run.code == 1, run.err
    document = json.loads((out / "calibration.json").read_text())
    [error] = document["errors"]
    assert error["name"] == "broken" and str(broken) in error["error"] and "\n" not in error["error"]
    assert [d["name"] for d in document["datasets"]] == names
    # Everything else is the report of the readable datasets alone.
    alone = calibrate_cards(TEST_STANDARD, {name: cards[name] for name in names}).document
    assert alone["errors"] == [] and {**document, "errors": []} == alone
    markdown = (out / "calibration.md").read_text()
    assert "| dataset | score | grade | passed | error |" in markdown
    assert f"| broken | — | — | — | {escape(error['error'])} |" in markdown
    assert f"  broken: error: {error['error']}" in run.out.splitlines()
    assert "broken: cannot be evaluated: " in run.err
    # In one process, the same report.
    assert calibrate(TEST_STANDARD, [*chosen, str(broken)], jobs=1).document == document


def test_a_corpus_of_only_unreadable_datasets_is_reported_and_fails(tmp_path):
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"\x1f\x8b\x08\x00 truncated gzip")
    report = calibrate(TEST_STANDARD, [str(broken)], jobs=1)
    assert report.errors.keys() == {"broken"} and report.document["datasets"] == []
    assert all(f["pass_rate"] is None and f["flags"] == ["never_scored"] for f in report.document["indicators"])
    assert "| broken | — | — | — |" in report.markdown()
    run = run_cli("calibrate", "--standard", TEST_STANDARD, broken, "-o", tmp_path / "out")
    assert run.code == 1 and (tmp_path / "out" / "calibration.json").is_file()


# ------------------------------------------------------------------------------------------ languages

def _english_words() -> set[str]:
    return {word.lower() for entry in LABELS.values() for word in re.findall(r"[A-Za-z]{2,}", entry["en"])}


def _label_words(markdown: str) -> set[str]:
    """The words of the headings and table header rows, without code spans (ids and codes)."""
    lines = markdown.splitlines()
    labels = [line for index, line in enumerate(lines) if line.startswith(("# ", "## "))
              or (line.startswith("| ") and index + 1 < len(lines) and lines[index + 1].startswith("| ---"))]
    return {w.lower() for line in labels for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", line))}


def _table_numbers(markdown: str) -> list[list[str]]:
    """The numbers of every table body row, row by row."""
    lines = markdown.splitlines()
    return [re.findall(r"[-+]?\d+(?:\.\d+)?", line) for index, line in enumerate(lines)
            if line.startswith("| ") and not line.startswith("| ---")
            and not (index + 1 < len(lines) and lines[index + 1].startswith("| ---"))]


def test_in_chinese_the_report_words_come_from_the_vocabulary_and_the_numbers_stay(report, cards, tmp_path):
    run, document, markdown, _ = report
    paths = []
    for name, card in cards.items():
        path = tmp_path / "cards" / name / card["standard"]["id"] / "card.json"
        dsbench.ScoreCard(card).save(path)
        paths.append(path)
    out = tmp_path / "zh"
    done = run_cli("calibrate", "--standard", TEST_STANDARD, *paths, "-o", out, "--lang", "zh")
    assert done.code == 0, done.err
    assert json.loads((out / "calibration.json").read_text()) == document  # language-neutral
    chinese = (out / "calibration.md").read_text(encoding="utf-8")
    st = document["standard"]
    headings = [line for line in chinese.splitlines() if line.startswith(("# ", "## "))]
    title = t("calibration_title", "zh", id=f"`{st['id']}`", version=st["version"], status=t(st["status"], "zh"))
    assert headings == [f"# {title}",
                        *(f"## {t(key, 'zh')}" for key in ("calibration_datasets", "findings", "indicators",
                                                             "correlation", "sensitivity"))]
    assert f"| {' | '.join(t(f'col_{key}', 'zh') for key in ('dataset', 'score', 'grade', 'passed'))} |" in chinese
    assert f"- **{t('flag_non_discriminating', 'zh')}**：`C-FLD`" in chinese
    assert _label_words(markdown) & _english_words() and not _label_words(chinese) & _english_words()
    assert _table_numbers(chinese) == _table_numbers(markdown) and len(_table_numbers(markdown)) > len(cards)
    summary = done.out.splitlines()
    assert summary[0] == t("summary_title", "zh", id=st["id"], version=st["version"], n=len(cards))
    english_summary = run.out.splitlines()
    for line, english_line in zip(summary[1:1 + len(cards)], english_summary[1:1 + len(cards)]):
        assert re.findall(r"\d+\.\d+", line) == re.findall(r"\d+\.\d+", english_line)
        assert line.endswith(t("pass", "zh")) or line.endswith(t("fail", "zh"))


def test_in_chinese_the_comparison_with_an_older_version_names_its_changes_in_chinese(cards):
    older = yaml.safe_load(TEST_STANDARD.read_text(encoding="utf-8"))
    older["version"] = "older"
    older["dimensions"][0]["indicators"].pop()  # the draft adds this indicator
    report = calibrate_cards(TEST_STANDARD, cards, standard_from_document(older, "older.yaml"))
    english, chinese = report.markdown(), report.markdown("zh")
    added = report.document["against"]["changes"]["indicators"]
    assert [item["change"] for item in added] == [["added"]]
    assert f"- indicator `{added[0]['code']}` added" in english
    code = f"`{added[0]['code']}`"
    assert f"- {t('against_indicator', 'zh', code=code, change=t('change_added', 'zh'))}" in chinese
    assert f"## {t('against', 'zh', id='`' + older['id'] + '`', version='older')}" in chinese
    assert not _label_words(chinese) & _english_words()
    assert _table_numbers(chinese) == _table_numbers(english)


def test_a_bad_language_is_refused_with_one_line_before_any_work(tmp_path, capsys):
    from dsbench.cli.app import main

    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_:
        main(["calibrate", "--standard", str(TEST_STANDARD), str(DATASETS / "penguins"), "-o", str(out),
              "--lang", "english"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1 and "--lang" in err and "'english'" in err, err
    assert not out.exists()


# ------------------------------------------------------------------------------------------ validity

def _validity_standard(path: Path) -> Path:
    """GB/T 36344 with two indicators more: 0499 binds a concern no check produces
    (consistency.crossmodal), 0498 binds class balance, which label flips move."""
    document = yaml.safe_load((ROOT / "standards" / "gbt-36344-2018.yaml").read_text(encoding="utf-8"))
    document["id"], document["version"] = "gbt-validity-test", "test"
    dimension = next(d for d in document["dimensions"] if d["code"] == "04")
    dimension["indicators"] += [
        {"code": "0499", "name": {"zh": "跨模态一致性", "en": "Cross-modal consistency"}, "weight": 1,
         "concerns": ["consistency.crossmodal"], "unit": "records", "a": "records whose modalities agree",
         "b": "records"},
        {"code": "0498", "name": {"zh": "类别均衡", "en": "Class balance"}, "weight": 1,
         "concerns": ["balance.label"], "unit": "measure", "a": "balance", "b": "the largest balance"}]
    return _write_standard(path, document)


@pytest.fixture(scope="module")
def validity(tmp_path_factory):
    """calibrate --validity on penguins and a card (skipped: injecting needs the data)."""
    root = tmp_path_factory.mktemp("validity")
    standard = _validity_standard(root / "standard.yaml")
    card = dsbench.evaluate(DATASETS / "penguins", standard)
    card_path = root / "penguins-card" / "gbt-validity-test" / "card.json"
    card.save(card_path)
    out = root / "out"
    run = run_cli("calibrate", "--standard", standard, DATASETS / "penguins", card_path, "--validity",
                  "-o", out, "--jobs", "1")
    assert run.code == 0, run.err
    document = json.loads((out / "calibration.json").read_text(encoding="utf-8"))
    return run, document, (out / "calibration.md").read_text(encoding="utf-8"), standard, root


def _validity_row(document: dict, code: str) -> dict:
    return next(i for i in document["validity"]["indicators"] if i["code"] == code)


def test_validity_duplicated_checks_move_no_indicator(validity):
    _, document, _, _, _ = validity
    section = document["validity"]
    assert [d["name"] for d in section["datasets"]] == ["penguins"]
    assert section["flagged"]["moved_by_duplicated_checks"] == []
    assert all(i["moved_by_duplicated_checks"] == [] for i in section["indicators"])
    penguins = section["datasets"][0]
    assert penguins["scores"]["duplicated_checks"] == penguins["scores"]["clean"]
    assert all(i["scores"]["penguins"]["duplicated_checks"] == i["scores"]["penguins"]["clean"]
               for i in section["indicators"])


def test_validity_nulls_lower_the_completeness_indicators_as_an_independent_evaluation_does(validity):
    _, document, _, standard, root = validity
    section = document["validity"]
    assert section["rate"] == 0.05 and section["seed"] == 0 and section["untested"] == []
    for code in ("0201", "0202"):  # item and record completeness
        row = _validity_row(document, code)
        assert "nulls" in row["lowered_by"] and "nulls" not in row["insensitive_to"]
        assert row["effects"]["nulls"]["lowered"] == ["penguins"]
    # The injected copy, made and evaluated here on its own.
    from dsbench.corpus.inject import inject

    copy = inject(DATASETS / "penguins", root / "nulls-copy", seed=0, nulls=0.05)
    card = dsbench.evaluate(copy.output, standard).document
    assert section["datasets"][0]["injected"]["nulls"] == copy.counts["nulls"]
    assert section["datasets"][0]["scores"]["nulls"] == round(card["score"], 6)
    for code, score in _code_scores(card).items():
        assert _validity_row(document, code)["scores"]["penguins"]["nulls"] == \
            (None if score is None else round(score, 6)), code
    assert "duplicates" in _validity_row(document, "0303")["lowered_by"]  # duplicate records
    assert "out_of_range" in _validity_row(document, "0302")["lowered_by"]  # declared ranges


def test_validity_an_indicator_bound_to_a_concern_nothing_produces_is_insensitive_to_every_family(validity):
    _, document, markdown, _, _ = validity
    row = _validity_row(document, "0499")
    assert row["insensitive_to"] == ["nulls", "duplicates", "out_of_range", "label_flips"]
    assert row["lowered_by"] == row["raised_by"] == row["applicability_changed_by"] == []
    assert "0499" in document["validity"]["flagged"]["insensitive_to_all"]
    assert "0201" not in document["validity"]["flagged"]["insensitive_to_all"]
    assert "- **insensitive to every family**: " in markdown and "`0499`" in markdown.split("## Validity")[1]


def test_validity_a_raised_indicator_is_flagged_and_cards_are_skipped(validity):
    run, document, markdown, _, _ = validity
    section = document["validity"]
    row = _validity_row(document, "0498")  # class balance: flipped labels move the classes towards uniform
    clean, flipped = row["scores"]["penguins"]["clean"], row["scores"]["penguins"]["label_flips"]
    assert flipped > clean and "label_flips" in row["raised_by"] and "raised_by_defect" in row["flags"]
    assert row["effects"]["label_flips"]["raised"] == ["penguins"]
    assert "0498" in section["flagged"]["raised_by_defect"]
    assert section["skipped"] == [{"name": "penguins-card", "reason": "a card: injecting defects needs the data"}]
    assert "- skipped: penguins-card (a card: injecting defects needs the data)" in markdown
    summary = [line for line in run.out.splitlines() if line.startswith("validity (5 % injected, 1 datasets)")]
    raised = ", ".join(family.replace("_", " ") for family in sorted(row["raised_by"]))
    assert len(summary) == 1 and f"0498 ({raised})" in summary[0]


def test_validity_in_chinese_uses_no_english_label_words(validity):
    from dsbench.corpus.calibration import Calibration

    _, document, markdown, _, _ = validity
    english = _english_words()
    chinese = Calibration(document).markdown("zh").split(f"## {t('validity_title', 'zh')}")[1]
    labels = [line for line in chinese.splitlines() if line.startswith(("## ", "- **"))]
    labels += [line for index, line in enumerate(chinese.splitlines()[:-1])
               if line.startswith("| ") and chinese.splitlines()[index + 1].startswith("| ---")]
    words = {w.lower() for line in labels for w in re.findall(r"[A-Za-z]{2,}", re.sub(r"`[^`]*`", "", line))}
    assert len(labels) >= 6 and not words & english - {"penguins"}
    assert _table_numbers(chinese) == _table_numbers(markdown.split("## Validity")[1])


def test_validity_a_bad_rate_is_refused_with_one_line_before_any_work(tmp_path):
    out = tmp_path / "out"
    run = run_cli("calibrate", "--standard", TEST_STANDARD, DATASETS / "penguins", "--validity",
                  "--validity-rate", "0", "-o", out)
    assert run.code == 2 and len(run.err.splitlines()) == 1 and "--validity-rate" in run.err and run.out == ""
    assert not out.exists()
