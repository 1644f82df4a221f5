"""What every backend shares about a dataset: its tables as loaded (names, sources, columns and how
text was read) and the options that say how to read it and how much the engine may use."""

from __future__ import annotations

import glob as globbing
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from dsbench.data.encoding import canonical_codec
from dsbench.data.files import DUCKDB, PARQUET, path_exists, stem, suffix
from dsbench.data.files import kind as file_kind
from dsbench.data.manifest import find_manifest, read_manifest
from dsbench.data.model import Manifest, Resource
from dsbench.errors import DataError

# The column types a reader may be told to read a column as (--types, a manifest's field types),
# by every name they go by -> the type.
READ_TYPES = {
    "string": "string", "text": "string", "varchar": "string",
    "integer": "integer", "int": "integer", "bigint": "integer", "year": "integer",
    "number": "number", "double": "number", "float": "number",
    "boolean": "boolean", "bool": "boolean",
    "date": "date", "datetime": "datetime", "timestamp": "datetime", "time": "time",
}


def read_type(name: str, source: str | None = None, location: str | None = None) -> str:
    """The type a user or manifest named (one of READ_TYPES' values), or a DataError listing the names."""
    found = READ_TYPES.get(name.strip().lower())
    if found is None:
        raise DataError(f"unknown column type {name!r} (expected one of {', '.join(sorted(READ_TYPES))})",
                        source=source, location=location)
    return found


class NotRecords(DataError):
    """A JSON document that is not a table of records (a package skips it; a file given alone is refused)."""


@dataclass
class Table:
    """One table of a dataset as its engine holds it."""

    name: str
    view: str  # quoted internal view name
    source: str  # where it came from, for messages
    format: str
    files: list[Path] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # name -> the engine's type name
    # Text formats: the tokens read as missing, and the columns read as text because some value
    # did not fit the type the reader inferred or was given (column -> that type).
    missing_values: list[str] | None = None
    read_as_text: dict[str, str] = field(default_factory=dict)
    read_from: list[str] = field(default_factory=list)  # the files the engine read (copies, when transcoded)
    # JSON columns whose values have several JSON types (read as text): column -> census.
    source_types: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class LoadOptions:
    """How to read a dataset's files, and how much the engine may use while it runs."""

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
    types: dict[str, str] | None = None  # column -> type name (see READ_TYPES)
    data_format: str | None = None  # read files as this format whatever their suffix (csv, json …)
    threads: int | None = None  # the engine's worker threads (default: one per core)
    memory_limit: str | None = None  # the engine's memory limit, e.g. "2GB" (beyond it, it spills to disk)
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


class Dataset:
    """Named tables of one engine, plus the manifest they came with (if any). What a dataset is
    does not depend on the engine: how a path, a directory or a manifest's resources become tables
    is here; a backend subclasses it to read files (``_add_files``), database files
    (``_add_database``) and in-memory frames, to seal and to close."""

    engine: str  # the backend's name (see dsbench.backends)
    session: Any  # runs queries (dsbench.engine.backend.Session)

    def __init__(self, timeout: float | None = None):
        self.timeout = timeout  # seconds a single query may run (None: no limit)
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

    @property
    def dialect(self) -> Any:
        """How the engine spells what engines spell differently (dsbench.engine.dialect.Dialect):
        its session's."""
        return self.session.dialect

    def close(self) -> None:
        raise NotImplementedError

    def seal(self) -> None:
        """From now on the engine may read only the dataset's own files."""
        raise NotImplementedError

    def _add_files(self, source: str, files: list[Path], name: str, options: LoadOptions,
                   resource: Resource | None) -> Table:
        raise NotImplementedError

    def _add_database(self, database: Path, table_name: str | None, name: str | None) -> Table:
        raise NotImplementedError

    def __enter__(self) -> "Dataset":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    # -- paths and manifests ---------------------------------------------------------------------
    def add_path(self, path: str | Path, *, name: str | None = None,
                 options: LoadOptions | None = None, resource: Resource | None = None) -> Table:
        options = options or LoadOptions()
        text = str(path)
        if "#" in text and not path_exists(text):
            database, _, table_name = text.rpartition("#")
            if Path(database).suffix in DUCKDB:
                return self._add_database(Path(database), table_name, name)
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
        if suffix(target) in DUCKDB:
            return self._add_database(target, None, name)
        return self._add_files(text, [target], name or stem(target), options, resource)

    def _add_directory(self, directory: Path, name: str | None, options: LoadOptions) -> Table:
        manifest_path = find_manifest(directory)
        if manifest_path is not None:
            self.add_manifest(manifest_path, options)
            return self.table(name) if name else next(iter(self.tables.values()))
        files = sorted(p for p in directory.rglob("*") if p.is_file() and suffix(p) in PARQUET)
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
            files = [data] if data is not None and data.is_file() else [root / p for p in resource.paths]
            reason, field_ = resource.not_tabular(), "path"
            if reason is None:
                reason, field_ = self._check_resource(manifest_path, root, data, index, resource, files), "format"
            if reason is None:
                try:
                    self._add_files(str(files[0]) if len(files) == 1 else str(root), files, resource.name,
                                    options, resource)
                    tabular.append(resource)
                    continue
                except NotRecords as error:
                    if resource.schema_.fields:  # declared a table: that it is not one is an error
                        raise
                    reason, field_ = error.problem, "path"
            self.not_evaluated.append({"resource": resource.name, "path": ", ".join(resource.paths),
                                       "reason": reason})
            unreadable = unreadable or (index, field_)
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
        of a format that is not a table is not evaluated (an image, an archive); None for a file to
        read (a JSON document of another shape is found when it is read: :class:`NotRecords`)."""
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
        kind = file_kind(files[0], resource.format)
        if kind == "unknown":
            if resource.schema_.fields:
                raise DataError(f"unknown format {resource.format or suffix(files[0])!r} of a resource with a "
                                "schema (expected parquet, csv, tsv, json, jsonl or arrow)",
                                source=str(manifest_path), location=f"resources[{index}].format")
            return f"not a table (format {resource.format or suffix(files[0]).lstrip('.') or 'unknown'})"
        return None


def _known_codec(name: str) -> bool:
    try:
        canonical_codec(name, "")
        return True
    except DataError:
        return False


