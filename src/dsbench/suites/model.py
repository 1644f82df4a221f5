"""Suites: named, versioned lists of expectations, read from YAML, GX suite JSON or Python.

Suites are found by path, by id among the shipped suites (``suites/<id>.yaml``), or by id among the
suites other packages publish under the entry-point group ``dsbench.suites`` (an entry point names
a path, or a callable returning a path, a dict or a :class:`Suite`).
"""

from __future__ import annotations

import datetime as dt
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Iterable

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from dsbench.errors import SuiteError, pydantic_location
from dsbench.expectations.base import ExpectationConfig
from dsbench.expectations.result_format import ResultFormatField
from dsbench.files import shipped

ENTRY_POINT_GROUP = "dsbench.suites"
SUITE_SUFFIXES = (".yaml", ".yml", ".json")
GX_RESERVED_META = "dsbench"


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    version: str | int = "1"
    description: str | None = None
    table: str | None = Field(None, description="the table of a multi-table dataset the suite checks")
    expectations: list[ExpectationConfig] = Field(default_factory=list)
    result_format: ResultFormatField = Field(None, exclude_if=lambda value: value is None, description=(
        "the default GX result format of its results (BOOLEAN_ONLY, BASIC, SUMMARY, COMPLETE or "
        "a mapping with 'result_format'); an expectation's own or the run's wins"))
    meta: dict[str, Any] = Field(default_factory=dict)
    _source: str | None = PrivateAttr(None)  # the file it was read from, for messages

    @property
    def source(self) -> str | None:
        return self._source

    @field_validator("version", mode="before")
    @classmethod
    def version_text(cls, value: Any) -> Any:
        """Versions are kept as text; YAML's ``version: 1`` is accepted."""
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value

    # -- reading ---------------------------------------------------------------------------------
    @classmethod
    def from_dict(cls, document: Any, source: str | None = None) -> "Suite":
        if not isinstance(document, dict):
            raise SuiteError("a suite must be a mapping with 'name' and 'expectations'", source=source)
        document = _iso_dates(document)
        if _looks_like_gx(document):
            document = _from_gx(document)
        try:
            return cls.model_validate(document)
        except ValidationError as error:
            location, message = pydantic_location(error)
            raise SuiteError(message, source=source, location=location) from None

    @classmethod
    def from_file(cls, path: str | Path) -> "Suite":
        from dsbench.files import read_document

        path = Path(path)
        document = read_document(path, SuiteError, "suite file")
        suite = cls.from_dict(document, str(path))
        suite._source = str(path)
        return suite

    @classmethod
    def from_expectations(cls, items: Iterable[dict[str, Any]], name: str = "inline") -> "Suite":
        return cls.from_dict({"name": name, "expectations": list(items)}, "<expectations>")

    # -- writing ---------------------------------------------------------------------------------
    def to_gx(self) -> dict[str, Any]:
        """A GX Core 1.x ExpectationSuite document; dsbench fields travel in each ``meta``."""
        expectations = []
        for index, config in enumerate(self.expectations):
            meta = dict(config.meta)
            if config.concern:
                meta.setdefault(GX_RESERVED_META, {})["concern"] = config.concern
            item: dict[str, Any] = {"type": config.type, "kwargs": dict(config.kwargs), "meta": meta,
                                    "id": config.stable_id(self.name, index),
                                    "severity": config.severity}
            if config.notes:
                item["notes"] = config.notes
            expectations.append(item)
        meta = dict(self.meta)
        meta.setdefault(GX_RESERVED_META, {}).update({"version": self.version, "table": self.table})
        if self.result_format is not None:
            meta[GX_RESERVED_META]["result_format"] = self.result_format
        return {"name": self.name, "expectations": expectations, "meta": meta,
                "notes": self.description}

    def to_yaml_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_defaults=True, exclude_none=True) | {"name": self.name}


def _looks_like_gx(document: dict) -> bool:
    if "expectation_suite_name" in document:
        return True
    items = document.get("expectations")
    return isinstance(items, list) and any(
        isinstance(e, dict) and ("expectation_type" in e or "rendered_content" in e or
                                 isinstance(e.get("meta"), dict) and GX_RESERVED_META in e["meta"])
        for e in items) or "data_asset_type" in document or "ge_cloud_id" in document or (
        isinstance(document.get("meta"), dict) and "great_expectations_version" in document["meta"])


def _iso_dates(value: Any) -> Any:
    """YAML reads an unquoted 2024-01-31 as a date: kept as ISO text, as in GX suite JSON (a date
    object would not survive JSON output)."""
    if isinstance(value, dict):
        return {key: _iso_dates(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_iso_dates(item) for item in value]
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    return value


def _mapping(value: Any) -> Any:
    """A copy of a mapping (or of nothing: {}); anything else as it is, for validation to name."""
    return dict(value) if isinstance(value, dict) else ({} if value is None else value)


def _from_gx(document: dict) -> dict[str, Any]:
    """GX 1.x (``type``) and 0.x (``expectation_type``) suite JSON -> dsbench suite dict."""
    meta = _mapping(document.get("meta"))
    ours = (meta.pop(GX_RESERVED_META, {}) if isinstance(meta, dict)
            and isinstance(meta.get(GX_RESERVED_META), dict) else {})
    expectations = []
    items = document.get("expectations")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            expectations.append(item)  # let validation name the problem
            continue
        item_meta = _mapping(item.get("meta"))
        extra = (item_meta.pop(GX_RESERVED_META, {}) if isinstance(item_meta, dict)
                 and isinstance(item_meta.get(GX_RESERVED_META), dict) else {})
        kwargs = _mapping(item.get("kwargs"))
        condition = kwargs.get("row_condition") if isinstance(kwargs, dict) else None
        if isinstance(condition, dict) and condition.get("type") == "pass_through":
            kwargs["row_condition"] = condition.get("pass_through_filter")
        converted: dict[str, Any] = {"type": item.get("type", item.get("expectation_type")),
                                     "kwargs": kwargs, "meta": item_meta}
        for key in ("id", "severity", "notes"):
            if item.get(key) is not None:
                converted[key] = item[key]
        if "concern" in extra:
            converted["concern"] = extra["concern"]
        expectations.append(converted)
    suite: dict[str, Any] = {"name": document.get("name", document.get("expectation_suite_name")),
                             "expectations": expectations if isinstance(items, (list, type(None))) else items,
                             "meta": meta}
    if ours.get("version") is not None:
        suite["version"] = ours["version"]
    if ours.get("table") is not None:
        suite["table"] = ours["table"]
    if ours.get("result_format") is not None:
        suite["result_format"] = ours["result_format"]
    if isinstance(document.get("notes"), str):
        suite["description"] = document["notes"]
    return suite


def shipped_suites() -> dict[str, Path]:
    directory = shipped("suites")
    found = {}
    for path in sorted(directory.glob("*")):
        if path.suffix in SUITE_SUFFIXES and not path.name.endswith(".schema.json"):
            found[path.stem] = path
    return found


def plugin_suites() -> dict[str, Any]:
    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


def resolve_suite(suite: Any) -> Suite:
    """A Suite from a Suite, a path, a shipped or plugin id, or a list of {type, kwargs} dicts."""
    if isinstance(suite, Suite):
        return suite
    if isinstance(suite, list):
        return Suite.from_expectations(suite)
    if isinstance(suite, dict):
        return Suite.from_dict(suite, "<dict>")
    if isinstance(suite, (str, Path)):
        text = str(suite)
        from dsbench.data.files import path_exists

        if path_exists(text) or Path(text).suffix in SUITE_SUFFIXES or "/" in text:
            return Suite.from_file(text)
        if text in shipped_suites():
            return Suite.from_file(shipped_suites()[text])
        plugins = plugin_suites()
        if text in plugins:
            return _load_plugin_suite(text, plugins[text])
        known = ", ".join(sorted({*shipped_suites(), *plugins})) or "none"
        raise SuiteError(f"no suite file or suite id {text!r} (known ids: {known})")
    raise SuiteError(f"cannot use a {type(suite).__name__} as a suite")


def _load_plugin_suite(name: str, entry: Any) -> Suite:
    try:
        target = entry.load()
        target = target() if callable(target) and not isinstance(target, type) else target
    except Exception as error:
        raise SuiteError(f"suite plugin {entry.value!r} failed to load: {error}", source=ENTRY_POINT_GROUP) from None
    if isinstance(target, Suite):
        return target
    if isinstance(target, dict):
        return Suite.from_dict(target, f"{ENTRY_POINT_GROUP}:{name}")
    if isinstance(target, (str, Path)):
        return Suite.from_file(target)
    raise SuiteError(f"suite plugin {entry.value!r} returned a {type(target).__name__}", source=ENTRY_POINT_GROUP)


def suite_json_schema() -> dict[str, Any]:
    schema = Suite.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://dsbench.dev/schemas/suite.schema.json"
    return schema
