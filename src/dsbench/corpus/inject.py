"""Seeded defect injection: a copy of a dataset with known defects, and the exact ground truth.

:func:`inject` writes a new dataset directory holding the dataset's tables with defects injected,
its manifest (when it has one) and ``injection.json``, which lists every changed cell (row, column,
old and new value) and every appended row. Test corpora built this way have a known answer: a
check that should see a defect can be held to the exact number injected.

Defects, applied in this order to each table (a cell is changed at most once):

- ``out_of_range``: in numeric columns, round(R × rows) values inside the range move outside it:
  above to ``high + (high - low) + 1`` or below to ``low - (high - low) - 1``. The bounds are the
  manifest's ``minimum``/``maximum`` (or exclusive ones) where declared, else the observed ones;
  only a declared side is crossed when the manifest declares one;
- ``label_flips``: in the label column (``dsbench:role: label``, or the one named), round(R × rows)
  labels become another class (of the declared ``enum``, else of the observed classes);
- ``nulls``: in each chosen column (default: every column outside the primary key), round(R ×
  rows) present values become missing (in CSV: the manifest's first non-empty missing-value
  token, such as ``NA``, else an empty field);
- ``duplicates``: round(R × rows) rows are appended again as exact copies, after the others.

Rounding is half up; where fewer cells qualify than requested, all of them change and the ground
truth says so (``requested`` beside ``count``).

Selection is deterministic: each candidate is ranked by DuckDB's hash of the text
``row:seed:defect:column`` (ties by row number) and the first ones are taken, independently in each
column; the side of a range and the new class come from the same hash with another salt. The same data, seed, rates and versions (dsbench, DuckDB)
give byte-identical output; ``injection.json`` records the versions.

Formats: a CSV table stays CSV (same delimiter, quote, escape, header line, line terminator,
quoting style, compression; UTF-8) and is read as text, so every untouched cell keeps its exact
characters and the output loads with the same column types; a Parquet table stays Parquet; other
tables (JSON, Arrow, DuckDB, in-memory frames) are written as Parquet. The manifest is copied with the ``bytes`` and ``hash`` it declares for each
file updated and a ``dsbench:injected`` key added, and nothing else changed, so the injected
dataset is evaluated with the same generated suites as the original. A dataset without a manifest
gets none (one would change its documentation scores): evaluate the table file in the output
directory.

The whole output is built in a hidden sibling directory and renamed into place: a failed run
leaves nothing at the output path.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import Any, Sequence
from urllib.parse import urlparse

from dsbench.errors import DataError, DsbenchError

DEFECTS = ("out_of_range", "label_flips", "nulls", "duplicates")  # the order they are applied in
OPTIONS = {"nulls": "--nulls", "duplicates": "--duplicates", "out_of_range": "--out-of-range",
           "label_flips": "--label-flips"}
FORMAT = "dsbench-injection/1"
GROUND_TRUTH = "injection.json"
# The hash of one text: DuckDB's hash of several arguments barely separates column names whose own
# hashes are close, so that different columns would lose nearly the same rows.
RANK = "hash(concat_ws(':', rowid, $seed, $defect, $col))"
SELECTION = ("each candidate cell or row is ranked by DuckDB hash('row:seed:defect:column'), ties by "
             "row number; the first round(rate x rows, half up) are taken")
# A label column with more distinct values than this is not a class label.
MAX_CLASSES = 1000
# Files beside a manifest that travel with the data (licences require their notices to).
COMPANIONS = re.compile(r"^(readme|licen[cs]e|copying|notice|citation)([._-].*)?$", re.IGNORECASE)
# Column types whose names may appear in SQL (for TRY_CAST): DuckDB's own names of scalar types.
SAFE_TYPE = re.compile(r"^[A-Z][A-Z0-9_ ]*(\(\d+(, ?\d+)?\))?$")
COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip", ".zst": "zstd"}
PARQUET_MEDIATYPE = "application/vnd.apache.parquet"
SEED_LIMIT = 2 ** 63
HASH_RANGE = 2 ** 64  # DuckDB's hash() is a UBIGINT
# The hash bound of a selection lets through this many times the cells wanted, plus this many:
# fewer than wanted is then a many-sigma event (and is handled, by sorting every candidate).
PREFILTER_MARGIN, PREFILTER_SLACK = 1.1, 100


@dataclass(frozen=True)
class Injection:
    """What :func:`inject` wrote: the output directory, and the count of each defect in total and
    per table (the cells and rows themselves are in ``injection.json``)."""

    output: Path
    seed: int
    rates: dict[str, float | None]
    counts: dict[str, int]
    tables: dict[str, dict[str, int]]


def inject(data: Any, output: str | Path, *, seed: int = 0, nulls: float | None = None,
           duplicates: float | None = None, out_of_range: float | None = None,
           label_flips: float | None = None, tables: Sequence[str] | None = None,
           columns: Sequence[str] | None = None, label_column: str | None = None, force: bool = False,
           threads: int | None = None, memory_limit: str | None = None) -> Injection:
    """Write a copy of ``data`` (anything :func:`dsbench.load_dataset` reads) with seeded defects
    into the new directory ``output``. A rate is the share of the table's rows affected (per column
    for nulls and out-of-range values); ``None`` leaves that defect out, and at least one must be
    given. ``tables`` limits injection to those tables (the others are copied as they are);
    ``columns`` limits nulls and out-of-range values to those columns; ``label_column`` names the
    label when the manifest declares none. An existing non-empty ``output`` is replaced only with
    ``force``."""
    from dsbench.backends import load_dataset
    from dsbench.data.dataset import LoadOptions

    rates = _check_rates({"nulls": nulls, "duplicates": duplicates, "out_of_range": out_of_range,
                          "label_flips": label_flips})
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise DsbenchError(f"--seed must be a whole number from 0 to {SEED_LIMIT - 1}, got {seed!r}")
    output = Path(output)
    _check_output(output, force)
    columns = _names(columns, "--columns")
    with load_dataset(data, options=LoadOptions(threads=threads, memory_limit=memory_limit)) as dataset:
        _check_not_inside(output, dataset)
        chosen = _chosen_tables(dataset, tables)
        plans = [_TablePlan.make(dataset, dataset.tables[name], columns, label_column, rates)
                 for name in chosen]
        destinations = _destinations(dataset, plans)
        staging = _staging_directory(output)
        try:
            document = _build(dataset, plans, destinations, rates, seed, staging, data)
            _replace(staging, output)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Injection(output=output, seed=seed, rates=rates, counts=document["counts"],
                     tables={name: table["counts"] for name, table in document["tables"].items()
                             if "counts" in table})


# -- checks before any work ------------------------------------------------------------------------
def _check_rates(rates: dict[str, Any]) -> dict[str, float | None]:

    checked: dict[str, float | None] = {}
    for defect, rate in rates.items():
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) \
                    or not 0 <= rate <= 1:
                raise DsbenchError(f"{OPTIONS[defect]} must be a rate from 0 to 1, got {rate!r}")
            rate = float(rate)
        checked[defect] = rate
    if all(rate is None for rate in checked.values()):
        raise DsbenchError("no defect requested: give at least one of "
                           f"{', '.join(OPTIONS[d] for d in sorted(OPTIONS))}")
    return dict(sorted(checked.items()))


def _names(items: Sequence[str] | None, option: str) -> list[str] | None:

    if items is None:
        return None
    names = [item for item in items if item]
    if not names:
        raise DsbenchError(f"{option} names no column")
    return list(dict.fromkeys(names))


def _check_output(output: Path, force: bool) -> None:

    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise DsbenchError("the output exists and is not a directory", source=str(output))
    if Path.cwd().resolve().is_relative_to(output.resolve()):
        raise DsbenchError("the output directory holds the current directory; choose another one",
                           source=str(output))
    if output.is_dir() and any(output.iterdir()) and not force:
        raise DsbenchError("the output directory exists and is not empty (pass --force to replace it)",
                           source=str(output))


def _check_not_inside(output: Path, dataset: Any) -> None:
    """Replacing the output must not delete the input."""

    target = output.resolve()
    inputs = [f for t in dataset.tables.values() for f in t.files]
    if dataset.manifest_path is not None:
        inputs.append(dataset.manifest_path)
    for path in inputs:
        if path.resolve().is_relative_to(target):
            raise DsbenchError("the output directory holds the input data; choose another one",
                               source=str(output))


def _chosen_tables(dataset: Any, tables: Sequence[str] | None) -> list[str]:

    if not tables:
        return list(dataset.tables)
    for name in tables:
        if name not in dataset.tables:
            raise DataError(f"no table {name!r} in the dataset (tables: {', '.join(dataset.tables)})")
    return list(dict.fromkeys(tables))


# -- what to do with each table --------------------------------------------------------------------
@dataclass
class _TablePlan:
    """The columns each defect goes to in one table, decided from the loaded types and the manifest."""

    table: Any
    resource: Any
    text: bool  # a CSV table: read, changed and written as text
    key: list[str]
    nulls: list[str] = field(default_factory=list)
    out_of_range: list[str] = field(default_factory=list)
    label_flips: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def make(cls, dataset: Any, table: Any, columns: list[str] | None, label_column: str | None,
             rates: dict[str, float | None]) -> "_TablePlan":
        from dsbench.expectations.types import is_numeric

        resource = dataset.resource(table.name)
        extra = (resource.schema_.model_extra or {}) if resource is not None else {}
        key = _field_names(extra.get("primaryKey"))
        plan = cls(table, resource, table.format == "csv", key)
        for name in [*(columns or []), *([label_column] if label_column else [])]:
            if name not in table.columns:
                raise DsbenchError(f"no column {name!r} in table {table.name!r} (columns: "
                                   f"{', '.join(table.columns)}); choose the tables that have it with --table")
        for name in columns or []:
            if name in key:
                raise DsbenchError(f"column {name!r} is part of the primary key of table "
                                   f"{table.name!r}; nulls and out-of-range values are not injected into keys")
        targets = columns if columns is not None else [c for c in table.columns if c not in key]
        if rates["nulls"] is not None:
            plan.nulls = list(targets)
        if rates["out_of_range"] is not None:
            for name in targets:
                column_type = table.columns[name]
                if is_numeric(column_type) and SAFE_TYPE.match(column_type):
                    plan.out_of_range.append(name)
                elif columns is not None:
                    plan.skip("out_of_range", name, f"not numeric (loaded as {column_type})")
        if rates["label_flips"] is not None:
            fields = resource.schema_.fields if resource is not None else []
            labels = [label_column] if label_column else [
                f["name"] for f in fields if isinstance(f, dict) and f.get("dsbench:role") == "label"
                and f.get("name") in table.columns]
            for name in labels:
                if SAFE_TYPE.match(table.columns[name]):
                    plan.label_flips.append(name)
                else:
                    plan.skip("label_flips", name, f"labels of type {table.columns[name]} are not flipped")
        return plan

    def skip(self, defect: str, column: str, reason: str) -> None:
        self.skipped.append({"column": column, "defect": defect, "reason": reason})

    def declared_field(self, name: str) -> dict[str, Any]:
        fields = self.resource.schema_.fields if self.resource is not None else []
        return next((f for f in fields if isinstance(f, dict) and f.get("name") == name), {})


def _drop_final_newline(path: Path, newline: str) -> None:
    """Remove the line terminator that ends the file, as the source file had none after its last
    line (unless that line is empty: without its terminator, it would not be a line)."""
    ending = newline.encode("utf-8")
    size = path.stat().st_size
    with open(path, "rb+") as handle:
        handle.seek(max(0, size - 2 * len(ending)))
        tail = handle.read()
        if tail.endswith(ending) and not tail.endswith(ending * 2) and size > len(ending):
            handle.truncate(size - len(ending))


def _exact(value: Any) -> Decimal:
    """A bound as an exact decimal: a float by its shortest representation (59.6, not
    59.60000000000000142…)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value if isinstance(value, int) else str(value))


def _field_names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _count(rate: float, rows: int) -> int:
    """round(rate × rows), half up, computed exactly (0.05 × 350 is 17.5, not 17.499…)."""
    return int((Decimal(repr(rate)) * rows).to_integral_value(rounding=ROUND_HALF_UP))


# -- the layout of a CSV file ----------------------------------------------------------------------
LAYOUT_SAMPLE_CHARS = 1 << 18  # the head of the file whose records show how it is written
LAYOUT_SAMPLE_RECORDS = 1000
MAX_DECIMALS = 20  # decimals an out-of-range value is written with, at most


@dataclass
class _CsvLayout:
    """How a CSV file is written, beyond its dialect, as seen in its first records: the line
    terminator, the columns whose every value is quoted (a file quoting all fields, or all text
    fields, as csv.QUOTE_ALL and QUOTE_NONNUMERIC write them), the header line as it reads,
    and whether the last line ends with a terminator; and how a column writes an empty value: quoted
    ("") or not (a column without one in the sample: quoted when the column is)."""

    newline: str = "\n"
    quoted: set[int] = field(default_factory=set)
    empty_quoted: dict[int, bool] = field(default_factory=dict)
    header: str | None = None
    final_newline: bool = True

    def quotes_empty(self, column: int) -> bool:
        return self.empty_quoted.get(column, column in self.quoted)


def _csv_layout(path: str, delimiter: str, quote: str, escape: str, header: bool) -> _CsvLayout:
    """The layout of the CSV file at ``path`` (plain or gzip; a zstd file gets the defaults) from its
    first records. A column counts as quoted when every one of its non-empty values in the sample
    is quoted and at least one of them is quoted without needing it (no delimiter, quote or line
    break): a file quoting only where needed then never has a quoted column."""
    import gzip

    layout = _CsvLayout()
    suffix = Path(path).suffix.lower()
    if suffix not in (".gz", ".gzip") and suffix in COMPRESSIONS:
        return layout
    opener = gzip.open if suffix in (".gz", ".gzip") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(LAYOUT_SAMPLE_CHARS + 1)
        if suffix not in (".gz", ".gzip"):
            with open(path, "rb") as handle:
                handle.seek(max(0, os.path.getsize(path) - 1))
                layout.final_newline = handle.read(1) in (b"\n", b"\r", b"")
    except OSError:
        return layout
    whole = len(head) <= LAYOUT_SAMPLE_CHARS
    text = head[:LAYOUT_SAMPLE_CHARS].decode("utf-8", errors="ignore").removeprefix("\ufeff")
    records = _sample_records(text, delimiter, quote, escape, whole, layout)
    if header and records:
        layout.header = records.pop(0)[0]
    if not quote or not records:
        return layout
    special = re.compile("[" + re.escape(delimiter + quote + (escape or "")) + "\r\n]")
    width = max(len(fields) for _, fields in records)
    for column in range(width):
        values = [fields[column] for _, fields in records if column < len(fields)]
        quoted = [value for was_quoted, value in values if was_quoted]
        if len(quoted) == sum(1 for was_quoted, value in values if was_quoted or value) \
                and any(value and not special.search(value) for value in quoted):
            layout.quoted.add(column)
        empties = {was_quoted for was_quoted, value in values if not value}
        if len(empties) == 1:
            layout.empty_quoted[column] = empties.pop()
    return layout


def _sample_records(text: str, delimiter: str, quote: str, escape: str, whole: bool,
                    layout: _CsvLayout) -> list[tuple[str, list[tuple[bool, str]]]]:
    """The complete records at the start of ``text``: (the record's text, its fields as (quoted,
    value)); the first line terminator found goes into ``layout``. Stops at anything it cannot
    read as the dialect says (the sample then ends there)."""
    if quote:
        q, e = re.escape(quote), re.escape(escape or quote)
        body = f"[^{q}]*(?:{q}{q}[^{q}]*)*" if escape in ("", quote) else f"[^{q}{e}]*(?:{e}.[^{q}{e}]*)*"
        quoted_field = re.compile(f"{q}({body}){q}", re.DOTALL)
    plain_field = re.compile(f"[^{re.escape(delimiter + quote)}\r\n]*")
    records: list[tuple[str, list[tuple[bool, str]]]] = []
    position, seen_newline = 0, False
    while position < len(text) and len(records) < LAYOUT_SAMPLE_RECORDS:
        start, fields = position, []
        while True:
            match = quoted_field.match(text, position) if quote and text.startswith(quote, position) else None
            if match is not None:
                fields.append((True, match.group(1)))
            else:
                match = plain_field.match(text, position)
                fields.append((False, match.group()))
            position = match.end()
            if text.startswith(delimiter, position):
                position += len(delimiter)
                continue
            ending = next((n for n in ("\r\n", "\n", "\r") if text.startswith(n, position)), None)
            if ending is None and not (whole and position == len(text)):
                return records  # malformed or cut off by the sample's end
            if ending is not None and ending == "\r" and position + 1 == len(text) and not whole:
                return records  # perhaps the first half of a \r\n
            if ending is not None and not seen_newline:
                layout.newline, seen_newline = ending, True
            records.append((text[start:position], fields))
            position += len(ending or "")
            break
    return records


# -- the work on one table, in DuckDB --------------------------------------------------------------
WORK, PICK, CHANGES, SOURCE = "dsbench_inject_work", "dsbench_inject_pick", "dsbench_inject_changes", \
    "dsbench_inject_source"


class _TableWork:
    """One table copied into a DuckDB table whose columns are named c0, c1 … (so no column of the
    data can shadow ``rowid``, which is the row's position in the file), changed cell by cell with
    every change recorded in a changes table (kind, column, row, old, new; values as text)."""

    def __init__(self, dataset: Any, plan: _TablePlan, seed: int):
        from dsbench.engine.sql import quote_ident

        self.con, self.plan, self.seed = dataset.con, plan, seed
        self.names = list(plan.table.columns)
        self.slots = {name: quote_ident(f"c{i}") for i, name in enumerate(self.names)}
        self.tokens: list[str] = []
        self.missing_token: str | None = None
        self.dialect: dict[str, Any] = {}
        self.layout = _CsvLayout()
        try:
            if plan.text:
                self._load_text(dataset)
            else:
                self._load(plan.table.view)
            self.rows = self._scalar(f"SELECT count(*) FROM {WORK}")
            self.run(f"CREATE TABLE {CHANGES} (kind VARCHAR, col VARCHAR, rn BIGINT, old VARCHAR, new VARCHAR)")
        except BaseException:
            self._drop()
            raise
        # The changes happen in one transaction, rolled back at the end: DuckDB then does not commit
        # after each update (which costs seconds on a table of millions of rows). The work table is
        # committed before it, so its rowids are the row positions (rows a transaction adds get
        # rowids of its own, far above: the appended copies, which come last either way).
        self.con.execute("BEGIN TRANSACTION")
        self.skipped = list(plan.skipped)
        self.changed: set[str] = set()  # columns with changed cells
        self.details: dict[str, dict[str, Any]] = {d: {} for d in DEFECTS}

    # SQL helpers: named parameters ($name), each statement getting exactly the ones it uses; every
    # result is read to its end (DuckDB refuses new work on a connection with a result pending).
    def run(self, sql: str, **params: Any) -> list[tuple]:
        used = set(re.findall(r"\$(\w+)", sql))
        return self.con.execute(sql, {k: v for k, v in params.items() if k in used}).fetchall()

    def _row(self, sql: str, **params: Any) -> tuple:
        return self.run(sql, **params)[0]

    def _scalar(self, sql: str, **params: Any) -> Any:
        return self._row(sql, **params)[0]

    def _load(self, source: str) -> None:
        from dsbench.engine.sql import quote_ident

        select = ", ".join(f"{quote_ident(name)} AS {slot}" for name, slot in self.slots.items())
        # Insertion order is kept (DuckDB's preserve_insertion_order): rowid is the row's position.
        self.run(f"CREATE TABLE {WORK} AS SELECT {select} FROM {source}")

    def _load_text(self, dataset: Any) -> None:
        """Read the CSV again with every column as text, in the dialect DuckDB detects for it (with
        the manifest's delimiter and header), so that untouched cells are written back unchanged."""
        import duckdb

        from dsbench.backends.duckdb.csv import DEFAULT_MISSING, CsvAttempt, next_attempt
        from dsbench.backends.duckdb.errors import describe_duckdb_error

        table, resource = self.plan.table, self.plan.resource
        schema = resource.schema_ if resource is not None else None
        self.tokens = list(schema.missingValues if schema is not None else DEFAULT_MISSING)
        self.missing_token = next((t for t in self.tokens if t), "")
        declared = resource.dialect if resource is not None else None
        paths = table.read_from or [str(f) for f in table.files]  # what the loader read (UTF-8, one line end)
        sniff: dict[str, Any] = {}
        if declared is not None and declared.delimiter is not None:
            sniff["sep"] = declared.delimiter
        elif all(f.suffix.lower() in (".tsv", ".tab") for f in table.files):
            sniff["sep"] = "\t"
        if declared is not None and declared.header is not None:
            sniff["header"] = declared.header
        declared_quote = getattr(declared, "quoteChar", None)
        if declared_quote is not None:
            sniff["quote"] = declared_quote
        declared_escape = declared.escape_char() if hasattr(declared, "escape_char") else None
        if declared_escape is not None:
            sniff["escape"] = declared_escape
        arguments = "".join(f", {name} := ${name}" for name in sniff)
        try:
            found = self.run(f"SELECT Delimiter, Quote, Escape, HasHeader FROM sniff_csv($path{arguments})",
                             path=paths[0], **sniff)[0]
        except duckdb.Error as error:
            raise DataError(describe_duckdb_error(error), source=table.source) from None
        delimiter, quote, escape, header = (None if v == "(empty)" else v for v in found)
        quote = quote or ""  # a file without quoting is read, and written, without
        escape = escape or quote  # with quoting and no escape character, quotes are doubled
        self.dialect = {"delimiter": delimiter, "quote": quote, "escape": escape, "header": bool(header)}
        # How the file is written beyond its dialect (line ends, which columns are always quoted, the
        # header line), so that the copy is written the same way.
        self.layout = _csv_layout(paths[0], delimiter, quote, escape, bool(header))
        if len(paths) > 1:
            self.layout.final_newline = _csv_layout(paths[-1], delimiter, quote, escape, False).final_newline
        attempt = CsvAttempt({}, quote_set=True)
        while True:
            try:
                # A quoted empty value ("") stays an empty text, apart from an empty field (NULL), so
                # that each is written back as it was.
                relation = self.con.read_csv(paths if len(paths) > 1 else paths[0], all_varchar=True,
                                             na_values=[""], allow_quoted_nulls=False, null_padding=True, sep=delimiter,
                                             quotechar=quote, escapechar=escape, header=bool(header),
                                             **attempt.options)
                relation.create_view(SOURCE)
                break
            except duckdb.Error as error:
                if not next_attempt(str(error), attempt, []):
                    raise DataError(describe_duckdb_error(error), source=table.source) from None
        seen = [row[0] for row in self.run(f"DESCRIBE SELECT * FROM {SOURCE}")]
        typed_rows = self._scalar(f"SELECT count(*) FROM {table.view}")
        text_rows = self._scalar(f"SELECT count(*) FROM {SOURCE}")
        if seen != self.names or typed_rows != text_rows:
            raise DataError("read as text, the file gives other columns or rows than when loaded "
                            f"({len(seen)} columns, {text_rows} rows against {len(self.names)}, "
                            f"{typed_rows}); it cannot be copied faithfully", source=table.source)
        self._load(SOURCE)

    # -- conditions on a column --------------------------------------------------------------------
    def present(self, name: str) -> str:
        """SQL: the cell holds a value (in CSV text: neither NULL nor a missing-value token)."""
        slot = self.slots[name]
        if self.plan.text:
            return f"({slot} IS NOT NULL AND NOT list_contains($tokens, {slot}))"
        return f"({slot} IS NOT NULL)"

    def value(self, name: str) -> str:
        """SQL: the cell's value in the column's loaded type (a CSV cell is text until cast)."""
        slot, column_type = self.slots[name], self.plan.table.columns[name]
        if self.plan.text and column_type != "VARCHAR":
            return f"TRY_CAST({slot} AS {column_type})"  # a DuckDB type name of SAFE_TYPE's form
        return slot

    def change(self, defect: str, name: str, condition: str, new: str, count: int, **params: Any) -> int:
        """Change the ``count`` cells of column ``name`` that meet ``condition``, were not changed
        yet and rank first by the seeded hash, to the SQL expression ``new`` (of the row's rowid
        and old value); record each change."""
        slot = self.slots[name]
        common = {"seed": self.seed, "defect": defect, "col": name, "tokens": self.tokens, **params}
        unchanged = f" AND rowid NOT IN (SELECT rn FROM {CHANGES} WHERE col = $col)" if name in self.changed else ""
        self._pick(f"{condition}{unchanged}", count, common)
        picked = f"rowid IN (SELECT rn FROM {PICK})"
        self.run(f"INSERT INTO {CHANGES} SELECT $defect, $col, rowid, CAST({slot} AS VARCHAR), "
                 f"CAST({new} AS VARCHAR) FROM {WORK} WHERE {picked}", **common)
        self.run(f"UPDATE {WORK} SET {slot} = {new} WHERE {picked}", **common)
        self.changed.add(name)
        return self._scalar(f"SELECT count(*) FROM {PICK}")

    def _pick(self, condition: str, count: int, params: dict[str, Any]) -> None:
        """The ``count`` rows meeting ``condition`` whose hash('rowid:seed:defect:column') is the
        smallest (ties by rowid), into the pick table. Hashes are uniform, so the winners are
        almost surely among the rows whose hash is below a bound a little above the expected
        count's; those few are sorted instead of all rows (and all of them when the bound let
        fewer through: the result is the same either way)."""
        rank = RANK
        eligible = self._scalar(f"SELECT count(*) FROM {WORK} WHERE {condition}", **params)
        share = min(1.0, (count * PREFILTER_MARGIN + PREFILTER_SLACK) / eligible) if eligible else 1.0
        bounded = f" AND {rank} < $bound" if share < 1.0 else ""
        for where in ([f"{condition}{bounded}", condition] if bounded else [condition]):
            self.run(f"CREATE OR REPLACE TABLE {PICK} AS SELECT rowid AS rn FROM {WORK} WHERE {where} "
                     f"ORDER BY {rank}, rowid LIMIT $count", count=count, bound=int(share * HASH_RANGE), **params)
            if self._scalar(f"SELECT count(*) FROM {PICK}") >= min(count, eligible):
                return

    def salted(self, salt: str) -> str:
        """SQL: a per-row draw from the seeded hash, independent of the selection's."""
        return f"hash(concat_ws(':', rowid, $seed, $defect || ':{salt}', $col))"

    # -- the defects -------------------------------------------------------------------------------
    def out_of_range(self, rate: float) -> None:
        for name in self.plan.out_of_range:
            bounds = self._bounds(name)
            if bounds is None:
                continue
            low, high, strict_low, strict_high, origin, sides = bounds
            candidates = self._outside_values(name, low, high, sides)
            if not candidates:
                self.skipped.append({"column": name, "defect": "out_of_range",
                                     "reason": f"no value outside [{low}, {high}] fits type "
                                               f"{self.plan.table.columns[name]}"})
                continue
            value = self.value(name)
            inside = (f"{self.present(name)} AND {value} {'>' if strict_low else '>='} $low "
                      f"AND {value} {'<' if strict_high else '<='} $high")
            above, below = candidates.get("above"), candidates.get("below")
            pick_above = ("true" if below is None else "false" if above is None
                          else f"{self.salted('side')} % 2 = 0")
            if self.plan.text:
                new = f"CASE WHEN {pick_above} THEN $above ELSE $below END"
                values = {"above": above[1] if above else None, "below": below[1] if below else None}
            else:
                column_type = self.plan.table.columns[name]
                new = (f"CASE WHEN {pick_above} THEN TRY_CAST($above AS {column_type}) "
                       f"ELSE TRY_CAST($below AS {column_type}) END")
                values = {"above": above[0] if above else None, "below": below[0] if below else None}
            requested = _count(rate, self.rows)
            count = self.change("out_of_range", name, inside, new, requested, low=low, high=high, **values)
            self.details["out_of_range"][name] = {
                "bounds": {"minimum": _jsonable(low), "maximum": _jsonable(high),
                           "exclusive_minimum": strict_low, "exclusive_maximum": strict_high,
                           "from": origin},
                "written": {side: text for side, (_, text) in sorted(candidates.items())},
                "count": count, "requested": requested}

    def _bounds(self, name: str) -> tuple | None:
        """(low, high, strict low, strict high, origin of each, sides to cross), or None (skipped)."""
        constraints = self.plan.declared_field(name).get("constraints")
        constraints = constraints if isinstance(constraints, dict) else {}

        def declared(*keys: str) -> tuple[Any, bool] | None:
            for key in keys:
                bound = constraints.get(key)
                if isinstance(bound, (int, float)) and not isinstance(bound, bool) and math.isfinite(bound):
                    return bound, key.startswith("exclusive")
            return None

        value, column_type = self.value(name), self.plan.table.columns[name]
        finite = f" AND isfinite({value})" if column_type in ("FLOAT", "DOUBLE") else ""
        observed_low, observed_high = self._row(
            f"SELECT min({value}), max({value}) FROM {WORK} WHERE {self.present(name)}{finite}",
            tokens=self.tokens)
        low_bound, high_bound = declared("minimum", "exclusiveMinimum"), declared("maximum", "exclusiveMaximum")
        low, strict_low = low_bound if low_bound else (observed_low, False)
        high, strict_high = high_bound if high_bound else (observed_high, False)
        if low is None and high is None:
            self.skipped.append({"column": name, "defect": "out_of_range",
                                 "reason": "no values and no declared bounds"})
            return None
        low, high = (high if low is None else low), (low if high is None else high)
        origin = {"minimum": "manifest" if low_bound else "observed",
                  "maximum": "manifest" if high_bound else "observed"}
        sides = [side for side, bound in (("below", low_bound), ("above", high_bound)) if bound] \
            or ["below", "above"]
        return low, high, strict_low, strict_high, origin, sides

    def _outside_values(self, name: str, low: Any, high: Any, sides: list[str]) -> dict[str, tuple[Any, str]]:
        """The value written above and below the range, as (value, its text in the column's type),
        for each side whose value the column's type can hold. The arithmetic is decimal, at the
        column's number of decimal places (rounded away from the range), so that a value reads as
        the column's do (``-5.61``, not ``-5.609999999999999``); a CSV cell is written with exactly
        those places."""
        from dsbench.expectations.types import is_integer

        column_type = self.plan.table.columns[name]
        exact_low, exact_high = _exact(low), _exact(high)
        spread = max(exact_high - exact_low, Decimal(0))
        targets = {"above": exact_high + spread + 1, "below": exact_low - spread - 1}
        if is_integer(column_type):
            targets = {"above": Decimal(math.floor(targets["above"])), "below": Decimal(math.ceil(targets["below"]))}
        else:
            quantum = Decimal(1).scaleb(-self._decimals(name))
            targets = {"above": targets["above"].quantize(quantum, rounding=ROUND_CEILING),
                       "below": targets["below"].quantize(quantum, rounding=ROUND_FLOOR)}
        values = {}
        for side in sides:
            target = targets[side]
            beyond = ">" if side == "above" else "<"
            literal = format(target, "f")
            text, outside = self._row(
                f"SELECT CAST(v AS VARCHAR), v {beyond} $bound FROM (SELECT TRY_CAST($target AS {column_type}) AS v)",
                target=literal, bound=high if side == "above" else low)
            if text is not None and outside:
                values[side] = (literal, literal if self.plan.text else text)
        return values

    def _decimals(self, name: str) -> int:
        """The most decimal places a present value of the column has (as written in CSV, else as
        DuckDB writes it), at most MAX_DECIMALS; values in exponent notation are not counted."""
        slot = self.slots[name] if self.plan.text else f"CAST({self.value(name)} AS VARCHAR)"
        places = self._scalar(
            f"SELECT max(length(regexp_extract({slot}, '^\\s*[-+]?[0-9]*\\.([0-9]+)\\s*$', 1))) "
            f"FROM {WORK} WHERE {self.present(name)}", tokens=self.tokens)
        return min(places or 0, MAX_DECIMALS)

    def label_flips(self, rate: float) -> None:
        for name in self.plan.label_flips:
            classes = self._classes(name)
            if classes is None:
                continue
            values, texts, origin = classes
            value = self.value(name)
            # Another class: 1 to m - 1 places further along the list of m classes, cyclically.
            position = f"list_position($classes, {value})"
            shift = f"CAST({self.salted('class')} % ($m - 1) AS BIGINT)"
            new = f"list_extract($targets, ({position} + {shift}) % $m + 1)"
            condition = f"{self.present(name)} AND list_contains($classes, {value})"
            requested = _count(rate, self.rows)
            count = self.change("label_flips", name, condition, new, requested, classes=values,
                                targets=texts if self.plan.text else values, m=len(values))
            self.details["label_flips"][name] = {"classes": texts, "classes_from": origin, "count": count,
                                                 "requested": requested}

    def _classes(self, name: str) -> tuple[list[Any], list[str], str] | None:
        """The classes a label may take: (values in the column's type, their texts, origin)."""
        column_type = self.plan.table.columns[name]
        constraints = self.plan.declared_field(name).get("constraints")
        enum = constraints.get("enum") if isinstance(constraints, dict) else None
        if isinstance(enum, list) and any(v is not None for v in enum):
            rows = self.run(f"SELECT v, CAST(v AS VARCHAR) FROM (SELECT TRY_CAST(e AS {column_type}) AS v, i "
                            "FROM (SELECT unnest($enum) AS e, unnest(range(len($enum))) AS i)) "
                            "WHERE v IS NOT NULL ORDER BY i",
                            enum=[str(v) for v in enum if v is not None])
            origin = "manifest enum"
        else:
            value = self.value(name)
            rows = self.run(f"SELECT DISTINCT {value} AS v, CAST(v AS VARCHAR) FROM {WORK} "
                            f"WHERE {self.present(name)} AND v IS NOT NULL ORDER BY v LIMIT {MAX_CLASSES + 1}",
                            tokens=self.tokens)
            origin = "observed"
        rows = list(dict.fromkeys(rows))
        if len(rows) > MAX_CLASSES:
            reason = f"more than {MAX_CLASSES} distinct values: not a class label"
        elif len(rows) < 2:
            reason = f"{len(rows)} class(es): there is no other class to flip to"
        else:
            return [v for v, _ in rows], [t for _, t in rows], origin
        self.skipped.append({"column": name, "defect": "label_flips", "reason": reason})
        return None

    def nulls(self, rate: float) -> None:
        for name in self.plan.nulls:
            slot = self.slots[name]
            if self.plan.text:
                # An empty value written as the column writes them: "" (an empty text), else an
                # empty field (NULL), when "" is a missing value.
                quoted_empty = self.layout.quotes_empty(self.names.index(name)) and "" in self.tokens
                new = "$token" if self.missing_token or quoted_empty else "CAST(NULL AS VARCHAR)"
            else:
                new = f"CASE WHEN false THEN {slot} END"  # NULL of the column's own type
            requested = _count(rate, self.rows)
            count = self.change("nulls", name, self.present(name), new, requested, token=self.missing_token)
            self.details["nulls"][name] = {"count": count, "requested": requested}

    def duplicates(self, rate: float) -> None:
        requested = _count(rate, self.rows)
        slots = ", ".join(self.slots.values())
        self._pick("true", requested, {"seed": self.seed, "defect": "duplicates", "col": ""})
        # Appended in source order after the last row: copy i is row rows + i.
        self.run(f"INSERT INTO {WORK} SELECT {slots} FROM {WORK} WHERE rowid IN (SELECT rn FROM {PICK}) "
                 "ORDER BY rowid")
        copies = self._scalar(f"SELECT to_json(struct_pack(rows := list(copy ORDER BY copy), "
                              f"source_rows := list(rn ORDER BY rn))) FROM (SELECT rn, $rows + "
                              f"row_number() OVER (ORDER BY rn) - 1 AS copy FROM {PICK})", rows=self.rows)
        self.details["duplicates"] = {"count": requested, "requested": requested, "copies": copies}

    # -- output --------------------------------------------------------------------------------------
    def write(self, path: Path) -> None:
        from dsbench.engine.sql import quote_ident

        select = ", ".join(f"{slot} AS {quote_ident(name)}" for name, slot in self.slots.items())
        query = f"SELECT {select} FROM {WORK} ORDER BY rowid"
        if not self.plan.text:
            self.run(f"COPY ({query}) TO $path (FORMAT parquet)", path=str(path))
            return
        compression = COMPRESSIONS.get(path.suffix.lower(), "none")
        dialect = dict(self.dialect)
        if not dialect["quote"] and self._new_texts_need_quotes(dialect["delimiter"]):
            dialect.update(quote='"', escape='"')
        # DuckDB quotes every value holding a '#', lest a line start like a comment; only a
        # first column that starts with one needs that.
        first = next(iter(self.slots.values()))
        comment = "#" if self._scalar(f"SELECT count(*) FROM {WORK} WHERE starts_with({first}, '#')") else ""
        quoted = [quote_ident(name) for index, name in enumerate(self.names) if index in self.layout.quoted]
        options = ("FORMAT csv, DELIMITER $delimiter, QUOTE $quote, ESCAPE $escape, HEADER $header, NULLSTR '', "
                   "COMMENT $comment, NEW_LINE $newline" + (f", FORCE_QUOTE ({', '.join(quoted)})" if quoted else ""))
        params = {**dialect, "comment": comment, "newline": self.layout.newline}
        # The header line as it was: DuckDB quotes a column's name as it quotes its values, while
        # a file may quote its header alone (or every name, and only the text columns' values).
        own_header = dialect["header"] and self.layout.header is not None and \
            self._written_header(f"SELECT {select} FROM {WORK} LIMIT 0", options, params, path) != self.layout.header
        if own_header and compression not in ("none", "gzip"):
            own_header = False  # rewriting the header needs a compressor at hand: zstd keeps DuckDB's
        if not own_header:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION $compression)", path=str(path),
                     compression=compression, **params)
            if compression == "none" and not self.layout.final_newline:
                _drop_final_newline(path, self.layout.newline)
            return
        body = path.with_name(path.name + ".body")
        try:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION 'none')", path=str(body),
                     **{**params, "header": False})
            if not self.layout.final_newline:
                _drop_final_newline(body, self.layout.newline)
            with open(path, "wb") as file, open(body, "rb") as data:
                # gzip without a file name or time in its header: the same bytes on every run
                out = gzip.GzipFile(fileobj=file, mode="wb", compresslevel=6, mtime=0) \
                    if compression == "gzip" else file
                out.write((self.layout.header + self.layout.newline).encode("utf-8"))
                shutil.copyfileobj(data, out, 1 << 20)
                if out is not file:
                    out.close()
        finally:
            body.unlink(missing_ok=True)

    def _written_header(self, query: str, options: str, params: dict[str, Any], path: Path) -> str:
        """The header line DuckDB writes for the columns of ``query`` (no rows) with these options."""
        probe = path.with_name(path.name + ".header")
        try:
            self.run(f"COPY ({query}) TO $path ({options}, COMPRESSION 'none')", path=str(probe), **params)
            return probe.read_bytes().decode("utf-8").removesuffix(self.layout.newline)
        finally:
            probe.unlink(missing_ok=True)

    def _new_texts_need_quotes(self, delimiter: str) -> bool:
        """Whether a value the injection wrote (a label class or a missing-value token from the
        manifest, say) holds the delimiter, a quote or a line break: a file read without quoting
        is then written with it."""
        return bool(self._scalar(
            f"SELECT count(*) FROM (SELECT DISTINCT new FROM {CHANGES}) WHERE contains(new, $delimiter) "
            "OR regexp_matches(new, $special)", delimiter=delimiter, special=r'["\r\n]'))

    def ground_truth(self, requested: list[str], raw: list[str]) -> dict[str, Any]:
        """Each defect's details, with the cell lists as DuckDB-built JSON (see :func:`_dump`)."""
        cells = {(kind, col): text for kind, col, text in self.run(
            f"SELECT kind, col, to_json(struct_pack(new := list(new ORDER BY rn), old := list(old ORDER BY rn), "
            f"rows := list(rn ORDER BY rn))) FROM {CHANGES} GROUP BY kind, col")}
        defects: dict[str, Any] = {}
        for defect in ("out_of_range", "label_flips", "nulls"):
            if defect in requested:
                defects[defect] = {}
                for name, detail in sorted(self.details[defect].items()):
                    text = cells.get((defect, name), '{"new":[],"old":[],"rows":[]}')
                    defects[defect][name] = {**detail, "cells": _Raw.add(raw, text)}
        if "duplicates" in requested:
            detail = self.details["duplicates"]
            defects["duplicates"] = {**detail, "copies": _Raw.add(raw, detail["copies"])}
        return defects

    def close(self) -> None:
        self.con.execute("ROLLBACK")
        self._drop()

    def _drop(self) -> None:
        from dsbench.engine.sql import quote_ident

        for name in (WORK, PICK, CHANGES):
            self.con.execute(f"DROP TABLE IF EXISTS {quote_ident(name)}")
        self.con.execute(f"DROP VIEW IF EXISTS {quote_ident(SOURCE)}")


class _Raw:
    """A placeholder for JSON text built by DuckDB (long cell lists), spliced in by :func:`_dump`."""

    @staticmethod
    def add(raw: list[str], text: str) -> str:
        raw.append(text)
        return f"\x00raw:{len(raw) - 1}\x00"


def _dump(document: dict[str, Any], raw: list[str]) -> str:
    """``document`` as dsbench writes JSON, each placeholder replaced by its DuckDB-built JSON (one
    line per list: a few million cells are written in seconds, not minutes)."""
    from dsbench.files import dump_json

    text = dump_json(_sorted_keys(document))
    return re.sub(r'"\\u0000raw:(\d+)\\u0000"', lambda m: raw[int(m.group(1))], text)


def _sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted_keys(item) for item in value]
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


# -- the output directory --------------------------------------------------------------------------
def _build(dataset: Any, plans: list[_TablePlan], destinations: dict[str, Path],
           rates: dict[str, float | None], seed: int, staging: Path, data: Any) -> dict[str, Any]:
    import duckdb

    from dsbench._version import __version__
    from dsbench.evaluation import dataset_name
    from dsbench.files import write_atomic

    root = dataset.manifest_path.parent if dataset.manifest_path is not None else None
    requested = [d for d in DEFECTS if rates[d] is not None]
    raw: list[str] = []
    tables: dict[str, Any] = {}
    written: dict[str, tuple[Path, str]] = {}  # table -> (output path relative to staging, format)
    for plan in plans:
        table = plan.table
        relative = destinations[table.name]
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        work = _TableWork(dataset, plan, seed)
        try:
            for defect in requested:
                getattr(work, defect)(rates[defect])
            work.write(target)
            defects = work.ground_truth(requested, raw)
        finally:
            work.close()
        counts = {d: sum(c["count"] for c in defects[d].values()) if d != "duplicates" else defects[d]["count"]
                  for d in requested}
        output_format = "csv" if plan.text else "parquet"
        written[table.name] = (relative, output_format)
        tables[table.name] = {
            "counts": counts, "defects": defects, "file": relative.as_posix(), "format": output_format,
            "missing_value": work.missing_token if plan.text else None,
            "rows": {"after": work.rows + (defects.get("duplicates", {}).get("count", 0)), "before": work.rows},
            "sha256": _file_hash(target, "sha256"),
            "skipped": sorted(work.skipped, key=lambda s: (s["defect"], s["column"])),
            "source": {"files": [{"path": _relative(f, root), "sha256": _file_hash(f, "sha256")}
                                 for f in sorted(table.files)], "format": table.format},
        }
    chosen = {plan.table.name for plan in plans}
    for name, table in dataset.tables.items():
        if name not in chosen:  # copied as it is
            for file in table.files:
                copy = staging / _relative(file, root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, copy)
            tables[name] = {"copied": True, "files": sorted(_relative(f, root) for f in table.files)}
    _check_applied(plans, tables, requested)
    counts = {d: sum(t["counts"][d] for t in tables.values() if "counts" in t) for d in requested}
    document = {
        "counts": counts,
        "dataset": dataset_name(data, dataset),
        "format": FORMAT,
        "rates": rates,
        "seed": seed,
        "selection": SELECTION,
        "tables": dict(sorted(tables.items())),
        "versions": {"dsbench": __version__, "duckdb": duckdb.__version__},
    }
    if dataset.manifest_path is not None:
        _write_manifest(dataset, written, staging, {"ground_truth": GROUND_TRUTH, "seed": seed,
                                                    "rates": {d: rates[d] for d in sorted(requested)}})
        for companion in sorted(root.iterdir()):
            if companion.is_file() and COMPANIONS.match(companion.name) and not (staging / companion.name).exists():
                shutil.copyfile(companion, staging / companion.name)
    write_atomic(staging / GROUND_TRUTH, _dump(document, raw))
    return document


def _check_applied(plans: list[_TablePlan], tables: dict[str, Any], requested: list[str]) -> None:
    """A requested defect that no chosen table could take is an error, not a silent no-op."""

    needs = {"nulls": "a column outside the primary key", "out_of_range": "a numeric column with values",
             "label_flips": "a label column with two classes or more (declare dsbench:role: label in "
                            "the manifest or pass --label-column)"}
    for defect, need in needs.items():
        if defect in requested and not any(tables[p.table.name]["defects"][defect] for p in plans):
            reasons = "; ".join(f"{s['column']}: {s['reason']}" for p in plans
                                for s in tables[p.table.name]["skipped"] if s["defect"] == defect)
            names = ", ".join(p.table.name for p in plans)
            raise DsbenchError(f"{OPTIONS[defect]}: no table ({names}) has {need}"
                               + (f" ({reasons})" if reasons else ""))


def _destinations(dataset: Any, plans: list[_TablePlan]) -> dict[str, Path]:
    """The output file of each chosen table, relative to the output directory; no two tables (nor
    a copied file, the manifest or the ground truth) may share one."""

    root = dataset.manifest_path.parent if dataset.manifest_path is not None else None
    destinations = {plan.table.name: _output_path(plan.table, plan.resource, plan.text) for plan in plans}
    taken = [Path(GROUND_TRUTH)] + ([Path(dataset.manifest_path.name)] if root is not None else [])
    taken += [Path(_relative(f, root)) for name, table in dataset.tables.items() if name not in destinations
              for f in table.files]
    for name, path in destinations.items():
        if path in taken:
            raise DsbenchError(f"table {name!r} would be written to {path.as_posix()!r}, which another "
                               "output file already takes; inject it alone with --table")
        taken.append(path)
    return destinations


def _output_path(table: Any, resource: Any, text: bool) -> Path:
    """Where a table goes in the output: its own path when it is one CSV or Parquet file (the
    manifest's path, else the file's name), else ``<table>.csv`` or ``<table>.parquet``."""
    from dsbench.data.files import suffix

    if len(table.files) == 1 and (text or suffix(table.files[0]) in (".parquet", ".parq", ".pq")):
        if resource is not None and isinstance(resource.path, str):
            return Path(resource.path)
        return Path(table.files[0].name)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", table.name).strip("._") or "table"
    if text:
        compression = next((s for s in table.files[0].suffixes[-1:] if s.lower() in COMPRESSIONS), "")
        return Path(f"{safe}.csv{compression}")
    return Path(f"{safe}.parquet")


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _file_hash(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _declared_hash(declared: Any, path: Path) -> str:
    """The file's hash in the form the manifest declared it: ``algorithm:hex``, or bare hex (which
    Frictionless reads as MD5)."""
    algorithm, sep, _ = str(declared).partition(":")
    algorithm = algorithm.lower() if sep and algorithm.lower() in hashlib.algorithms_available else "md5"
    return f"{algorithm}:{_file_hash(path, algorithm)}" if sep else _file_hash(path, "md5")


# -- the manifest ----------------------------------------------------------------------------------
def _write_manifest(dataset: Any, written: dict[str, tuple[Path, str]], staging: Path,
                    note: dict[str, Any]) -> None:
    """Copy the manifest with each injected file's declared size and hash (and path and format,
    where they changed) updated, and ``dsbench:injected`` added."""
    from dsbench.files import dump_json, write_atomic

    path = dataset.manifest_path
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    text = path.read_text(encoding="utf-8-sig")
    if is_yaml:
        import yaml

        document = yaml.safe_load(text)
    else:
        document = json.loads(text)
    if "@context" in document:
        _update_croissant(document, dataset, written, staging)
    else:
        for resource in document.get("resources", []):
            if isinstance(resource, dict) and resource.get("name") in written:
                _update_resource(resource, *written[resource["name"]], staging)
    document["dsbench:injected"] = note
    if is_yaml:
        import yaml

        output = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    else:
        output = dump_json(document)
    write_atomic(staging / path.name, output)


def _update_resource(resource: dict[str, Any], relative: Path, output_format: str, staging: Path) -> None:
    file = staging / relative
    if resource.get("path") != relative.as_posix():
        resource["path"] = relative.as_posix()
    if output_format == "parquet" and str(resource.get("format", "")).lower() not in ("parquet", "parq", "pq"):
        resource["format"] = "parquet"
        if "mediatype" in resource:
            resource["mediatype"] = PARQUET_MEDIATYPE
        for key in ("encoding", "compression", "dialect"):
            resource.pop(key, None)
    elif output_format == "csv" and "encoding" in resource \
            and str(resource["encoding"]).lower().replace("_", "-") not in ("utf-8", "utf8"):
        resource["encoding"] = "utf-8"  # written in UTF-8 whatever it was read from
    if "bytes" in resource:
        resource["bytes"] = file.stat().st_size
    if "hash" in resource:
        resource["hash"] = _declared_hash(resource["hash"], file)


def _update_croissant(document: dict[str, Any], dataset: Any, written: dict[str, tuple[Path, str]],
                      staging: Path) -> None:
    """Croissant keeps sizes and hashes on the distribution's file objects: update those whose
    file was rewritten (matched by the path the reader took them from)."""
    original = {}
    for resource in dataset.manifest.resources:
        if resource.name in written and isinstance(resource.path, str):
            original[resource.path] = written[resource.name]
    for item in document.get("distribution", []):
        if not isinstance(item, dict) or not isinstance(item.get("contentUrl"), str):
            continue
        url = item["contentUrl"]
        candidates = [url, urlparse(url).path, item.get("name"), PurePosixPath(urlparse(url).path).name]
        match = next((original[c] for c in candidates if isinstance(c, str) and c in original), None)
        if match is None:
            continue
        relative, output_format = match
        file = staging / relative
        if output_format == "parquet" and relative.as_posix() not in candidates:
            item["contentUrl"] = relative.as_posix()
            item["encodingFormat"] = PARQUET_MEDIATYPE
        if "sha256" in item:
            item["sha256"] = _file_hash(file, "sha256")
        if "contentSize" in item:
            size = file.stat().st_size
            item["contentSize"] = size if isinstance(item["contentSize"], int) else f"{size} B"


# -- atomic replacement ----------------------------------------------------------------------------
def _staging_directory(output: Path) -> Path:
    """A hidden sibling of the output, named so a later run can tell it was left by a dead process."""
    import glob

    from dsbench.files import _alive

    parent = output.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for leftover in parent.glob(f".{glob.escape(output.name)}.*.tmp"):
            pid = leftover.name[len(output.name) + 2:].split(".", 1)[0]
            if leftover.is_dir() and pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(leftover, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp", dir=parent))
    except OSError as error:
        raise DsbenchError(f"cannot write output: {error.strerror or error}", source=str(output)) from None


def _replace(staging: Path, output: Path) -> None:
    """Move the finished directory into place; an existing output (checked empty, or --force) is
    moved aside first and removed only once the new one is in place."""
    from dsbench.files import _umask

    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes it private; the output is an ordinary directory
    aside = None
    if output.exists():
        aside = Path(tempfile.mkdtemp(prefix=f".{output.name}.{os.getpid()}.", suffix=".tmp",
                                      dir=output.absolute().parent))
        os.rename(output, aside / "old")
    try:
        os.rename(staging, output)
    except BaseException:
        if aside is not None:
            os.rename(aside / "old", output)
        raise
    finally:
        if aside is not None:
            shutil.rmtree(aside, ignore_errors=True)


__all__ = ["DEFECTS", "Injection", "inject"]
