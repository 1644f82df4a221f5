"""DuckDB's type names read into logical types (:mod:`dsbench.engine.types`), and DuckDB's own type
parser for the fields of a STRUCT."""

from __future__ import annotations

import functools
import re

from dsbench.engine import types as logical
from dsbench.engine.types import LogicalType

# (bits, signed) of each integer type.
INTEGERS = {"TINYINT": (8, True), "SMALLINT": (16, True), "INTEGER": (32, True), "BIGINT": (64, True),
            "HUGEINT": (128, True), "UTINYINT": (8, False), "USMALLINT": (16, False), "UINTEGER": (32, False),
            "UBIGINT": (64, False), "UHUGEINT": (128, False)}
FLOATS = {"FLOAT": 32, "DOUBLE": 64}
# The resolution of each timestamp type; TIMESTAMP (with or without time zone) is in microseconds.
TIMESTAMP_UNITS = {"TIMESTAMP": "us", "TIMESTAMP WITH TIME ZONE": "us", "TIMESTAMP_NS": "ns",
                   "TIMESTAMP_MS": "ms", "TIMESTAMP_S": "s"}
FAMILIES = {"DECIMAL": logical.DECIMAL, "VARCHAR": logical.STRING, "BOOLEAN": logical.BOOLEAN,
            "DATE": logical.DATE, "BLOB": logical.BINARY, "STRUCT": logical.STRUCT, "MAP": logical.MAP,
            "JSON": logical.JSON, "ENUM": logical.ENUM}


def base_type(duckdb_type: str) -> str:
    """``DECIMAL(18,3)`` -> ``DECIMAL``; ``VARCHAR`` stays."""
    return re.sub(r"\(.*\)$", "", duckdb_type.strip().upper())


@functools.lru_cache(maxsize=1024)
def logical_type(duckdb_type: str) -> LogicalType:
    """The logical type of a DuckDB type name as DESCRIBE reports it."""
    base = base_type(duckdb_type)
    known = {"name": duckdb_type, "base": base}
    if duckdb_type.strip().endswith("]"):  # LIST (``INTEGER[]``) or ARRAY (``INTEGER[3]``) of anything
        return LogicalType(logical.LIST, **known)
    if base in INTEGERS:
        bits, signed = INTEGERS[base]
        return LogicalType(logical.INTEGER, bits=bits, signed=signed, **known)
    if base in FLOATS:
        return LogicalType(logical.FLOAT, bits=FLOATS[base], **known)
    if base in FAMILIES:
        return LogicalType(FAMILIES[base], **known)
    if base.startswith("TIMESTAMP"):
        return LogicalType(logical.TIMESTAMP, unit=TIMESTAMP_UNITS.get(base), time_zone="TIME ZONE" in base, **known)
    if base.startswith("TIME"):
        return LogicalType(logical.TIME, unit="ns" if base.startswith("TIME_NS") else None,
                           time_zone="TIME ZONE" in base, **known)
    if base.startswith("DATE"):
        return LogicalType(logical.DATE, **known)
    if base.startswith("INTERVAL"):
        return LogicalType(logical.INTERVAL, **known)
    return LogicalType(logical.OTHER, **known)


def struct_fields(duckdb_type: str) -> dict[str, str] | None:
    """The fields of a DuckDB ``STRUCT(…)`` type as name -> type, read by DuckDB's own type parser;
    None for any other type (a list of structs, ``STRUCT(…)[]``, included) or one it cannot read."""
    import duckdb

    try:
        parsed = duckdb.sqltype(duckdb_type)
    except (duckdb.Error, ValueError, TypeError):
        return None
    if parsed.id != "struct":
        return None
    return {name: str(field) for name, field in parsed.children}


# For the code that still holds DuckDB type names outside expectations (the corpus tools).
def is_numeric(duckdb_type: str) -> bool:
    return logical_type(duckdb_type).is_numeric


def is_integer(duckdb_type: str) -> bool:
    return logical_type(duckdb_type).is_integer


def is_string(duckdb_type: str) -> bool:
    return logical_type(duckdb_type).is_string


__all__ = ["base_type", "is_integer", "is_numeric", "is_string", "logical_type", "struct_fields"]
