"""Comparing cards: field-level differences (for verify) and score changes (for diff); reading a
card from a file with its shape checked (for verify, render and diff)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from dsbench.scorecard import ScoreCard


def differences(old: Any, new: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every leaf that differs between two JSON documents, as (path, old, new)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where = f"{path}.{key}" if path else key
            if key not in old or key not in new:
                yield where, old.get(key), new.get(key)
            else:
                yield from differences(old[key], new[key], where)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            yield f"{path}.length", len(old), len(new)
        for index, (a, b) in enumerate(zip(old, new)):
            yield from differences(a, b, f"{path}[{index}]")
    elif old != new or type(old) is not type(new):
        yield path, old, new


def score_changes(old: dict, new: dict) -> dict[str, list]:
    """What changed between two cards of the same dataset or standard, for people."""
    changes: dict[str, list] = {"score": [], "indicators": [], "expectations": []}
    for key in ("score", "grade", "passed"):
        if old.get(key) != new.get(key):
            changes["score"].append((key, old.get(key), new.get(key)))

    def indicators(card: dict) -> dict[str, dict]:
        return {i["code"]: i for d in card.get("dimensions", []) for i in d["indicators"]}

    before, after = indicators(old), indicators(new)
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code, {}), after.get(code, {})
        if (a.get("score"), a.get("status")) != (b.get("score"), b.get("status")):
            changes["indicators"].append((code, a.get("score"), b.get("score"), a.get("status"), b.get("status")))

    def results(card: dict) -> dict[str, dict]:
        return {r["id"]: r for r in card.get("results", [])}

    was, now = results(old), results(new)
    for rid in sorted(set(was) | set(now)):
        a, b = was.get(rid), now.get(rid)
        if a is None or b is None or a["success"] != b["success"] or a["measure"] != b["measure"]:
            changes["expectations"].append((rid, None if a is None else a["success"],
                                            None if b is None else b["success"]))
    return changes


# -- reading cards written elsewhere ----------------------------------------------------------------
# The fields of a card and their types, as evaluate() writes them: a card edited into another shape
# is refused naming the field, instead of failing deep inside a renderer or verify. A mapping with
# the key "*" maps any key to that shape; a list holds items of its one shape; a tuple is a choice.
_NUMBER = "number"  # int or float (not bool), or the text rounded() writes for NaN and infinities
_ANY = "any"
_NAME = {"*": str}
_INDICATOR = {"code": str, "name": _NAME, "weight": _NUMBER, "status": str, "direction": str,
              "unit": (str, None), "a": (str, None), "b": (str, None),
              "score": (_NUMBER, None), "value": (_NUMBER, None), "passed": (_NUMBER, None),
              "evaluated": (_NUMBER, None), "coverage": (_NUMBER, None), "threshold": (_NUMBER, None),
              "threshold_met": (bool, None), "effective_weight": (_NUMBER, None),
              "results": [{"id": str, "passed": _NUMBER, "evaluated": _NUMBER}], "source": (str, None)}
_ELEMENTS = {"rows": _NUMBER, "present": {"*": _NUMBER}, "text": [str], "absent": [str], "atoms": [str],
             "groups": [{"atoms": [_NUMBER], "rows": _NUMBER, "missing": {"*": _NUMBER}}], "exact": bool}
CARD_SHAPE: dict[str, Any] = {
    "card_version": str,
    "dataset": {"name": str, "fingerprint": str,
                "tables": [{"name": str, "rows": _NUMBER, "content_hash": str,
                            "columns": [{"name": str, "type": str}],
                            "files": [{"path": str, "bytes": _NUMBER, "sha256": str}]}]},
    "manifest_digest": (str, None),
    "standard": {"id": str, "version": str, "status": str, "title": _NAME, "digest": str},
    "suites": [{"id": str, "version": str, "digest": str, "feeds": [str], "makes_applicable": [str],
                "skipped": [dict]}],
    "engine": {"*": str},
    "options": {"encoding": (str, None), "missing_values": ([str], None), "generated_suites": bool,
                "full_evidence": bool,
                "evidence": {"*": {"passed": (_NUMBER, None), "evaluated": (_NUMBER, None),
                                   "score": (_NUMBER, None), "source": str}}},
    "scale": _NUMBER, "score": (_NUMBER, None), "grade": (str, None), "passed": bool,
    "levels": [{"grade": str, "name": _NAME, "min_score": _NUMBER}],
    "gates": [{"type": str, "passed": bool, "description": str, "threshold": _ANY, "observed": _ANY}],
    "dimensions": [{"code": str, "id": str, "name": _NAME, "weight": _NUMBER, "effective_weight": (_NUMBER, None),
                    "status": str, "score": (_NUMBER, None), "indicators": [_INDICATOR]}],
    "elements": {"*": _ELEMENTS},
    "results": [{"id": str, "suite": str, "table": str, "concern": (str, None), "severity": str,
                 "success": bool, "expectation_config": dict, "result": dict, "exception_info": dict,
                 "measure": {"passed": _NUMBER, "evaluated": _NUMBER},
                 "scoring": {"kind": str, "columns": [str], "flagged": _NUMBER, "by_row": bool,
                             "identity": (str, None)}}],
    "digest": str,
}
_NON_FINITE = ("nan", "inf", "-inf")


def _fits(value: Any, shape: Any) -> bool:
    if shape is _ANY:
        return True
    if shape is None:
        return value is None
    if shape is _NUMBER:
        return (isinstance(value, (int, float)) and not isinstance(value, bool)) or value in _NON_FINITE
    if isinstance(shape, type):
        return isinstance(value, shape)
    if isinstance(shape, list):
        return isinstance(value, list)
    if isinstance(shape, dict):
        return isinstance(value, dict)
    return any(_fits(value, choice) for choice in shape)


def _describe(shape: Any) -> str:
    if isinstance(shape, tuple):
        return " or ".join(_describe(choice) for choice in shape)
    names = {str: "text", bool: "true or false", dict: "a mapping", _NUMBER: "a number", None: "null"}
    if isinstance(shape, list):
        return "a list"
    if isinstance(shape, dict):
        return "a mapping"
    return names.get(shape, getattr(shape, "__name__", str(shape)))


def shape_problem(value: Any, shape: Any = CARD_SHAPE, where: str = "") -> tuple[str, str] | None:
    """The first (field path, problem) where ``value`` departs from ``shape``, or None."""
    if not _fits(value, shape):
        return where, f"expected {_describe(shape)}, found {type(value).__name__}"
    if isinstance(shape, tuple):
        shape = next(choice for choice in shape if _fits(value, choice))
    if isinstance(shape, list):
        for index, item in enumerate(value):
            found = shape_problem(item, shape[0], f"{where}[{index}]")
            if found:
                return found
    elif isinstance(shape, dict):
        for key, inner in shape.items():
            keys = value if key == "*" else [key]
            for name in keys:
                here = f"{where}.{name}" if where else str(name)
                if name not in value:
                    return here, "missing"
                found = shape_problem(value[name], inner, here)
                if found:
                    return found
    return None


def _non_finite(value: Any, where: str = "") -> tuple[str, str] | None:
    """The first NaN or Infinity literal: not JSON, and never written by dsbench (which writes
    "nan" / "inf" as text)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where, f"{value} is not a JSON number"
    if isinstance(value, dict):
        items = [(f"{where}.{key}" if where else str(key), item) for key, item in value.items()]
    elif isinstance(value, list):
        items = [(f"{where}[{index}]", item) for index, item in enumerate(value)]
    else:
        items = []
    for here, item in items:
        found = _non_finite(item, here)
        if found:
            return found
    return None


def load_card(path: str | Path) -> "ScoreCard":
    """A card from a file, refused with a one-line error naming the file (and field) when it is not
    JSON, nested too deeply, or not of a card's shape."""
    from dsbench.scorecard import CardError, ScoreCard

    card = ScoreCard.load(path)
    found = shape_problem(card.document) or _non_finite(card.document)
    if found:
        location, problem = found
        raise CardError(f"not a dsbench card: {problem}", source=str(path), location=location)
    return card
