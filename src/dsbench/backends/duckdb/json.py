"""Reading JSON as a table: which layout a file has (told by parsing it, not by its first byte),
which single objects are a record and which are not a table at all, and columns whose values have
more than one JSON type.

- ``.jsonl``/``.ndjson`` files are JSON Lines. Otherwise the first value is parsed: ``[`` starts an
  array of records; an object followed by another one is JSON Lines; an object alone is the whole
  document, read as one record when it is one (no value is a list of objects) and refused, naming
  its shape, when it holds a table inside (GeoJSON's ``features``, a ``{"data": [...]}`` wrapper).
- DuckDB reads a column whose values have several JSON types (strings and numbers, say) as its
  ``JSON`` type, whose text keeps the quote marks. Such a column is read as text: strings without
  quotes, other values as their JSON text; the count of each type is kept
  (:attr:`~dsbench.backends.duckdb.loader.Table.source_types`) for the type-consistency check generated for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dsbench.data.dataset import NotRecords
from dsbench.data.encoding import open_bytes
from dsbench.errors import DataError

HEAD_BYTES = 1 << 20
WHOLE_OBJECT_BYTES = 64 << 20  # a single-object document is parsed whole up to this size
# json_type() names -> JSON's own.
JSON_TYPES = {"VARCHAR": "string", "BIGINT": "integer", "UBIGINT": "integer", "DOUBLE": "number",
              "BOOLEAN": "boolean", "ARRAY": "array", "OBJECT": "object", "NULL": "null"}
EXAMPLES = 5


def json_layout(path: Path, suffix: str) -> str:
    """``newline_delimited``, ``array`` or ``object`` (one JSON object holding the whole file)."""
    if suffix in (".jsonl", ".ndjson"):
        return "newline_delimited"
    with open_bytes(path) as handle:
        head = handle.read(HEAD_BYTES)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):
        return "array"
    if not text.startswith("{"):
        return "newline_delimited"  # DuckDB names what it finds there
    try:
        _, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        # Not one complete object in the first MiB: one large object, or a malformed first line
        # (which the JSON Lines reader reports with its line).
        return "object" if len(head) == HEAD_BYTES and "\n{" not in text else "newline_delimited"
    rest = text[end:].lstrip()
    return "object" if not rest and len(head) < HEAD_BYTES else "newline_delimited"


def check_record(path: Path) -> None:
    """A DataError unless the single JSON object in ``path`` is one record (no value of it is a
    list of objects: a table held inside the document)."""
    size = path.stat().st_size
    if size > WHOLE_OBJECT_BYTES:
        raise NotRecords(f"one JSON object of {size:,} bytes, not records: dsbench reads an array of "
                        "records or JSON Lines (one record per line)", source=str(path))
    with open_bytes(path) as handle:
        try:
            document = json.loads(handle.read().decode("utf-8-sig"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise DataError(f"not valid JSON: {error}", source=str(path)) from None
    tables = [key for key, value in document.items()
              if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)]
    if tables:
        shape = ", ".join(f"{key} ({_shape(value)})" for key, value in list(document.items())[:8])
        raise NotRecords(f"one JSON object with keys {shape}, not a table of records: dsbench reads an "
                        "array of records or JSON Lines; extract the records first, e.g. "
                        f"jq -c '.{tables[0]}[]'", source=str(path))


def _shape(value: Any) -> str:
    if isinstance(value, list):
        kinds = sorted({type(v).__name__ for v in value})
        named = {"dict": "objects", "str": "strings", "int": "integers", "float": "numbers",
                 "list": "arrays", "bool": "booleans", "NoneType": "nulls"}
        what = " and ".join(named.get(k, k) for k in kinds) or "values"
        return f"an array of {len(value)} {what[:-1] if len(value) == 1 else what}"
    return {"dict": "an object", "str": "text", "int": "a number", "float": "a number",
            "bool": "a boolean", "NoneType": "null"}.get(type(value).__name__, type(value).__name__)


def type_census_sql(raw: str, columns: list[str]) -> str:
    """One query over the table ``raw`` (a quoted name): per quoted column, a list of
    (json type, count, first EXAMPLES values in row order) over its non-null values."""
    parts = [f"(SELECT list((t, n, e) ORDER BY n DESC, t) FROM (SELECT json_type({c}) AS t, count(*) AS n, "
             f"min_by(CAST({c} AS VARCHAR), rowid, {EXAMPLES}) AS e FROM {raw} WHERE {c} IS NOT NULL "
             "GROUP BY 1))" for c in columns]
    return "SELECT " + ", ".join(parts)


def census(row: list[Any]) -> dict[str, Any]:
    """A column's census as kept on the table: counts by JSON type (most common first) and, for
    the other types, the first values of each (as JSON text)."""
    counts: dict[str, int] = {}
    examples: dict[str, list[str]] = {}
    for kind, count, values in row or []:
        name = JSON_TYPES.get(kind, kind.lower())
        counts[name] = counts.get(name, 0) + int(count)
        examples.setdefault(name, []).extend(values)
    counts = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    dominant = next(iter(counts), None)
    return {"types": counts,
            "examples": {k: v[:EXAMPLES] for k, v in examples.items() if k != dominant}}
