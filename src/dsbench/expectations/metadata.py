"""Metadata expectations: is the dataset documented? Evidence is the manifest, and record fields
that the data carries on every record.

Items are manifest keys or dotted paths (``licenses``, ``resources.schema.fields.description``),
or ``record:`` fields of the data (``record:license``, ``record:annotation.annotation_method``):

- a manifest item is present when its value exists and is not empty (not null, not an empty or
  blank string, not an empty list or mapping);
- a path through a list holds for the list when the list is non-empty and the rest of the path
  holds for every element (``resources.schema.fields.description``: every field of every
  resource is described);
- ``record:<field>`` holds when some table of the dataset has that column, with at least one row,
  and no row where it is missing: null, or, by the column's type, a blank text (white space,
  Unicode spaces included), an empty list or map, or a JSON ``null``/blank string/``[]``/``{}``.
  A dotted path reaches into STRUCT columns (JSON objects read as structs):
  ``record:annotation.annotator`` is the ``annotator`` field of the ``annotation`` column; a path
  through a list of structs does not resolve. This is how the per-record fields of the
  TC609-5-2025-02 format (``license``, ``source``, ``version``, ``annotation.annotation_method`` …)
  document a dataset that has no manifest saying so;
- ``a|b`` lists alternatives: the item is present when any of them is (``bytes|size``,
  ``licenses|record:license``).

Manifest items need no metric; ``decide`` reads the manifest the dataset was loaded with. A
``record:`` alternative that names a column of some table needs two numbers from that table (its
rows, and the rows missing the field: ``count(*) FILTER (WHERE …)``), computed in the table's
shared aggregate scan; one that names no column is simply not present, and costs no query. Field
names are only ever quoted identifiers (``("annotation")."annotator"``: the parentheses keep a
column from being read as a table name). ``row_condition`` does not apply.

A dataset without a manifest documents nothing in it, so every manifest item is missing (B = items
listed): an absent manifest is a finding, not "not applicable". ``result.details.evidence`` says,
for each present item, which alternative showed it (``{"manifest": key}`` or
``{"record": field, "table": name}``, the first that holds in the item's order);
``details.records`` lists every record field found in a table with its rows and missing rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from pydantic import Field, field_validator

from dsbench.data.dataset import Table
from dsbench.engine import types as logical
from dsbench.engine.dialect import Dialect
from dsbench.engine.metrics import Condition, Metric, Scope
from dsbench.engine.sql import quote_ident
from dsbench.engine.types import LogicalType
from dsbench.expectations.base import Expectation, Kwargs, Outcome
from dsbench.expectations.text import BLANK

RECORD = "record:"
# A JSON value that holds nothing: null, a blank string, an empty array or object (a string of
# a column of mixed JSON types is read without its quotes: blank then).
JSON_BLANK = r'\s*(?:null|"[\s\p{Z}]*"|[\s\p{Z}]*|\[\s*\]|\{\s*\})\s*'


def alternatives(item: str) -> list[str]:
    return [alternative.strip() for alternative in item.split("|")]


def _parts(path: str) -> list[str]:
    return [part.strip() for part in path.split(".")]


class ManifestFieldsKwargs(Kwargs):
    fields: list[str] = Field(min_length=1, description="manifest keys or dotted paths, or record:<field> "
                                                        "of the data; 'a|b' = either")

    @field_validator("fields")
    @classmethod
    def well_formed(cls, value: list[str]) -> list[str]:
        for item in value:
            for alternative in alternatives(item):
                path = alternative[len(RECORD):] if alternative.startswith(RECORD) else alternative
                if not path.strip() or any(not part for part in _parts(path)):
                    raise ValueError(f"{item!r} is not a key, a dotted path or record:<field>")
        return value


def manifest_document(manifest: Any) -> dict[str, Any] | None:
    """The manifest as the publisher wrote it (keys they set, extension keys included)."""
    if manifest is None:
        return None
    if isinstance(manifest, Mapping):
        return dict(manifest)
    dump = getattr(manifest, "model_dump", None)
    if dump is None:
        return None
    return dump(mode="json", by_alias=True, exclude_unset=True)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, dict)):
        return bool(value)
    return True


def _holds(node: Any, parts: list[str]) -> bool:
    if isinstance(node, (list, tuple)) and parts:
        return bool(node) and all(_holds(item, parts) for item in node)
    if not parts:
        return _filled(node)
    if isinstance(node, Mapping) and parts[0] in node:
        return _holds(node[parts[0]], parts[1:])
    return False


def is_documented(document: Mapping[str, Any] | None, item: str) -> bool:
    """Is ``item`` (a key, dotted path, or ``a|b`` alternatives) present and non-empty in the
    manifest? ``record:`` alternatives need the data: they never hold here."""
    if document is None:
        return False
    return any(_holds(document, _parts(alternative))
               for alternative in alternatives(item) if not alternative.startswith(RECORD))


# -- record fields --------------------------------------------------------------------------------

def _descend(dialect: Dialect, sql: str, native: str, parts: list[str]) -> tuple[str, str] | None:
    if not parts:
        return sql, native
    fields = dialect.struct_fields(native) or {}
    for cut in range(len(parts), 0, -1):  # a field name may itself hold dots
        name = ".".join(parts[:cut])
        if name in fields:
            found = _descend(dialect, f"({sql}).{quote_ident(name)}", fields[name], parts[cut:])
            if found is not None:
                return found
    return None


def resolve_field(dialect: Dialect, columns: Mapping[str, str], path: str) -> tuple[str, str] | None:
    """The SQL expression (quoted identifiers only) and the engine's type of the field ``path`` of
    a table with ``columns`` (name -> type): a column, or a dotted path into its STRUCT fields;
    None when the table has no such field."""
    parts = _parts(path)
    for cut in range(len(parts), 0, -1):  # a column name may itself hold dots
        name = ".".join(parts[:cut])
        if name in columns:
            found = _descend(dialect, quote_ident(name), columns[name], parts[cut:])
            if found is not None:
                return found
    return None


def missing_condition(dialect: Dialect, sql: str, kind: LogicalType) -> Condition:
    """Rows where the value of ``sql`` (of type ``kind``) is missing: null, or blank."""
    if kind.is_string:
        return Condition(f"({sql} IS NULL OR {dialect.regex_full_match(sql, '?')})", (BLANK,))
    if kind.family == logical.ENUM:
        return Condition(f"({sql} IS NULL OR {dialect.regex_full_match(dialect.cast(sql, 'text'), '?')})", (BLANK,))
    if kind.family == logical.LIST:
        return Condition(f"({sql} IS NULL OR {dialect.list_length(sql)} = 0)")
    if kind.family == logical.MAP:
        return Condition(f"({sql} IS NULL OR {dialect.map_length(sql)} = 0)")
    if kind.family == logical.JSON:
        return Condition(f"({sql} IS NULL OR {dialect.regex_full_match(dialect.cast(sql, 'text'), '?')})",
                         (JSON_BLANK,))
    return Condition(f"({sql} IS NULL)")


@dataclass(frozen=True)
class RecordField:
    """A ``record:`` field found in one table, with the metrics that decide it."""

    path: str
    table: Table
    rows: Metric
    missing: Metric


def record_fields(dialect: Dialect, tables: Mapping[str, Table], path: str) -> list[RecordField]:
    """Every table (in dataset order) that has the field ``path``, with its two metrics."""
    found = []
    for table in tables.values():
        resolved = resolve_field(dialect, table.columns, path)
        if resolved is None:
            continue
        sql, native = resolved
        kind = dialect.logical_type(native)
        if path in table.source_types:  # JSON of mixed types, read as text: its empty values too
            kind = LogicalType(logical.JSON, name=native, base=kind.base)
        scope = Scope(table.view)
        found.append(RecordField(
            path, table, scope.aggregate("count(*)", label="row_count"),
            scope.aggregate("count(*)", where=missing_condition(dialect, sql, kind),
                            label=f"records_missing({path})")))
    return found


class ExpectManifestFieldsToBePresent(Expectation):
    type = "expect_manifest_fields_to_be_present"
    summary = ("The dataset documents every listed manifest key or dotted path (non-empty), or "
               "record:<field> on every record of a table; 'a|b' accepts either.")
    family = "metadata"
    defect_kind = "measure"
    default_concern = "documentation.basic"
    Kwargs = ManifestFieldsKwargs
    gx_compatible: ClassVar[bool] = False

    def bind(self) -> None:
        tables = self.context.tables or {self.table.name: self.table}
        self.records: dict[str, list[RecordField]] = {}
        for item in self.kw.fields:
            for alternative in alternatives(item):
                if alternative.startswith(RECORD) and alternative not in self.records:
                    self.records[alternative] = record_fields(self.dialect, tables, alternative[len(RECORD):].strip())

    def metrics(self) -> list[Metric]:
        return [m for found in self.records.values() for f in found for m in (f.rows, f.missing)]

    def conclude(self, values: Mapping[Metric, Any]) -> Outcome:
        document = manifest_document(self.context.manifest)
        counts: dict[tuple[str, str], tuple[int, int]] = {}
        for found in self.records.values():
            for f in found:
                counts[(f.path, f.table.name)] = (int(values[f.rows]), int(values[f.missing]))

        def evidence(alternative: str) -> dict[str, str] | None:
            if not alternative.startswith(RECORD):
                if document is not None and _holds(document, _parts(alternative)):
                    return {"manifest": alternative}
                return None
            for f in self.records[alternative]:
                rows, missing = counts[(f.path, f.table.name)]
                if rows and not missing:
                    return {"record": f.path, "table": f.table.name}
            return None

        wanted = list(self.kw.fields)
        shown: dict[str, dict[str, str]] = {}
        for item in wanted:
            for alternative in alternatives(item):
                found = evidence(alternative)
                if found is not None:
                    shown[item] = found
                    break
        present = [item for item in wanted if item in shown]
        missing = [item for item in wanted if item not in shown]
        details: dict[str, Any] = {"present": present, "missing": missing,
                                   "manifest": document is not None, "evidence": shown}
        if counts:
            details["records"] = [{"field": path, "table": table, "rows": rows, "missing": blank}
                                  for (path, table), (rows, blank) in counts.items()]
        result = {"observed_value": missing, "details": details}
        return Outcome(not missing, result, len(present), len(wanted))


EXPECTATIONS = [ExpectManifestFieldsToBePresent]
