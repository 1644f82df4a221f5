"""Standards as data: dimensions -> indicators bound to concerns and counted in a unit, plus gates
and grade levels.

A standard file is YAML validated against ``standards/standard.schema.json``; rules a schema cannot
express (unique codes and ids, known concerns each bound by one data indicator, gate references,
level order) are checked here. The
digest of a standard is the sha256 of its canonical JSON form, so comments and layout do not count.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from dsbench.errors import DsbenchError, shortened
from dsbench.files import shipped


class StandardError(DsbenchError):
    """A standard file is malformed or inconsistent."""


# Units whose elements are counted (A = elements no bound expectation finds defective); ``measure``
# takes the lowest measurement bound to the indicator instead.
ELEMENT_UNITS = ("values", "text_values", "cells", "records", "tables")
UNITS = ELEMENT_UNITS + ("measure",)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: dict[str, str]
    weight: float
    concerns: tuple[str, ...] = ()
    direction: str = "higher_is_better"
    evidence: str = "data"
    threshold: float | None = None
    references: tuple[str, ...] = ()
    description: str | None = None
    unit: str | None = None  # one of UNITS; None only for external indicators
    a: str | None = None  # A in words
    b: str | None = None  # B in words

    @property
    def external(self) -> bool:
        return self.evidence == "external"


@dataclass(frozen=True)
class Dimension:
    code: str
    id: str
    name: dict[str, str]
    weight: float
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Gate:
    type: str
    value: float | None = None
    dimension: str | None = None
    indicator: str | None = None
    severity: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Level:
    grade: str
    name: dict[str, str]
    min_score: float
    min_indicator_score: float | None = None  # every scored data (element-unit) indicator reaches it


@dataclass(frozen=True)
class Standard:
    id: str
    version: str
    status: str
    title: dict[str, str]
    scale: float
    dimensions: tuple[Dimension, ...]
    gates: tuple[Gate, ...]
    levels: tuple[Level, ...]
    profile: dict[str, str]
    source: dict[str, str]
    digest: str
    path: str | None = field(default=None, compare=False)

    def indicators(self) -> Iterator[tuple[Dimension, Indicator]]:
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                yield dimension, indicator

    def concerns(self) -> set[str]:
        return {c for _, indicator in self.indicators() for c in indicator.concerns}


def canonical_digest(document: Any) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=1)
def _schema() -> dict:
    return json.loads((shipped("standards") / "standard.schema.json").read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def concern_vocabulary() -> dict[str, dict]:
    from dsbench.files import load_yaml

    path = shipped("standards") / "concerns.yaml"
    return load_yaml(path.read_text(encoding="utf-8"), str(path), StandardError)["concerns"]


def _location(path: Any) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def schema_problems(document: Any, limit: int = 50) -> list[tuple[str, str]]:
    """Every place ``document`` breaks the standard schema, as (location, problem), in document
    order (at most ``limit``): a standards workspace shows them field by field, where loading a
    standard stops at the most relevant one."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    found = sorted(validator.iter_errors(document), key=lambda e: [str(part) for part in e.absolute_path])
    return [(_location(e.absolute_path), shortened(e.message)) for e in found[:limit]]


def _check_schema(document: Any, source: str) -> None:
    import jsonschema

    validator = jsonschema.Draft202012Validator(_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        # The message quotes the offending value, which may be large.
        raise StandardError(shortened(error.message), source=source, location=_location(error.absolute_path) or None)


def _check_rules(document: dict, source: str) -> None:
    known = concern_vocabulary()
    dimension_ids, dimension_codes, indicator_codes = set(), set(), set()
    bound: dict[str, str] = {}  # concern -> the data indicator that binds it
    for d, dimension in enumerate(document["dimensions"]):
        where = f"dimensions[{d}]"
        for key, seen in (("id", dimension_ids), ("code", dimension_codes)):
            if dimension[key] in seen:
                raise StandardError(f"duplicate dimension {key} {dimension[key]!r}", source=source,
                                    location=f"{where}.{key}")
            seen.add(dimension[key])
        for i, indicator in enumerate(dimension["indicators"]):
            here = f"{where}.indicators[{i}]"
            if indicator["code"] in indicator_codes:
                raise StandardError(f"duplicate indicator code {indicator['code']!r}", source=source,
                                    location=f"{here}.code")
            indicator_codes.add(indicator["code"])
            for c, concern in enumerate(indicator.get("concerns", [])):
                if concern not in known:
                    raise StandardError(f"unknown concern {concern!r} (see standards/concerns.yaml)",
                                        source=source, location=f"{here}.concerns[{c}]")
                if indicator.get("evidence") == "external":
                    continue  # describes the evidence; no result is bound
                if concern in bound:
                    # One result feeds one indicator: otherwise a single defect is counted twice.
                    raise StandardError(f"concern {concern!r} is already bound by indicator {bound[concern]}",
                                        source=source, location=f"{here}.concerns[{c}]")
                bound[concern] = indicator["code"]
    for g, gate in enumerate(document.get("gates", [])):
        if gate.get("dimension") is not None and gate["dimension"] not in dimension_codes:
            raise StandardError(f"gate names unknown dimension {gate['dimension']!r}", source=source,
                                location=f"gates[{g}].dimension")
        if gate.get("indicator") is not None and gate["indicator"] not in indicator_codes:
            raise StandardError(f"gate names unknown indicator {gate['indicator']!r}", source=source,
                                location=f"gates[{g}].indicator")
    minimums = [level["min_score"] for level in document.get("levels", [])]
    if minimums != sorted(minimums, reverse=True):
        raise StandardError("levels must be ordered from the highest min_score down", source=source,
                            location="levels")
    floors = [level.get("min_indicator_score", 0) for level in document.get("levels", [])]
    if floors != sorted(floors, reverse=True):
        raise StandardError("a level's min_indicator_score may not exceed a higher level's", source=source,
                            location="levels")


def _check_numbers(value: Any, source: str, path: tuple = ()) -> None:
    """Every number must be finite and fit a float: an infinite weight or scale turns every score
    into NaN, and an integer beyond float range cannot be used at all."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(item, source, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_numbers(item, source, (*path, index))
    elif isinstance(value, float) and not math.isfinite(value):
        raise StandardError(f"{value} is not a finite number", source=source, location=_location(path) or None)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max:
        raise StandardError("integer beyond the range of numbers (about 1.8e308)", source=source,
                            location=_location(path) or None)


def standard_from_document(document: Any, source: str) -> Standard:
    _check_numbers(document, source)
    _check_schema(document, source)
    _check_rules(document, source)
    dimensions = tuple(
        Dimension(d["code"], d["id"], d["name"], float(d["weight"]), tuple(
            Indicator(i["code"], i["name"], float(i["weight"]), tuple(i.get("concerns", [])),
                      i.get("direction", "higher_is_better"), i.get("evidence", "data"),
                      i.get("threshold"), tuple(i.get("references", [])), i.get("description"),
                      i.get("unit"), i.get("a"), i.get("b"))
            for i in d["indicators"]))
        for d in document["dimensions"])
    gates = tuple(Gate(g["type"], g.get("value"), g.get("dimension"), g.get("indicator"),
                       g.get("severity"), g.get("description")) for g in document.get("gates", []))
    levels = tuple(Level(level["grade"], level["name"], float(level["min_score"]),
                         float(level["min_indicator_score"]) if "min_indicator_score" in level else None)
                   for level in document.get("levels", []))
    return Standard(document["id"], document["version"], document["status"], document["title"],
                    float(document["scale"]), dimensions, gates, levels, document["profile"],
                    document["source"], canonical_digest(document), source)


STANDARDS_ENTRY_POINT_GROUP = "dsbench.standards"


def shipped_standards() -> dict[str, Path]:
    """Standard id -> file: the shipped standards, then those installed by plugins (the entry-point
    group ``dsbench.standards``: a name and an object whose text is the standard file's path). A
    plugin cannot replace a shipped standard."""
    directory = shipped("standards")
    found = {p.stem: p for p in sorted(directory.glob("*.yaml")) if p.name != "concerns.yaml"}
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group=STANDARDS_ENTRY_POINT_GROUP), key=lambda e: e.name):
        found.setdefault(entry.name, Path(str(entry.load())))
    return found


def load_standard(standard: str | Path | Standard) -> Standard:
    """A standard from a file path or the id of a shipped standard."""
    if isinstance(standard, Standard):
        return standard
    from dsbench.data.files import path_exists

    text = str(standard)
    path = Path(text)
    if not path_exists(path) and text in shipped_standards():
        path = shipped_standards()[text]
    elif not path_exists(path):
        known = ", ".join(shipped_standards())
        raise StandardError(f"no standard file or standard id {text!r} (known ids: {known})")
    from dsbench.files import read_document

    return standard_from_document(read_document(path, StandardError, "standard file"), str(path))
