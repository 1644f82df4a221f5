"""DuckDB column types: families, and names from other tools (numpy, pandas, Arrow, Python, GX)
mapped onto them so ``expect_column_values_to_be_of_type`` accepts the names users already write."""

from __future__ import annotations

import re

INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
           "UINTEGER", "UBIGINT", "UHUGEINT"}
FLOAT = {"FLOAT", "DOUBLE"}
STRING = {"VARCHAR"}
TEMPORAL_PREFIXES = ("DATE", "TIME", "TIMESTAMP", "INTERVAL")

ALIASES: dict[str, set[str]] = {
    "int8": {"TINYINT"}, "int16": {"SMALLINT"}, "int32": {"INTEGER"}, "int64": {"BIGINT"},
    "uint8": {"UTINYINT"}, "uint16": {"USMALLINT"}, "uint32": {"UINTEGER"}, "uint64": {"UBIGINT"},
    "int": INTEGER, "integer": INTEGER, "long": {"BIGINT"}, "short": {"SMALLINT"},
    "float16": {"FLOAT"}, "float32": {"FLOAT"}, "float64": {"DOUBLE"}, "float": FLOAT,
    "double": {"DOUBLE"}, "real": {"FLOAT"}, "number": INTEGER | FLOAT | {"DECIMAL"},
    "str": STRING, "string": STRING, "object": STRING, "text": STRING, "varchar": STRING,
    "unicode": STRING, "large_string": STRING, "utf8": STRING,
    "bool": {"BOOLEAN"}, "boolean": {"BOOLEAN"},
    "date": {"DATE"}, "date32": {"DATE"}, "date32[day]": {"DATE"},
    "datetime": {"TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"},
    "datetime64": {"TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"},
    "datetime64[ns]": {"TIMESTAMP_NS", "TIMESTAMP"}, "timestamp": {"TIMESTAMP", "TIMESTAMP_NS",
                                                                   "TIMESTAMP_MS", "TIMESTAMP_S"},
    "time": {"TIME"}, "timedelta": {"INTERVAL"}, "bytes": {"BLOB"}, "binary": {"BLOB"},
    "decimal": {"DECIMAL"},
}


def base_type(duckdb_type: str) -> str:
    """``DECIMAL(18,3)`` -> ``DECIMAL``; ``VARCHAR`` stays."""
    return re.sub(r"\(.*\)$", "", duckdb_type.strip().upper())


def is_numeric(duckdb_type: str) -> bool:
    return base_type(duckdb_type) in INTEGER | FLOAT | {"DECIMAL"}


def is_integer(duckdb_type: str) -> bool:
    return base_type(duckdb_type) in INTEGER


def is_string(duckdb_type: str) -> bool:
    return base_type(duckdb_type) in STRING


def is_temporal(duckdb_type: str) -> bool:
    return base_type(duckdb_type).startswith(TEMPORAL_PREFIXES)


def type_matches(observed: str, name: str) -> bool:
    """Is a column of DuckDB type ``observed`` of the type called ``name``?"""
    wanted = name.strip()
    if base_type(wanted) == base_type(observed) or wanted.upper() == observed.upper():
        return True
    return base_type(observed) in ALIASES.get(wanted.lower(), set())
