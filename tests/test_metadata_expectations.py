"""expect_manifest_fields_to_be_present: documentation checks on the manifest, not on the data."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import dsbench
from dsbench.errors import SuiteError
from tests.conftest import DATASETS

PACKAGE = {
    "name": "shop",
    "title": "",  # blank: not documented
    "description": "Orders of a small shop.",
    "keywords": [],  # empty: not documented
    "licenses": [{"name": "CC0-1.0"}],
    "contributors": [{"title": "Ann", "role": "author"}],
    "version": "1.0.0",
    "dsbench:limitations": "Only 2024.",
    "resources": [
        {"name": "orders", "path": "orders.csv", "format": "csv", "bytes": 40,
         "schema": {"fields": [{"name": "id", "type": "integer", "description": "Order id"},
                               {"name": "total", "type": "number"}]}},
        {"name": "items", "path": "items.csv", "mediatype": "text/csv",
         "schema": {"fields": [{"name": "sku", "type": "string", "description": "Stock unit"}]}},
    ],
}


@pytest.fixture
def shop(tmp_path):
    (tmp_path / "orders.csv").write_text("id,total\n1,9.5\n2,3\n")
    (tmp_path / "items.csv").write_text("sku\nA1\n")
    (tmp_path / "datapackage.json").write_text(json.dumps(PACKAGE))
    return tmp_path


def _leaves(node, parts):
    """Every value the path reaches, expanding lists; None where it reaches nothing."""
    if not parts:
        return [node]
    if isinstance(node, list):
        return [leaf for element in node for leaf in _leaves(element, parts)] if node else [None]
    if isinstance(node, dict) and parts[0] in node:
        return _leaves(node[parts[0]], parts[1:])
    return [None]


def _filled(value) -> bool:
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return value is not None


def reference(document: dict | None, item: str) -> bool:
    """An independent reading of the documented rules: collect the leaves, all must be filled."""
    if document is None:
        return False
    return any(all(_filled(leaf) for leaf in _leaves(document, alternative.split(".")))
               for alternative in item.split("|"))


ITEMS = ["name", "title", "title|name", "description", "keywords", "licenses", "licenses.name",
         "licenses.path", "contributors|maintainers", "maintainers", "version", "dsbench:limitations",
         "dsbench:useCases", "resources.format", "resources.format|resources.mediatype",
         "resources.bytes", "resources.schema.fields.description", "resources.schema.fields.type",
         "resources.name", "homepage"]


def test_fields_present_match_reference(shop):
    suite = [{"type": "expect_manifest_fields_to_be_present", "kwargs": {"fields": ITEMS}}]
    result = dsbench.validate(shop, {"name": "docs", "table": "orders", "expectations": suite})
    (outcome,) = [r.to_dict() for r in result.results]
    expected_present = [item for item in ITEMS if reference(PACKAGE, item)]
    expected_missing = [item for item in ITEMS if item not in expected_present]
    assert outcome["measure"] == {"passed": len(expected_present), "evaluated": len(ITEMS)}
    assert outcome["result"]["observed_value"] == expected_missing
    assert outcome["result"]["details"]["present"] == expected_present
    assert not outcome["success"]
    # Spot checks of the rules themselves.
    assert "title" in expected_missing and "title|name" in expected_present
    assert "keywords" in expected_missing
    assert "resources.schema.fields.description" in expected_missing  # 'total' has none
    assert "resources.schema.fields.type" in expected_present
    assert "resources.format" in expected_missing and "resources.format|resources.mediatype" not in \
        expected_present  # items has no format, orders no mediatype: neither holds for all
    assert outcome["expectation_config"]["meta"]["concern"] == "documentation.basic"


def test_all_present_succeeds_and_runs_no_query(shop):
    suite = [{"type": "expect_manifest_fields_to_be_present",
              "kwargs": {"fields": ["name", "licenses", "resources.schema.fields.type"]}}]
    result = dsbench.validate(shop, {"name": "docs", "table": "orders", "expectations": suite})
    assert result.results[0].success
    assert result.results[0].to_dict()["measure"] == {"passed": 3, "evaluated": 3}
    assert result.log.queries == []


def test_without_a_manifest_every_field_is_missing():
    df = pd.DataFrame({"a": [1]})
    fields = ["licenses", "description", "sources", "contributors", "homepage"]
    result = dsbench.validate(df, [{"type": "expect_manifest_fields_to_be_present", "kwargs": {"fields": fields}}])
    outcome = result.results[0].to_dict()
    assert outcome["measure"] == {"passed": 0, "evaluated": 5}  # a finding, not "not applicable"
    assert outcome["result"]["observed_value"] == fields
    assert outcome["result"]["details"]["manifest"] is False
    assert not outcome["success"]


def test_bundled_penguins_manifest():
    fields = ["licenses", "description", "sources", "contributors", "homepage", "dsbench:useCases"]
    result = dsbench.validate(DATASETS / "penguins", [
        {"type": "expect_manifest_fields_to_be_present", "kwargs": {"fields": fields}}])
    outcome = result.results[0].to_dict()
    assert outcome["measure"] == {"passed": 5, "evaluated": 6}
    assert outcome["result"]["observed_value"] == ["dsbench:useCases"]


def test_yaml_manifest_extension_keys(tmp_path):
    (tmp_path / "t.csv").write_text("a\n1\n")
    (tmp_path / "dsbench.yaml").write_text(
        "name: t\ndsbench:collection: Survey of 2024\ndsbench:processing: ''\n"
        "resources:\n  - name: t\n    path: t.csv\n")
    result = dsbench.validate(tmp_path, [{"type": "expect_manifest_fields_to_be_present",
                                          "kwargs": {"fields": ["dsbench:collection", "dsbench:processing"]}}])
    assert result.results[0].outcome.result["observed_value"] == ["dsbench:processing"]


@pytest.mark.parametrize("fields", [[], [""], ["a..b"], ["a|"]])
def test_malformed_fields_are_suite_errors(fields):
    with pytest.raises(SuiteError, match="fields"):
        dsbench.validate(pd.DataFrame({"a": [1]}), [
            {"type": "expect_manifest_fields_to_be_present", "kwargs": {"fields": fields}}])
