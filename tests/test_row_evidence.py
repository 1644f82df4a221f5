"""Row-level evidence: GX result formats, unexpected rows numbered from 1 in file order, and the
failing rows written as Parquet.

The references are independent of dsbench: GX Core's pandas engine (unexpected_list and
unexpected_index_list, whose pandas index counts from 0) and pandas masks written out by hand.
Every table is checked as a CSV file (parsed once into a DuckDB table), a Parquet file of many
small row groups (a view that DuckDB reads in parallel) and an in-memory frame, with 1 and 4
threads.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import pytest  # noqa: E402

import great_expectations as gx  # noqa: E402  (a dev dependency: missing GX must fail, not skip)
from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: E402
from great_expectations.expectations.expectation_configuration import (  # noqa: E402
    ExpectationConfiguration,
)

from dsbench.errors import DsbenchError, SuiteError  # noqa: E402
from dsbench.validation.rows import failing_rows_written  # noqa: E402
from dsbench.validation.runner import validate  # noqa: E402
from tests.conftest import run_cli  # noqa: E402
from tests.references import plain  # noqa: E402

ROWS = 30_000
ROW_GROUP = 1_000


def frame(rows: int = ROWS, seed: int = 7) -> pd.DataFrame:
    """ids in an order of their own (not the row number), values with gaps, text, a nearly
    increasing column with a few steps back."""
    rng = np.random.default_rng(seed)
    v = rng.integers(0, 1000, rows).astype("float64")
    v[rng.random(rows) < 0.03] = np.nan
    steps = rng.integers(0, 5, rows)
    steps[rng.random(rows) < 0.002] = -50
    return pd.DataFrame({
        "id": rng.permutation(rows) + 100_000,
        "v": v,
        "w": rng.integers(0, 1000, rows),
        "s": rng.choice(["a", "b", "c", "dd", "e"], rows),
        "t": np.cumsum(steps),
    })


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, Any]:
    """The same table three ways: CSV, multi-row-group Parquet, and the pandas frame."""
    df = frame()
    where = tmp_path_factory.mktemp("row_evidence")
    df.to_csv(where / "t.csv", index=False)
    pq.write_table(pa.Table.from_pandas(df, preserve_index=False), where / "t.parquet", row_group_size=ROW_GROUP)
    assert pq.ParquetFile(where / "t.parquet").num_row_groups == ROWS // ROW_GROUP
    return {"df": df, "csv": where / "t.csv", "parquet": where / "t.parquet"}


SOURCES = ["csv", "parquet", "frame"]


def source(data: dict, kind: str) -> Any:
    return data["df"] if kind == "frame" else data[kind]


def results(data: Any, suite: list[dict], **options: Any) -> list[dict]:
    return [r["result"] for r in validate(data, suite, **options).to_dict()["results"]]


def rows_of(mask: pd.Series) -> list[int]:
    """1-based row numbers of a boolean mask, in file order."""
    return [int(i) + 1 for i in np.flatnonzero(mask.to_numpy())]


def breaks(values: pd.Series, decreasing: bool = False, strictly: bool = False) -> pd.Series:
    """Rows whose present value is out of order with the previous present value (pandas)."""
    present = values.dropna()
    previous = present.shift(1)
    if decreasing:
        bad = present >= previous if strictly else present > previous
    else:
        bad = present <= previous if strictly else present < previous
    return bad.reindex(values.index, fill_value=False)


# --- against GX ------------------------------------------------------------------------------------

class GX:
    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
        asset = self.context.data_sources.add_pandas("pandas").add_dataframe_asset("frame")
        self.batch_definition = asset.add_batch_definition_whole_dataframe("whole")
        self.runs = 0

    def validate(self, df: pd.DataFrame, configs: list[dict], result_format: Any) -> list[dict]:
        self.runs += 1
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": df})
        suite = gx.ExpectationSuite(name=f"s{self.runs}", expectations=[
            ExpectationConfiguration(type=c["type"], kwargs=c["kwargs"]).to_domain_obj() for c in configs])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = batch.validate(suite, result_format=result_format)
        by_type = {}
        for item in run.results:
            by_type.setdefault(item.expectation_config.type, []).append(dict(item.result))
        return [by_type[c["type"]].pop(0) for c in configs]


GX_SUITE = [
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "v", "min_value": 10, "max_value": 900}},
    {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "s", "value_set": ["a", "b", "c"]}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "v"}},
    {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "w"}},
    {"type": "expect_column_values_to_be_increasing", "kwargs": {"column": "t"}},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b",
     "kwargs": {"column_A": "v", "column_B": "w", "ignore_row_if": "either_value_is_missing"}},
    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["s", "w"]}},
    {"type": "expect_select_column_values_to_be_unique_within_record", "kwargs": {"column_list": ["v", "w"]}},
]


@pytest.fixture(scope="module")
def oracle() -> GX:
    return GX()


@pytest.mark.parametrize("index", [None, ["id"]])
def test_complete_lists_equal_gx_on_a_frame(oracle, index):
    df = frame(rows=3000, seed=3)
    fmt = {"result_format": "COMPLETE"} | ({"unexpected_index_column_names": index} if index else {})
    theirs = oracle.validate(df, GX_SUITE, fmt)
    ours = results(df, GX_SUITE, result_format=fmt)
    for config, gx_result, result in zip(GX_SUITE, theirs, ours):
        name = config["type"]
        assert gx_result["unexpected_count"] > 0, name  # every check finds something to list
        assert result["unexpected_count"] == gx_result["unexpected_count"], name
        assert result["unexpected_list_capped"] is False
        assert len(result["unexpected_list"]) == result["unexpected_count"]
        # GX stops its unexpected_list at MAX_RESULT_RECORDS (200) values, not its index list;
        # dsbench stops both at --max-failing-rows.
        n = len(gx_result["unexpected_list"])
        assert n == min(gx_result["unexpected_count"], 200)
        assert plain(result["unexpected_list"][:n]) == plain(gx_result["unexpected_list"]), name
        if index is None:
            # GX lists the pandas index (0, 1, …); dsbench the row number in file order (1, 2, …).
            assert result["unexpected_index_list"] == [i + 1 for i in gx_result["unexpected_index_list"]], name
        else:
            assert result["unexpected_index_column_names"] == index
            assert plain(result["unexpected_index_list"]) == plain(gx_result["unexpected_index_list"]), name
        query = gx_result["unexpected_index_query"]  # "df.filter(items=[0, 3, …], axis=0)"
        positions = json.loads(query[query.index("["):query.index("]") + 1])
        assert result["unexpected_rows"] == [i + 1 for i in positions], name


def test_summary_lists_the_first_rows_as_gx_does(oracle):
    df = frame(rows=2000, seed=5)
    fmt = {"result_format": "SUMMARY", "partial_unexpected_count": 7, "unexpected_index_column_names": ["id"]}
    suite = GX_SUITE[:2]
    theirs = oracle.validate(df, suite, fmt)
    ours = results(df, suite, result_format=fmt)
    for gx_result, result in zip(theirs, ours):
        assert plain(result["partial_unexpected_list"]) == plain(gx_result["partial_unexpected_list"])
        assert plain(result["partial_unexpected_index_list"]) == plain(gx_result["partial_unexpected_index_list"])
        assert len(result["partial_unexpected_index_list"]) == 7
        assert "unexpected_list" not in result and "unexpected_index_list" not in result


# --- files and thread counts -----------------------------------------------------------------------

ORDER_SUITE = [
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "v", "max_value": 990}},
    {"type": "expect_column_values_to_be_increasing", "kwargs": {"column": "t"}},
    {"type": "expect_column_values_to_be_decreasing", "kwargs": {"column": "t", "strictly": True}},
    {"type": "expect_column_pair_values_a_to_be_greater_than_b", "kwargs": {"column_A": "w", "column_B": "v"}},
    {"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["s", "w"]}},
]


def references(df: pd.DataFrame) -> list[pd.Series]:
    """The unexpected rows of ORDER_SUITE, by pandas."""
    keys = df[["s", "w"]]
    return [
        df["v"].notna() & (df["v"] > 990),
        breaks(df["t"]),
        breaks(df["t"], decreasing=True, strictly=True),
        ~(df["w"] > df["v"]) & ~(df["w"].isna() & df["v"].isna()),
        keys.duplicated(keep=False),
    ]


@pytest.mark.parametrize("kind", SOURCES)
def test_row_numbers_are_file_order_for_every_source_and_thread_count(data, kind):
    df = data["df"]
    expected = references(df)
    documents = {}
    for threads in (1, 4):
        found = results(source(data, kind), ORDER_SUITE, result_format="COMPLETE", threads=threads,
                        max_failing_rows=ROWS)
        for config, result, mask in zip(ORDER_SUITE, found, expected):
            assert result["unexpected_count"] == int(mask.sum()), config["type"]
            assert result["unexpected_rows"] == rows_of(mask), (config["type"], threads)
            assert result["unexpected_index_list"] == rows_of(mask)
            assert result["unexpected_list_capped"] is False
        documents[threads] = found
    assert documents[1] == documents[4]
    # Values follow the rows: the increasing check lists the values that stepped back.
    assert documents[1][1]["unexpected_list"] == [int(x) for x in df["t"][expected[1]]]
    assert documents[1][0]["unexpected_list"] == [float(x) for x in df["v"][expected[0]]]


def test_complete_lists_are_capped_and_say_so(data):
    mask = references(data["df"])[4]
    assert mask.sum() > 100
    result = results(data["parquet"], ORDER_SUITE[4:], result_format="COMPLETE", max_failing_rows=100)[0]
    assert result["unexpected_list_capped"] is True
    assert result["unexpected_rows"] == rows_of(mask)[:100]
    assert result["unexpected_count"] == int(mask.sum())  # the count is never capped


def test_increasing_reports_the_values_out_of_order_by_default(data):
    """Without a result format the order checks now give GX's partial list (the first values
    that stepped back), and nothing about rows: the default result shape is unchanged."""
    df = data["df"]
    result = results(data["csv"], ORDER_SUITE[1:2])[0]
    assert result["unexpected_count"] == int(breaks(df["t"]).sum()) > 0
    assert result["partial_unexpected_list"] == [int(x) for x in df["t"][breaks(df["t"])]][:20]
    assert not any(key.startswith("unexpected_") and key not in ("unexpected_count", "unexpected_percent",
                                                                  "unexpected_percent_total",
                                                                  "unexpected_percent_nonmissing",
                                                                  "unexpected_sample_size")
                   for key in result)
    assert "partial_unexpected_index_list" not in result


def test_failing_rows_parquet_equals_the_pandas_filtered_rows(data, tmp_path):
    df = data["df"]
    out = {threads: tmp_path / f"rows{threads}" for threads in (1, 4)}
    for threads, directory in out.items():
        result = validate(data["parquet"], ORDER_SUITE, failing_rows=directory, threads=threads,
                          max_failing_rows=ROWS)
        recorded = [r.get("failing_rows") for r in result.to_dict()["results"]]
        assert all(r is not None and r["file"] and r["capped"] is False for r in recorded)
    for (config, mask), record in zip(zip(ORDER_SUITE, references(df)), recorded):
        written = pd.read_parquet(out[1] / record["file"])
        expected = df[mask].reset_index(drop=True)
        assert list(written.columns) == ["dsbench_row_number", *df.columns]
        assert written["dsbench_row_number"].tolist() == rows_of(mask), config["type"]
        pd.testing.assert_frame_equal(written.drop(columns="dsbench_row_number"), expected, check_dtype=False)
        assert record["rows"] == len(expected)
        # The same bytes with 1 and 4 threads.
        assert (out[1] / record["file"]).read_bytes() == (out[4] / record["file"]).read_bytes()
    assert sorted(p.name for p in out[1].iterdir()) == sorted(r["file"] for r in recorded)  # nothing else


def test_failing_rows_are_bounded_by_max_failing_rows(data, tmp_path):
    mask = references(data["df"])[4]
    result = validate(data["csv"], ORDER_SUITE[4:], failing_rows=tmp_path, max_failing_rows=25)
    record = result.to_dict()["results"][0]["failing_rows"]
    assert record["rows"] == 25 and record["capped"] is True
    assert pd.read_parquet(tmp_path / record["file"])["dsbench_row_number"].tolist() == rows_of(mask)[:25]


def test_failing_rows_are_all_or_nothing(tmp_path):
    table = pa.table({"a": [1, 2, 3]})
    target = tmp_path / "new" / "rows"
    with pytest.raises(RuntimeError):
        with failing_rows_written(target) as writer:
            writer.add("first.parquet", table)
            raise RuntimeError("a later expectation failed")
    assert not target.exists()  # created for the run, removed with the staged file
    target.mkdir(parents=True)
    (target / "kept.txt").write_text("x")
    with pytest.raises(RuntimeError):
        with failing_rows_written(target) as writer:
            writer.add("first.parquet", table)
            raise RuntimeError("boom")
    assert [p.name for p in target.iterdir()] == ["kept.txt"]
    with failing_rows_written(target) as writer:
        writer.add("first.parquet", table)
    assert sorted(p.name for p in target.iterdir()) == ["first.parquet", "kept.txt"]
    assert pq.read_table(target / "first.parquet").equals(table)


def test_a_suite_error_writes_no_failing_rows(data, tmp_path):
    target = tmp_path / "rows"
    with pytest.raises(SuiteError):
        validate(data["csv"], [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "nope"}}],
                 failing_rows=target)
    assert not target.exists()


# --- formats, precedence and errors ----------------------------------------------------------------

def test_levels_follow_gx_and_the_default_is_unchanged(data):
    suite = ORDER_SUITE[:1]
    default = results(data["csv"], suite)[0]
    assert set(default) == {"element_count", "unexpected_count", "unexpected_percent", "partial_unexpected_list",
                            "missing_count", "missing_percent", "unexpected_percent_total",
                            "unexpected_percent_nonmissing", "partial_unexpected_counts", "unexpected_sample_size"}
    assert results(data["csv"], suite, result_format="BOOLEAN_ONLY")[0] == {}
    basic = results(data["csv"], suite, result_format="basic")[0]
    assert "partial_unexpected_counts" not in basic and basic["unexpected_count"] == default["unexpected_count"]
    summary = results(data["csv"], suite, result_format="SUMMARY")[0]
    assert len(summary["partial_unexpected_index_list"]) == 20 and "unexpected_list" not in summary
    complete = results(data["csv"], suite, result_format="COMPLETE")[0]
    assert len(complete["unexpected_list"]) == default["unexpected_count"]


def test_an_expectations_own_format_wins_over_the_run_and_the_suite(data):
    suite = {"name": "p", "result_format": "BOOLEAN_ONLY", "expectations": [
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "v", "max_value": 990,
                                                                  "result_format": "COMPLETE"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "v", "max_value": 990}},
    ]}
    own, other = results(data["csv"], suite)
    assert "unexpected_list" in own and other == {}  # the suite's default
    own, other = results(data["csv"], suite, result_format="BASIC")  # the run's beats the suite's
    assert "unexpected_list" in own and "partial_unexpected_counts" not in other and other != {}


def test_a_declared_primary_key_indexes_the_rows(tmp_path):
    df = pd.DataFrame({"code": ["x9", "a1", "q4", "b2"], "n": [5, -1, 7, -3]})
    df.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "pk", "resources": [
        {"name": "t", "path": "t.csv", "schema": {"fields": [{"name": "code"}, {"name": "n"}],
                                                  "primaryKey": "code"}}]}))
    suite = [{"type": "expect_column_values_to_be_between", "kwargs": {"column": "n", "min_value": 0}}]
    result = results(tmp_path, suite, result_format="COMPLETE")[0]
    assert result["unexpected_index_column_names"] == ["code"]
    assert result["unexpected_index_list"] == [{"code": "a1", "n": -1}, {"code": "b2", "n": -3}]
    assert result["unexpected_rows"] == [2, 4]


@pytest.mark.parametrize("bad, problem", [
    ("FULL", "unknown result_format 'FULL'"),
    ({"result_format": "COMPLETE", "colour": 1}, "unknown result_format key 'colour'"),
    ({"partial_unexpected_count": 3}, "needs the key 'result_format'"),
    ({"result_format": "SUMMARY", "partial_unexpected_count": -2}, "partial_unexpected_count must be"),
    ({"result_format": "COMPLETE", "unexpected_index_column_names": ["nope"]}, "unknown column 'nope'"),
])
def test_invalid_result_formats_are_refused(data, bad, problem):
    suite = ORDER_SUITE[:1]
    with pytest.raises(DsbenchError, match=problem):
        validate(data["csv"], suite, result_format=bad)
    with pytest.raises(SuiteError, match=problem) as raised:
        validate(data["csv"], [{**suite[0], "kwargs": {**suite[0]["kwargs"], "result_format": bad}}])
    assert raised.value.location.startswith("expectations[0].kwargs.result_format")


def test_cli_result_format_and_failing_rows(data, tmp_path):
    suite = tmp_path / "s.json"
    suite.write_text(json.dumps({"name": "s", "expectations": ORDER_SUITE[1:2]}))
    bad = run_cli("validate", data["csv"], "--suite", suite, "--result-format", "EVERYTHING")
    assert bad.code == 2 and bad.err.count("\n") == 1
    assert "--result-format: unknown result_format 'EVERYTHING'" in bad.err
    out = tmp_path / "out.json"
    done = run_cli("validate", data["csv"], "--suite", suite, "-q", "-o", out, "--failing-rows", tmp_path / "rows",
                   "--result-format", '{"result_format": "COMPLETE", "unexpected_index_column_names": ["id"]}')
    assert done.code == 1, done.err
    result = json.loads(out.read_text())["results"][0]
    mask = breaks(data["df"]["t"])
    assert result["result"]["unexpected_rows"] == rows_of(mask)
    assert [e["id"] for e in result["result"]["unexpected_index_list"]] == data["df"]["id"][mask].tolist()
    written = pd.read_parquet(tmp_path / "rows" / result["failing_rows"]["file"])
    assert written["id"].tolist() == data["df"]["id"][mask].tolist()


def test_the_card_links_its_failing_rows_reproducibly(tmp_path):
    from tests.conftest import DATASETS

    cards = []
    for attempt in range(2):
        card_dir, rows = tmp_path / f"run{attempt}" / "card", tmp_path / f"run{attempt}" / "rows"
        done = run_cli("evaluate", DATASETS / "penguins", "--standard", "tc609-5-2025-04", "-o", card_dir,
                       "--format", "html", "--failing-rows", rows, "-q", "--threads", str(1 + 3 * attempt))
        assert done.code == 0, done.err
        cards.append((card_dir / "card.json").read_bytes())
        document = json.loads(cards[-1])
        linked = [r["failing_rows"] for r in document["results"] if r.get("failing_rows")]
        assert linked and document["options"]["failing_rows"] == {"directory": "../rows", "max_rows": 10_000}
        page = (card_dir / "card.html").read_text(encoding="utf-8")
        for record in linked:
            assert f'href="{record["href"]}"' in page
            assert (card_dir / record["href"]).is_file()
        assert len(list(rows.iterdir())) == len(linked)
    # Same inputs and options (the rows in the same place relative to the card): the same bytes.
    assert cards[0] == cards[1]
    verified = run_cli("verify", tmp_path / "run0" / "card" / "card.json")
    assert verified.code == 0, verified.out
