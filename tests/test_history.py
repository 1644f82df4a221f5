"""History: cards appended to an embedded DuckDB database, and the latest run of a dataset checked
against the band of its earlier runs. The runs are real evaluations of copies of datasets/penguins
with k values of `island` blanked (a few for normal runs, many in three columns for an incident);
the bands are recomputed here with numpy from the cards' JSON."""

from __future__ import annotations

import csv
import json
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import numpy as np
import pytest

import dsbench
from dsbench.store import history, runs
from tests.conftest import DATASETS, run_cli

STANDARD = "gbt-36344-2018"
NORMAL = {f"normal{k}": {"island": k} for k in (3, 1, 4, 0, 2, 5)}  # six runs, small variation, no trend
STABLE = {"stable": {"island": 6}}  # one more normal run
DROP = {"drop": {"island": 120, "species": 120, "bill_length_mm": 150}}  # an incident
EXPECTED_FLAGS = {("overall", "overall"), ("dimension", "02"), ("indicator", "0201"), ("indicator", "0202")}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
T0 = datetime(2025, 1, 6, 8, 0, tzinfo=timezone.utc)


def write_variant(root: Path, blanks: dict[str, int]) -> Path:
    """datasets/penguins with the first k values of each named column blanked; the manifest copied."""
    source = DATASETS / "penguins"
    rows = list(csv.reader((source / "penguins.csv").open(newline="")))
    for column, k in blanks.items():
        index = rows[0].index(column)
        for row in rows[1:k + 1]:
            row[index] = ""
    root.mkdir(parents=True)
    shutil.copy(source / "datapackage.json", root)
    with (root / "penguins.csv").open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return root


@pytest.fixture(scope="module")
def variants(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("variants")
    return {name: write_variant(root / name, blanks) for name, blanks in {**NORMAL, **STABLE, **DROP}.items()}


@pytest.fixture(scope="module")
def cards(variants, tmp_path_factory) -> dict[str, Path]:
    """name -> card.json of that variant, evaluated through the API."""
    root = tmp_path_factory.mktemp("cards")
    return {name: dsbench.evaluate(path, STANDARD).save(root / name / "card.json") for name, path in variants.items()}


def recorded(db: Path, cards: dict[str, Path], names: list[str]) -> Path:
    """``names``' cards recorded in that order, an hour apart."""
    for hours, name in enumerate(names):
        assert runs.record(cards[name], db, recorded_at=T0 + timedelta(hours=hours)).created
    return db


@pytest.fixture(scope="module")
def incident_db(cards, tmp_path_factory) -> Path:
    """Six normal runs, then the incident (read only by the tests that use it)."""
    return recorded(tmp_path_factory.mktemp("incident") / "h.duckdb", cards, [*NORMAL, "drop"])


def scores_of(card: Path) -> dict[tuple[str, str], float | None]:
    """(kind, code) -> score, read from the card's JSON without dsbench."""
    document = json.loads(card.read_text())
    found = {("overall", "overall"): document["score"]}
    for dimension in document["dimensions"]:
        found[("dimension", dimension["code"])] = dimension["score"]
        for indicator in dimension["indicators"]:
            found[("indicator", indicator["code"])] = indicator["score"]
    return found


def numpy_band(earlier: list[float], sigma: float = 3.0) -> tuple[float, float]:
    values = np.array(earlier)
    median = float(np.median(values))
    half = max(sigma * 1.4826 * float(np.median(np.abs(values - median))), 0.5)
    return max(median - half, 0.0), min(median + half, 100.0)


def test_an_incident_is_flagged_with_the_band_it_fell_out_of(cards, incident_db):
    db = incident_db
    done = run_cli("history", "penguins", "--db", db)
    assert done.code == 1, done.err
    flagged = {line.split(":")[0] for line in done.out.splitlines() if line.startswith("FLAGGED ")}
    assert flagged == {"FLAGGED overall", "FLAGGED dimension 02", "FLAGGED indicator 0201", "FLAGGED indicator 0202"}
    earlier = [scores_of(cards[name]) for name in NORMAL]
    for kind, code in EXPECTED_FLAGS:
        low, high = numpy_band([s[(kind, code)] for s in earlier])
        label = "overall" if kind == "overall" else f"{kind} {code}"
        line = next(line for line in done.out.splitlines() if line.startswith(f"FLAGGED {label}:"))
        score = scores_of(cards["drop"])[(kind, code)]
        assert f"{score:.2f} is below its band [{low:.2f}, {high:.2f}]" in line
        assert "median ± 3 × 1.4826 × MAD" in line and "from 6 earlier run(s)" in line
    # The trend table: every run, oldest first, with the incident's score and grade last.
    table = [line.split() for line in done.out.splitlines()[2:9]]
    assert [row[0] for row in table] == [str(k) for k in range(1, 8)]
    drop = json.loads(cards["drop"].read_text())
    assert table[-1][4:] == [f"{drop['score']:.2f}", drop["grade"], "yes" if drop["passed"] else "no"]
    assert "4 of 13 metric(s) of run 7 outside their band" in done.out


def test_the_json_report_gives_every_band_and_verdict(cards, incident_db):
    db = incident_db
    done = run_cli("history", "penguins", "--db", db, "--json", "--last", "3")
    assert done.code == 1, done.err
    found = json.loads(done.out)
    assert [run["run_id"] for run in found["runs"]] == [5, 6, 7] and found["runs_recorded"] == 7
    assert found["runs"][-1]["recorded_at"] == "2025-01-06T14:00:00.000000Z"
    latest, earlier = scores_of(cards["drop"]), [scores_of(cards[name]) for name in NORMAL]
    assert {(m["kind"], m["code"]) for m in found["metrics"]} == {key for key, v in latest.items() if v is not None}
    for metric in found["metrics"]:
        key = (metric["kind"], metric["code"])
        low, high = numpy_band([s[key] for s in earlier])
        assert metric["band"]["low"] == pytest.approx(low, rel=1e-9)
        assert metric["band"]["high"] == pytest.approx(high, rel=1e-9)
        assert metric["band"]["runs"] == 6 and metric["score"] == latest[key]
        outside = not low <= latest[key] <= high
        assert (metric["verdict"] == "flagged") == outside == (key in EXPECTED_FLAGS)
    assert found["flagged"] == len(EXPECTED_FLAGS)


def test_a_stable_history_flags_nothing_and_a_dataset_path_names_it(cards, variants, tmp_path):
    db = recorded(tmp_path / "h.duckdb", cards, [*NORMAL, "stable"])
    done = run_cli("history", variants["stable"], "--db", db)
    assert done.code == 0, done.out + done.err
    assert "FLAGGED" not in done.out and "every metric with enough history is inside its band" in done.out
    assert done.out.startswith("penguins × gbt-36344-2018: 7 run(s)")


def test_too_few_earlier_runs_are_not_enough_history(cards, tmp_path):
    db = recorded(tmp_path / "h.duckdb", cards, [*list(NORMAL)[:3], "drop"])
    found = history.report(db, "penguins")
    assert {c.verdict for c in found.checks} == {"not enough history"} and not found.flagged
    assert {c.verdict for c in history.report(db, "penguins", min_runs=3).checks} == {"ok", "flagged"}
    done = run_cli("history", "penguins", "--db", db)
    assert done.code == 0 and done.out.count("not enough history (5 earlier runs needed)") == len(found.checks)


def test_a_past_incident_does_not_widen_the_band():
    """The reason for median and MAD: with mean ± 3 sd, the one bad run at 60 would stretch the band
    down to about 40 and hide a second incident at 80."""
    earlier = [99.0, 99.1, 99.2, 99.0, 99.1, 60.0]
    found = history.band(earlier, 3.0, 100.0)
    assert (found.low, found.high) == pytest.approx(numpy_band(earlier))
    assert found.low > 98 and np.mean(earlier) - 3 * np.std(earlier, ddof=1) < 80
    identical = history.band([100.0] * 5, 3.0, 100.0)  # MAD 0: the minimum half-width decides
    assert (identical.low, identical.high, identical.half_width) == (99.5, 100.0, 0.5)


def test_the_same_card_twice_is_one_run_and_its_metrics_match_the_card(cards, tmp_path):
    db = tmp_path / "h.duckdb"
    before = datetime.now(timezone.utc).replace(tzinfo=None)
    first = runs.record(cards["normal0"], db)
    again = runs.record(dsbench.ScoreCard.load(cards["normal0"]), db)
    assert first.created and not again.created and again.run_id == first.run_id == 1
    document = json.loads(cards["normal0"].read_text())
    with duckdb.connect(str(db), read_only=True) as con:
        run = con.execute("SELECT recorded_at, dataset, dataset_fingerprint, card_digest, standard_id, "
                          "standard_version, dsbench_version, score, grade, passed FROM runs").fetchall()
        metrics = con.execute("SELECT kind, code, score, value, passed, evaluated FROM metrics "
                              "WHERE run_id = 1").fetchall()
    assert len(run) == 1
    assert before <= run[0][0] <= datetime.now(timezone.utc).replace(tzinfo=None)
    assert run[0][1:] == ("penguins", document["dataset"]["fingerprint"], document["digest"], STANDARD, "2018",
                          document["engine"]["dsbench"], document["score"], document["grade"], document["passed"])
    expected = {(kind, code): score for (kind, code), score in scores_of(cards["normal0"]).items()}
    assert {(kind, code): score for kind, code, score, *_ in metrics} == expected
    indicators = {i["code"]: i for d in document["dimensions"] for i in d["indicators"]}
    for kind, code, _, value, passed, evaluated in metrics:
        if kind == "indicator":
            assert (value, passed, evaluated) == tuple(indicators[code][k] for k in ("value", "passed", "evaluated"))


def test_the_schema_is_created_with_its_directory(cards, tmp_path):
    db = tmp_path / "fresh" / "nested" / "history.duckdb"
    runs.record(cards["normal1"], db)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT version FROM schema_version").fetchall() == [(runs.SCHEMA_VERSION,)]
        columns = {table: [c for (c,) in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [table]).fetchall()]
            for table in ("runs", "metrics")}
    assert columns["runs"] == ["run_id", "recorded_at", "dataset", "dataset_fingerprint", "card_digest",
                               "standard_id", "standard_version", "dsbench_version", "scale", "score", "grade",
                               "passed"]
    assert columns["metrics"] == ["run_id", "position", "kind", "code", "status", "score", "value", "passed",
                                  "evaluated"]
    [run] = runs.runs(db, "penguins")
    assert run.metric("dimension", "02").score == scores_of(cards["normal1"])[("dimension", "02")]


def test_another_standard_version_is_not_history(cards, tmp_path):
    """A revised standard scores differently by design: its first run has no earlier runs."""
    db = recorded(tmp_path / "h.duckdb", cards, list(NORMAL))
    revised = dsbench.ScoreCard.load(cards["drop"]).document
    revised = dsbench.ScoreCard({**revised, "standard": {**revised["standard"], "version": "2030"}})
    runs.record(revised, db, recorded_at=T0 + timedelta(days=1))
    found = history.report(db, "penguins")
    assert found.latest.standard_version == "2030" and found.baseline == () and not found.flagged


def test_several_standards_need_a_choice(cards, tmp_path):
    db = recorded(tmp_path / "h.duckdb", cards, ["normal0"])
    other = dsbench.ScoreCard.load(cards["normal1"]).document
    runs.record(dsbench.ScoreCard({**other, "standard": {**other["standard"], "id": "other-standard"}}), db)
    with pytest.raises(history.HistoryError, match=r"several standards \(gbt-36344-2018, other-standard\)"):
        history.report(db, "penguins")
    assert [r.run_id for r in history.report(db, "penguins", "other-standard").runs] == [2]


def one_line_error(done, *words: str) -> None:
    assert done.code == 2 and done.out == ""
    lines = done.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("dsbench: error: ")
    for word in words:
        assert word in lines[0]


def test_bad_input_is_one_line_and_exit_2(cards, tmp_path):
    db = recorded(tmp_path / "h.duckdb", cards, ["normal0"])
    one_line_error(run_cli("history", "penguins", "--db", tmp_path / "absent.duckdb"), "absent.duckdb",
                   "no history database")
    assert not (tmp_path / "absent.duckdb").exists()
    one_line_error(run_cli("history", "no-such-dataset", "--db", db), "no-such-dataset", "recorded: penguins")
    one_line_error(run_cli("history", "penguins", "--db", db, "--standard", "iso-iec-25012"), "iso-iec-25012")
    one_line_error(run_cli("history", "penguins", "--db", db, "--band", "0"), "--band")
    one_line_error(run_cli("history", "penguins", "--db", db, "--plot", tmp_path / "trend.svg"), "--plot", ".png")
    text = tmp_path / "notes.duckdb"
    text.write_text("not a database\n")
    one_line_error(run_cli("history", "penguins", "--db", text), "notes.duckdb", "cannot open")
    with pytest.raises(dsbench.DsbenchError, match="notes.duckdb: invalid JSON"):
        runs.record(text, db)
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE schema_version SET version = 99")
    with pytest.raises(history.HistoryError, match="h.duckdb: written by a newer dsbench"):
        runs.record(cards["normal1"], db)


def test_a_database_of_other_tables_is_refused_before_evaluating(variants, tmp_path):
    other = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales (amount INTEGER)")
    before = other.read_bytes()
    done = run_cli("evaluate", variants["normal0"], "--standard", STANDARD, "-o", tmp_path / "out",
                   "--format", "none", "--history-db", other)
    one_line_error(done, "warehouse.duckdb", "not a dsbench history database")
    assert not (tmp_path / "out").exists() and other.read_bytes() == before


def test_evaluate_records_into_the_default_database(variants, tmp_path):
    done = run_cli("evaluate", variants["normal2"], "--standard", STANDARD, "-o", tmp_path / "out", "--format",
                   "none", "--history", cwd=tmp_path)
    assert done.code == 0, done.err
    assert "history: recorded as run 1 in .dsbench/history.duckdb" in done.out
    db = tmp_path / ".dsbench" / "history.duckdb"
    [run] = runs.runs(db, "penguins")
    assert run.card_digest == json.loads((tmp_path / "out" / "card.json").read_text())["digest"]
    again = run_cli("evaluate", variants["normal2"], "--standard", STANDARD, "-o", tmp_path / "out", "--format",
                    "none", "--history", cwd=tmp_path)
    assert again.code == 0 and "not recorded again" in again.err and len(runs.runs(db, "penguins")) == 1


def test_the_trend_chart_is_a_png(cards, incident_db, tmp_path):
    pytest.importorskip("matplotlib")
    db = incident_db
    chart = tmp_path / "charts" / "trend.png"
    done = run_cli("history", "penguins", "--db", db, "--plot", chart)
    assert done.code == 1 and f"trend chart: {chart}" in done.out
    data = chart.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000
    assert not [p for p in chart.parent.iterdir() if p.name != "trend.png"]  # no temporary left


def test_without_matplotlib_the_chart_is_refused_naming_the_extra(cards, tmp_path, monkeypatch, capsys):
    from dsbench.cli.app import main

    db = recorded(tmp_path / "h.duckdb", cards, ["normal0"])
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` raises ImportError
    with pytest.raises(SystemExit) as stopped:
        main(["history", "penguins", "--db", str(db), "--plot", str(tmp_path / "trend.png")])
    err = capsys.readouterr().err
    assert stopped.value.code == 2 and len(err.splitlines()) == 1 and "dsbench[report]" in err
    assert not (tmp_path / "trend.png").exists()
