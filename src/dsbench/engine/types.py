"""Logical column types: the families every engine's types fall into, and what the type names of other
tools (numpy, pandas, Arrow, Python, GX) mean in those families.

An engine names its types its own way (DuckDB ``BIGINT``, Spark ``bigint``, ``DECIMAL(18,3)`` …);
its dialect reads a name into a :class:`LogicalType` (see ``Dialect.logical_type``), and everything
above the backends asks the logical type, never the engine's name: is it a number, a text, a
timestamp? ``name`` and ``base`` keep the engine's own words for messages and results.
"""

from __future__ import annotations

from dataclasses import dataclass

INTEGER, FLOAT, DECIMAL = "integer", "float", "decimal"
STRING, BOOLEAN, BINARY = "string", "boolean", "binary"
DATE, TIME, TIMESTAMP, INTERVAL = "date", "time", "timestamp", "interval"
LIST, STRUCT, MAP, JSON, ENUM, OTHER = "list", "struct", "map", "json", "enum", "other"
FAMILIES = (INTEGER, FLOAT, DECIMAL, STRING, BOOLEAN, BINARY, DATE, TIME, TIMESTAMP, INTERVAL, LIST, STRUCT,
            MAP, JSON, ENUM, OTHER)
NUMERIC = (INTEGER, FLOAT, DECIMAL)
TEMPORAL = (DATE, TIME, TIMESTAMP, INTERVAL)


@dataclass(frozen=True)
class LogicalType:
    """A column type as dsbench reasons about it.

    ``bits``: the width of an integer or float; ``signed``: whether an integer has a sign; ``unit``:
    the resolution of a timestamp or time (``s``, ``ms``, ``us``, ``ns``); ``time_zone``: a
    timestamp or time with a time zone. ``name`` is the engine's full name of the type and
    ``base`` that name without its parameters (``DECIMAL(18,3)`` -> ``DECIMAL``): two columns have
    the same type exactly when their engine says so.
    """

    family: str
    name: str = ""
    base: str = ""
    bits: int | None = None
    signed: bool = True
    unit: str | None = None
    time_zone: bool = False

    def __post_init__(self) -> None:
        if self.family not in FAMILIES:
            raise ValueError(f"unknown type family {self.family!r}")

    @property
    def is_numeric(self) -> bool:
        return self.family in NUMERIC

    @property
    def is_integer(self) -> bool:
        return self.family == INTEGER

    @property
    def is_float(self) -> bool:
        return self.family == FLOAT

    @property
    def is_string(self) -> bool:
        return self.family == STRING

    @property
    def is_temporal(self) -> bool:
        return self.family in TEMPORAL

    def same_type(self, other: "LogicalType") -> bool:
        """The same type in the engine's terms, parameters aside (two DECIMALs, two VARCHARs)."""
        return self.base == other.base


@dataclass(frozen=True)
class Kind:
    """The logical types a name from another tool stands for: a family (or several), narrowed by
    width, sign, unit or time zone where the name says them (None: any)."""

    families: tuple[str, ...]
    bits: int | None = None
    signed: bool | None = None
    units: tuple[str | None, ...] | None = None
    time_zone: bool | None = None

    def __contains__(self, logical: LogicalType) -> bool:
        return (logical.family in self.families
                and (self.bits is None or logical.bits == self.bits)
                and (self.signed is None or logical.signed == self.signed)
                and (self.units is None or logical.unit in self.units)
                and (self.time_zone is None or logical.time_zone == self.time_zone))


def _integer(bits: int | None = None, signed: bool | None = True) -> Kind:
    return Kind((INTEGER,), bits, signed if bits is not None else None)


def _float(bits: int | None = None) -> Kind:
    return Kind((FLOAT,), bits)


_TEXT = Kind((STRING,))
_NAIVE_TIMESTAMP = Kind((TIMESTAMP,), time_zone=False)

# Names users already write for ``expect_column_values_to_be_of_type`` (numpy, pandas, Arrow,
# Python, GX), lower-cased. There is no 16-bit float column: float16 means the narrowest, 32 bits.
ALIASES: dict[str, Kind] = {
    "int8": _integer(8), "int16": _integer(16), "int32": _integer(32), "int64": _integer(64),
    "uint8": _integer(8, False), "uint16": _integer(16, False), "uint32": _integer(32, False),
    "uint64": _integer(64, False),
    "int": _integer(), "integer": _integer(), "long": _integer(64), "short": _integer(16),
    "float16": _float(32), "float32": _float(32), "float64": _float(64), "float": _float(),
    "double": _float(64), "real": _float(32), "number": Kind(NUMERIC),
    "str": _TEXT, "string": _TEXT, "object": _TEXT, "text": _TEXT, "varchar": _TEXT, "unicode": _TEXT,
    "large_string": _TEXT, "utf8": _TEXT,
    "bool": Kind((BOOLEAN,)), "boolean": Kind((BOOLEAN,)),
    "date": Kind((DATE,)), "date32": Kind((DATE,)), "date32[day]": Kind((DATE,)),
    "datetime": Kind((TIMESTAMP,)), "datetime64": _NAIVE_TIMESTAMP,
    # pandas' nanoseconds; a microsecond timestamp holds the same instants where pandas can.
    "datetime64[ns]": Kind((TIMESTAMP,), units=("ns", "us"), time_zone=False),
    "timestamp": _NAIVE_TIMESTAMP,
    "time": Kind((TIME,), time_zone=False), "timedelta": Kind((INTERVAL,)),
    "bytes": Kind((BINARY,)), "binary": Kind((BINARY,)), "decimal": Kind((DECIMAL,)),
}


def known_as(logical: LogicalType, name: str) -> bool:
    """Does ``name``, a type name of another tool (``int64``, ``datetime64[ns]``, ``str`` …),
    stand for ``logical``?"""
    kind = ALIASES.get(name.strip().lower())
    return kind is not None and logical in kind


__all__ = ["ALIASES", "FAMILIES", "Kind", "LogicalType", "NUMERIC", "TEMPORAL", "known_as"]
