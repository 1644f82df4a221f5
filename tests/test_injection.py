"""Nothing from a suite or a dataset is pasted into SQL: identifiers are quoted by one helper,
values are bound parameters, and row conditions pass an allow-list before any query runs."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dsbench
from dsbench.engine.predicate import compile_predicate
from dsbench.engine.sql import quote_ident
from dsbench.errors import SuiteError, UnsafeExpressionError
from tests.conftest import run_cli


def payloads(target: Path) -> list[str]:
    """Statement terminators, file writers and readers, settings, comments, look-alike quotes."""
    t = str(target)
    return [
        f"x'; COPY (SELECT 1) TO '{t}'; --",
        f'x"; COPY (SELECT 1) TO \'{t}\'; --',
        f"x') OR 1=1; COPY (SELECT 42) TO '{t}' (FORMAT csv); --",
        f"'); ATTACH '{t}' AS pwn; --",
        "x'; INSTALL httpfs; LOAD httpfs; --",
        "x'; SET enable_external_access = true; --",
        "x' OR getenv('HOME') IS NOT NULL OR 'a'='a",
        "x' UNION SELECT * FROM read_text('/etc/passwd') --",
        "x\u2019; DROP TABLE t0; --",  # right single quotation mark, a quote look-alike
        "x\uff07; DROP TABLE t0; --",  # full-width apostrophe
        "x/* comment */' OR '1'='1",
    ]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(pa.table({"name": ["a", "x'; DROP TABLE t0; --", None], "n": [1, 2, 3]}), path)
    return path


def test_quote_ident_doubles_quotes_and_refuses_nul():
    assert quote_ident('a"b') == '"a""b"'
    assert quote_ident("x'; --") == "\"x'; --\""
    with pytest.raises(ValueError):
        quote_ident("a\x00b")


def test_payloads_in_column_names_are_unknown_columns(data, tmp_path):
    target = tmp_path / "written.csv"
    for payload in payloads(target):
        with pytest.raises(SuiteError, match="unknown column") as caught:
            dsbench.validate(data, [{"type": "expect_column_values_to_not_be_null",
                                     "kwargs": {"column": payload}}])
        assert caught.value.location == "expectations[0].kwargs.column"
    assert not target.exists()


def test_payload_column_names_in_real_data_are_just_names(tmp_path):
    """A table whose column names are payloads is checked like any other."""
    target = tmp_path / "written.csv"
    names = payloads(target)
    path = tmp_path / "hostile.parquet"
    pq.write_table(pa.table({name: [1, None, 3] for name in names}), path)
    suite = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": name}} for name in names]
    suite += [{"type": "expect_column_values_to_be_between",
               "kwargs": {"column": name, "min_value": 2, "row_condition": f'"{name.replace(chr(34), 2 * chr(34))}" > 0'}}
              for name in names]
    result = dsbench.validate(path, suite)
    counts = [r.outcome.result["unexpected_count"] for r in result.results]
    assert counts == [1] * len(names) + [1] * len(names)
    assert not target.exists()


@pytest.mark.parametrize("kind", ["value_set", "regex", "like_pattern", "bound"])
def test_payloads_in_values_are_bound_parameters(data, tmp_path, kind):
    """Payloads in values are data: matched literally, never executed."""
    target = tmp_path / "written.csv"
    hostile = "x'; DROP TABLE t0; --"
    for payload in payloads(target) + [hostile]:
        kwargs = {
            "value_set": {"type": "expect_column_values_to_be_in_set",
                          "kwargs": {"column": "name", "value_set": [payload]}},
            "regex": {"type": "expect_column_values_to_match_regex",
                      "kwargs": {"column": "name", "regex": "^" + payload.replace("(", r"\(").replace(")", r"\)")
                                 .replace("*", r"\*").replace("[", r"\[") + "$"}},
            "like_pattern": {"type": "expect_column_values_to_match_like_pattern",
                             "kwargs": {"column": "name", "like_pattern": payload}},
            "bound": {"type": "expect_column_values_to_be_between",
                      "kwargs": {"column": "name", "min_value": payload}},
        }[kind]
        result = dsbench.validate(data, [kwargs]).results[0]
        assert result.outcome.exception is None
        unexpected = result.outcome.result["unexpected_count"]
        if kind == "bound":
            expected = sum(1 for v in ["a", hostile] if not v >= payload)
        else:
            expected = sum(1 for v in ["a", hostile] if v != payload)
        assert unexpected == expected, (payload, unexpected)
    assert not target.exists()


ROW_CONDITION_PAYLOADS = [
    "n > 1; DROP TABLE t0",
    "n > 1; COPY (SELECT 1) TO '/tmp/dsbench-pwn.csv'",
    "(SELECT count(*) FROM t0) > 0",
    "n IN (SELECT n FROM t0)",
    "EXISTS (SELECT 1)",
    "read_csv('/etc/passwd') IS NOT NULL",
    "length(read_text('/etc/passwd')) > 0",
    "getenv('HOME') IS NOT NULL",
    "current_setting('threads') > 0",
    "t0.n > 1",
    "main.t0.n > 1",
    "*",
    "n > 1 UNION SELECT 1",
    "ATTACH '/tmp/x.db'",
    "SET threads = 1",
    "PRAGMA version",
    "INSTALL httpfs",
    "LOAD httpfs",
    "COPY t0 TO '/tmp/x'",
    "glob('/*') IS NOT NULL",
    "query('SELECT 1') IS NOT NULL",
    "list_transform([1], x -> x) IS NOT NULL",
    "n > 1 -- ' unterminated",
    "n > 1 /* hidden */",
]


@pytest.mark.parametrize("condition", ROW_CONDITION_PAYLOADS)
def test_row_condition_allow_list_refuses(data, condition):
    with pytest.raises(UnsafeExpressionError) as caught:
        dsbench.validate(data, [{"type": "expect_column_values_to_not_be_null",
                                 "kwargs": {"column": "name", "row_condition": condition}}])
    assert caught.value.location in ("expectations[0].kwargs.row_condition",)


@pytest.mark.parametrize("condition, rows", [
    ("n > 1", 2),
    ("n BETWEEN 1 AND 2 AND name IS NOT NULL", 2),
    ("lower(name) LIKE 'x%' OR n = 3", 2),
    ("coalesce(name, 'none') <> 'a'", 2),
    ('col("n") >= 2', 2),
    ("CASE WHEN n > 2 THEN true ELSE false END", 1),
    ("CAST(n AS VARCHAR) IN ('1', '3')", 2),
])
def test_row_condition_allowed_forms(data, condition, rows):
    result = dsbench.validate(data, [{"type": "expect_table_row_count_to_equal",
                                      "kwargs": {"value": rows, "row_condition": condition}}])
    assert result.results[0].outcome.result["observed_value"] == rows


def test_row_condition_literals_become_parameters():
    condition = compile_predicate("name = 'x''; DROP TABLE t0; --' AND n > 5", ["name", "n"])
    assert "DROP" not in condition.sql
    assert condition.params == ("x'; DROP TABLE t0; --", 5)
    assert condition.sql == '("name" = ? AND "n" > ?)'


def test_row_condition_unknown_column_refused():
    with pytest.raises(UnsafeExpressionError, match="unknown column 'secret'"):
        compile_predicate("secret = 1", ["name"])


def test_cli_refuses_row_condition_injection_with_one_line(data, tmp_path):
    suite = tmp_path / "s.yaml"
    suite.write_text("name: s\nexpectations:\n  - type: expect_column_values_to_not_be_null\n"
                     "    kwargs: {column: name, row_condition: \"n > 0; COPY t0 TO '/tmp/dsbench-x'\"}\n")
    out = tmp_path / "out.json"
    run = run_cli("validate", data, "--suite", suite, "-o", out)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "s.yaml: expectations[0].kwargs.row_condition" in run.err
    assert not out.exists() and not Path("/tmp/dsbench-x").exists()


def test_sealed_connection_reads_only_the_dataset(data, tmp_path):
    """The second line of defence, on its own: even SQL that bypassed the allow-list could not
    read other files, write files, change settings or load extensions."""
    import duckdb

    from dsbench.data import load_dataset

    elsewhere = tmp_path / "other.parquet"
    pq.write_table(pa.table({"secret": [1]}), elsewhere)
    with load_dataset(data) as dataset:
        dataset.seal()
        table = dataset.table()
        assert dataset.con.execute(f"SELECT count(*) FROM {table.view}").fetchone()[0] == 3
        for statement in [f"SELECT * FROM read_parquet('{elsewhere}')", "SELECT * FROM read_text('/etc/passwd')",
                          f"COPY (SELECT 1) TO '{tmp_path / 'x.csv'}'", "SET threads = 1",
                          "INSTALL httpfs", f"ATTACH '{tmp_path / 'x.duckdb'}'",
                          "SET enable_external_access = true"]:
            with pytest.raises(duckdb.Error):
                dataset.con.execute(statement).fetchall()
    assert not (tmp_path / "x.csv").exists() and not (tmp_path / "x.duckdb").exists()
