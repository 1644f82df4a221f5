"""Open tables as DuckDB views: files on disk, DuckDB databases and in-memory frames.

Nothing is materialised in Python: files are scanned by DuckDB, Arrow/pandas/polars objects are
registered with DuckDB as they are. Each table gets an internal view name (``t0``, ``t1`` …), so a
table's logical name never appears in SQL.
"""

from __future__ import annotations

import glob as globbing
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import duckdb

from dsbench import progress
from dsbench.data.encoding import NATIVE, canonical_codec, detect_encoding, open_bytes, transcode_to_utf8
from dsbench.data.manifest import Manifest, Resource, find_manifest, read_manifest
from dsbench.engine.sql import quote_ident
from dsbench.errors import DataError, shortened

PARQUET = (".parquet", ".parq", ".pq")
CSV = (".csv", ".tsv", ".tab", ".txt")
JSON = (".json", ".jsonl", ".ndjson")
ARROW = (".arrow", ".feather", ".ipc", ".arrows")
DUCKDB = (".duckdb", ".db", ".ddb")
COMPRESSION = (".gz", ".zst")
DEFAULT_MISSING = ("",)
# Text formats are parsed once into a DuckDB table (which spills to disk when large): every later
# scan reads columns instead of re-parsing text, and a malformed row is reported at load time.
PARSED_ONCE = ("csv", "json")
# DuckDB reads CSV lines up to 2 MB by default; a file with a longer line (a multi-megabyte value)
# is read again with room for lines up to this many bytes.
LONG_LINE_BYTES = 1 << 28


@dataclass
class Table:
    name: str
    view: str  # quoted internal view name
    source: str  # where it came from, for messages
    format: str
    files: list[Path] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # name -> DuckDB type


@dataclass
class LoadOptions:
    encoding: str | None = None
    missing_values: Sequence[str] | None = None  # None: the manifest's, else only ""
    delimiter: str | None = None
    header: bool | None = None
    threads: int | None = None  # DuckDB worker threads (default: one per core)
    memory_limit: str | None = None  # DuckDB memory limit, e.g. "2GB" (beyond it, DuckDB spills to disk)
    timeout: float | None = None  # seconds a single query may run before it is interrupted


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
        for index, resource in enumerate(manifest.resources):
            files = [data] if data is not None and data.is_file() else [root / p for p in resource.paths]
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
            if resource.format and _kind(files[0], resource) == "unknown":
                raise DataError(f"unknown format {resource.format!r} (expected parquet, csv, tsv, json, "
                                "jsonl or arrow)", source=str(manifest_path),
                                location=f"resources[{index}].format")
            self._add_files(str(files[0]) if len(files) == 1 else str(root), files, resource.name,
                            options, resource)

    def _add_files(self, source: str, files: list[Path], name: str, options: LoadOptions,
                   resource: Resource | None) -> Table:
        kinds = {_kind(f, resource) for f in files}
        if len(kinds) != 1:
            raise DataError(f"files of different formats in one table: {', '.join(sorted(kinds))}",
                            source=source)
        kind = kinds.pop()
        for file in files:
            if kind in PARSED_ONCE and _blank(file):
                raise DataError("file holds nothing but white space", source=str(file))
        try:
            if kind == "parquet":
                hive = any("=" in part for f in files for part in f.parent.parts)
                relation = self.con.read_parquet([str(f) for f in files], union_by_name=True,
                                                 hive_partitioning=hive)
            elif kind == "csv":
                relation = None  # read by _add_csv, which may need to read it twice
            elif kind == "json":
                relation = self._read_json(files)
            elif kind == "arrow":
                return self._add_arrow(files, name, source)
            else:
                raise DataError("unknown file format (expected Parquet, CSV/TSV, JSON/JSONL, "
                                "Arrow IPC/Feather or a DuckDB database)", source=source)
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
        """Read CSV files into a table. Two limits of DuckDB's reader make it read again: a line
        longer than 2 MB (then with room for LONG_LINE_BYTES), and a file with quoted line breaks,
        which its parallel reader cannot pad short rows of (then with one thread)."""
        retry: dict[str, Any] = {}
        while True:
            try:
                relation = self._read_csv(files, options, resource, **retry)
                return self._add(name, relation, source, "csv", files)
            except duckdb.Error as error:
                if not csv_retry(str(error), retry):
                    raise

    def _read_csv(self, files: list[Path], options: LoadOptions, resource: Resource | None,
                  **reader: Any):
        dialect = resource.dialect if resource else None
        schema = resource.schema_ if resource else None
        requested = options.encoding or (resource.encoding if resource else None)
        missing = list(options.missing_values if options.missing_values is not None
                       else (schema.missingValues if schema else DEFAULT_MISSING))
        delimiter = options.delimiter or (dialect.delimiter if dialect else None)
        if delimiter is None and all(f.suffix.lower() in (".tsv", ".tab") for f in files):
            delimiter = "\t"
        header = options.header if options.header is not None else (dialect.header if dialect else None)
        paths = [self._utf8_copy(f, requested, index) for index, f in enumerate(files)]
        # A short row is padded with NULLs (missing values the checks see) instead of making the
        # sniffer give up on the delimiter and read each line as one text column.
        kwargs: dict[str, Any] = {"na_values": missing, "null_padding": True}
        if delimiter is not None:
            kwargs["sep"] = delimiter
        if header is not None:
            kwargs["header"] = header
        kwargs.update(reader)
        return self.con.read_csv(paths if len(paths) > 1 else paths[0], **kwargs)

    def _utf8_copy(self, path: Path, requested: str | None, index: int = 0) -> str:
        """Path to the bytes DuckDB should read: the file itself when DuckDB can decode it,
        otherwise a UTF-8 transcoded copy in the dataset's scratch directory."""
        codec = canonical_codec(requested, str(path)) if requested else detect_encoding(path)
        if codec in NATIVE:
            return str(path)
        target = self.scratch_dir() / f"utf8-{len(self.tables)}-{index}-{_stem(path)}.csv"
        transcode_to_utf8(path, codec, target)
        return str(target)

    def _read_json(self, files: list[Path]):
        formats = {_json_layout(f) for f in files}
        layout = formats.pop() if len(formats) == 1 else "auto"
        return self.con.read_json([str(f) for f in files], format=layout)

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


def describe_duckdb_error(error: Exception | str) -> str:
    """DuckDB's message, on one line, without its hints and without the error-class prefix."""
    raw = str(error)
    if "Invalid unicode" in raw:
        line = re.search(r"CSV Error on Line: (\d+)", raw)
        where = f" (line {line.group(1)})" if line else ""
        return f"not valid UTF-8{where}; pass --encoding NAME"
    if "Maximum line size" in raw:
        line = re.search(r"CSV Error on Line: (\d+)", raw)
        limit = re.search(r"Maximum line size of (\d+) bytes", raw)
        return (f"line {line.group(1) if line else '?'} is longer than "
                f"{int(limit.group(1)) if limit else LONG_LINE_BYTES} bytes")
    text = " ".join(raw.split("\n\n")[0].split())
    for prefix in ("Invalid Input Error: ", "IO Error: ", "Conversion Error: ", "Binder Error: ",
                   "Parser Error: ", "Catalog Error: "):
        if text.startswith(prefix):
            text = text[len(prefix):]
    return shortened(text) or "unreadable data"


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


def _kind(path: Path, resource: Resource | None) -> str:
    declared = (resource.format or "").lower() if resource else ""
    suffix = declared if declared and not declared.startswith(".") else _suffix(path)
    suffix = suffix if suffix.startswith(".") else f".{suffix}"
    for kind, suffixes in (("parquet", PARQUET), ("csv", CSV), ("json", JSON), ("arrow", ARROW)):
        if suffix in suffixes:
            return kind
    return "unknown"


def _json_layout(path: Path) -> str:
    if _suffix(path) in (".jsonl", ".ndjson"):
        return "newline_delimited"
    from dsbench.data.encoding import open_bytes

    with open_bytes(path) as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "array" if head.startswith(b"[") else "newline_delimited"


def load_dataset(data: Any, *, name: str | None = None, options: LoadOptions | None = None,
                 extra_tables: dict[str, Any] | None = None, manifest: str | Path | None = None) -> Dataset:
    """Open ``data`` (a path, glob, directory with a manifest, ``file.duckdb#table`` or an in-memory
    frame) plus any ``extra_tables`` as one :class:`Dataset`. A separate ``manifest`` describes
    ``data`` (a file or a directory): its resources, dialect and missing values are used."""
    options = options or LoadOptions()
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
