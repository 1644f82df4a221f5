"""Open tables as DuckDB views: files on disk, DuckDB databases and in-memory frames.

Nothing is materialised in Python: files are scanned by DuckDB, Arrow/pandas/polars objects are
registered with DuckDB as they are. Each table gets an internal view name (``t0``, ``t1`` …), so a
table's logical name never appears in SQL.
"""

from __future__ import annotations

import glob as globbing
import re
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

import duckdb

from dsbench import progress
from dsbench.data.csvread import (LONG_LINE_BYTES, CsvAttempt, describe_csv_error, duckdb_type, header_mismatch, next_attempt,
                                  rewrite_line_ends, schema_types)
from dsbench.data.jsonread import census, check_record, json_layout, type_census_sql
from dsbench.data.encoding import NATIVE, canonical_codec, detect_encoding, open_bytes, transcode_to_utf8
from dsbench.data.manifest import Manifest, Resource, find_manifest, read_manifest
from dsbench.engine.sql import quote_ident
from dsbench.errors import DataError, shortened

PARQUET = (".parquet", ".parq", ".pq")
CSV = (".csv", ".tsv", ".tab", ".txt")
PROSE = (".txt", ".md", ".markdown", ".rst")  # read as a table only when it has a delimiter
JSON = (".json", ".jsonl", ".ndjson")
ARROW = (".arrow", ".feather", ".ipc", ".arrows")
DUCKDB = (".duckdb", ".db", ".ddb")
COMPRESSION = (".gz", ".zst")
DEFAULT_MISSING = ("",)
# Text formats are parsed once into a DuckDB table (which spills to disk when large): every later
# scan reads columns instead of re-parsing text, and a malformed row is reported at load time.
PARSED_ONCE = ("csv", "json")


@dataclass
class Table:
    name: str
    view: str  # quoted internal view name
    source: str  # where it came from, for messages
    format: str
    files: list[Path] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # name -> DuckDB type
    # Text formats: the tokens read as missing, and the columns read as text because some value
    # did not fit the type the reader inferred or was given (column -> that type).
    missing_values: list[str] | None = None
    read_as_text: dict[str, str] = field(default_factory=dict)
    # JSON columns whose values have several JSON types (read as text): column -> census.
    source_types: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class LoadOptions:
    encoding: str | None = None
    # Tokens read as missing in text formats, besides the manifest's (else only ""); with
    # ``missing_values_only`` instead of them.
    missing_values: Sequence[str] | None = None
    missing_values_only: bool = False
    delimiter: str | None = None
    header: bool | None = None
    quote: str | None = None
    escape: str | None = None
    sample_size: int | None = None  # rows the CSV sniffer reads (-1: all)
    types: dict[str, str] | None = None  # column -> type name (see dsbench.data.csvread.TYPE_NAMES)
    data_format: str | None = None  # read files as this format whatever their suffix (csv, json …)
    threads: int | None = None  # DuckDB worker threads (default: one per core)
    memory_limit: str | None = None  # DuckDB memory limit, e.g. "2GB" (beyond it, DuckDB spills to disk)
    timeout: float | None = None  # seconds a single query may run before it is interrupted

    READER = ("missing_values_only", "delimiter", "header", "quote", "escape", "sample_size", "types",
              "data_format")

    def given(self, **values: Any) -> "LoadOptions":
        """A copy with the values that are not None."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    def reader(self) -> dict[str, Any]:
        """How files were told to be read beyond encoding and missing values, as a card records it."""
        recorded = {key: getattr(self, key) for key in self.READER}
        recorded["types"] = dict(sorted((self.types or {}).items()))
        return recorded

    @classmethod
    def from_record(cls, options: dict[str, Any]) -> "LoadOptions":
        """The options a card recorded (see :meth:`reader`)."""
        reader = {k: v for k, v in (options.get("reader") or {}).items() if k in cls.READER}
        return cls(encoding=options.get("encoding"), missing_values=options.get("missing_values"),
                   **{**reader, "missing_values_only": bool(reader.get("missing_values_only"))})


def _csv_source(problem: str, files: list[Path], source: str) -> str:
    """The file a CSV error is about: the one DuckDB names, else the table's source."""
    named = re.search(r'file = (.+)', problem)
    if named:
        for file in files:
            if str(file) == named.group(1).strip():
                return str(file)
    return source


def csv_retry(problem: str, reader: dict[str, Any]) -> bool:
    """Add to the CSV reader options ``reader`` the one that gets past DuckDB's error ``problem`` (a
    line longer than the default maximum; padding short rows when quoted fields hold new lines), if
    any and not tried yet; True when one was added."""
    if "Maximum line size" in problem and "max_line_size" not in reader:
        reader["max_line_size"] = LONG_LINE_BYTES
    elif "null_padding in conjunction with quoted new lines" in problem and "parallel" not in reader:
        reader["parallel"] = False
    else:
        return False
    return True


class Dataset:
    """Named tables on one DuckDB connection, plus the manifest they came with (if any)."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, threads: int | None = None,
                 memory_limit: str | None = None, timeout: float | None = None):
        self._scratch: tempfile.TemporaryDirectory | None = None
        self.timeout = timeout  # seconds a single query may run (None: no limit)
        config: dict[str, Any] = {"temp_directory": str(self.scratch_dir() / "spill")}
        if threads is not None:
            config["threads"] = threads
        if memory_limit is not None:
            config["memory_limit"] = memory_limit
        try:
            self.con = con or duckdb.connect(config=config)
        except duckdb.Error as error:
            self.close_scratch()
            raise DataError(f"invalid engine setting: {describe_duckdb_error(error)}",
                            location="--threads/--memory-limit") from None
        # No progress bar: DuckDB would draw one on the terminal during long queries.
        self.con.execute("SET enable_progress_bar = false")
        self.tables: dict[str, Table] = {}
        self.primary: str | None = None  # the table suites check unless they name one
        self._sealed = False
        self.manifest: Manifest | None = None
        self.manifest_path: Path | None = None
        # Resources of the manifest that are not tables (images, archives …): what and why.
        self.not_evaluated: list[dict[str, str]] = []
        # Metric -> value, for everything computed on this data so far (the data cannot change
        # while it is loaded): a profile's numbers are not computed again by the suites.
        self.metric_values: dict[Any, Any] = {}

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()
        self.close_scratch()

    def close_scratch(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

    def __enter__(self) -> "Dataset":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scratch_dir(self) -> Path:
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="dsbench-")
        return Path(self._scratch.name)

    def seal(self) -> None:
        """From now on the connection may read only the dataset's own files: no other file, no
        network, no extension, and no configuration change (DuckDB's own access control, a second
        line of defence behind quoting, parameters and the row-condition allow-list)."""
        if self._sealed:
            return
        files = sorted({str(f.resolve()) for t in self.tables.values() if t.format not in PARSED_ONCE
                        for f in t.files})
        self.con.execute("SET allowed_paths = ?", [files])
        self.con.execute("SET enable_external_access = false")
        self.con.execute("SET lock_configuration = true")
        self._sealed = True

    # -- lookup ----------------------------------------------------------------------------------
    def resource(self, name: str) -> Resource | None:
        """The manifest's resource describing table ``name``, or None (no manifest, or not in it)."""
        if self.manifest is None:
            return None
        return next((r for r in self.manifest.resources if r.name == name), None)

    def table(self, name: str | None = None) -> Table:
        if name is None:
            if self.primary is not None:
                return self.tables[self.primary]
            if len(self.tables) == 1:
                return next(iter(self.tables.values()))
            raise DataError(f"the dataset has {len(self.tables)} tables "
                            f"({', '.join(self.tables)}); name one")
        try:
            return self.tables[name]
        except KeyError:
            raise DataError(f"no table {name!r} in the dataset (tables: {', '.join(self.tables)})") from None

    # -- registration ----------------------------------------------------------------------------
    def _next_view(self) -> str:
        return quote_ident(f"t{len(self.tables)}")

    def _add(self, name: str, relation_or_view: Any, source: str, fmt: str, files: list[Path]) -> Table:
        if self._sealed:
            raise DataError("the dataset is sealed; load every table before validating", source=source)
        if name in self.tables:
            raise DataError(f"two tables are named {name!r}", source=source)
        view = self._next_view()
        if isinstance(relation_or_view, duckdb.DuckDBPyRelation):
            if fmt in PARSED_ONCE:
                relation_or_view.to_table(view[1:-1])
            else:
                relation_or_view.create_view(view[1:-1], replace=True)
        description = self.con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()
        columns = {row[0]: row[1] for row in description}
        table = Table(name, view, source, fmt, files, columns)
        self.tables[name] = table
        progress.advance("tables")
        return table

    def add_path(self, path: str | Path, *, name: str | None = None,
                 options: LoadOptions | None = None, resource: Resource | None = None) -> Table:
        options = options or LoadOptions()
        text = str(path)
        if "#" in text and not path_exists(text):
            database, _, table_name = text.rpartition("#")
            if Path(database).suffix in DUCKDB:
                return self._add_duckdb(Path(database), table_name, name)
        if any(ch in text for ch in "*?["):
            files = sorted(Path(p) for p in globbing.glob(text, recursive=True) if Path(p).is_file())
            if not files:
                raise DataError("no files match this pattern", source=text)
            return self._add_files(text, files, name or Path(text).parent.name or "data", options, resource)
        target = Path(text)
        if not path_exists(target):
            raise DataError("no such file or directory", source=text)
        if target.is_dir():
            return self._add_directory(target, name, options)
        if target.stat().st_size == 0:
            raise DataError("file is empty (0 bytes)", source=text)
        if _suffix(target) in DUCKDB:
            return self._add_duckdb(target, None, name)
        return self._add_files(text, [target], name or _stem(target), options, resource)

    def _add_directory(self, directory: Path, name: str | None, options: LoadOptions) -> Table:
        manifest_path = find_manifest(directory)
        if manifest_path is not None:
            self.add_manifest(manifest_path, options)
            return self.table(name) if name else next(iter(self.tables.values()))
        files = sorted(p for p in directory.rglob("*") if p.is_file() and _suffix(p) in PARQUET)
        if not files:
            raise DataError("directory has neither a manifest (datapackage.json, dsbench.yaml, Croissant "
                            "metadata.json) nor Parquet files", source=str(directory))
        return self._add_files(str(directory), files, name or directory.name, options, None)

    def add_manifest(self, manifest_path: Path, options: LoadOptions | None = None,
                     data: Path | None = None) -> None:
        """Load the tables a manifest describes. Resource paths are relative to the manifest's
        directory, or to ``data`` when the manifest is kept apart from the data; when ``data`` is a
        single file, it is the manifest's only resource."""
        options = options or LoadOptions()
        manifest = read_manifest(manifest_path)
        self.manifest, self.manifest_path = manifest, manifest_path
        root = manifest_path.parent if data is None else (data if data.is_dir() else data.parent)
        if data is not None and data.is_file() and len(manifest.resources) != 1:
            raise DataError(f"the manifest describes {len(manifest.resources)} tables; give the "
                            "dataset's directory, not one file", source=str(manifest_path))
        tabular, unreadable = [], None
        for index, resource in enumerate(manifest.resources):
            if not resource.paths and "data" not in (resource.model_extra or {}):
                raise DataError("a resource needs a path (or inline data)", source=str(manifest_path),
                                location=f"resources[{index}].path")
            reason = resource.not_tabular()
            files = [data] if data is not None and data.is_file() else [root / p for p in resource.paths]
            if reason is None:
                reason = self._check_resource(manifest_path, root, data, index, resource, files)
            if reason is not None:
                self.not_evaluated.append({"resource": resource.name, "path": ", ".join(resource.paths),
                                           "reason": reason})
                unreadable = unreadable or (index, "format" if reason.startswith("not a table") else "path")
                continue
            tabular.append(resource)
            self._add_files(str(files[0]) if len(files) == 1 else str(root), files, resource.name,
                            options, resource)
        if not tabular:
            raise DataError("the manifest describes no table dsbench can read: "
                            + "; ".join(f"{s['resource']}: {s['reason']}" for s in self.not_evaluated),
                            source=str(manifest_path), location="resources[{}].{}".format(*unreadable))
        if len(tabular) < len(manifest.resources):
            # The checks of a package's documentation are about the tables evaluated.
            self.manifest = manifest.model_copy(update={"resources": tabular})

    def _check_resource(self, manifest_path: Path, root: Path, data: Path | None, index: int,
                        resource: Resource, files: list[Path]) -> str | None:
        """Refuse a resource that is declared wrongly or reads outside the dataset; say why a file
        that is not a table is not evaluated (an image, an archive, a JSON document of another
        shape); None for a table to read."""
        for file in files:
            if not file.is_file():
                raise DataError(f"resource file {str(file)!r} does not exist",
                                source=str(manifest_path), location=f"resources[{index}].path")
            if file != data and not file.resolve().is_relative_to(root.resolve()):
                # A dataset from a stranger must not read the evaluating machine's files
                # (a link to /etc/passwd, say) into its card.
                raise DataError(f"resource file {str(file)!r} is a link leading outside the dataset "
                                f"(to {str(file.resolve())!r})", source=str(manifest_path),
                                location=f"resources[{index}].path")
        # What the manifest declares is its own error, not the data file's.
        if resource.encoding is not None and not _known_codec(resource.encoding):
            raise DataError(f"unknown encoding {resource.encoding!r}", source=str(manifest_path),
                            location=f"resources[{index}].encoding")
        kind = _kind(files[0], resource)
        if kind == "unknown":
            if resource.schema_.fields:
                raise DataError(f"unknown format {resource.format or _suffix(files[0])!r} of a resource with a "
                                "schema (expected parquet, csv, tsv, json, jsonl or arrow)",
                                source=str(manifest_path), location=f"resources[{index}].format")
            return f"not a table (format {resource.format or _suffix(files[0]).lstrip('.') or 'unknown'})"
        if kind == "json" and not resource.schema_.fields:
            try:
                if json_layout(files[0], _suffix(files[0])) == "object":
                    check_record(files[0])
            except DataError as error:
                return error.problem
        return None

    def _add_files(self, source: str, files: list[Path], name: str, options: LoadOptions,
                   resource: Resource | None) -> Table:
        kinds = {_kind(f, resource, options.data_format) for f in files}
        if len(kinds) != 1:
            raise DataError(f"files of different formats in one table: {', '.join(sorted(kinds))}",
                            source=source)
        kind = kinds.pop()
        for file in files:
            if kind in PARSED_ONCE and _blank(file):
                raise DataError("file holds nothing but white space", source=str(file))
            if kind in PARSED_ONCE and not (options.encoding or (resource and resource.encoding)):
                refuse_binary(file, kind)
        try:
            if kind == "parquet":
                hive = any("=" in part for f in files for part in f.parent.parts)
                relation = self.con.read_parquet([str(f) for f in files], union_by_name=True,
                                                 hive_partitioning=hive)
            elif kind == "csv":
                relation = None  # read by _add_csv, which may need to read it twice
            elif kind == "json":
                return self._add_json(name, source, files)
            elif kind == "arrow":
                return self._add_arrow(files, name, source)
            else:
                prose = " (prose is not a table; pass --data-format csv to read each line as a row)" \
                    if _suffix(files[0]) in PROSE else ""
                raise DataError("unknown file format (expected Parquet, CSV/TSV, JSON/JSONL, "
                                f"Arrow IPC/Feather or a DuckDB database){prose}", source=source)
            if kind == "csv":
                table = self._add_csv(name, source, files, options, resource)
            else:
                table = self._add(name, relation, source, kind, files)
        except duckdb.Error as error:
            raise DataError(describe_duckdb_error(error), source=source) from None
        if not table.columns:
            raise DataError("no columns could be read", source=source)
        for position, column in enumerate(table.columns, 1):
            if "\x00" in column:  # no SQL identifier may hold one: the table could not be queried
                raise DataError(f"the name of column {position} contains a NUL byte", source=source)
        return table

    def _add_csv(self, name: str, source: str, files: list[Path], options: LoadOptions,
                 resource: Resource | None) -> Table:
        """Read CSV files into a table, reading again where the sniffer's sample misled it (see
        :mod:`dsbench.data.csvread`); a file that cannot be parsed into rows is a DataError."""
        attempt = CsvAttempt(self._csv_options(files, options, resource))
        attempt.quote_set = "quotechar" in attempt.options
        codecs_ = [self._codec(f, options, resource) for f in files]
        paths = [self._readable_copy(f, c, None, index) for index, (f, c) in enumerate(zip(files, codecs_))]
        if options.data_format is None and resource is None and all(_suffix(f) in PROSE for f in files):
            self._refuse_prose(paths[0], attempt, files[0])
        attempt.types = self._fixed_types(paths, attempt, options, resource, source)
        while True:
            try:
                relation = self.con.read_csv(paths if len(paths) > 1 else paths[0], **attempt.reader_options())
                table = self._add(name, relation, source, "csv", files)
                break
            except duckdb.Error as error:
                problem = self._unscratched(str(error), paths, files)
                if len(paths) > 1:
                    self._check_headers(paths, files, attempt, source)
                rewritten = attempt.line_ends
                if not next_attempt(problem, attempt, [Path(p) for p in paths]):
                    raise DataError(describe_csv_error(problem), source=_csv_source(problem, files, source)) from None
                if attempt.line_ends != rewritten:
                    declared = resource.dialect.lineTerminator if resource else None
                    attempt.line_ends = declared if declared in ("\r\n", "\n") else attempt.line_ends
                    paths = [self._readable_copy(f, c, attempt.line_ends, index)
                             for index, (f, c) in enumerate(zip(files, codecs_))]
        if len(paths) > 1:
            self._check_headers(paths, files, attempt, source)
        table.read_as_text = {c: t for c, t in attempt.read_as_text.items() if c in table.columns}
        table.missing_values = list(attempt.options["na_values"])
        return table

    def _csv_options(self, files: list[Path], options: LoadOptions, resource: Resource | None) -> dict[str, Any]:
        """DuckDB reader options from the user's options, else the manifest's dialect."""
        dialect = resource.dialect if resource else None
        schema = resource.schema_ if resource else None
        base = list(DEFAULT_MISSING if options.missing_values_only or schema is None else schema.missingValues)
        missing = list(dict.fromkeys(base + [t.strip() for t in options.missing_values or ()]))
        if options.missing_values_only:
            missing = list(dict.fromkeys(t.strip() for t in options.missing_values or ()))
        # A short row is padded with NULLs (missing values the checks see) instead of making the
        # sniffer give up on the delimiter and read each line as one text column.
        reader: dict[str, Any] = {"na_values": missing, "null_padding": True}
        delimiter = options.delimiter or (dialect.delimiter if dialect else None)
        if delimiter is None and (options.data_format == "tsv" or all(_suffix(f) in (".tsv", ".tab") for f in files)):
            delimiter = "\t"
        header = options.header if options.header is not None else (dialect.header if dialect else None)
        quote = options.quote if options.quote is not None else (dialect.quoteChar if dialect else None)
        escape = options.escape if options.escape is not None else (dialect.escape_char() if dialect else None)
        for key, value in (("sep", delimiter), ("header", header), ("quotechar", quote), ("escapechar", escape),
                           ("comment", dialect.commentChar if dialect else None),
                           ("sample_size", options.sample_size)):
            if value is not None:
                reader[key] = value
        if quote is not None and escape is None:
            reader["escapechar"] = quote  # RFC 4180: a quote inside a quoted value is doubled
        return reader

    def _refuse_prose(self, path: str, attempt: CsvAttempt, original: Path) -> None:
        """A ``.txt`` file is read as a table only when the sniffer finds a delimiter that splits
        its lines into the same number of fields (not padding short lines, as tables are read)."""
        strict = {k: v for k, v in attempt.options.items() if k != "null_padding"}
        try:
            columns = self.con.read_csv(path, **strict).columns
        except duckdb.Error:
            return  # the read itself reports the problem
        if len(columns) == 1:
            raise DataError("looks like prose, not a table: no delimiter was found in its lines; pass "
                            "--data-format csv to read each line as a row, or --delimiter", source=str(original))

    def _fixed_types(self, paths: list[str], attempt: CsvAttempt, options: LoadOptions,
                     resource: Resource | None, source: str) -> dict[str, str]:
        """Column types fixed at load: the manifest's field types, then ``--types`` (which must
        name columns of the file)."""
        declared = schema_types(resource.schema_.fields) if resource else {}
        if not declared and not options.types:
            return {}
        try:
            columns = self.con.read_csv(paths[0], **attempt.options).columns
        except duckdb.Error:
            return {}  # the read itself reports the problem
        types = {c: t for c, t in declared.items() if c in columns}
        for column, type_name in (options.types or {}).items():
            if column not in columns:
                raise DataError(f"--types names column {column!r}, which the file does not have "
                                f"(columns: {', '.join(columns[:20])})", source=source)
            types[column] = duckdb_type(type_name, location="--types")
        return types

    def _check_headers(self, paths: list[str], files: list[Path], attempt: CsvAttempt, source: str) -> None:
        """Files read as one table must have one header: else DuckDB would read the second file's
        columns under the first file's names."""
        if attempt.options.get("header") is False:
            return
        try:
            has_header, delimiter, quote = self.con.execute(
                "SELECT HasHeader, Delimiter, Quote FROM sniff_csv(?, null_padding = true)", [paths[0]]).fetchone()
        except duckdb.Error:
            has_header, delimiter, quote = True, attempt.options.get("sep", ","), '"'
        if not has_header:
            return
        quote = attempt.options.get("quotechar") or (quote if len(quote or "") == 1 else '"')
        problem = header_mismatch([Path(p) for p in paths], [f.name for f in files],
                                  attempt.options.get("sep") or delimiter, quote)
        if problem is not None:
            raise DataError(problem, source=source)

    def _codec(self, path: Path, options: LoadOptions, resource: Resource | None) -> str:
        requested = options.encoding or (resource.encoding if resource else None)
        return canonical_codec(requested, str(path)) if requested else detect_encoding(path)

    def _readable_copy(self, path: Path, codec: str, line_ends: str | None, index: int = 0) -> str:
        """Path to the bytes DuckDB should read: the file itself when DuckDB can decode it and its
        line ends agree, otherwise a UTF-8 copy (with one kind of line end) in the scratch directory."""
        if codec in NATIVE and line_ends is None:
            return str(path)
        prefix = "lines" if line_ends is not None else "utf8"
        target = self.scratch_dir() / f"{prefix}-{len(self.tables)}-{index}-{_stem(path)}.csv"
        if line_ends is not None:
            rewrite_line_ends(path, target, line_ends, codec)
        else:
            transcode_to_utf8(path, codec, target)
        return str(target)

    def _utf8_copy(self, path: Path, requested: str | None, index: int = 0) -> str:
        """Path to a UTF-8 reading of ``path`` (the file itself when it is UTF-8 already)."""
        codec = canonical_codec(requested, str(path)) if requested else detect_encoding(path)
        return self._readable_copy(path, codec, None, index)

    def _unscratched(self, text: str, paths: list[str], files: list[Path]) -> str:
        """An engine message with the scratch copies' paths replaced by the files they copy."""
        for copy, original in zip(paths, files):
            if copy != str(original):
                text = text.replace(copy, str(original))
        return text.replace(str(self.scratch_dir()), "<scratch>")

    def _add_json(self, name: str, source: str, files: list[Path]) -> Table:
        """Read JSON files (see :mod:`dsbench.data.jsonread`): columns of mixed JSON types are read
        as text, with a census of their types."""
        layouts = {json_layout(f, _suffix(f)) for f in files}
        if "object" in layouts:
            for file in files:
                check_record(file)
        layout = layouts.pop() if len(layouts) == 1 else "auto"
        relation = self.con.read_json([str(f) for f in files], format="auto" if layout == "object" else layout)
        mixed = [c for c, t in zip(relation.columns, relation.types) if str(t) == "JSON"]
        if not mixed:
            return self._add(name, relation, source, "json", files)
        view = self._next_view()
        raw = quote_ident(view[1:-1] + "_json")
        relation.to_table(raw[1:-1])
        row = self.con.execute(type_census_sql(raw, [quote_ident(c) for c in mixed])).fetchone()
        as_text = ", ".join(f"{quote_ident(c)} ->> '$' AS {quote_ident(c)}" for c in mixed)
        self.con.execute(f"CREATE TABLE {view} AS SELECT * REPLACE ({as_text}) FROM {raw}")
        self.con.execute(f"DROP TABLE {raw}")
        table = self._add(name, view, source, "json", files)
        table.source_types = {c: census(r) for c, r in zip(mixed, row)}
        return table

    def _add_arrow(self, files: list[Path], name: str, source: str) -> Table:
        import pyarrow.dataset as pads
        import pyarrow as pa

        try:
            arrow_dataset = pads.dataset([str(f) for f in files], format="ipc")
            arrow_dataset.schema  # noqa: B018 - forces the footer read
        except (pa.ArrowException, OSError) as error:
            raise DataError(f"not a readable Arrow IPC/Feather file: {error}", source=source) from None
        view = self._next_view()
        self.con.register(view[1:-1], arrow_dataset)
        return self._add(name, view, source, "arrow", files)

    def _add_duckdb(self, database: Path, table_name: str | None, name: str | None) -> Table:
        source = f"{database}#{table_name}" if table_name else str(database)
        if not database.is_file():
            raise DataError("no such DuckDB database file", source=str(database))
        alias = quote_ident(f"db{len(self.tables)}")
        try:
            self.con.execute(f"ATTACH ? AS {alias} (READ_ONLY)", [str(database)])
            found = [r[0] for r in self.con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = ? AND NOT internal "
                "ORDER BY 1", [alias[1:-1], alias[1:-1]]).fetchall()]
        except duckdb.Error as error:
            raise DataError(describe_duckdb_error(error), source=source) from None
        if table_name is None:
            if len(found) != 1:
                raise DataError(f"the database holds {len(found)} tables ({', '.join(found)}); "
                                "name one as FILE#TABLE", source=source)
            table_name = found[0]
        if table_name not in found:
            raise DataError(f"no table {table_name!r} in the database (tables: {', '.join(found)})",
                            source=source)
        relation = self.con.sql(f"SELECT * FROM {alias}.{quote_ident(table_name)}")
        return self._add(name or table_name, relation, source, "duckdb", [database])

    def add_object(self, obj: Any, *, name: str = "data") -> Table:
        """Register an in-memory pandas, pyarrow or polars object, or a DuckDB relation."""
        module = type(obj).__module__.split(".")[0]
        kind = type(obj).__name__
        if module == "polars":
            obj = obj.collect() if kind == "LazyFrame" else obj
            obj = obj.to_arrow()
        elif isinstance(obj, duckdb.DuckDBPyRelation):
            # A relation belongs to its own connection; Arrow is the zero-copy way across.
            obj = obj.to_arrow_table()
        elif module not in ("pandas", "pyarrow"):
            raise DataError(f"cannot read a {module}.{kind}; pass a path, a pandas, pyarrow or "
                            "polars frame, or a DuckDB relation")
        view = self._next_view()
        self.con.register(view[1:-1], obj)
        return self._add(name, view, f"<{module}.{kind}>", module, [])


def path_exists(path: str | Path) -> bool:
    """Whether a path exists; false, not an OSError, for one the system cannot even look up (a
    name longer than the file system allows)."""
    try:
        return Path(path).exists()
    except OSError:
        return False


JSON_ERROR = re.compile(r'Malformed JSON in file "[^"]*", at byte \d+ in (line|record/value) (\d+): ([^.]*)')
ENGINE_HINTS = re.compile(r"\s*(Try |Possible |HINT:|Consider ).*$")


def describe_duckdb_error(error: Exception | str) -> str:
    """DuckDB's message as one line in dsbench's words: where, what is wrong and which dsbench option
    helps; never the engine's own option names."""
    raw = str(error)
    if any(marker in raw for marker in ("CSV Error", "sniffing file", "Invalid unicode", "Maximum line size",
                                        "state machine")):
        return describe_csv_error(raw)
    malformed = JSON_ERROR.search(raw)
    if malformed:
        unit = "line" if malformed.group(1) == "line" else "value"
        return (f"{unit} {malformed.group(2)}: malformed JSON ({malformed.group(3).strip()}); dsbench reads an "
                "array of records or JSON Lines (one record per line)")
    if "No magic bytes found" in raw:
        return "not a Parquet file, or a truncated one (no Parquet footer at its end)"
    text = " ".join(raw.split("\n\n")[0].split())
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Binder Error: ",
                   "Parser Error: ", "Catalog Error: "):
        text = text.removeprefix(prefix)
    return shortened(ENGINE_HINTS.sub("", text), 1000) or "unreadable data"


def _known_codec(name: str) -> bool:
    try:
        canonical_codec(name, "")
        return True
    except DataError:
        return False


def _blank(path: Path, probe: int = 1 << 16) -> bool:
    """True when a text file holds nothing but byte-order marks, white space and NUL bytes (from
    which DuckDB would invent a column 'column0')."""
    try:
        with open_bytes(path) as handle:
            head = handle.read(probe + 1)
    except (OSError, EOFError):
        return False  # the reader reports it
    if len(head) > probe:
        return False
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        head = head.replace(bom, b"")
    return not head.strip(b" \t\r\n\x00")


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION and len(suffixes) > 1:
        return suffixes[-2]
    return suffixes[-1] if suffixes else ""


def _stem(path: Path) -> str:
    name = path.name
    for _ in path.suffixes:
        name = name.rsplit(".", 1)[0] if "." in name else name
    return name or path.name


def _kind(path: Path, resource: Resource | None, forced: str | None = None) -> str:
    declared = (forced or (resource.format if resource else None) or "").lower()
    suffix = declared if declared and not declared.startswith(".") else _suffix(path)
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    for kind, suffixes in (("parquet", PARQUET), ("csv", CSV), ("json", JSON), ("arrow", ARROW)):
        if suffix in suffixes:
            return kind
    return "unknown"


# The first bytes of binary formats people rename or mistake for text.
MAGIC = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
         (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or an Office/XLSX file)"),
         (b"\x1f\x8b", "gzip-compressed data (name it .gz)"), (b"PAR1", "a Parquet file (name it .parquet)"),
         (b"ARROW1", "an Arrow IPC file (name it .arrow)"), (b"SQLite format 3\x00", "an SQLite database"),
         (b"\xd0\xcf\x11\xe0", "an old Office (OLE) file such as XLS"), (b"\x7fELF", "an executable"))


# Bytes that text holds rarely (a stray NUL in a value happens; a tenth of the bytes does not).
CONTROL_BYTES = [b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)]
BINARY_SHARE = 0.1


def refuse_binary(path: Path, kind: str, probe: int = 1 << 16) -> None:
    """A DataError naming a binary file that was given as text (a PNG renamed .csv, say)."""
    try:
        with open_bytes(path) as handle:
            head = handle.read(probe)
    except (OSError, EOFError) as error:
        raise DataError(f"cannot read file: {error}", source=str(path)) from None
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise DataError(f"this is {what}, not {kind.upper()} text", source=str(path))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text
    control = sum(head.count(bytes([byte])) for byte in CONTROL_BYTES)
    if control > BINARY_SHARE * len(head):
        raise DataError(f"this is a binary file ({control / len(head):.0%} of its first bytes are control "
                        f"characters), not {kind.upper()} text; pass --encoding if it is UTF-16 without a "
                        "byte-order mark", source=str(path))


def load_dataset(data: Any, *, name: str | None = None, options: LoadOptions | None = None,
                 extra_tables: dict[str, Any] | None = None, manifest: str | Path | None = None) -> Dataset:
    """Open ``data`` (a path, glob, directory with a manifest, ``file.duckdb#table`` or an in-memory
    frame) plus any ``extra_tables`` as one :class:`Dataset`. A separate ``manifest`` describes
    ``data`` (a file or a directory): its resources, dialect and missing values are used."""
    options = options or LoadOptions()
    if options.data_format is not None and _kind(Path("data"), None, options.data_format) == "unknown":
        raise DataError(f"unknown data format {options.data_format!r} (expected csv, tsv, json, jsonl, "
                        "parquet or arrow)", location="--data-format")
    dataset = Dataset(threads=options.threads, memory_limit=options.memory_limit, timeout=options.timeout)
    try:
        if manifest is not None:
            if not isinstance(data, (str, Path)) or not path_exists(data):
                raise DataError("a manifest describes data on disk: give a file or directory",
                                source=str(data) if isinstance(data, (str, Path)) else None)
            dataset.add_manifest(Path(manifest), options, Path(data))
            main = next(iter(dataset.tables.values()))
        else:
            main = _add_any(dataset, data, name, options)
        if len(dataset.tables) == 1:  # not a multi-table manifest: suites check this table
            dataset.primary = main.name
        for extra_name, extra in (extra_tables or {}).items():
            _add_any(dataset, extra, extra_name, options)
    except BaseException:
        dataset.close()
        raise
    return dataset


def _add_any(dataset: Dataset, data: Any, name: str | None, options: LoadOptions | None) -> Table:
    if isinstance(data, (str, Path)):
        return dataset.add_path(data, name=name, options=options)
    return dataset.add_object(data, name=name or "data")
