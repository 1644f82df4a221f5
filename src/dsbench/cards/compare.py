"""Comparing cards: field-level differences, content before naming (for verify), and score changes
(for diff); reading a card from a file with its shape checked (for verify, render and diff)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from dsbench.render._shared import card_number

if TYPE_CHECKING:
    from dsbench.cards.card import ScoreCard


# -- field differences, for verify ---------------------------------------------------------------------
# What a difference is about, in the order verify lists them: the causes (the data, then the other
# inputs) before their effects (scores, then results), and last what only names or locates the data.
DATA, INPUTS, SCORES, RESULTS, NAMING = range(5)
# Fields that name or locate the data without being part of it (by shape: list positions as "[]").
_NAMING_FIELDS = {"dataset.name", "dataset.tables[].name", "dataset.tables[].files[].path", "results[].table",
                  "digest"}
_DATA_FIELDS = ("dataset.tables[].rows", "dataset.tables[].content_hash", "dataset.tables[].columns",
                "dataset.tables.length")
_TABLE = "dataset.tables[]"  # a table only one card has
_INPUT_FIELDS = ("card_version", "dataset", "manifest_digest", "standard", "suites", "options", "engine")
_SCORE_FIELDS = ("scale", "score", "grade", "passed", "gates", "levels", "dimensions")
# Lists compared item by item under a key, so that one added expectation does not shift every later one.
_KEYED = {"results": "id", "dimensions": "code", "dimensions[].indicators": "code",
          "dimensions[].indicators[].results": "id", "suites": "id", "levels": "grade"}


@dataclass(frozen=True)
class Difference:
    """One field that differs between a card and its re-evaluation; ``rank`` says what it is about
    (DATA, INPUTS, SCORES, RESULTS: content; NAMING: a name or location only)."""
    path: str
    old: Any
    new: Any
    rank: int

    @property
    def naming(self) -> bool:
        return self.rank == NAMING


def _unique(items: list, key: str) -> bool:
    keys = [item.get(key) if isinstance(item, dict) else None for item in items]
    return all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)


def _walk(old: Any, new: Any, path: str, shape: str) -> Iterator[tuple[str, str, Any, Any]]:
    """(path, shape, old, new) for every leaf that differs between two JSON documents; ``shape`` is
    the path with list positions as "[]". The lists of _KEYED are matched by key, others by position."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            where, form = (f"{path}.{key}", f"{shape}.{key}") if path else (str(key), str(key))
            if key not in old or key not in new:
                yield where, form, old.get(key), new.get(key)
            else:
                yield from _walk(old[key], new[key], where, form)
    elif isinstance(old, list) and isinstance(new, list):
        key = _KEYED.get(shape)
        if key and _unique(old, key) and _unique(new, key):
            was, now = {item[key]: item for item in old}, {item[key]: item for item in new}
            for name in [*was, *(k for k in now if k not in was)]:
                if name in was and name in now:
                    yield from _walk(was[name], now[name], f"{path}[{name}]", f"{shape}[]")
                else:
                    yield f"{path}[{name}]", f"{shape}[]", was.get(name), now.get(name)
            common = [k for k in was if k in now]
            if common != [k for k in now if k in was]:
                yield f"{path}.order", f"{shape}.order", common, [k for k in now if k in was]
            return
        if len(old) != len(new):
            yield f"{path}.length", f"{shape}.length", len(old), len(new)
        for index, (a, b) in enumerate(zip(old, new)):
            yield from _walk(a, b, f"{path}[{index}]", f"{shape}[]")
    elif old != new or type(old) is not type(new):
        yield path, shape, old, new


def _content(table: dict) -> tuple:
    return table.get("rows"), table.get("content_hash"), table.get("columns")


def _pair_tables(old: list[dict], new: list[dict]) -> list[tuple[dict | None, dict | None]]:
    """The tables of two cards matched: by name, then (a renamed table) by content, then the one
    table left on each side (a single table renamed and changed)."""
    pairs: list[tuple[dict | None, dict | None]] = []
    left = list(old)
    right = list(new)
    for matches in (lambda a, b: a.get("name") == b.get("name"),
                    lambda a, b: _content(a) == _content(b),
                    lambda a, b: len(left) == len(right) == 1):
        for table in list(left):
            partner = next((other for other in right if matches(table, other)), None)
            if partner is not None:
                pairs.append((table, partner))
                left.remove(table)
                right.remove(partner)
    pairs += [(table, None) for table in left] + [(None, table) for table in right]
    order = {id(table): index for index, table in enumerate(old)}
    return sorted(pairs, key=lambda pair: order.get(id(pair[0]), len(old)))


def _rank(shape: str) -> int:
    if shape in _NAMING_FIELDS:
        return NAMING
    if shape == _TABLE or shape.startswith(_DATA_FIELDS):
        return DATA
    head = shape.split(".")[0].split("[")[0]
    if head in _INPUT_FIELDS:
        return INPUTS
    if head in _SCORE_FIELDS:
        return SCORES
    return RESULTS


def card_differences(card: dict, fresh: dict) -> list[Difference]:
    """Every field that differs between a card and its re-evaluation, the content first: the data
    (each table's rows, content hash and columns), the other inputs (fingerprint, files, manifest,
    standard, suites, options, engine), the scores, the results; then what only names or locates
    the data (the dataset's and the tables' names, file paths, each result's table, the digest).
    Within a rank, in the order of the paths. Tables are matched by name, or a renamed one by its
    content; results, dimensions and indicators by id and code."""
    found: list[tuple[str, str, Any, Any]] = []
    old_set, new_set = card.get("dataset", {}), fresh.get("dataset", {})
    pairs = _pair_tables(old_set.get("tables", []), new_set.get("tables", []))
    renamed = {b["name"]: a["name"] for a, b in pairs if a and b and a.get("name") != b.get("name")}
    if len(old_set.get("tables", [])) != len(new_set.get("tables", [])):
        found.append(("dataset.tables.length", "dataset.tables.length", len(old_set.get("tables", [])),
                      len(new_set.get("tables", []))))
    for a, b in pairs:
        where = f"dataset.tables[{(a or b).get('name')}]"
        if a is None or b is None:
            found.append((where, _TABLE, a, b))
        else:
            found.extend(_walk(a, b, where, _TABLE))
    rest = [key for key in sorted(set(card) | set(fresh)) if key not in ("dataset", "elements")]
    found.extend(_walk({k: card[k] for k in rest if k in card}, {k: fresh[k] for k in rest if k in fresh}, "", ""))
    found.extend(_walk({k: v for k, v in old_set.items() if k != "tables"},
                       {k: v for k, v in new_set.items() if k != "tables"}, "dataset", "dataset"))
    # Elements are kept per table name: a renamed table's elements are compared with its own.
    elements = {renamed.get(name, name): value for name, value in fresh.get("elements", {}).items()}
    found.extend(_walk(card.get("elements", {}), elements, "elements", "elements"))
    for now, was in sorted(renamed.items()):
        if now in fresh.get("elements", {}) and was in card.get("elements", {}):
            found.append((f"elements.{was}", "naming", was, now))
    same_data = len(pairs) and all(a and b and _content(a) == _content(b) for a, b in pairs)
    # A generated suite is bound to its table by name: renamed, its digest changes with nothing else.
    configs = [{r["id"]: (r.get("suite"), r.get("expectation_config")) for r in doc.get("results", [])}
               for doc in (card, fresh)]
    moved = {(configs[0].get(rid) or configs[1].get(rid))[0] for rid in set(configs[0]) | set(configs[1])
             if configs[0].get(rid) != configs[1].get(rid)}
    listed = []
    for path, shape, old, new in found:
        rank = NAMING if shape == "naming" else _rank(shape)
        if path == "dataset.fingerprint" and same_data:
            rank = NAMING  # the same tables under other names
        if shape == "suites[].digest" and renamed:
            suite = path[len("suites["):-len("].digest")]
            if suite.startswith("generated-") and suite not in moved:
                rank = NAMING  # the same expectations on a renamed table
        listed.append(Difference(path, old, new, rank))
    return sorted(listed, key=lambda d: (d.rank, _path_key(d.path)))


def _path_key(path: str) -> tuple:
    """Paths in order, list positions by number: [2] before [10]."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", path))


# -- score changes, for diff ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OverallChange:
    """The overall score, grade or pass verdict, before and after."""
    field: str  # score | grade | passed
    before: Any
    after: Any


@dataclass(frozen=True)
class IndicatorState:
    """An indicator as one card scored it: A, B, score and status."""
    passed: Any
    evaluated: Any
    score: Any
    status: str | None


@dataclass(frozen=True)
class IndicatorChange:
    """An indicator whose A, B, score or status changed; ``before``/``after`` is None where the card
    has no such indicator (another standard, or another version of it)."""
    code: str
    name: dict[str, str]
    before: IndicatorState | None
    after: IndicatorState | None


@dataclass(frozen=True)
class ResultState:
    """An expectation's outcome in one card: success, and its measure A/B."""
    success: bool
    passed: Any
    evaluated: Any


@dataclass(frozen=True)
class ExpectationChange:
    """An expectation whose success or measure changed, or that only one card has."""
    id: str
    before: ResultState | None  # None: added
    after: ResultState | None  # None: removed

    @property
    def kind(self) -> str:
        return "added" if self.before is None else "removed" if self.after is None else "changed"


@dataclass(frozen=True)
class ScoreChanges:
    """Everything :func:`score_changes` found; empty (falsy) when no score or result moved."""
    overall: list[OverallChange] = field(default_factory=list)
    indicators: list[IndicatorChange] = field(default_factory=list)
    expectations: list[ExpectationChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overall or self.indicators or self.expectations)


def _indicator_state(indicator: dict | None) -> IndicatorState | None:
    if indicator is None:
        return None
    return IndicatorState(indicator.get("passed"), indicator.get("evaluated"), indicator.get("score"),
                          indicator.get("status"))


def _result_state(result: dict | None) -> ResultState | None:
    if result is None:
        return None
    measure = result.get("measure") or {}
    return ResultState(result.get("success"), measure.get("passed"), measure.get("evaluated"))


def score_changes(old: dict, new: dict) -> ScoreChanges:
    """What changed between two cards (of the same dataset or standard, say), for people: the overall
    score, grade and verdict; each indicator whose A, B, score or status moved (by code); each
    expectation whose success or measure moved, or that one card lacks (by id). Names and locations
    (dataset, tables, files) are not scores: two cards that differ only there have no changes."""
    changes = ScoreChanges()
    for key in ("score", "grade", "passed"):
        if old.get(key) != new.get(key):
            changes.overall.append(OverallChange(key, old.get(key), new.get(key)))

    def indicators(card: dict) -> dict[str, dict]:
        return {i["code"]: i for d in card.get("dimensions", []) for i in d["indicators"]}

    before, after = indicators(old), indicators(new)
    for code in [*before, *(c for c in after if c not in before)]:
        was, now = _indicator_state(before.get(code)), _indicator_state(after.get(code))
        if was != now:
            name = (after.get(code) or before.get(code) or {}).get("name") or {}
            changes.indicators.append(IndicatorChange(code, name, was, now))

    def results(card: dict) -> dict[str, dict]:
        return {r["id"]: r for r in card.get("results", [])}

    was_run, now_run = results(old), results(new)
    for rid in sorted(set(was_run) | set(now_run)):
        was, now = _result_state(was_run.get(rid)), _result_state(now_run.get(rid))
        if was != now:
            changes.expectations.append(ExpectationChange(rid, was, now))
    return changes


NO_CHANGES = "no change in scores or results"
ARROW = "→"
SCORE_DIGITS = 10  # decimals at most: a card keeps 10 significant digits


def _fraction(passed: Any, evaluated: Any) -> str:
    from dsbench.render._shared import fmt_count

    return f"{fmt_count(passed)}/{fmt_count(evaluated)}"


def _scores(before: Any, after: Any) -> str:
    """``before → after, ±delta``: one decimal, or as many more as it takes to tell them apart."""
    was, now = card_number(before), card_number(after)
    if was is None or now is None:  # scored on one side only: no delta
        was_text, now_text = ("—" if v is None else f"{v:.1f}" for v in (was, now))
        return f"{was_text} {ARROW} {now_text}"
    digits = 1
    while digits < SCORE_DIGITS and f"{was:.{digits}f}" == f"{now:.{digits}f}":
        digits += 1
    sign = "+" if now >= was else "−"
    return f"{was:.{digits}f} {ARROW} {now:.{digits}f}, {sign}{abs(now - was):.{digits}f}"


def _indicator_text(state: IndicatorState | None) -> str:
    from dsbench.i18n import t

    if state is None:
        return "absent"
    if state.evaluated is None:
        return t(state.status, "en") if state.status in ("scored", "not_applicable", "not_evaluated",
                                                         "external") else str(state.status)
    counts = _fraction(state.passed, state.evaluated)
    return counts if state.status == "scored" else f"{counts} ({t(state.status, 'en')})"


def _exact(state: IndicatorState | ResultState | None) -> str:
    return "absent" if state is None else f"{state.passed!r}/{state.evaluated!r}"


def _outcome(success: Any) -> str:
    return "passed" if success is True else "failed" if success is False else str(success)


def change_lines(changes: ScoreChanges) -> list[str]:
    """The lines ``dsbench diff`` prints: only values that changed, ``before → after``."""
    from dsbench.i18n import name

    if not changes:
        return [NO_CHANGES]
    lines = []
    for change in changes.overall:
        if change.field == "score":
            lines.append(f"score: {_scores(change.before, change.after)}")
        elif change.field == "passed":
            lines.append(f"verdict: {_outcome(change.before)} {ARROW} {_outcome(change.after)}")
        else:
            lines.append(f"{change.field}: {change.before or '—'} {ARROW} {change.after or '—'}")
    if changes.indicators:
        lines.append("indicators:")
    for change in changes.indicators:
        text = f"  {change.code} {name(change.name, 'en')}:"
        was, now = _indicator_text(change.before), _indicator_text(change.after)
        if was != now:
            text += f" {was} {ARROW} {now}"
        before = change.before.score if change.before else None
        after = change.after.score if change.after else None
        if before != after:
            text += f" ({_scores(before, after)})"
        if text.endswith(":"):  # moved by less than the printed digits show
            text += f" {_exact(change.before)} {ARROW} {_exact(change.after)}"
        lines.append(text)
    if changes.expectations:
        lines.append("expectations:")
    for change in changes.expectations:
        if change.before is None or change.after is None:
            state = change.after or change.before
            lines.append(f"  {change.id}: {change.kind} ({_outcome(state.success)}, "
                         f"{_fraction(state.passed, state.evaluated)})")
            continue
        parts = []
        if change.before.success != change.after.success:
            parts.append(f"{_outcome(change.before.success)} {ARROW} {_outcome(change.after.success)}")
        was = _fraction(change.before.passed, change.before.evaluated)
        now = _fraction(change.after.passed, change.after.evaluated)
        if was != now or not parts:
            parts.append(f"{was} {ARROW} {now}" if was != now
                         else f"{_exact(change.before)} {ARROW} {_exact(change.after)}")
        lines.append(f"  {change.id}: {', '.join(parts)}")
    return lines


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
    "scale": _NUMBER, "score": (_NUMBER, None), "grade": (str, None), "score_grade": (str, None), "passed": bool,
    "levels": [{"grade": str, "name": _NAME, "min_score": _NUMBER, "min_indicator_score": (_NUMBER, None)}],
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
# The text of NaN and the infinities (dsbench.files.non_finite_text), and the spelling of cards
# written before there was one encoder.
_NON_FINITE = ("NaN", "Infinity", "-Infinity", "nan", "inf", "-inf")


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
    them as text)."""
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
    from dsbench.cards.card import CardError, ScoreCard

    card = ScoreCard.load(path)
    found = shape_problem(card.document) or _non_finite(card.document)
    if found:
        location, problem = found
        raise CardError(f"not a dsbench card: {problem}", source=str(path), location=location)
    return card
