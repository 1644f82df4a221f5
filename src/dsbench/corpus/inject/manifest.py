"""The manifest of the injected copy: the original's, with what the copy changed updated.

Each rewritten file's declared size and hash (and path and format, where they changed) are updated
and ``dsbench:injected`` is added, nothing else."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlparse

from dsbench.data.files import file_digest

PARQUET_MEDIATYPE = "application/vnd.apache.parquet"


def declared_hash(declared: Any, path: Path) -> str:
    """The file's hash in the form the manifest declared it: ``algorithm:hex``, or bare hex (which
    Frictionless reads as MD5)."""
    algorithm, sep, _ = str(declared).partition(":")
    algorithm = algorithm.lower() if sep and algorithm.lower() in hashlib.algorithms_available else "md5"
    return f"{algorithm}:{file_digest(path, algorithm)}" if sep else file_digest(path, "md5")


def write_manifest(dataset: Any, written: dict[str, tuple[Path, str]], staging: Path,
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
        resource["hash"] = declared_hash(resource["hash"], file)


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
            item["sha256"] = file_digest(file, "sha256")
        if "contentSize" in item:
            size = file.stat().st_size
            item["contentSize"] = size if isinstance(item["contentSize"], int) else f"{size} B"
