"""Score cards are reproducible to the byte and verifiable."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

import dsbench.evaluation as evaluation
from dsbench.render._shared import overall_score
from dsbench.cards.card import CardError, ScoreCard, check_digest
from dsbench.verification import verify_card
from tests.conftest import DATASETS, run_cli

SUITE = "penguins"
STANDARD = "gbt-36344-2018"


def card_of(data, **kwargs):
    return evaluation.evaluate(data, STANDARD, suites=[SUITE], **kwargs)


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """The penguins table as CSV (with its manifest) and as Parquet written by DuckDB from it."""
    root = tmp_path_factory.mktemp("copies")
    csv_dir, parquet_dir = root / "csv" / "penguins", root / "parquet" / "penguins"
    shutil.copytree(DATASETS / "penguins", csv_dir)
    parquet_dir.mkdir(parents=True)
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?, nullstr = ['', 'NA'])",
                [str(csv_dir / "penguins.csv")])
    con.execute(f"COPY t TO '{parquet_dir / 'penguins.parquet'}' (FORMAT parquet)")
    manifest = json.loads((csv_dir / "datapackage.json").read_text())
    manifest["resources"][0].update(path="penguins.parquet", format="parquet", mediatype="application/vnd.apache.parquet")
    for key in ("encoding", "dialect", "hash"):
        manifest["resources"][0].pop(key, None)
    # Documented size is checked (documentation.basic): the copy documents its own.
    manifest["resources"][0]["bytes"] = (parquet_dir / "penguins.parquet").stat().st_size
    (parquet_dir / "datapackage.json").write_text(json.dumps(manifest))
    return csv_dir, parquet_dir


def test_two_runs_give_the_same_bytes():
    assert card_of(DATASETS / "penguins").to_json() == card_of(DATASETS / "penguins").to_json()


def test_one_thread_and_all_threads_give_the_same_bytes():
    assert card_of(DATASETS / "penguins", threads=1).to_json() == card_of(DATASETS / "penguins").to_json()


def test_parquet_and_csv_copies_differ_only_in_files(copies):
    csv_dir, parquet_dir = copies
    from_csv = card_of(csv_dir).document
    from_parquet = card_of(parquet_dir).document
    for card in (from_csv, from_parquet):
        for table in card["dataset"]["tables"]:
            table.pop("files")
            table.pop("missing_values")  # how the table was read: CSV has missing-value tokens
        card.pop("digest")
        card.pop("manifest_digest")  # the manifests name different files
    assert json.dumps(from_csv, sort_keys=True) == json.dumps(from_parquet, sort_keys=True)


def test_card_has_the_documented_fields():
    document = card_of(DATASETS / "penguins").document
    assert set(document) >= {"card_version", "dataset", "manifest_digest", "standard", "suites", "engine",
                             "options", "score", "grade", "passed", "gates", "dimensions", "results", "digest"}
    table = document["dataset"]["tables"][0]
    assert table["rows"] == 344 and table["files"][0]["path"] == "penguins.csv"
    assert table["files"][0]["bytes"] == (DATASETS / "penguins" / "penguins.csv").stat().st_size
    assert set(document["engine"]) == {"dsbench", "duckdb", "pyarrow"}
    assert "/" not in json.dumps(document["dataset"]["tables"][0]["files"][0]["path"].split("penguins.csv")[0])
    result = document["results"][0]
    assert set(result) >= {"id", "suite", "concern", "severity", "measure", "success", "result"}


def test_verify_passes_then_fails_on_a_data_byte_and_on_a_card_edit(tmp_path):
    data = tmp_path / "penguins"
    shutil.copytree(DATASETS / "penguins", data)
    path = card_of(data).save(tmp_path / "card.json")
    assert verify_card(path, data=str(data)) == []
    # One byte of the data: a different value in one row.
    raw = bytearray((data / "penguins.csv").read_bytes())
    position = raw.index(b"39.1")
    raw[position + 3] = ord("2")
    (data / "penguins.csv").write_bytes(bytes(raw))
    problems = verify_card(path, data=str(data))
    assert any("sha256" in p for p in problems) and any("content_hash" in p for p in problems)
    # An edit of the card, even one that keeps it valid JSON.
    shutil.copytree(DATASETS / "penguins", tmp_path / "fresh")
    path = card_of(tmp_path / "fresh").save(tmp_path / "card2.json")
    document = json.loads(path.read_text())
    document["score"] = 100.0
    path.write_text(json.dumps(document))
    problems = verify_card(path, data=str(tmp_path / "fresh"))
    assert problems[0].startswith("digest") and any(p.startswith("score:") for p in problems)
    assert not check_digest(ScoreCard.load(path))


def test_cli_evaluate_writes_card_and_verify_exit_codes(tmp_path):
    out = tmp_path / "out"
    run = run_cli("evaluate", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE, "-o", out)
    assert run.code == 0, run.err
    assert "score" in run.out and "weakest indicators" in run.out
    assert run_cli("verify", out / "card.json", "--data", DATASETS / "penguins").code == 0
    card = json.loads((out / "card.json").read_text())
    card["grade"] = "Z"
    (out / "card.json").write_text(json.dumps(card))
    assert run_cli("verify", out / "card.json", "--data", DATASETS / "penguins").code == 1


@pytest.mark.parametrize("content, fragment", [
    ("id: x\n", "standard.yaml"),
    ("dimensions: [\n", "invalid YAML"),
])
def test_bad_standard_file_is_refused(tmp_path, content, fragment):
    bad = tmp_path / "standard.yaml"
    bad.write_text(content)
    out = tmp_path / "out"
    run = run_cli("evaluate", DATASETS / "penguins", "--standard", bad, "-o", out)
    assert run.code == 2 and fragment in run.err and len(run.err.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_evidence_file_is_refused(tmp_path):
    evidence = tmp_path / "evidence.yaml"
    evidence.write_text("'0601': {score: 2, source: audit}\n")
    out = tmp_path / "out"
    run = run_cli("evaluate", DATASETS / "penguins", "--standard", STANDARD, "--evidence", evidence, "-o", out)
    assert run.code == 2 and "evidence.yaml: 0601.score" in run.err
    assert not out.exists()


def test_check_gates_exit_codes(tmp_path):
    ok = run_cli("check", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE, "--no-generate")
    assert ok.code == 0, ok.out + ok.err
    strict = run_cli("check", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE,
                     "--no-generate", "--min-score", "99.9", "--fail-on", "warning")
    assert strict.code == 1 and "below 99.9" in strict.out and "warning-or-worse" in strict.out
    graded = run_cli("check", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE,
                     "--no-generate", "--min-grade", "A")
    assert graded.code == 0
    assert run_cli("check", DATASETS / "penguins", "--standard", STANDARD, "--min-grade", "Q").code == 2


def test_standards_and_suites_listing():
    listing = run_cli("standards", "list").out
    for name in ("gbt-36344-2018", "tc609-5-2025-04", "iso-iec-25012", "iso-iec-5259-2"):
        assert name in listing
    shown = run_cli("standards", "show", "tc609-5-2025-04").out
    assert "0304" in shown and "external evidence" in shown and "说明文档" in shown
    assert "penguins" in run_cli("suites", "list").out
    assert "expect_column_values_to_be_in_set" in run_cli("suites", "show", "penguins").out


def test_a_manifest_kept_apart_from_the_data(tmp_path):
    """`--manifest` describes a data file elsewhere: its name, missing values and constraints apply."""
    data = tmp_path / "upload.csv"
    shutil.copy(DATASETS / "penguins" / "penguins.csv", data)
    apart = evaluation.evaluate(data, STANDARD, manifest=DATASETS / "penguins" / "datapackage.json")
    together = evaluation.evaluate(DATASETS / "penguins", STANDARD)
    assert apart.document["dataset"]["name"] == "penguins"
    assert apart.document["dataset"]["fingerprint"] == together.document["dataset"]["fingerprint"]
    assert apart.score == together.score
    assert any(s["id"] == "generated-manifest-penguins" for s in apart.document["suites"])
    run = run_cli("evaluate", data, "--standard", STANDARD, "--manifest",
                  DATASETS / "nycflights13" / "datapackage.json", "-o", tmp_path / "out")
    assert run.code == 2 and "describes 5 tables" in run.err and not (tmp_path / "out").exists()


def test_cli_writes_renderings_beside_the_card_and_nothing_on_bad_options(tmp_path):
    out = tmp_path / "out"
    run = run_cli("evaluate", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE,
                  "-o", out, "--lang", "zh")
    assert run.code == 0, run.err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["badge.svg", "card.dqv.jsonld", "card.html", "card.json", "card.junit.xml", "card.md"]
    assert "得分" in (out / "card.md").read_text() or "得分" in (out / "card.html").read_text()
    assert "达到标准的通过门槛" in run.out  # the console summary speaks the language asked for too
    again = run_cli("render", out / "card.json", "--format", "md,badge", "-o", tmp_path / "again")
    assert again.code == 0 and sorted(p.name for p in (tmp_path / "again").iterdir()) == ["badge.svg", "card.md"]
    for bad in (["--format", "pdf"], ["--lang", "fr"]):
        refused = run_cli("evaluate", DATASETS / "penguins", "--standard", STANDARD, "-o", tmp_path / "no", *bad)
        assert refused.code == 2 and len(refused.err.strip().splitlines()) == 1
        assert not (tmp_path / "no").exists()


def test_check_appends_the_summary_to_the_github_step_summary(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    run = run_cli("check", DATASETS / "penguins", "--standard", STANDARD, "--suite", SUITE,
                  env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert run.code == 0
    text = summary.read_text()
    card = card_of(DATASETS / "penguins").document
    assert text.startswith("earlier step\n") and "gbt-36344-2018" in text
    assert f"**Score {overall_score(card)} / 100**" in text


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"card_version": ' + "9" * 5_000 + "}"])
def test_hostile_json_is_a_card_error_for_api_callers_too(tmp_path, text):
    path = tmp_path / "card.json"
    path.write_text(text)
    with pytest.raises(CardError, match="invalid JSON"):
        ScoreCard.load(path)
