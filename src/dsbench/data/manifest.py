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
    model_config = ConfigDict(extra="allow")
    delimiter: str | None = None
    header: bool | None = None


class TableSchema(BaseModel):
    model_config = ConfigDict(extra="allow")
    fields: list[dict[str, Any]] = Field(default_factory=list)
    missingValues: list[str] = Field(default_factory=lambda: [""])


class Resource(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1)
    path: str | list[str]
    format: str | None = None
    encoding: str | None = None
    compression: str | None = None
    dialect: Dialect = Field(default_factory=Dialect)
    schema_: TableSchema = Field(default_factory=TableSchema, alias="schema")

    @field_validator("path")
    @classmethod
    def relative_inside(cls, value: str | list[str]) -> str | list[str]:
        for item in [value] if isinstance(value, str) else value:
            if Path(item).is_absolute() or ".." in Path(item).parts:
                raise ValueError(f"path {item!r} must be relative and stay inside the dataset")
        return value

    @property
    def paths(self) -> list[str]:
        return [self.path] if isinstance(self.path, str) else list(self.path)


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
    from dsbench.yamlio import read_document

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
