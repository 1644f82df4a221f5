"""Open tables as DuckDB views: files on disk, DuckDB databases and in-memory frames.

Nothing is materialised in Python: files are scanned by DuckDB, Arrow/pandas/polars objects are
registered with DuckDB as they are. Each table gets an internal view name (``t0``, ``t1`` …), so a
table's logical name never appears in SQL.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb

from dsbench import progress
from dsbench.backends.duckdb.csv import CsvLoading
from dsbench.backends.duckdb.errors import describe_duckdb_error
from dsbench.backends.duckdb.runner import DuckDBSession
from dsbench.backends.duckdb.json import census, check_record, json_layout, type_census_sql
from dsbench.data.dataset import Dataset as BaseDataset
from dsbench.data.dataset import LoadOptions, Table
from dsbench.data.files import PROSE, blank, path_exists, refuse_binary, suffix
from dsbench.data.files import kind as file_kind
from dsbench.data.model import Resource
from dsbench.engine.sql import quote_ident
from dsbench.errors import DataError

# Text formats are parsed once into a DuckDB table (which spills to disk when large): every later
# scan reads columns instead of re-parsing text, and a malformed row is reported at load time.
PARSED_ONCE = ("csv", "json")


class Dataset(CsvLoading, BaseDataset):
    """Named tables on one DuckDB connection, plus the manifest they came with (if any)."""

    engine = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None, threads: int | None = None,
                 memory_limit: str | None = None, timeout: float | None = None):
        super().__init__(timeout)
        self._scratch: tempfile.TemporaryDirectory | None = None
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
        self.session = DuckDBSession(self.con)

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self.con.close()
        self.close_scratch()

    def close_scratch(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None

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

    def _add_files(self, source: str, files: list[Path], name: str, options: LoadOptions,
                   resource: Resource | None) -> Table:
        kinds = {file_kind(f, options.data_format or (resource.format if resource else None)) for f in files}
        if len(kinds) != 1:
            raise DataError(f"files of different formats in one table: {', '.join(sorted(kinds))}",
                            source=source)
        kind = kinds.pop()
        for file in files:
            if kind in PARSED_ONCE and blank(file):
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
                    if suffix(files[0]) in PROSE else ""
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

    def _add_json(self, name: str, source: str, files: list[Path]) -> Table:
        """Read JSON files (see :mod:`dsbench.backends.duckdb.json`): columns of mixed JSON types are read
        as text, with a census of their types."""
        layouts = {f: json_layout(f, suffix(f)) for f in files}
        for file, layout in layouts.items():
            if layout == "object":
                check_record(file)
        layout = layouts[files[0]] if len(set(layouts.values())) == 1 else "auto"
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

    def _add_database(self, database: Path, table_name: str | None, name: str | None) -> Table:
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


def load_dataset(data: Any, *, name: str | None = None, options: LoadOptions | None = None,
                 extra_tables: dict[str, Any] | None = None, manifest: str | Path | None = None) -> Dataset:
    """Open ``data`` (a path, glob, directory with a manifest, ``file.duckdb#table`` or an in-memory
    frame) plus any ``extra_tables`` as one :class:`Dataset`. A separate ``manifest`` describes
    ``data`` (a file or a directory): its resources, dialect and missing values are used."""
    options = options or LoadOptions()
    if options.data_format is not None and file_kind(Path("data"), options.data_format) == "unknown":
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
