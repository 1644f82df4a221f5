"""Bad input never crashes or lies: one line on stderr naming the file and the field, exit code 2,
no traceback, and no output file. One test per case, through the real command."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.conftest import run_cli

GOOD_SUITE = "name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n    kwargs: {column: a}\n"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    pq.write_table(pa.table({"a": [1, 2, None], "b": ["x", "y", "z"]}), tmp_path / "good.parquet")
    (tmp_path / "good.yaml").write_text(GOOD_SUITE)
    return tmp_path


def refused(work: Path, data: str | Path, suite: str | Path, *fragments: str, extra=()) -> None:
    out = work / "out.json"
    run = run_cli("validate", data, "--suite", suite, "-o", out, *extra)
    assert run.code == 2, (run.code, run.out, run.err)
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err + run.out
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not out.exists()
    assert not list(work.glob(".out.json.*"))  # no temporary left either


def suite_file(work: Path, text: str, name: str = "suite.yaml") -> Path:
    path = work / name
    path.write_text(text)
    return path


def one(expectation_type: str, kwargs: dict) -> str:
    return json.dumps({"name": "s", "expectations": [{"type": expectation_type, "kwargs": kwargs}]})


# --- data ----------------------------------------------------------------------------------------

def test_missing_data_file(work):
    refused(work, work / "nope.parquet", work / "good.yaml", "nope.parquet", "no such file")


def test_corrupt_parquet(work):
    bad = work / "corrupt.parquet"
    bad.write_bytes(b"PAR1" + bytes(range(256)) * 4 + b"PAR1")
    refused(work, bad, work / "good.yaml", "corrupt.parquet")


def test_truncated_parquet(work):
    data = (work / "good.parquet").read_bytes()
    cut = work / "cut.parquet"
    cut.write_bytes(data[: len(data) // 2])
    refused(work, cut, work / "good.yaml", "cut.parquet")


def test_empty_file(work):
    (work / "empty.csv").write_bytes(b"")
    refused(work, work / "empty.csv", work / "good.yaml", "empty.csv", "empty")


def test_wrong_encoding_declared(work):
    (work / "gbk.csv").write_bytes("a,b\n1,中文\n".encode("gbk"))
    refused(work, work / "gbk.csv", work / "good.yaml", "gbk.csv", "not valid UTF-8",
            extra=("--encoding", "utf-8"))


def test_undetectable_encoding(work):
    (work / "binary.csv").write_bytes(b"a,b\n" + bytes([0x81, 0x30, 0xff, 0xfe, 0x80]) * 50)
    refused(work, work / "binary.csv", work / "good.yaml", "binary.csv", "--encoding")


def test_unknown_encoding_name(work):
    (work / "t.csv").write_text("a\n1\n")
    refused(work, work / "t.csv", work / "good.yaml", "t.csv", "unknown encoding",
            extra=("--encoding", "klingon-8"))


def test_unknown_file_format(work):
    (work / "data.xlsx").write_bytes(b"PK\x03\x04 not really")
    refused(work, work / "data.xlsx", work / "good.yaml", "data.xlsx", "unknown file format")


def test_malformed_json_data(work):
    (work / "data.json").write_text('[{"a": 1}, {"a": ')
    refused(work, work / "data.json", work / "good.yaml", "data.json")


def test_directory_without_data(work):
    (work / "emptydir").mkdir()
    refused(work, work / "emptydir", work / "good.yaml", "emptydir", "manifest")


def test_malformed_manifest(work):
    (work / "pkg").mkdir()
    (work / "pkg" / "datapackage.json").write_text('{"name": "x", "resources": [{"name": "t"}]}')
    refused(work, work / "pkg", work / "good.yaml", "datapackage.json", "resources[0].path")


def test_manifest_path_escaping_the_dataset(work):
    (work / "pkg").mkdir()
    (work / "pkg" / "datapackage.json").write_text(
        '{"resources": [{"name": "t", "path": "../good.parquet"}]}')
    refused(work, work / "pkg", work / "good.yaml", "datapackage.json", "inside the dataset")


def test_manifest_resource_linking_outside_the_dataset(work):
    package = work / "pkg"
    (package / "data").mkdir(parents=True)
    (package / "data" / "real.parquet").write_bytes((work / "good.parquet").read_bytes())
    (package / "datapackage.json").write_text('{"resources": [{"name": "t", "path": "linked.parquet"}]}')
    (package / "linked.parquet").symlink_to(package / "data" / "real.parquet")  # within: fine
    assert run_cli("validate", package, "--suite", work / "good.yaml", "-q").code in (0, 1)
    (package / "linked.parquet").unlink()
    (package / "linked.parquet").symlink_to(work / "good.parquet")  # out of the dataset
    refused(work, package, work / "good.yaml", "datapackage.json", "resources[0].path",
            "link leading outside the dataset")


# --- suites --------------------------------------------------------------------------------------

def test_unknown_column(work):
    suite = suite_file(work, one("expect_column_values_to_not_be_null", {"column": "nope"}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].kwargs.column",
            "unknown column 'nope'")


def test_invalid_regex(work):
    suite = suite_file(work, one("expect_column_values_to_match_regex", {"column": "b", "regex": "(ab"}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].kwargs.regex",
            "invalid regular expression")


def test_malformed_suite_yaml(work):
    suite = suite_file(work, "name: s\nexpectations:\n  - type: [unclosed\n")
    refused(work, work / "good.parquet", suite, "suite.yaml", "invalid YAML", "line")


def test_malformed_suite_json(work):
    suite = suite_file(work, '{"name": "s", "expectations": [}', "suite.json")
    refused(work, work / "good.parquet", suite, "suite.json", "invalid JSON", "line 1")


def test_unknown_expectation_type(work):
    suite = suite_file(work, one("expect_column_values_to_be_nul", {"column": "a"}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].type",
            "did you mean 'expect_column_values_to_be_null'")


def test_wrong_kwarg_type(work):
    suite = suite_file(work, one("expect_column_values_to_not_be_null", {"column": "a", "mostly": "high"}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].kwargs.mostly")


def test_unknown_kwarg(work):
    suite = suite_file(work, one("expect_column_values_to_not_be_null", {"column": "a", "colour": 1}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].kwargs.colour")


def test_bound_of_wrong_type(work):
    suite = suite_file(work, one("expect_column_values_to_be_between",
                                 {"column": "a", "min_value": "zero"}))
    refused(work, work / "good.parquet", suite, "suite.yaml", "expectations[0].kwargs.min_value",
            "not a number")


def test_suite_is_not_a_mapping(work):
    suite = suite_file(work, "- just\n- a list\n")
    refused(work, work / "good.parquet", suite, "suite.yaml", "mapping")


def test_yaml_alias_bomb(work):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" \
           "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: s\nexpectations: []\n"
    refused(work, work / "good.parquet", suite_file(work, bomb), "suite.yaml", "aliases are not allowed")


def test_unknown_suite_id(work):
    refused(work, work / "good.parquet", "no-such-suite", "no suite file or suite id 'no-such-suite'")


@pytest.mark.parametrize("extra", [(), ("--suite", "penguins", "--threads", "0"), ("--suite", "penguins", "--bogus")])
def test_usage_error_is_one_line_and_exits_2(work, extra):
    run = run_cli("validate", work / "good.parquet", *extra)
    assert run.code == 2 and "Traceback" not in run.err
    assert len(run.err.strip().splitlines()) == 1 and "dsbench validate --help" in run.err, run.err


def test_bad_table_option(work):
    refused(work, work / "good.parquet", work / "good.yaml", "--table expects NAME=PATH",
            extra=("--table", "nonsense"))


def test_parquet_corrupt_inside_a_data_page(work):
    """The footer is intact, so the file opens; the damage shows only when pages are read."""
    rows = 200_000
    pq.write_table(pa.table({"a": list(range(rows)), "s": [f"v{i}" for i in range(rows)]}),
                   work / "pages.parquet", compression="snappy", row_group_size=50_000)
    damaged = bytearray((work / "pages.parquet").read_bytes())
    middle = len(damaged) // 3
    for i in range(middle, middle + 2000):
        damaged[i] ^= 0x5A
    (work / "damaged.parquet").write_bytes(bytes(damaged))
    suite = suite_file(work, one("expect_column_sum_to_be_between", {"column": "a", "min_value": 0}))
    refused(work, work / "damaged.parquet", suite, "damaged.parquet")


def test_invalid_memory_limit(work):
    refused(work, work / "good.parquet", work / "good.yaml", "--memory-limit", extra=("--memory-limit", "lots"))


def test_engine_settings_are_applied(work):
    import dsbench

    from dsbench import LoadOptions, load_dataset

    with load_dataset(work / "good.parquet", options=LoadOptions(threads=1, memory_limit="512MB")) as dataset:
        limit, threads = dataset.con.execute(
            "SELECT current_setting('memory_limit'), current_setting('threads')").fetchone()
    assert (limit, threads) == ("488.2 MiB", 1)
    result = dsbench.validate(work / "good.parquet", work / "good.yaml", threads=1, memory_limit="512MB")
    assert result.results[0].outcome.result["unexpected_count"] == 1
    run = run_cli("validate", work / "good.parquet", "--suite", work / "good.yaml", "--threads", "1",
                  "--memory-limit", "256MB", "-q")
    assert run.code == 1 and run.err == ""
