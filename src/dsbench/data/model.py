"""The model of a publisher's description of a dataset (a Frictionless Data Package, or the same shape
from ``dsbench.yaml`` or a Croissant file): only what loading needs is modelled strictly; other keys
are kept as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
