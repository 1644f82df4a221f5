"""Read an MLCommons Croissant 1.0 ``metadata.json`` (JSON-LD) into dsbench's :class:`Manifest`.

Croissant describes files (``distribution``: ``cr:FileObject`` with ``contentUrl``,
``encodingFormat``, ``sha256``) and tables of records read from them (``recordSet[].field[]`` with
``dataType`` and ``source.fileObject`` / ``source.extract.column``). The converter maps them onto
the Frictionless shape the rest of dsbench reads:

- each record set whose fields come from ONE local tabular file becomes a resource (path, format,
  mediatype, hash, bytes) whose schema fields are the extracted columns, with the Croissant data
  type mapped to a Table Schema type, ``description`` kept, ``key`` as ``primaryKey`` and
  ``references`` as ``foreignKeys``; a local tabular file that no record set reads becomes a
  resource without a schema;
- dataset metadata: ``name``/``title``, ``description``, ``url`` -> ``homepage``, ``version``,
  ``license`` -> ``licenses``, ``keywords``, ``creator``/``publisher`` -> ``contributors``,
  ``isBasedOn`` -> ``sources``;
- the Croissant RAI 1.0 properties (:data:`RAI_PROPERTIES`, written ``rai:dataCollection`` or with
  the full ``http://mlcommons.org/croissant/RAI/`` IRI) are kept under their ``rai:`` names, as text
  (a list is joined by line breaks, a number written out, a ``{"@value": …}`` unwrapped; an empty
  one is left out). The documentation checklists list them as alternatives of the aspects they
  document (see :mod:`dsbench.suites.from_manifest`), beside dsbench's own keys.

A ``contentUrl`` that is a URL is read from a local copy next to ``metadata.json`` (by the file
object's ``name``, else the URL's last segment); dsbench never downloads data.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from pydantic import ValidationError

from dsbench.data.model import Manifest
from dsbench.errors import DataError, pydantic_location

SCHEMA_ORG = ("https://schema.org/", "http://schema.org/", "sc:")
CROISSANT = ("http://mlcommons.org/croissant/", "https://mlcommons.org/croissant/", "cr:")

# Croissant / schema.org data types -> Frictionless Table Schema types.
DATA_TYPES = {
    "text": "string", "url": "string", "integer": "integer", "int8": "integer", "int16": "integer",
    "int32": "integer", "int64": "integer", "uint8": "integer", "uint16": "integer",
    "uint32": "integer", "uint64": "integer", "float": "number", "float16": "number",
    "float32": "number", "float64": "number", "number": "number", "boolean": "boolean",
    "date": "date", "datetime": "datetime", "time": "time",
}
FORMATS = {
    "text/csv": "csv", "text/tab-separated-values": "tsv", "application/x-parquet": "parquet",
    "application/vnd.apache.parquet": "parquet", "application/parquet": "parquet",
    "application/json": "json", "application/jsonlines": "jsonl", "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl", "application/vnd.apache.arrow.file": "arrow",
}
RAI = ("rai:", "http://mlcommons.org/croissant/RAI/", "https://mlcommons.org/croissant/RAI/")
# The Croissant RAI 1.0 properties, kept in the manifest as ``rai:<name>``.
RAI_PROPERTIES = (
    "dataCollection", "dataCollectionType", "dataCollectionMissingData", "dataCollectionRawData",
    "dataCollectionTimeframe", "dataPreprocessingProtocol", "dataImputationProtocol",
    "dataManipulationProtocol", "dataReleaseMaintenancePlan", "personalSensitiveInformation",
    "dataAnnotationProtocol", "dataAnnotationPlatform", "dataAnnotationAnalysis", "annotationsPerItem",
    "annotatorDemographics", "machineAnnotationTools", "dataSocialImpact", "dataBiases",
    "dataLimitations", "dataUseCases",
)


def is_croissant(document: Any) -> bool:
    """A JSON-LD document describing a schema.org Dataset (Croissant)."""
    if not isinstance(document, dict) or "@context" not in document:
        return False
    kinds = document.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(_local(k, SCHEMA_ORG) == "Dataset" for k in kinds if isinstance(k, str)) or \
        "recordSet" in document or "distribution" in document


def looks_like_croissant(path: Path) -> bool:
    try:
        return is_croissant(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


def _local(name: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ref(value: Any) -> str | None:
    """A JSON-LD reference: ``{"@id": x}``, or a bare string."""
    if isinstance(value, dict):
        value = value.get("@id", value.get("name"))
    return value if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, list):
        texts = [t for t in (_text(v) for v in value) if t]
        return "\n".join(texts) if texts else None
    return value if isinstance(value, str) and value.strip() else None


def _data_type(value: Any) -> str | None:
    for item in _list(value):
        if not isinstance(item, str):
            continue
        local = _local(item, SCHEMA_ORG) or _local(item, CROISSANT) or item
        mapped = DATA_TYPES.get(local.lower())
        if mapped:
            return mapped
    return None


def _format(encoding: str | None, path: str) -> str | None:
    if encoding:
        base = encoding.split(";")[0].strip().lower()
        if base in FORMATS:
            return FORMATS[base]
    suffixes = [s.lower().lstrip(".") for s in PurePosixPath(path).suffixes]
    for suffix in reversed(suffixes):
        if suffix in ("csv", "tsv", "parquet", "json", "jsonl", "ndjson", "arrow", "feather"):
            return suffix
    return None


def _bytes(size: Any) -> int | None:
    if isinstance(size, int) and not isinstance(size, bool):
        return size
    if isinstance(size, str):
        match = re.fullmatch(r"\s*(\d+)\s*(?:B|bytes?)?\s*", size)
        if match:
            return int(match.group(1))
    return None


def _people(value: Any, role: str) -> list[dict[str, Any]]:
    people = []
    for person in _list(value):
        if isinstance(person, str):
            people.append({"title": person, "role": role})
        elif isinstance(person, dict) and _text(person.get("name")):
            entry = {"title": _text(person.get("name")), "role": role}
            if isinstance(person.get("url"), str):
                entry["path"] = person["url"]
            if isinstance(person.get("email"), str):
                entry["email"] = person["email"]
            people.append(entry)
    return people


def _licenses(value: Any) -> list[dict[str, Any]]:
    licenses = []
    for item in _list(value):
        if isinstance(item, str):
            licenses.append({"path": item} if urlparse(item).scheme in ("http", "https") else {"name": item})
        elif isinstance(item, dict):
            entry = {}
            if _text(item.get("name")):
                entry["name"] = _text(item.get("name"))
            if isinstance(item.get("url") or item.get("@id"), str):
                entry["path"] = item.get("url") or item.get("@id")
            if entry:
                licenses.append(entry)
    return licenses


def _sources(value: Any) -> list[dict[str, Any]]:
    sources = []
    for item in _list(value):
        if isinstance(item, str):
            sources.append({"title": item, "path": item} if urlparse(item).scheme else {"title": item})
        elif isinstance(item, dict):
            entry = {"title": _text(item.get("name")) or _ref(item) or ""}
            if isinstance(item.get("url") or item.get("@id"), str):
                entry["path"] = item.get("url") or item.get("@id")
            if entry["title"]:
                sources.append(entry)
    return sources


class _Files:
    """The distribution's file objects, by id, with their local paths."""

    def __init__(self, document: dict[str, Any], root: Path, source: str):
        self.by_id: dict[str, dict[str, Any]] = {}
        self.order: list[str] = []
        for index, item in enumerate(_list(document.get("distribution"))):
            if not isinstance(item, dict):
                continue
            kinds = [_local(k, CROISSANT) or k for k in _list(item.get("@type")) if isinstance(k, str)]
            if "FileObject" not in kinds:
                continue  # FileSets (globs inside archives) are not read
            ident = _ref(item) or _text(item.get("name")) or f"distribution[{index}]"
            local = self._local_path(item, root)
            self.by_id[ident] = {"item": item, "path": local, "index": index}
            self.order.append(ident)
        self.source = source

    @staticmethod
    def _local_path(item: dict[str, Any], root: Path) -> str | None:
        url = item.get("contentUrl")
        if not isinstance(url, str) or not url:
            return None
        parsed = urlparse(url)
        if parsed.scheme in ("", "file") and not PurePosixPath(parsed.path).is_absolute():
            return parsed.path if parsed.scheme == "file" else url
        candidates = [_text(item.get("name")), PurePosixPath(parsed.path).name]
        for candidate in candidates:
            if candidate and "/" not in candidate and (root / candidate).is_file():
                return candidate
        return None

    def resource(self, ident: str, name: str) -> dict[str, Any] | None:
        entry = self.by_id.get(ident)
        if entry is None or entry["path"] is None:
            return None
        item, path = entry["item"], entry["path"]
        fmt = _format(item.get("encodingFormat"), path)
        if fmt is None:
            return None
        resource: dict[str, Any] = {"name": name, "path": path, "format": fmt}
        if isinstance(item.get("encodingFormat"), str):
            resource["mediatype"] = item["encodingFormat"]
        if _bytes(item.get("contentSize")) is not None:
            resource["bytes"] = _bytes(item.get("contentSize"))
        if isinstance(item.get("sha256"), str):
            resource["hash"] = f"sha256:{item['sha256']}"
        if _text(item.get("description")):
            resource["description"] = _text(item.get("description"))
        return resource


def _field_ids(record_set: dict[str, Any]) -> dict[str, str]:
    """Field id (and name) -> the data column it reads."""
    ids = {}
    for field in _list(record_set.get("field")):
        if isinstance(field, dict):
            column = _column(field)
            for key in (_ref(field), _text(field.get("name"))):
                if key and column:
                    ids[key] = column
    return ids


def _column(field: dict[str, Any]) -> str | None:
    source = field.get("source") if isinstance(field.get("source"), dict) else {}
    extract = source.get("extract") if isinstance(source.get("extract"), dict) else {}
    column = extract.get("column")
    if isinstance(column, str) and column:
        return column
    name = _text(field.get("name"))
    return name.rsplit("/", 1)[-1] if name else None


def croissant_to_manifest_dict(document: dict[str, Any], root: Path, source: str = "") -> dict[str, Any]:
    files = _Files(document, root, source)
    record_sets = [r for r in _list(document.get("recordSet")) if isinstance(r, dict)]
    # Which record set (and resource name) owns each field id, for references between them.
    owner: dict[str, tuple[str, str]] = {}
    names: dict[int, str] = {}
    for index, record_set in enumerate(record_sets):
        name = _text(record_set.get("name")) or _ref(record_set) or f"recordSet{index}"
        names[index] = name
        for key, column in _field_ids(record_set).items():
            owner[key] = (name, column)

    resources: list[dict[str, Any]] = []
    used_files: set[str] = set()
    for index, record_set in enumerate(record_sets):
        fields = [f for f in _list(record_set.get("field")) if isinstance(f, dict)]
        file_ids = {_ref(f.get("source", {}).get("fileObject")) for f in fields
                    if isinstance(f.get("source"), dict)}
        file_ids.discard(None)
        if len(file_ids) != 1:
            continue  # inline data, file sets or several files: nothing dsbench can load as one table
        file_id = file_ids.pop()
        resource = files.resource(file_id, names[index])
        if resource is None:
            continue
        used_files.add(file_id)
        if _text(record_set.get("description")):
            resource["description"] = _text(record_set.get("description"))
        schema_fields, foreign_keys = [], []
        for field in fields:
            column = _column(field)
            if column is None:
                continue
            entry: dict[str, Any] = {"name": column}
            label = _text(field.get("name"))
            if label and label.rsplit("/", 1)[-1] != column:
                entry["title"] = label  # the Croissant field's own name, when it differs
            kind = _data_type(field.get("dataType"))
            if kind:
                entry["type"] = kind
            if _text(field.get("description")):
                entry["description"] = _text(field.get("description"))
            schema_fields.append(entry)
            reference = field.get("references")
            target = _ref(reference.get("field")) if isinstance(reference, dict) else None
            if target and target in owner:
                other, other_column = owner[target]
                foreign_keys.append({"fields": column, "reference": {
                    "resource": "" if other == names[index] else other, "fields": other_column}})
        schema: dict[str, Any] = {"fields": schema_fields}
        keys = [owner.get(_ref(k) or "", (None, _ref(k)))[1] for k in _list(record_set.get("key"))]
        keys = [k for k in keys if k]
        if keys:
            schema["primaryKey"] = keys
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resource["schema"] = schema
        resources.append(resource)
    taken = {r["name"] for r in resources}
    for ident in files.order:
        if ident in used_files:
            continue
        name = PurePosixPath(files.by_id[ident]["path"] or ident).name.split(".")[0] or ident
        if name in taken:
            continue
        resource = files.resource(ident, name)
        if resource is not None:
            resources.append(resource)
            taken.add(name)
    if not resources:
        raise DataError("the Croissant metadata names no local tabular file (CSV, Parquet, JSON) "
                        "that dsbench can read", source=source)

    manifest: dict[str, Any] = {"resources": resources, "dsbench:format": "croissant"}
    name = _text(document.get("name"))
    if name:
        manifest["name"] = name
        manifest["title"] = name
    for key, target in (("description", "description"), ("url", "homepage"), ("version", "version")):
        value = document.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
            manifest[target] = str(value)
    if _licenses(document.get("license")):
        manifest["licenses"] = _licenses(document.get("license"))
    keywords = [k for k in (_text(k) for k in _list(document.get("keywords"))) if k]
    if keywords:
        manifest["keywords"] = keywords
    contributors = _people(document.get("creator"), "author") + _people(document.get("publisher"), "publisher")
    if contributors:
        manifest["contributors"] = contributors
    if _sources(document.get("isBasedOn")):
        manifest["sources"] = _sources(document.get("isBasedOn"))
    manifest.update(_rai(document))
    return manifest


def _rai_text(value: Any) -> str | None:
    """An RAI property's value as text: strings, numbers, ``@value``/``name``/``@id``/``url``
    objects, and lists of them (one line each)."""
    if isinstance(value, list):
        texts = [t for t in (_rai_text(v) for v in value) if t]
        return "\n".join(texts) if texts else None
    if isinstance(value, dict):
        for key in ("@value", "name", "@id", "url"):
            if key in value:
                return _rai_text(value[key])
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value) if math.isfinite(value) else None
    return value if isinstance(value, str) and value.strip() else None


def _rai(document: dict[str, Any]) -> dict[str, str]:
    """The RAI properties the document fills in, as ``rai:<name>`` -> text."""
    found: dict[str, str] = {}
    for key, value in document.items():
        name = _local(key, RAI) if isinstance(key, str) else None
        if name in RAI_PROPERTIES and f"rai:{name}" not in found:
            text = _rai_text(value)
            if text:
                found[f"rai:{name}"] = text
    return {f"rai:{name}": found[f"rai:{name}"] for name in RAI_PROPERTIES if f"rai:{name}" in found}


def read_croissant(path: Path, document: Any | None = None):
    """The Croissant file at ``path`` as a :class:`~dsbench.data.model.Manifest`."""

    if document is None:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise DataError(f"cannot read manifest: {error}", source=str(path)) from None
        except json.JSONDecodeError as error:
            raise DataError(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                            source=str(path)) from None
    if not is_croissant(document):
        raise DataError("not a Croissant document (no JSON-LD @context with a schema.org Dataset)",
                        source=str(path))
    converted = croissant_to_manifest_dict(document, path.parent, str(path))
    try:
        return Manifest.model_validate(converted)
    except ValidationError as error:
        location, message = pydantic_location(error)
        raise DataError(message, source=str(path), location=location) from None
