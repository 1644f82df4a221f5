"""The publisher's description of a dataset: Frictionless ``datapackage.json`` or ``dsbench.yaml``
of the same shape, or a Croissant ``metadata.json`` (converted to that shape by
:mod:`dsbench.data.croissant`). Only what loading needs is modelled strictly; other keys are kept as
they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from dsbench.errors import DataError

MANIFEST_NAMES = ("datapackage.json", "dsbench.yaml", "dsbench.yml", "metadata.json")
CROISSANT_NAMES = ("metadata.json",)  # read by dsbench.data.croissant


class Dialect(BaseModel):
    """A Frictionless CSV Dialect. Line ends are detected from the file; a declared
    ``lineTerminator`` is what mixed line ends are rewritten to."""

    model_config = ConfigDict(extra="allow")
    delimiter: str | None = Field(None, min_length=1)
    header: bool | None = None
    quoteChar: str | None = Field(None, max_length=1)
    doubleQuote: bool | None = None
    escapeChar: str | None = Field(None, max_length=1)
    commentChar: str | None = Field(None, min_length=1, max_length=1)
    lineTerminator: str | None = None

    def escape_char(self) -> str | None:
        """The reader's escape character: the declared one; else none when quotes are not doubled
        (``doubleQuote: false``); else (None) the quote character, doubling quotes."""
        if self.escapeChar is not None:
            return self.escapeChar
        return "" if self.doubleQuote is False else None


class TableSchema(BaseModel):
    model_config = ConfigDict(extra="allow")
    fields: list[dict[str, Any]] = Field(default_factory=list)
    missingValues: list[str] = Field(default_factory=lambda: [""])


class Resource(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    path: str | list[str] | None = None  # None: inline ``data``, which dsbench does not evaluate
    format: str | None = None
    encoding: str | None = None
    compression: str | None = None
    dialect: Dialect = Field(default_factory=Dialect)
    schema_: TableSchema = Field(default_factory=TableSchema, alias="schema")

    @field_validator("path")
    @classmethod
    def relative_inside(cls, value: str | list[str] | None) -> str | list[str] | None:
        for item in [value] if isinstance(value, str) else value or []:
            if is_remote(item):
                continue
            if Path(item).is_absolute() or ".." in Path(item).parts:
                raise ValueError(f"path {item!r} must be relative and stay inside the dataset")
        return value

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path or [])

    def not_tabular(self) -> str | None:
        """Why this resource is not a table dsbench reads (before looking at its file), or None."""
        if not self.paths:
            return "inline data, not a file"
        if any(is_remote(p) for p in self.paths):
            return "a remote file (dsbench never downloads data)"
        declared = (self.format or "").lower().lstrip(".")
        mediatype = str((self.model_extra or {}).get("mediatype") or "").lower()
        if declared in GEOGRAPHIC or any(kind in mediatype for kind in GEOGRAPHIC):
            return f"geographic data ({declared or mediatype}), not a table"
        return None


# Formats of JSON documents that are not tables of records.
GEOGRAPHIC = ("geojson", "topojson", "geo+json")


def is_remote(path: str) -> bool:
    return path.lower().startswith(("http://", "https://", "ftp://", "s3://", "gs://"))


class Manifest(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str | None = None
    title: str | None = None
    resources: list[Resource] = Field(min_length=1)

    @field_validator("resources")
    @classmethod
    def unique_names(cls, value: list[Resource]) -> list[Resource]:
        names = [r.name for r in value]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"duplicate resource names: {', '.join(duplicated)}")
        return value


def _read_document(path: Path) -> Any:
    from dsbench.files import read_document

    return read_document(path, DataError, "manifest")


def pydantic_location(error: ValidationError) -> tuple[str, str]:
    """The first problem of a pydantic error as (dotted field path, message)."""
    first = error.errors()[0]
    location = ""
    for part in first["loc"]:
        location += f"[{part}]" if isinstance(part, int) else (f".{part}" if location else str(part))
    return location, first["msg"]


def read_manifest(path: Path) -> Manifest:
    document = _read_document(path)
    if path.name in CROISSANT_NAMES or (isinstance(document, dict) and "@context" in document):
        from dsbench.data.croissant import read_croissant  # JSON-LD: Croissant

        return read_croissant(path, document)
    if not isinstance(document, dict):
        raise DataError("a manifest must be a mapping", source=str(path))
    try:
        return Manifest.model_validate(document)
    except ValidationError as error:
        location, message = pydantic_location(error)
        raise DataError(message, source=str(path), location=location) from None


def find_manifest(directory: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        candidate = directory / name
        if candidate.is_file():
            if name in CROISSANT_NAMES:
                from dsbench.data.croissant import looks_like_croissant

                if not looks_like_croissant(candidate):
                    continue  # some other metadata.json
            return candidate
    return None
