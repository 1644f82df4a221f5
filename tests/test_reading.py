"""A corpus of awkward real-world file shapes, each with its expected outcome: read with the right rows
and findings (checked against pandas or Python's own parsers), or refused with a one-line message that
names the file and the option that helps. The files are generated here; nothing is stored."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pandas as pd
import pytest

import dsbench
from dsbench import LoadOptions, load_dataset
from dsbench.errors import DataError
from dsbench.verification import verify_card
from tests.conftest import run_cli

ROWS = [{"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 0}}]


def rows_of(path, **options) -> int:
    with load_dataset(path, options=LoadOptions(**options)) as dataset:
        return dataset.con.execute(f"SELECT count(*) FROM {dataset.table().view}").fetchone()[0]


def column(path, name, **options) -> list:
    with load_dataset(path, options=LoadOptions(**options)) as dataset:
        table = dataset.table()
        return [row[0] for row in dataset.con.execute(
            f'SELECT "{name}" FROM {table.view} ORDER BY rowid').fetchall()]


def suite_file(tmp_path) -> str:
    path = tmp_path / "rows.yaml"
    path.write_text("name: rows\nexpectations:\n  - type: expect_table_row_count_to_be_between\n"
                    "    kwargs: {min_value: 0}\n")
    return str(path)


def refusal(path, *args) -> str:
    """The one line dsbench prints when it refuses ``path`` (exit 2, nothing else on stderr)."""
    done = run_cli("validate", str(path), "--suite", suite_file(Path(str(path)).parent), *args)
    lines = done.err.strip().splitlines()
    assert done.code == 2 and len(lines) == 1, done.err
    assert "Traceback" not in done.err and "dsbench-" not in lines[0]  # never a scratch path
    assert not lines[0].endswith("…")
    return lines[0]


# -- line ends ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    b"a,b\r\n1,x\r\n2,y\r\n3,z\n",  # CRLF, the last line LF (an appended row)
    b"a,b\r\n1,x\n2,y\r\n3,z\r\n",  # one LF line among CRLF ones
    b"a,b\n1,x\n2,y\r\n3,z\n",  # one CRLF line among LF ones
    b"a,b\r\n1,x\r\n2,y\r\n3,z",  # no line end at the end
])
def test_mixed_line_ends_are_read_like_pandas(tmp_path, text):
    path = tmp_path / "t.csv"
    path.write_bytes(text)
    expected = pd.read_csv(path)
    assert rows_of(path) == len(expected) == 3
    assert column(path, "b") == list(expected["b"]) == ["x", "y", "z"]


def test_mixed_line_ends_in_a_gb18030_file_with_a_quoted_line_break(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes('名称,说明\r\n甲,"第一行\r\n第二行"\r\n乙,二\n'.encode("gb18030"))
    assert column(path, "名称") == ["甲", "乙"]
    # Which line ends belong to a value cannot be known in such a file: they are written like the others.
    assert column(path, "说明") == ["第一行\r\n第二行", "二"]


# -- the sniffer's sample misleads ---------------------------------------------------------------------

def late_quote_csv(path, rows: int, at: int) -> None:
    generator = random.Random(7)
    with open(path, "w", newline="") as handle:
        handle.write("id,name,lat,lon,count\n")
        for i in range(rows):
            name = '"Place, with comma"' if i == at else f"place {i}"
            handle.write(f"{i},{name},{generator.uniform(-90, 90):.4f},{generator.uniform(-180, 180):.4f},{i % 7}\n")


def test_a_quoted_field_after_the_sniffers_sample_is_read(tmp_path):
    path = tmp_path / "places.csv"
    late_quote_csv(path, 60_000, 53_383)
    expected = pd.read_csv(path)
    with load_dataset(path) as dataset:
        table = dataset.table()
        assert table.columns["lat"] == "DOUBLE" and table.read_as_text == {}
        rows, name = dataset.con.execute(
            f"SELECT count(*), max(name) FILTER (WHERE id = 53383) FROM {table.view}").fetchone()
    assert rows == len(expected) == 60_000
    assert name == expected.loc[53_383, "name"] == "Place, with comma"


def test_a_sentinel_after_the_sample_is_a_finding_not_a_refusal(tmp_path):
    path = tmp_path / "readings.csv"
    values = [f"{i * 1.5}" for i in range(30_000)]
    values[25_000] = values[29_000] = "nil"
    path.write_text("id,v\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    with load_dataset(path) as dataset:
        table = dataset.table()
        assert table.columns["v"] == "VARCHAR" and table.read_as_text == {"v": "DOUBLE"}
    assert dsbench.validate(path, ROWS).to_dict()["meta"]["reading"]["read_as_text"] == {"v": "DOUBLE"}
    card = dsbench.evaluate(path, "gbt-36344-2018").document
    found = next(r for r in card["results"] if r["id"].endswith("data.table.v.castable"))
    assert found["expectation_config"]["kwargs"]["type"] == "number"
    assert found["result"]["unexpected_count"] == values.count("nil") == 2
    assert found["result"]["partial_unexpected_list"] == ["nil", "nil"]
    # Read as missing instead, the column keeps its type.
    with load_dataset(path, options=LoadOptions(missing_values=["nil"])) as dataset:
        assert dataset.table().columns["v"] == "DOUBLE"


def test_a_row_with_an_extra_field_is_refused_naming_its_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n" + "".join(f"{i},x\n" for i in range(25_000)) + "5,y,z\n")
    line = refusal(path)
    assert "ragged.csv" in line and "line 25002" in line and "expected 2 fields, found 3" in line
    assert "--delimiter" in line and "strict_mode" not in line


# -- reader options and the manifest's dialect ---------------------------------------------------------

def test_types_fix_a_column_at_load(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("code,n\n12,1\n34,2\n")
    assert column(path, "code") == [12, 34]
    assert column(path, "code", types={"code": "string"}) == ["12", "34"]
    with pytest.raises(DataError, match="--types names column 'kode'"):
        rows_of(path, types={"kode": "string"})


def test_a_value_that_does_not_fit_a_given_type_reads_the_column_as_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("n\n1\n2\nthree\n")
    with load_dataset(path, options=LoadOptions(types={"n": "integer"})) as dataset:
        table = dataset.table()
        assert table.columns["n"] == "VARCHAR" and table.read_as_text == {"n": "BIGINT"}


def test_the_manifests_whole_dialect_is_honoured(tmp_path):
    rows = [["1", "it's; here"], ["2", 'say "hi"'], ["3", "plain"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quotechar="'", doublequote=False, escapechar="\\",
               quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows([["id", "text"], *rows])
    (tmp_path / "t.csv").write_text("# exported 2026-01-01\n" + buffer.getvalue(), newline="")
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "d", "resources": [{
        "name": "t", "path": "t.csv", "dialect": {"delimiter": ";", "quoteChar": "'", "doubleQuote": False,
                                                  "escapeChar": "\\", "commentChar": "#",
                                                  "lineTerminator": "\r\n"}}]}))
    expected = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=";", quotechar="'",
                               doublequote=False, escapechar="\\"))[1:]
    assert column(tmp_path, "text") == [r[1] for r in expected] == [r[1] for r in rows]


def test_quote_and_escape_options(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id|text\n1|'a|b'\n2|'x\\'y'\n")
    assert column(path, "text", quote="'", escape="\\") == ["a|b", "x'y"]


def test_reader_options_are_recorded_and_verify_reuses_them(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,v\n12,NA\n34,2\n")
    card = dsbench.evaluate(path, "iso-iec-25012", options=LoadOptions(types={"code": "string"},
                                                                       missing_values=["NA"]))
    document = card.document
    assert document["options"]["reader"]["types"] == {"code": "string"}
    assert document["dataset"]["tables"][0]["missing_values"] == ["", "NA"]
    saved = card.save(tmp_path / "out" / "card.json")
    assert verify_card(saved, data=str(path)) == []


# -- missing values ---------------------------------------------------------------------------------

def test_missing_values_are_added_to_the_defaults_and_trimmed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("v,w\nNA,x\nnil,\n3,y\n")
    with load_dataset(path, options=LoadOptions(missing_values=["NA", " nil"])) as dataset:
        table = dataset.table()
        assert table.missing_values == ["", "NA", "nil"]
        nulls = dataset.con.execute(f"SELECT count(*) - count(v), count(*) - count(w) FROM {table.view}").fetchone()
    assert nulls == (2, 1)  # the empty cell of w is still missing
    with load_dataset(path, options=LoadOptions(missing_values=["NA"], missing_values_only=True)) as dataset:
        table = dataset.table()
        assert table.missing_values == ["NA"]
        assert dataset.con.execute(f"SELECT count(*) - count(w) FROM {table.view}").fetchone() == (0,)


def test_cli_missing_values_tokens_are_trimmed(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("v\nNA\nnil\n3\n")
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n"
                     "    kwargs: {column: v}\n")
    out = tmp_path / "out.json"
    done = run_cli("validate", path, "--suite", suite, "--missing-values", "NA, nil", "-o", out)
    assert done.code == 1, done.err
    assert json.loads(out.read_text())["results"][0]["result"]["unexpected_count"] == 2


# -- JSON ---------------------------------------------------------------------------------------------

def test_a_single_json_object_is_one_record(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"name": "solo", "value": 3}, indent=2))
    assert rows_of(path) == 1 and column(path, "name") == ["solo"]


def test_a_json_document_holding_a_table_is_refused_naming_its_shape(tmp_path):
    path = tmp_path / "wrapped.json"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [{"id": 1}, {"id": 2}]}, indent=2))
    line = refusal(path)
    assert "wrapped.json" in line and "features (an array of 2 objects)" in line and "jq -c '.features[]'" in line


def test_json_lines_and_arrays_whatever_their_first_byte(tmp_path):
    lines = tmp_path / "a.json"
    lines.write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    array = tmp_path / "b.json"
    array.write_text('\n  [{"a": 1}, {"a": 2}]')
    assert rows_of(lines) == 3 and rows_of(array) == 2


def test_a_glob_of_a_json_array_and_a_single_record(tmp_path):
    (tmp_path / "a.json").write_text('[{"a": 1}, {"a": 2}]')
    (tmp_path / "b.json").write_text('{\n  "a": 3\n}\n')
    assert sorted(column(str(tmp_path / "*.json"), "a")) == [1, 2, 3]


def mixed_titles() -> list:
    return [i if i % 300 == 0 else f"Movie {i}" if i % 7 else f"\"Quoted\" {i}" for i in range(3200)]


def test_a_mixed_type_json_column_has_string_semantics_and_a_type_finding(tmp_path):
    titles = mixed_titles()
    path = tmp_path / "films.json"
    path.write_text(json.dumps([{"id": i, "title": t} for i, t in enumerate(titles)]))
    text = [str(t) for t in titles]
    suite = [
        {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "title", "regex": '^[^"]'}},
        {"type": "expect_column_value_lengths_to_be_between", "kwargs": {"column": "title", "max_value": 9}},
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "title", "value_set": ["Movie 1", "300"]}},
        {"type": "expect_column_values_to_have_one_json_type", "kwargs": {"column": "title"}},
    ]
    results = [r.outcome for r in dsbench.validate(path, suite).results]
    assert all(o.exception is None for o in results)
    assert results[0].result["unexpected_count"] == sum(t.startswith('"') for t in text)
    assert results[1].result["unexpected_count"] == sum(len(t) > 9 for t in text)
    assert results[2].result["unexpected_count"] == sum(t not in ("Movie 1", "300") for t in text)
    integers = sum(isinstance(t, int) for t in titles)
    assert results[3].result["observed_value"] == {"integer": integers, "string": len(titles) - integers}
    assert results[3].result["unexpected_count"] == integers
    assert (results[3].passed, results[3].evaluated) == (len(titles) - integers, len(titles))
    assert results[3].result["partial_unexpected_list"] == ["0", "300", "600", "900", "1200"]


# -- packages -----------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def package(tmp_path, resources):
    (tmp_path / "t.csv").write_text("a,b\n1,x\n2,y\n")
    (tmp_path / "icon.png").write_bytes(PNG)
    (tmp_path / "us.json").write_text(json.dumps({"type": "Topology", "objects": {}, "arcs": []}))
    (tmp_path / "world.json").write_text(json.dumps({"type": "FeatureCollection", "features": [{"a": 1}]}))
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "p", "resources": resources}))
    return tmp_path


def test_non_tabular_package_resources_are_listed_not_evaluated(tmp_path):
    package(tmp_path, [{"name": "t", "path": "t.csv", "sources": [{"title": "Survey"}],
                        "licenses": [{"name": "CC0-1.0"}]},
                       {"name": "icon", "path": "icon.png", "format": "png", "mediatype": "image/png"},
                       {"name": "us", "path": "us.json", "format": "topojson"},
                       {"name": "world", "path": "world.json"},
                       {"name": "remote", "path": "https://example.org/x.csv"},
                       {"name": "inline", "data": [{"a": 1}]}])
    card = dsbench.evaluate(tmp_path, "tc609-5-2025-04").document
    assert [t["name"] for t in card["dataset"]["tables"]] == ["t"]
    skipped = {s["resource"]: s["reason"] for s in card["dataset"]["not_evaluated"]}
    assert set(skipped) == {"icon", "us", "world", "remote", "inline"}
    assert "png" in skipped["icon"] and "topojson" in skipped["us"] and "features" in skipped["world"]
    # Resource-level sources and licences document the package whose every table declares them.
    process = next(r for r in card["results"] if r["id"].endswith("manifest.documentation.process"))
    application = next(r for r in card["results"] if r["id"].endswith("manifest.documentation.application"))
    sources = next(k for k in process["result"]["details"]["evidence"] if k.startswith("sources|"))
    licence = next(k for k in application["result"]["details"]["evidence"] if k.startswith("licenses|"))
    assert process["result"]["details"]["evidence"][sources] == {"manifest": "resources.sources"}
    assert application["result"]["details"]["evidence"][licence] == {"manifest": "resources.licenses"}


def test_a_package_without_any_table_is_refused(tmp_path):
    package(tmp_path, [{"name": "icon", "path": "icon.png"}])
    line = refusal(tmp_path)
    assert "datapackage.json" in line and "no table" in line and "icon" in line


# -- refusals that help -----------------------------------------------------------------------------

def test_prose_is_refused_unless_read_as_csv(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("Once upon a time, there was a table.\nIt had no delimiter; only words.\nThe end.\n")
    line = refusal(path)
    assert "notes.txt" in line and "prose" in line and "--data-format csv" in line
    assert run_cli("validate", path, "--suite", suite_file(tmp_path), "--data-format", "csv").code == 0
    tabbed = tmp_path / "table.txt"
    tabbed.write_text("a\tb\n1\t2\n3\t4\n")
    assert rows_of(tabbed) == 2


@pytest.mark.parametrize("content, named", [(PNG, "PNG image"), (bytes(range(256)) * 8, "binary file"),
                                             (b"PAR1" + bytes(64), "Parquet file")])
def test_a_binary_file_given_as_text_is_named(tmp_path, content, named):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    line = refusal(path)
    assert "data.csv" in line and named in line
    assert "--encoding" not in line or named == "binary file"  # only UTF-16 without a BOM looks alike


def test_a_glob_of_files_with_different_columns_names_both(tmp_path):
    (tmp_path / "part1.csv").write_text("id,name\n1,a\n")
    (tmp_path / "part2.csv").write_text("id,label\n2,b\n")
    line = refusal(str(tmp_path / "part*.csv"))
    assert "part1.csv" in line and "part2.csv" in line and "name" in line and "label" in line


def test_errors_in_a_transcoded_file_name_the_file_not_its_copy(tmp_path):
    path = tmp_path / "旧.csv"
    path.write_bytes(("a,b\n" + "甲,乙\n" * 30_000 + "丙,丁,戊\n").encode("gb18030"))
    line = refusal(path)
    assert "旧.csv" in line and "utf8-" not in line and "line 30002" in line


@pytest.mark.parametrize("args, message", [
    (["--sample-size", "some"], "--sample-size expects"),
    (["--types", "a"], "--types expects COL=TYPE"),
    (["--types", "a=blob"], "unknown column type 'blob'"),
    (["--quote", "''"], "--quote expects one character"),
    (["--data-format", "xls"], "unknown data format 'xls'"),
    (["--missing-values-only"], "--missing-values-only needs --missing-values"),
])
def test_bad_reader_options_are_one_line_errors(tmp_path, args, message):
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n")
    done = run_cli("validate", path, "--suite", suite_file(tmp_path), *args)
    assert done.code == 2 and message in done.err and len(done.err.strip().splitlines()) == 1, done.err


def test_sample_size_all_reads_the_whole_file_for_types(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("v\n" + "1\n" * 25_000 + "x\n")
    with load_dataset(path, options=LoadOptions(sample_size=-1)) as dataset:
        table = dataset.table()
        assert table.columns["v"] == "VARCHAR" and table.read_as_text == {}


def test_malformed_json_lines_name_the_line_in_dsbench_words(tmp_path):
    path = tmp_path / "events.jsonl"
    path.write_text('{"a": 1}\n{"a": 2,\n{"a": 3}\n')
    line = refusal(path)
    assert "events.jsonl" in line and "malformed JSON" in line and "JSON Lines" in line
    assert "Try" not in line and "auto-detect" not in line


def test_evaluate_and_check_take_the_reader_options(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code;v\n12;NA\n34;2\n")
    out = tmp_path / "card"
    done = run_cli("evaluate", path, "--standard", "iso-iec-25012", "--delimiter", ";", "--types", "code=string",
                   "--missing-values", "NA", "--format", "none", "-o", out, "-q")
    assert done.code == 0, done.err
    card = json.loads((out / "card.json").read_text())
    assert card["options"]["reader"]["delimiter"] == ";" and card["options"]["reader"]["types"] == {"code": "string"}
    assert card["dataset"]["tables"][0]["columns"] == [{"name": "code", "type": "VARCHAR"}, {"name": "v", "type": "BIGINT"}]
    done = run_cli("check", path, "--standard", "iso-iec-25012", "--delimiter", ";", "--sample-size", "all", "-q")
    assert done.code in (0, 1) and not done.err.strip(), done.err


def test_inject_reads_a_file_with_mixed_line_ends_as_the_loader_did(tmp_path):
    from dsbench.corpus.inject import inject

    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\r\n1,x\r\n2,y\r\n3,z\n")
    inject(path, tmp_path / "out", nulls=0)
    written = next((tmp_path / "out").glob("*.csv"))
    assert written.read_bytes() == b"a,b\r\n1,x\r\n2,y\r\n3,z\r\n"  # the odd line end made like the others
