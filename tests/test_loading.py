"""Every supported source becomes a DuckDB table with the right rows, columns and missing values.
References are computed independently with pyarrow / pandas / Python."""

from __future__ import annotations

import gzip
import json

import duckdb
import pyarrow as pa
import pyarrow.dataset as pads
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

import dsbench
from dsbench import LoadOptions, load_dataset
from dsbench.errors import DataError

SUITE = [
    {"type": "expect_table_row_count_to_equal", "kwargs": {"value": 0}},
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}},
    {"type": "expect_column_sum_to_be_between", "kwargs": {"column": "n", "min_value": 0}},
]
TABLE = pa.table({"n": [1, 2, None, 4, 5, 6], "name": ["a", "b", "c", None, "é", "中文"]})


def observed(data, **kwargs):
    result = dsbench.validate(data, SUITE, **kwargs)
    rows = result.results[0].outcome.result["observed_value"]
    nulls = result.results[1].outcome.result["unexpected_count"]
    total = result.results[2].outcome.result["observed_value"]
    return rows, nulls, total


EXPECTED = (6, 1, 18)


def write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


CSV_TEXT = "n,name\n1,a\n2,b\n,c\n4,\n5,é\n6,中文\n"


def test_parquet_file(tmp_path):
    pq.write_table(TABLE, tmp_path / "t.parquet")
    assert observed(tmp_path / "t.parquet") == EXPECTED


def test_parquet_directory_glob_and_hive_partitions(tmp_path):
    data = TABLE.append_column("part", pa.array(["x", "x", "y", "y", "z", "z"]))
    pads.write_dataset(data, tmp_path / "hive", format="parquet", partitioning=["part"],
                       partitioning_flavor="hive")
    assert observed(tmp_path / "hive") == EXPECTED
    assert observed(str(tmp_path / "hive" / "*" / "*.parquet")) == EXPECTED
    with load_dataset(tmp_path / "hive") as dataset:
        table = dataset.table()
        assert "part" in table.columns  # the partition key is a column
        count = dataset.con.execute(f"SELECT count(*) FROM {table.view} WHERE part = 'y'").fetchone()[0]
        assert count == 2


def test_csv_and_tsv_delimiter_and_header_detection(tmp_path):
    assert observed(write_csv(tmp_path / "t.csv", CSV_TEXT)) == EXPECTED
    assert observed(write_csv(tmp_path / "t.tsv", CSV_TEXT.replace(",", "\t"))) == EXPECTED
    assert observed(write_csv(tmp_path / "semi.txt", CSV_TEXT.replace(",", ";"))) == EXPECTED
    gz = tmp_path / "t.csv.gz"
    gz.write_bytes(gzip.compress(CSV_TEXT.encode()))
    assert observed(gz) == EXPECTED


def test_csv_without_header_gets_generated_names(tmp_path):
    path = write_csv(tmp_path / "nohead.csv", "1,2.5,x\n3,4.5,y\n")
    with load_dataset(path) as dataset:
        assert list(dataset.table().columns) == ["column0", "column1", "column2"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_are_detected(tmp_path, encoding):
    path = write_csv(tmp_path / f"t-{encoding}.csv", CSV_TEXT.replace("é", "乙"), encoding)
    assert observed(path) == EXPECTED
    result = dsbench.validate(path, [{"type": "expect_column_values_to_be_in_set", "kwargs": {
        "column": "name", "value_set": ["a", "b", "c", "乙", "中文"]}}])
    assert result.success  # the Chinese text was decoded, not mangled


def test_encoding_override(tmp_path):
    path = write_csv(tmp_path / "latin.csv", "n,name\n1,café\n", "latin-1")
    result = dsbench.validate(path, [{"type": "expect_column_values_to_be_in_set",
                                      "kwargs": {"column": "name", "value_set": ["café"]}}],
                              encoding="latin-1")
    assert result.success
    with pytest.raises(DataError, match="not valid UTF-8"):
        dsbench.validate(write_csv(tmp_path / "gbk.csv", "n,name\n1,中文\n", "gbk"), SUITE[:1],
                         encoding="utf-8")


def test_missing_value_tokens(tmp_path):
    path = write_csv(tmp_path / "na.csv", "n,name\n1,NA\n2,nil\n3,\n4,x\n")
    suite = [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "name"}}]
    default = dsbench.validate(path, suite).results[0].outcome.result["unexpected_count"]
    declared = dsbench.validate(path, suite, missing_values=["", "NA", "nil"]).results[0]
    assert default == 1  # only the empty string is missing by default
    assert declared.outcome.result["unexpected_count"] == 3


def test_manifest_missing_values_and_dialect(tmp_path):
    write_csv(tmp_path / "data.csv", "n|name\n1|NA\n2|b\n")
    (tmp_path / "datapackage.json").write_text(json.dumps({"name": "x", "resources": [{
        "name": "things", "path": "data.csv", "format": "csv", "dialect": {"delimiter": "|"},
        "schema": {"fields": [], "missingValues": ["", "NA"]}}]}))
    with load_dataset(tmp_path) as dataset:
        table = dataset.table("things")
        assert list(table.columns) == ["n", "name"]
        nulls = dataset.con.execute(f"SELECT count(*) - count(name) FROM {table.view}").fetchone()[0]
        assert nulls == 1


def test_json_array_and_lines(tmp_path):
    records = [{"n": r["n"], "name": r["name"]} for r in TABLE.to_pylist()]
    (tmp_path / "t.json").write_text(json.dumps(records, ensure_ascii=False))
    (tmp_path / "t.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records))
    assert observed(tmp_path / "t.json") == EXPECTED
    assert observed(tmp_path / "t.jsonl") == EXPECTED


def test_arrow_ipc_and_feather(tmp_path):
    feather.write_feather(TABLE, tmp_path / "t.feather")
    with pa.OSFile(str(tmp_path / "t.arrow"), "wb") as sink, pa.ipc.new_file(sink, TABLE.schema) as w:
        w.write_table(TABLE)
    assert observed(tmp_path / "t.feather") == EXPECTED
    assert observed(tmp_path / "t.arrow") == EXPECTED


def test_duckdb_database_table(tmp_path):
    database = tmp_path / "store.duckdb"
    con = duckdb.connect(str(database))
    con.register("src", TABLE)
    con.execute("CREATE TABLE things AS SELECT * FROM src")
    con.execute("CREATE TABLE other AS SELECT 1 AS x")
    con.close()
    assert observed(f"{database}#things") == EXPECTED
    with pytest.raises(DataError, match="holds 2 tables"):
        observed(database)
    with pytest.raises(DataError, match="no table 'nope'"):
        observed(f"{database}#nope")


def test_in_memory_objects():
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    assert observed(TABLE) == EXPECTED
    assert observed(TABLE.to_pandas()) == EXPECTED
    assert observed(polars.from_arrow(TABLE)) == EXPECTED
    assert observed(polars.from_arrow(TABLE).lazy()) == EXPECTED
    relation = duckdb.from_arrow(TABLE)
    assert observed(relation) == EXPECTED
    assert isinstance(TABLE.to_pandas(), pandas.DataFrame)


def test_other_tables_by_name(tmp_path):
    pq.write_table(TABLE, tmp_path / "a.parquet")
    pq.write_table(TABLE.slice(0, 2), tmp_path / "b.parquet")
    suite = [{"type": "expect_table_row_count_to_equal_other_table",
              "kwargs": {"other_table_name": "b"}}]
    result = dsbench.validate(tmp_path / "a.parquet", suite, tables={"b": tmp_path / "b.parquet"})
    assert result.results[0].outcome.result["observed_value"] == {"self": 6, "other": 2}
    assert not result.success


def test_options_object_is_used(tmp_path):
    path = write_csv(tmp_path / "x.csv", "a;b\n1;2\n")
    with load_dataset(path, options=LoadOptions(delimiter=";")) as dataset:
        assert list(dataset.table().columns) == ["a", "b"]
