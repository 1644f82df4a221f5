"""Finding and reading the publisher's description of a dataset: Frictionless ``datapackage.json`` or
``dsbench.yaml`` of the same shape, or a Croissant ``metadata.json`` (converted to that shape by
:mod:`dsbench.data.croissant`), into the model of :mod:`dsbench.data.model`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dsbench.data.croissant import looks_like_croissant, read_croissant
from dsbench.data.model import Manifest
from dsbench.errors import DataError, pydantic_location

MANIFEST_NAMES = ("datapackage.json", "dsbench.yaml", "dsbench.yml", "metadata.json")
CROISSANT_NAMES = ("metadata.json",)  # read by dsbench.data.croissant


def _read_document(path: Path) -> Any:
    from dsbench.files import read_document

    return read_document(path, DataError, "manifest")


def read_manifest(path: Path) -> Manifest:
    document = _read_document(path)
    if path.name in CROISSANT_NAMES or (isinstance(document, dict) and "@context" in document):
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
                if not looks_like_croissant(candidate):
                    continue  # some other metadata.json
            return candidate
    return None
