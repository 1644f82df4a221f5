"""The planner fuses, de-duplicates and isolates: checked through the plan, the run log and
DuckDB's own profiler."""

from __future__ import annotations

import dataclasses
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dsbench
from dsbench import load_dataset
from dsbench.engine.planner import plan_metrics
from dsbench.engine.metrics import Condition
from dsbench.engine.metrics import MetricFailure
from dsbench.engine.runner import run_plan
from dsbench.suites.model import resolve_suite
from dsbench.validation.runner import run


@pytest.fixture(scope="module")
def parquet(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine") / "t.parquet"
    n = 5000
    pq.write_table(pa.table({
        "id": list(range(n)),
        "x": [float(i % 97) for i in range(n)],
        "cat": [["a", "b", "c"][i % 3] for i in range(n)],
        "code": [f"C{i:05d}" for i in range(n)],
        "maybe": [None if i % 10 == 0 else i for i in range(n)],
    }), path, row_group_size=1000)
    return path


THIRTY = [
    ("expect_column_values_to_not_be_null", {"column": "id"}),
    ("expect_column_values_to_not_be_null", {"column": "cat"}),
    ("expect_column_values_to_not_be_null", {"column": "maybe", "mostly": 0.8}),
    ("expect_column_values_to_be_between", {"column": "x", "min_value": 0, "max_value": 96}),
    ("expect_column_values_to_be_between", {"column": "id", "min_value": 0}),
    ("expect_column_values_to_be_between", {"column": "maybe", "max_value": 10000, "row_condition": "id > 10"}),
    ("expect_column_values_to_be_in_set", {"column": "cat", "value_set": ["a", "b", "c"]}),
    ("expect_column_values_to_not_be_in_set", {"column": "cat", "value_set": ["z"]}),
    ("expect_column_values_to_match_regex", {"column": "code", "regex": "^C[0-9]{5}$"}),
    ("expect_column_values_to_not_match_regex", {"column": "code", "regex": "X"}),
    ("expect_column_values_to_match_like_pattern", {"column": "code", "like_pattern": "C%"}),
    ("expect_column_value_lengths_to_equal", {"column": "code", "value": 6}),
    ("expect_column_value_lengths_to_be_between", {"column": "cat", "min_value": 1, "max_value": 1}),
    ("expect_column_min_to_be_between", {"column": "id", "min_value": 0, "max_value": 0}),
    ("expect_column_max_to_be_between", {"column": "id", "min_value": 4999, "max_value": 4999}),
    ("expect_column_mean_to_be_between", {"column": "x", "min_value": 0, "max_value": 100}),
    ("expect_column_median_to_be_between", {"column": "x", "min_value": 0, "max_value": 100}),
    ("expect_column_sum_to_be_between", {"column": "id", "min_value": 0}),
    ("expect_column_stdev_to_be_between", {"column": "x", "min_value": 0}),
    ("expect_column_value_lengths_to_be_between", {"column": "code", "min_value": 6}),
    ("expect_column_values_to_match_regex_list", {"column": "code", "regex_list": ["^C", "0"]}),
    ("expect_column_proportion_of_non_null_values_to_be_between", {"column": "maybe", "min_value": 0.85}),
    ("expect_column_values_to_not_match_like_pattern", {"column": "cat", "like_pattern": "%z%"}),
    ("expect_column_values_to_match_like_pattern_list", {"column": "cat", "like_pattern_list": ["a", "b", "c"]}),
    ("expect_column_values_to_not_be_null", {"column": "x"}),
    ("expect_table_row_count_to_be_between", {"min_value": 1}),
    ("expect_table_row_count_to_equal", {"value": 5000}),
    ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "id", "column_B": "x", "or_equal": True}),
    ("expect_multicolumn_sum_to_equal", {"column_list": ["id", "x"], "sum_total": -1, "mostly": 0}),
    ("expect_select_column_values_to_be_unique_within_record", {"column_list": ["id", "maybe"], "mostly": 0}),
]


def suite_of(items):
    return [{"type": t, "kwargs": k} for t, k in items]


def operators(node: dict):
    """Every operator of a DuckDB JSON profile, whatever the version's key names."""
    for child in node.get("operator", []) + node.get("children", []):
        yield child
        yield from operators(child)


def count_table_scans(profile: dict) -> int:
    """Reads of the source. DuckDB may plan DISTINCT aggregates over a CTE of that one read
    (CTE_SCAN operators); those re-read the materialised scan, not the file."""
    return sum(1 for op in operators(profile)
               if (op.get("type") or op.get("operator_type") or "").upper() == "TABLE_SCAN")


def test_thirty_aggregates_run_in_one_scan(parquet, tmp_path):
    assert len(THIRTY) == 30
    result = dsbench.validate(parquet, suite_of(THIRTY))
    assert result.success, [r.to_dict() for r in result.results if not r.success]
    # The plan: one query, an aggregate over the table; besides, only the bounded cardinality
    # sample ran (too few rows to check cat's 3 values apart from the scan).
    assert len(result.plan.queries) == 1
    assert result.plan.queries[0].kind == "aggregate"
    assert len(result.log.queries) == 2 and "LIMIT 20000" in result.log.queries[0][0]
    # DuckDB's profiler, on an unsealed connection (a sealed one may not write the profile file):
    # that query reads the Parquet file once.
    profile_path = tmp_path / "profile.json"
    with load_dataset(parquet) as dataset:
        dataset.con.execute("PRAGMA enable_profiling = 'json'")
        dataset.con.execute("SET profiling_output = ?", [str(profile_path)])
        run_plan(dataset.session, result.plan)
    profile = json.loads(profile_path.read_text())
    assert "count_star()" in json.dumps(profile)
    assert count_table_scans(profile) == 1, json.dumps(profile)[:2000]


def _per_row_and_grouped(path, items):
    """Every metric of the suite computed per row and over grouped values."""
    with load_dataset(path) as dataset:
        from dsbench.validation.runner import bind

        metrics = [m for _, e in bind(resolve_suite(suite_of(items)), dataset) for m in e.metrics()]
        columns = {(m.table, m.sql) for m in metrics if m.kind == "values"}
        per_row = run_plan(dataset.session, plan_metrics(metrics, dataset.dialect))
        grouped_plan = plan_metrics(metrics, dataset.dialect, columns)
        grouped = run_plan(dataset.session, grouped_plan)
    return metrics, per_row, grouped, grouped_plan


def test_conditions_on_values_count_the_same_per_row_and_per_distinct_value(tmp_path):
    path = tmp_path / "few.parquet"
    values = ["a", "b", None, "a-1", "zz", "{\"k\": 1}", "", " ", "2024-01-02", "12", "x@y.org"] * 37
    pq.write_table(pa.table({"s": values}), path)
    items = [("expect_column_values_to_match_regex", {"column": "s", "regex": "^[a-z]"}),
             ("expect_column_values_to_not_match_regex_list", {"column": "s", "regex_list": ["@", "[0-9]"]}),
             ("expect_column_values_to_be_in_set", {"column": "s", "value_set": ["a", "b"]}),
             ("expect_column_values_to_not_match_like_pattern", {"column": "s", "like_pattern": "%-%"}),
             ("expect_column_value_lengths_to_be_between", {"column": "s", "min_value": 1, "max_value": 2}),
             ("expect_column_values_to_be_json_parseable", {"column": "s"}),
             ("expect_column_values_to_be_castable", {"column": "s", "type": "date"}),
             ("expect_column_values_to_match_strftime_format", {"column": "s", "strftime_format": "%Y-%m-%d"})]
    metrics, per_row, grouped, plan = _per_row_and_grouped(path, items)
    counted = [m for m in metrics if m.kind == "values"]
    assert len(counted) == len(items)
    assert any('GROUP BY "s"' in q.sql for q in plan.queries)
    assert {m: grouped[m] for m in counted} == {m: per_row[m] for m in counted}
    assert all(per_row[m] > 0 for m in counted)  # every check finds something to count
    # And the reference: Python's own count of the in-set failures.
    in_set = next(m for m in counted if "IN" in m.condition.sql.upper() and "LIKE" not in m.condition.sql)
    assert grouped[in_set] == sum(v is not None and v not in ("a", "b") for v in values)


def test_large_tables_check_columns_of_few_values_once_per_value(tmp_path):
    path = tmp_path / "large.parquet"
    n = 120_000
    flags = ["A", "B", "C", None]
    frame = pa.table({"flag": [flags[i % 4] for i in range(n)], "note": [f"n{i}" for i in range(n)]})
    pq.write_table(frame, path)
    items = [("expect_column_values_to_match_regex", {"column": "flag", "regex": "^[AB]$"}),
             ("expect_column_values_to_match_regex", {"column": "note", "regex": "^n[0-9]*[1-9]$"})]
    result = dsbench.validate(path, suite_of(items))
    grouped = [q.sql for q in result.plan.queries if "GROUP BY" in q.sql]
    assert len(grouped) == 1 and 'GROUP BY "flag"' in grouped[0]  # note has a value per row
    counts = [r.outcome.result["unexpected_count"] for r in result.results]
    assert counts == [n // 4, sum(1 for i in range(n) if i % 10 == 0)]


def test_regex_screens_of_a_column_share_one_combined_regex(tmp_path):
    path = tmp_path / "screens.parquet"
    rows = [f"note {i} " + ("mail me at a{i}@b.cn" if i % 50 == 0 else "") + ("\x07" if i % 70 == 0 else "")
            for i in range(2_000)]
    pq.write_table(pa.table({"s": rows}), path)
    items = [("expect_column_values_to_not_match_regex", {"column": "s", "regex": "[\x00-\x08]"}),
             ("expect_column_values_to_not_match_regex_list", {"column": "s", "regex_list": ["@", "13[0-9]{9}"]}),
             ("expect_column_values_to_not_match_regex", {"column": "s", "regex": "\ufffd"})]
    result = dsbench.validate(path, suite_of(items))
    counts = [r.outcome.result["unexpected_count"] for r in result.results]
    assert counts == [sum("\x07" in r for r in rows), sum("@" in r for r in rows), 0]
    fused = result.plan.queries[0].sql
    assert fused.count("CASE WHEN regexp_matches") == 3  # one combined regex in front of each
    patterns = [items[0][1]["regex"], *items[1][1]["regex_list"], items[2][1]["regex"]]
    assert result.plan.queries[0].params.count("|".join(f"(?:{p})" for p in patterns)) == 3


def test_a_failing_condition_on_grouped_values_errors_only_its_expectation(tmp_path):
    path = tmp_path / "few.parquet"
    pq.write_table(pa.table({"s": ["1", "2", "x"] * 50}), path)
    items = [("expect_column_values_to_be_in_set", {"column": "s", "value_set": ["1", "2"]}),
             ("expect_column_values_to_be_between", {"column": "s", "min_value": "0", "max_value": "9"}),
             ("expect_column_values_to_match_regex", {"column": "s", "regex": "^[0-9]$"})]
    with load_dataset(path) as dataset:
        from dsbench.validation.runner import bind

        metrics = [m for _, e in bind(resolve_suite(suite_of(items)), dataset) for m in e.metrics()]
        counted = [m for m in metrics if m.kind == "values"]
        # Sabotage one condition the way a bad cast would fail: at run time, on some value.
        broken = dataclasses.replace(counted[1], condition=Condition(f"CAST({counted[1].sql} AS INTEGER) > 0"))
        plan = plan_metrics([counted[0], broken, counted[2]], dataset.dialect, {(broken.table, broken.sql)})
        values = run_plan(dataset.session, plan)
    assert values[counted[0]] == 50 and values[counted[2]] == 50
    assert isinstance(values[broken], MetricFailure) and "x" in values[broken].message


def test_metrics_are_shared_between_expectations(parquet):
    result = dsbench.validate(parquet, suite_of(THIRTY))
    declared = 0
    with load_dataset(parquet) as dataset:
        from dsbench.validation.runner import bind

        bound = bind(resolve_suite(suite_of(THIRTY)), dataset)
        declared = sum(len(e.metrics()) for _, e in bound)
        unique = plan_metrics((m for _, e in bound for m in e.metrics()), dataset.dialect).metric_count
    assert unique < declared  # count(*) and count(col) are computed once for all who need them
    assert result.plan.metric_count == unique


def test_group_by_metrics_get_their_own_queries(parquet):
    """Uniqueness and modes are group-bys; distinct counts and sets share one more scan that reads
    only their columns (fusing them into the plain scan would make DuckDB materialise it). A
    compound key is screened by its distinct hashes in that scan: unique keys need no group-by."""
    distinct = [("expect_column_unique_value_count_to_be_between", {"column": "cat", "min_value": 3, "max_value": 3}),
                ("expect_column_proportion_of_unique_values_to_be_between", {"column": "id", "min_value": 1}),
                ("expect_column_distinct_values_to_be_in_set", {"column": "cat", "value_set": ["a", "b", "c"]}),
                ("expect_column_distinct_values_to_equal_set", {"column": "cat", "value_set": ["a", "b", "c"]})]
    items = THIRTY[:5] + distinct + [
        ("expect_column_values_to_be_unique", {"column": "id"}),
        ("expect_compound_columns_to_be_unique", {"column_list": ["cat", "id"]}),
        ("expect_column_most_common_value_to_be_in_set", {"column": "cat", "value_set": ["a"], "ties_okay": True})]
    result = dsbench.validate(parquet, suite_of(items))
    kinds = sorted(q.kind for q in result.plan.queries)
    assert kinds == ["aggregate", "distinct", "rows", "rows"]
    assert len(result.log.queries) == 4
    assert result.success


def test_repeated_compound_keys_are_counted_exactly_after_the_hash_screen(tmp_path):
    path = tmp_path / "keys.parquet"
    pq.write_table(pa.table({"a": [1, 1, 2, None, None, 3], "b": ["x", "x", "y", None, None, "z"]}), path)
    result = dsbench.validate(path, suite_of([("expect_compound_columns_to_be_unique", {"column_list": ["a", "b"]}),
                                              ("expect_table_records_to_be_unique", {})]))
    compound, records = (r.outcome.result for r in result.results)
    # GX semantics: rows where every key column is null are skipped; (1, x) occurs twice.
    assert compound["unexpected_count"] == 2
    # (1, x) twice and (null, null) twice: one extra copy of each.
    assert records["unexpected_count"] == 2
    assert records["details"] == {"duplicate_groups": 2, "rows_in_duplicate_groups": 4, "extra_copies": 2}
    assert records["partial_unexpected_counts"] == [{"value": {"a": None, "b": None}, "count": 2},
                                                    {"value": {"a": 1, "b": "x"}, "count": 2}] or \
        records["partial_unexpected_counts"] == [{"value": {"a": 1, "b": "x"}, "count": 2},
                                                 {"value": {"a": None, "b": None}, "count": 2}]
    assert sum("GROUP BY" in sql for sql, _ in result.log.queries) == 2  # the follow-ups ran


def test_duplicates_count_and_evidence_in_one_query(tmp_path):
    path = tmp_path / "dups.parquet"
    values = ["a", "b", "b", "c", "c", "c", None, None, "d"]
    pq.write_table(pa.table({"k": values, "j": [1, 1, 1, 2, 2, 3, None, None, 4]}), path)
    result = dsbench.validate(path, suite_of([
        ("expect_column_values_to_be_unique", {"column": "k"}),
        ("expect_compound_columns_to_be_unique", {"column_list": ["k", "j"]})]))
    single, compound = result.results
    assert single.outcome.result["unexpected_count"] == 5  # every row of b and c
    assert single.outcome.result["partial_unexpected_counts"] == [{"value": "c", "count": 3},
                                                                 {"value": "b", "count": 2}]
    assert single.outcome.result["partial_unexpected_list"] == ["c", "c", "c", "b", "b"]
    # (b,1) twice, (c,2) twice; the all-null row pair is ignored (ignore_row_if default).
    assert compound.outcome.result["unexpected_count"] == 4
    assert compound.outcome.result["partial_unexpected_counts"] == [
        {"value": {"k": "b", "j": 1}, "count": 2}, {"value": {"k": "c", "j": 2}, "count": 2}]
    # The compound key's hash screen found repeats, so its group-by followed; no evidence query.
    assert len(result.log.queries) == len(result.plan.queries) + 1
    assert 'GROUP BY "k", "j"' in result.log.queries[-1][0]


def test_evidence_only_for_failures_and_bounded(parquet):
    items = [("expect_column_values_to_be_in_set", {"column": "cat", "value_set": ["a"]}),
             ("expect_column_values_to_not_be_null", {"column": "id"})]
    result = dsbench.validate(parquet, suite_of(items))
    failed, passed = result.results
    assert not failed.success and passed.success
    # The cardinality sample, the shared scan, then ONE bounded query for the failure.
    assert len(result.log.queries) == 1 + 1 + 1
    assert result.log.queries[-1][0].endswith("LIMIT 200")
    found = failed.outcome.result
    assert found["unexpected_count"] == 5000 - 1667
    assert found["partial_unexpected_list"][:3] == ["b", "c", "b"]  # first in row order
    assert len(found["partial_unexpected_list"]) == 20
    # Counts among the first 200 unexpected values, which alternate b, c.
    assert found["unexpected_sample_size"] == 200
    assert found["partial_unexpected_counts"] == [{"value": "b", "count": 100}, {"value": "c", "count": 100}]


def test_full_evidence_counts_the_whole_table(parquet):
    items = [("expect_column_values_to_be_in_set", {"column": "cat", "value_set": ["a"]})]
    result = dsbench.validate(parquet, suite_of(items), full_evidence=True)
    found = result.results[0].outcome.result
    assert found["partial_unexpected_counts"] == [{"value": "b", "count": 1667}, {"value": "c", "count": 1666}]
    assert "unexpected_sample_size" not in found
    assert len(result.log.queries) == 1 + 1 + 2  # cardinality sample, scan, evidence sample and counts


def test_sampled_counts_are_exact_when_the_sample_holds_every_failure(tmp_path):
    path = tmp_path / "few.parquet"
    values = ["ok"] * 1000 + ["bad1"] * 3 + ["bad2"] * 5 + [None, "bad1"]
    pq.write_table(pa.table({"v": values}), path)
    suite = [{"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "v", "value_set": ["ok"]}}]
    sampled = dsbench.validate(path, suite).results[0].outcome.result
    full = dsbench.validate(path, suite, full_evidence=True).results[0].outcome.result
    assert sampled["partial_unexpected_counts"] == full["partial_unexpected_counts"] == [
        {"value": "bad2", "count": 5}, {"value": "bad1", "count": 4}]
    assert sampled["unexpected_sample_size"] == sampled["unexpected_count"] == 9


def test_a_failing_metric_errors_only_its_expectation(tmp_path):
    path = tmp_path / "dates.parquet"
    import datetime as dt

    pq.write_table(pa.table({"d": [dt.date(2020, 1, 1), dt.date(2021, 1, 1)], "n": [1, 2]}), path)
    items = [("expect_column_values_to_be_between", {"column": "d", "min_value": "not a date"}),
             ("expect_column_values_to_be_between", {"column": "n", "min_value": 1}),
             ("expect_column_values_to_be_between", {"column": "d", "min_value": "2020-06-01"})]
    result = dsbench.validate(path, suite_of(items))
    broken, fine, dated = result.results
    assert broken.outcome.exception and "not a date" in broken.outcome.exception
    assert not broken.success and broken.outcome.evaluated == 0
    assert fine.success and fine.outcome.exception is None
    assert dated.outcome.result["unexpected_count"] == 1
    assert broken.to_dict()["exception_info"]["raised_exception"] is True


def test_results_agree_across_thread_counts(parquet):
    """Counts are exact; float statistics may differ only in the last bits of a parallel
    reduction (the score card rounds them to a fixed number of significant digits)."""
    first = dsbench.validate(parquet, suite_of(THIRTY)).to_dict()
    with load_dataset(parquet) as dataset:
        dataset.con.execute("SET threads = 1")
        single = run(resolve_suite(suite_of(THIRTY)), dataset).to_dict()

    def same(a, b):
        if isinstance(a, float) and isinstance(b, float):
            return a == pytest.approx(b, rel=1e-12)
        if isinstance(a, dict) and isinstance(b, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        if isinstance(a, list) and isinstance(b, list):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        return a == b and type(a) is type(b)

    assert same(first, single)


def test_evidence_of_all_failures_shares_one_grouped_scan(parquet):
    import collections

    items = [("expect_column_values_to_be_in_set", {"column": "cat", "value_set": ["a"]}),
             ("expect_column_values_to_be_between", {"column": "x", "max_value": 90}),
             ("expect_column_values_to_match_regex", {"column": "code", "regex": "7$"}),
             ("expect_column_pair_values_a_to_be_greater_than_b", {"column_A": "x", "column_B": "id"})]
    result = dsbench.validate(parquet, suite_of(items), full_evidence=True)
    assert not any(r.success for r in result.results)
    grouped = [sql for sql, _ in result.log.queries if "GROUPING SETS" in sql]
    assert len(grouped) == 1
    # Reference: the same counts with plain Python over the same rows.
    table = pq.read_table(parquet).to_pylist()
    references = [
        collections.Counter(r["cat"] for r in table if r["cat"] != "a"),
        collections.Counter(r["x"] for r in table if r["x"] > 90),
        collections.Counter(r["code"] for r in table if not r["code"].endswith("7")),
        collections.Counter((r["x"], r["id"]) for r in table if not r["x"] > r["id"]),
    ]
    for found, reference in zip(result.results, references):
        counts = found.outcome.result["partial_unexpected_counts"]
        expected = sorted(reference.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        values = [tuple(c["value"].values()) if isinstance(c["value"], dict) else c["value"] for c in counts]
        assert list(zip(values, [c["count"] for c in counts])) == expected
        assert found.outcome.result["unexpected_count"] == sum(reference.values())


def test_several_suites_share_one_plan(parquet):
    from dsbench.validation.runner import run_suites

    first = resolve_suite({"name": "one", "expectations": suite_of(THIRTY[:10])})
    second = resolve_suite({"name": "two", "expectations": suite_of(THIRTY[5:20])})
    with load_dataset(parquet) as dataset:
        one, two = run_suites([first, second], dataset)
    assert one.plan is two.plan and len(one.plan.queries) == 1
    assert [r.outcome.result for r in one.results[5:10]] == [r.outcome.result for r in two.results[:5]]
    assert (one.suite.name, two.suite.name) == ("one", "two")
