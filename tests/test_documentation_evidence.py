"""Documentation evidence: TC609-5-2025-02 record fields of the data and Croissant RAI properties
feed the documentation checklists (TC609-5-2025-04 0101-0104, 0205 provenance).

The fixture ``tests/data/tc609_02`` is six hand-written records (see its README): ``license`` is
absent in r3 and blank in r5, ``annotation.annotation_method`` blank in r4, ``source_details``
null in r5; every other -02 field is on every record. Expected values below are counted by hand.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

import dsbench
from dsbench.data.croissant import RAI_PROPERTIES, read_croissant
from dsbench.errors import SuiteError
from dsbench.suites.generated import manifest_suites
from dsbench.suites.from_manifest import ASPECTS, CHECKLISTS

HERE = Path(__file__).resolve().parent / "data" / "tc609_02"
RECORDS = HERE / "records.jsonl"
A = ASPECTS


def documentation(data, **load) -> dict:
    """The documentation suite's outcomes by checklist (``basic``, ``content`` …), and the run log."""
    with dsbench.load_dataset(data, **load) as dataset:
        (suite,) = [s for s in manifest_suites(dataset) if s.name == "generated-manifest-documentation"]
        result = dsbench.validate(dataset, suite)
    outcomes = {r.id.rsplit(".", 1)[-1]: r.outcome for r in result.results}
    for outcome in outcomes.values():
        assert outcome.exception is None
    return {"outcomes": outcomes, "queries": [sql for sql, _ in result.log.queries]}


def measures(outcomes) -> dict:
    return {name: (o.passed, o.evaluated) for name, o in outcomes.items()}


def evidence(outcomes) -> dict:
    return {name: o.result["details"]["evidence"] for name, o in outcomes.items()}


def rec(field: str, table: str = "records") -> dict:
    return {"record": field, "table": table}


def key(name: str) -> dict:
    return {"manifest": name}


# What the six records show on their own, in every variant below.
RECORD_COUNTS = {
    "data_content.media_type": (6, 0), "source": (6, 0), "source_details": (6, 1),
    "annotation.annotation_method": (6, 1), "annotation.annotator": (6, 0), "version": (6, 0),
    "last_modified_time": (6, 0), "license": (6, 2), "original_time": (6, 0),
    "generated_data_indicator": (6, 0),
}


def test_checklists_list_the_aspects_of_the_standard():
    by_suffix = {suffix: (concern, items) for suffix, concern, items in CHECKLISTS}
    assert by_suffix["basic"][1] == [A["scale"], A["format specification"], A["file structure"],
                                     A["access channel"], A["support contact"]]
    assert by_suffix["content"][1] == [A["modality"], A["distribution"], A["label statistics"], A["samples"],
                                       A["limitations"]]
    assert by_suffix["process"][1] == [A["sources"], A["collection method"], A["processing"],
                                       A["annotation specification"], A["version record"]]
    assert by_suffix["application"][1] == [A["licence"], A["target scenarios"], A["evaluation method"],
                                           A["benchmark results"], A["typical cases"]]
    assert by_suffix["provenance"] == ("traceability.provenance", [A["provenance"], "contributors|maintainers"])
    # Every RAI 1.0 property backs exactly one aspect.
    used = [alt for item in ASPECTS.values() for alt in item.split("|") if alt.startswith("rai:")]
    assert sorted(used) == sorted(f"rai:{name}" for name in RAI_PROPERTIES) and len(RAI_PROPERTIES) == 20
    # The -02 record fields named in the checklists.
    records = {alt for item in ASPECTS.values() for alt in item.split("|") if alt.startswith("record:")}
    assert records == {f"record:{f}" for f in RECORD_COUNTS}


def test_records_alone_document_what_they_carry():
    run = documentation(RECORDS)  # a JSONL file: no manifest at all
    outcomes = run["outcomes"]
    assert measures(outcomes) == {"basic": (0, 5), "content": (1, 5), "process": (3, 5),
                                  "application": (0, 5), "metadata": (0, 4), "provenance": (1, 2)}
    assert evidence(outcomes) == {
        "basic": {}, "application": {}, "metadata": {},
        "content": {A["modality"]: rec("data_content.media_type")},
        # annotation_method is blank in r4, so the annotator (on every record) is the evidence.
        "process": {A["sources"]: rec("source"), A["annotation specification"]: rec("annotation.annotator"),
                    A["version record"]: rec("version")},
        "provenance": {A["provenance"]: rec("source")},
    }
    # The licence is on 4 of 6 records: not documented.
    assert outcomes["application"].result["observed_value"] == [
        A["licence"], A["target scenarios"], A["evaluation method"], A["benchmark results"], A["typical cases"]]
    assert outcomes["application"].result["details"]["records"] == [
        {"field": "license", "table": "records", "rows": 6, "missing": 2}]
    for outcome in outcomes.values():
        assert outcome.result["details"]["manifest"] is False
        for entry in outcome.result["details"].get("records", []):
            assert (entry["rows"], entry["missing"]) == RECORD_COUNTS[entry["field"]]
    # Every record field of every checklist in ONE aggregate scan of the table.
    (query,) = run["queries"]
    assert query.startswith("SELECT count(*), ") and query.endswith(' FROM "t0"')
    assert '("annotation")."annotation_method"' in query and '("data_content")."media_type"' in query


def test_records_and_datapackage():
    outcomes = documentation(HERE)["outcomes"]  # the directory: datapackage.json wins
    assert measures(outcomes) == {"basic": (3, 5), "content": (1, 5), "process": (3, 5),
                                  "application": (2, 5), "metadata": (1, 4), "provenance": (2, 2)}
    assert evidence(outcomes) == {
        "basic": {A["format specification"]: key("resources.format"), A["access channel"]: key("homepage"),
                  A["support contact"]: key("contributors")},
        "content": {A["modality"]: rec("data_content.media_type")},
        "process": {A["sources"]: rec("source"), A["annotation specification"]: rec("annotation.annotator"),
                    A["version record"]: rec("version")},
        # The manifest's licence documents what the records do not.
        "application": {A["licence"]: key("licenses"), A["target scenarios"]: key("dsbench:useCases")},
        "metadata": {"licenses|resources.licenses": key("licenses")},
        "provenance": {A["provenance"]: rec("source"), "contributors|maintainers": key("contributors")},
    }
    assert outcomes["basic"].result["observed_value"] == [A["scale"], A["file structure"]]
    assert "records" not in outcomes["basic"].result["details"]  # no record: item, no metric


def test_records_and_croissant_rai(tmp_path):
    shutil.copy(RECORDS, tmp_path / "records.jsonl")
    shutil.copy(HERE / "metadata.json", tmp_path / "metadata.json")
    assert (tmp_path / "records.jsonl").stat().st_size == 2509  # the contentSize it declares
    document = read_croissant(tmp_path / "metadata.json").model_dump(mode="json", by_alias=True,
                                                                     exclude_unset=True)
    assert {k: v for k, v in document.items() if k.startswith("rai:")} == {
        "rai:dataCollectionTimeframe": "2024-01-05\n2024-02-20",  # a list: one line each
        "rai:dataImputationProtocol": "Missing licences were left missing, never imputed.",
        "rai:dataReleaseMaintenancePlan": "A new version every quarter; errata on the homepage.",
        "rai:annotationsPerItem": "1",  # a number, written out
        "rai:dataBiases": "Reviews of one shop only; English only.",  # {"@value": …}
        "rai:dataUseCases": "Sentiment classification\nTesting label-noise detectors",
    }  # rai:dataSocialImpact is blank: left out

    outcomes = documentation(tmp_path)["outcomes"]
    assert measures(outcomes) == {"basic": (5, 5), "content": (2, 5), "process": (5, 5),
                                  "application": (2, 5), "metadata": (3, 4), "provenance": (2, 2)}
    assert evidence(outcomes) == {
        "basic": {A["scale"]: key("resources.bytes"), A["format specification"]: key("resources.format"),
                  A["file structure"]: key("resources.schema.fields.name"), A["access channel"]: key("homepage"),
                  A["support contact"]: key("contributors")},
        "content": {A["modality"]: rec("data_content.media_type"), A["limitations"]: key("rai:dataBiases")},
        # The manifest's alternatives come first: annotationsPerItem before the records' annotator.
        "process": {A["sources"]: rec("source"), A["collection method"]: key("rai:dataCollectionTimeframe"),
                    A["processing"]: key("rai:dataImputationProtocol"),
                    A["annotation specification"]: key("rai:annotationsPerItem"),
                    A["version record"]: key("rai:dataReleaseMaintenancePlan")},
        "application": {A["licence"]: key("licenses"), A["target scenarios"]: key("rai:dataUseCases")},
        "metadata": {"licenses|resources.licenses": key("licenses"), "resources.schema.fields.type": key("resources.schema.fields.type"),
                     "resources.schema.fields.description": key("resources.schema.fields.description")},
        "provenance": {A["provenance"]: rec("source"), "contributors|maintainers": key("contributors")},
    }
    assert outcomes["content"].result["observed_value"] == [A["distribution"], A["label statistics"], A["samples"]]


def test_every_rai_property_is_kept_under_its_rai_name(tmp_path):
    document = json.loads((HERE / "metadata.json").read_text())
    for name in list(document):
        if name.startswith("rai:"):
            del document[name]
    iri = "http://mlcommons.org/croissant/RAI/"
    for index, name in enumerate(RAI_PROPERTIES):  # full IRIs and compact names alike
        document[(iri if index % 2 else "rai:") + name] = f"text {index}"
    document["rai:notAnRaiProperty"] = "ignored"
    (tmp_path / "metadata.json").write_text(json.dumps(document))
    shutil.copy(RECORDS, tmp_path / "records.jsonl")
    manifest = read_croissant(tmp_path / "metadata.json").model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert {k: v for k, v in manifest.items() if k.startswith("rai:")} == {
        f"rai:{name}": f"text {index}" for index, name in enumerate(RAI_PROPERTIES)}
    outcomes = documentation(tmp_path)["outcomes"]
    # Everything RAI can document is documented (distribution, label statistics, samples,
    # evaluation, benchmarks and typical cases have no RAI property).
    assert measures(outcomes) == {"basic": (5, 5), "content": (2, 5), "process": (5, 5),
                                  "application": (2, 5), "metadata": (3, 4), "provenance": (2, 2)}
    assert evidence(outcomes)["process"][A["annotation specification"]] == key("rai:dataAnnotationProtocol")


def _nested(record: dict, path: str):
    node = record
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


@pytest.mark.parametrize("field", sorted(RECORD_COUNTS))
def test_record_items_match_a_reading_of_the_file(field):
    """record:<field> holds exactly when every record of the file has the field, not null and
    not blank (read here with json, independently of DuckDB)."""
    records = [json.loads(line) for line in RECORDS.read_text().splitlines()]
    values = [_nested(r, field) for r in records]
    missing = sum(v is None or (isinstance(v, str) and not v.strip()) for v in values)
    assert (len(records), missing) == RECORD_COUNTS[field]
    result = dsbench.validate(RECORDS, [{"type": "expect_manifest_fields_to_be_present",
                                         "kwargs": {"fields": [f"record:{field}"]}}])
    outcome = result.results[0].outcome
    assert (outcome.passed, outcome.evaluated) == ((1, 1) if missing == 0 else (0, 1))
    assert outcome.result["details"]["records"] == [
        {"field": field, "table": "records", "rows": len(records), "missing": missing}]


@pytest.mark.parametrize("field", ["source", "source_details", "original_time", "generated_data_indicator"])
def test_provenance_accepts_each_traceability_field(tmp_path, field):
    path = tmp_path / "only.jsonl"
    value = {"source": "forum", "source_details": "thread 7", "original_time": "2024-01-01T00:00:00",
             "generated_data_indicator": False}[field]
    path.write_text("".join(json.dumps({"id": i, field: value}) + "\n" for i in range(3)))
    outcomes = documentation(path)["outcomes"]
    assert measures(outcomes)["provenance"] == (1, 2)
    assert evidence(outcomes)["provenance"] == {A["provenance"]: rec(field, "only")}


def fields_check(items):
    return [{"type": "expect_manifest_fields_to_be_present", "kwargs": {"fields": items}}]


def test_record_types_nulls_blanks_and_empty_tables(tmp_path):
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps(r) for r in [
        {"text": "a", "tags": ["x"], "meta": {"by": "ann", "at": 1}, "n": 1, "ws": "x", "obj": {"k": 1}},
        {"text": "b", "tags": [], "meta": {"by": "bob", "at": None}, "n": 2, "ws": "\u3000 ", "obj": {"k": 2}},
        {"text": "c", "tags": ["y"], "meta": None, "n": 3, "ws": "y", "obj": {"k": 3}},
    ]) + "\n")
    items = ["record:text", "record:tags", "record:meta", "record:meta.by", "record:meta.at", "record:n",
             "record:ws", "record:obj.k", "record:nope", "record:text.deeper", "record:obj.k.deeper"]
    outcome = dsbench.validate(tmp_path / "t.jsonl", fields_check(items)).results[0].outcome
    # tags: an empty list; meta: null in one record (so meta.by too); meta.at: null twice;
    # ws: only white space (an ideographic space included); absent fields, or paths into a scalar,
    # name no column: just missing.
    assert outcome.result["details"]["present"] == ["record:text", "record:n", "record:obj.k"]
    assert {(r["field"], r["missing"]) for r in outcome.result["details"]["records"]} == {
        ("text", 0), ("tags", 1), ("meta", 1), ("meta.by", 1), ("meta.at", 2), ("n", 0), ("ws", 1),
        ("obj.k", 0)}
    # Values of mixed JSON types load as JSON: a JSON null, blank string, [] or {} is missing.
    (tmp_path / "mixed.jsonl").write_text('{"v": 1, "w": {"a": 1}}\n{"v": "a", "w": []}\n'
                                          '{"v": " ", "w": "s"}\n{"v": null, "w": {}}\n')
    outcome = dsbench.validate(tmp_path / "mixed.jsonl", fields_check(["record:v", "record:w"])).results[0].outcome
    assert [(r["field"], r["rows"], r["missing"]) for r in outcome.result["details"]["records"]] == [
        ("v", 4, 2), ("w", 4, 2)]
    # A table without rows shows nothing.
    empty = pa.table({"license": pa.array([], pa.string())})
    outcome = dsbench.validate(empty, fields_check(["record:license"])).results[0].outcome
    assert (outcome.passed, outcome.evaluated) == (0, 1)
    assert outcome.result["details"]["records"] == [{"field": "license", "table": "data", "rows": 0, "missing": 0}]


def test_record_field_in_another_table(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    with dsbench.load_dataset(tmp_path / "a.csv", extra_tables={"meta": RECORDS}) as dataset:
        outcome = dsbench.validate(dataset, {"name": "docs", "table": "a", "expectations": fields_check(
            ["licenses|record:license", "record:version|version", "record:annotation.annotator"])}).results[0].outcome
    assert outcome.result["details"]["present"] == ["record:version|version", "record:annotation.annotator"]
    assert outcome.result["details"]["evidence"] == {"record:version|version": rec("version", "meta"),
                                                      "record:annotation.annotator": rec("annotation.annotator", "meta")}


HOSTILE = 'li"cense\'; DROP VIEW t0; --'


def test_hostile_field_names_are_quoted_not_executed():
    nested = pa.StructArray.from_arrays([pa.array(["m", "n"]), pa.array(["v", None])],
                                        names=['a"b', "c); SELECT 1; --"])
    table = pa.table({HOSTILE: pa.array(["CC0", "CC0"]), 'x"y': nested, "plain": pa.array([1, 2])})
    items = [f"record:{HOSTILE}", 'record:x"y.a"b', "record:x\"y.c); SELECT 1; --",
             "record:nope\"; DROP VIEW t0; --"]
    with dsbench.load_dataset(table) as dataset:
        result = dsbench.validate(dataset, fields_check(items))
        outcome = result.results[0].outcome
        assert outcome.result["details"]["present"] == [f"record:{HOSTILE}", 'record:x"y.a"b']
        assert {(r["field"], r["missing"]) for r in outcome.result["details"]["records"]} == {
            (HOSTILE, 0), ('x"y.a"b', 0), ("x\"y.c); SELECT 1; --", 1)}
        (query,) = [sql for sql, _ in result.log.queries]
        assert '"li""cense\'; DROP VIEW t0; --"' in query
        assert '("x""y")."a""b"' in query and '("x""y")."c); SELECT 1; --"' in query
        assert "nope" not in query  # a field no table has costs no query
        # The view the statement names is still there.
        assert dataset.con.execute('SELECT count(*) FROM "t0"').fetchone() == (2,)


def test_items_without_record_run_no_query():
    result = dsbench.validate(RECORDS, fields_check(["licenses", "sources|homepage"]))
    assert result.log.queries == []
    assert result.results[0].outcome.result["details"] == {
        "present": [], "missing": ["licenses", "sources|homepage"], "manifest": False, "evidence": {}}


@pytest.mark.parametrize("fields", [["record:"], ["record: "], ["record:a..b"], ["licenses|record:"],
                                    ["record:.a"]])
def test_malformed_record_items_are_suite_errors(fields):
    with pytest.raises(SuiteError, match="fields"):
        dsbench.validate(RECORDS, fields_check(fields))
