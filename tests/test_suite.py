"""Suites: YAML and GX JSON in and out, the JSON Schema, ids, and plugins from entry points."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
import yaml

import dsbench
from dsbench.suites.model import Suite, resolve_suite, shipped_suites, suite_json_schema
from tests.conftest import DATASETS, SUITES, run_cli


def test_shipped_suites_load_and_bind():
    assert {"penguins", "nycflights13"} <= set(shipped_suites())
    for name in ("penguins", "nycflights13"):
        suite = resolve_suite(name)
        assert suite.name == name and suite.expectations
        ids = [e.id for e in suite.expectations]
        assert len(ids) == len(set(ids))  # stable, unique ids


def test_schema_file_is_generated_from_the_model():
    on_disk = json.loads((SUITES / "suite.schema.json").read_text())
    assert on_disk == suite_json_schema()


def test_shipped_suites_validate_against_the_schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SUITES / "suite.schema.json").read_text())
    for path in shipped_suites().values():
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"name": "x", "expectations": [{"kwargs": {}}]}, schema)


def test_gx_json_round_trip(tmp_path):
    original = resolve_suite("penguins")
    exported = tmp_path / "penguins.gx.json"
    assert run_cli("suite", "convert", "penguins", exported).code == 0
    document = json.loads(exported.read_text())
    assert [e["type"] for e in document["expectations"]] == [e.type for e in original.expectations]
    back = Suite.from_file(exported)
    assert back.expectations == original.expectations
    assert (back.name, back.version, back.table) == (original.name, original.version, original.table)
    again = tmp_path / "again.yaml"
    assert run_cli("suite", "convert", exported, again).code == 0
    assert Suite.from_file(again).expectations == original.expectations


def test_gx_itself_reads_the_export(tmp_path):
    gx = pytest.importorskip("great_expectations")
    document = resolve_suite("penguins").to_gx()
    suite = gx.ExpectationSuite(name=document["name"], expectations=document["expectations"],
                                meta=document["meta"])
    assert [e.expectation_type for e in suite.expectations] == [e["type"] for e in document["expectations"]]
    reread = Suite.from_dict(suite.to_json_dict())
    assert [e.kwargs for e in reread.expectations] == [e["kwargs"] for e in document["expectations"]]
    assert reread.expectations[0].concern == resolve_suite("penguins").expectations[0].concern


def test_gx_legacy_suite_json_runs(tmp_path):
    legacy = {"expectation_suite_name": "legacy", "data_asset_type": None, "expectations": [
        {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "sex"},
         "meta": {}},
        {"expectation_type": "expect_table_row_count_to_be_between",
         "kwargs": {"min_value": 1, "max_value": 1000}, "meta": {}}]}
    path = tmp_path / "legacy.json"
    path.write_text(json.dumps(legacy))
    result = dsbench.validate(DATASETS / "penguins", str(path))
    assert [r.success for r in result.results] == [False, True]


def test_suite_forms_for_the_api():
    items = [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 344}}]
    for suite in (items, {"name": "x", "expectations": items}, Suite.from_expectations(items)):
        result = dsbench.validate(DATASETS / "penguins", suite)
        assert result.results[0].outcome.result["observed_value"] == 344
    by_path = dsbench.validate(DATASETS / "penguins", SUITES / "penguins.yaml")
    by_id = dsbench.validate(DATASETS / "penguins", "penguins")
    assert by_path.to_dict() == by_id.to_dict() and by_id.suite.name == "penguins"


def test_generated_ids_are_stable():
    items = [{"type": "expect_table_row_count_to_equal", "kwargs": {"value": 1}}]
    first = dsbench.validate(DATASETS / "penguins", items).results[0].id
    second = dsbench.validate(DATASETS / "penguins", items).results[0].id
    assert first == second and len(first) == 36


PLUGIN = {
    "pyproject.toml": """
        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"
        [project]
        name = "dsbench-plugin-demo"
        version = "0.0.1"
        [project.entry-points."dsbench.expectations"]
        even = "dsbench_plugin_demo:ExpectColumnValuesToBeEven"
        [project.entry-points."dsbench.suites"]
        demo-even = "dsbench_plugin_demo:demo_suite"
        [tool.hatch.build.targets.wheel]
        packages = ["dsbench_plugin_demo"]
    """,
    "dsbench_plugin_demo/__init__.py": """
        from dsbench.extend import ColumnMapExpectation, Condition  # the stable plugin surface

        class ExpectColumnValuesToBeEven(ColumnMapExpectation):
            type = "expect_column_values_to_be_even"
            summary = "Values are even integers."
            default_concern = "validity.domain"

            def expected(self):
                return Condition(f"{self.col} % 2 = 0")

        def demo_suite():
            return {"name": "demo-even", "expectations": [
                {"type": "expect_column_values_to_be_even", "kwargs": {"column": "year"}}]}
    """,
}


def test_plugin_package_adds_an_expectation_and_a_suite(tmp_path):
    source = tmp_path / "plugin"
    for name, text in PLUGIN.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(textwrap.dedent(text))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--target", str(target), str(source)], check=True)
    env = {"PYTHONPATH": os.pathsep.join([str(target), os.environ.get("PYTHONPATH", "")])}
    listing = run_cli("expectations", env=env)
    assert "expect_column_values_to_be_even" in listing.out
    out = tmp_path / "out.json"
    run = run_cli("validate", DATASETS / "penguins", "--suite", "demo-even", "-o", out, env=env)
    document = json.loads(out.read_text())
    result = document["results"][0]["result"]
    # 2007 and 2009 are odd years: 110 + 120 penguins.
    assert result["unexpected_count"] == 230 and run.code == 1
    assert "expect_column_values_to_be_even" not in run_cli("expectations").out
