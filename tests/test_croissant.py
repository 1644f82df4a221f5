"""Croissant 1.0 metadata.json: read into the same Manifest as a datapackage.json."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

import dsbench
from dsbench.data.croissant import read_croissant
from dsbench.data.manifest import find_manifest
from dsbench.errors import DataError
from dsbench.suites.generated import manifest_suites
from dsbench.suites.from_manifest import ASPECTS

HERE = Path(__file__).resolve().parent / "data" / "croissant"


@pytest.fixture
def croissant(tmp_path) -> Path:
    target = tmp_path / "tiny"
    shutil.copytree(HERE, target)
    return target


def test_conversion_to_manifest(croissant):
    manifest = read_croissant(croissant / "metadata.json")
    document = manifest.model_dump(mode="json", by_alias=True, exclude_unset=True)
    assert document["name"] == document["title"] == "Tiny Titanic"
    assert document["homepage"] == "https://example.org/tiny"
    assert document["licenses"] == [{"path": "https://creativecommons.org/publicdomain/zero/1.0/"}]
    assert document["contributors"] == [{"title": "Ann Author", "role": "author", "path": "https://example.org/ann"}]
    assert document["sources"][0]["path"] == "https://example.org/original"
    # RAI properties keep their names (the checklists list them beside dsbench's keys).
    assert document["rai:dataCollection"].startswith("Transcribed")
    assert document["rai:dataLimitations"] == "Only four rows."
    assert not any(key.startswith("dsbench:") and key != "dsbench:format" for key in document)
    assert [r.name for r in manifest.resources] == ["ports", "passengers"]
    ports, passengers = manifest.resources
    assert ports.path == "ports.csv" and ports.format == "csv"
    # A URL contentUrl is read from the local copy named after the file object.
    assert passengers.path == "passengers.csv"
    data = (croissant / "passengers.csv").read_bytes()
    assert document["resources"][1]["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert document["resources"][1]["bytes"] == len(data)
    fields = {f["name"]: f for f in passengers.schema_.fields}
    assert list(fields) == ["id", "name", "sex", "age", "embarked", "boarded"]  # columns, not field names
    assert fields["sex"]["title"] == "gender"
    assert {n: f["type"] for n, f in fields.items()} == {
        "id": "integer", "name": "string", "sex": "string", "age": "integer", "embarked": "string",
        "boarded": "date"}
    extra = passengers.schema_.model_extra
    assert extra["primaryKey"] == ["id"]
    assert extra["foreignKeys"] == [{"fields": "embarked", "reference": {"resource": "ports", "fields": "key"}}]


def test_croissant_directory_loads_and_generates(croissant):
    assert find_manifest(croissant) == croissant / "metadata.json"
    with dsbench.load_dataset(croissant) as dataset:
        assert set(dataset.tables) == {"ports", "passengers"}
        suites = {s.name: s for s in manifest_suites(dataset)}
        assert set(suites) == {"generated-manifest-ports", "generated-manifest-passengers",
                               "generated-manifest-documentation"}
        results = {name: {r.id: r for r in dsbench.validate(dataset, s).results} for name, s in suites.items()}
    passengers = results["generated-manifest-passengers"]
    embarked = passengers["manifest.passengers.foreign_key.embarked.ports"]
    assert embarked.outcome.result["partial_unexpected_counts"] == [{"value": "X", "count": 1}]
    assert (embarked.outcome.passed, embarked.outcome.evaluated) == (3, 4)
    age = passengers["manifest.passengers.age.type"]  # '?' is not an integer
    assert (age.outcome.passed, age.outcome.evaluated) == (3, 4)
    assert passengers["manifest.passengers.primary_key"].success
    docs = results["generated-manifest-documentation"]
    assert docs["manifest.documentation.basic"].success
    process = docs["manifest.documentation.process"].outcome
    assert process.result["observed_value"] == [ASPECTS["processing"], ASPECTS["annotation specification"]]
    assert process.result["details"]["evidence"] == {
        ASPECTS["sources"]: {"manifest": "sources"},
        ASPECTS["collection method"]: {"manifest": "rai:dataCollection"},
        ASPECTS["version record"]: {"manifest": "version"}}


def test_datapackage_wins_over_croissant(croissant):
    (croissant / "datapackage.json").write_text(json.dumps(
        {"name": "dp", "resources": [{"name": "ports", "path": "ports.csv"}]}))
    assert find_manifest(croissant) == croissant / "datapackage.json"


def test_other_metadata_json_is_not_a_manifest(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"a": [1, 2]}), tmp_path / "part.parquet")
    (tmp_path / "metadata.json").write_text('{"created_by": "some tool"}')
    assert find_manifest(tmp_path) is None
    with dsbench.load_dataset(tmp_path) as dataset:
        assert dataset.manifest is None and list(dataset.tables) == [tmp_path.name]


def test_croissant_without_local_files_is_a_data_error(tmp_path):
    document = json.loads((HERE / "metadata.json").read_text())
    for item in document["distribution"]:
        item["contentUrl"] = "https://example.org/data/" + item["name"]
    (tmp_path / "metadata.json").write_text(json.dumps(document))  # no local copy: never downloaded
    with pytest.raises(DataError, match="no local tabular file"):
        dsbench.load_dataset(tmp_path)
    # A relative contentUrl that is missing is reported by the loader, naming the file.
    document["distribution"][1]["contentUrl"] = "ports.csv"
    (tmp_path / "metadata.json").write_text(json.dumps(document))
    with pytest.raises(DataError, match="ports.csv' does not exist"):
        dsbench.load_dataset(tmp_path)


def test_croissant_under_another_name_is_read_by_content(croissant):
    from dsbench.data.manifest import read_manifest

    (croissant / "croissant.json").write_text((croissant / "metadata.json").read_text())
    manifest = read_manifest(croissant / "croissant.json")
    assert [r.name for r in manifest.resources] == ["ports", "passengers"]
