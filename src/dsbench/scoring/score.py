"""The scoring model (standards/README.md, "How a score is computed").

An indicator measures the data, in the unit its standard states:

- element units (``values``, ``text_values``, ``cells``, ``records``, ``tables``): B = every element
  of the unit in the dataset; A = the elements that no result bound to the indicator finds
  defective. A defect counts once however many results flag it (the union, from the signatures of
  :mod:`dsbench.scoring.defects`). A result that flags rows flags, per unit, those records, or the cells and
  present values of its columns in those rows; a result that judges its columns or table as a whole
  (a statistic, the schema, a measurement) and fails, or that raised, flags every element of them.
- ``measure``: the lowest A/B among the measurements bound to it (a checklist, class balance).

The indicator is *applicable* when a bound result examined something; *coverage* (the elements some
bound result examined, over B) is reported beside the score, never mixed into it. So adding a
passing check changes no applicable indicator, an exact copy of a check changes nothing, and a
failing check never raises one. An external indicator without evidence is *not evaluated*. Both
kinds are excluded and the remaining weights renormalised; dimensions and the overall score are
weighted means (``effective_weight``: each one's share of the overall score). Lower-is-better
indicators report their value as the bad share (1 − A/B); their score is still the good share.
Gates and grade levels come from the standard; the grade is the first level whose ``min_score``
the overall score reaches and whose ``min_indicator_score`` every scored data indicator reaches,
when every gate holds, and the lowest grade otherwise (``score_grade``: the band of the score
alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable, Mapping

from dsbench.errors import DsbenchError
from dsbench.scoring.standard import ELEMENT_UNITS, Gate, Indicator, Standard


class EvidenceError(DsbenchError):
    """An evidence file is malformed or names indicators it may not."""


@dataclass(frozen=True)
class Evidence:
    """External evidence for one indicator: passed/evaluated counts or a score in 0..1."""

    passed: float | None = None
    evaluated: float | None = None
    score: float | None = None
    source: str = ""

    @property
    def fraction(self) -> float:
        if self.score is not None:
            return self.score
        return self.passed / self.evaluated


@dataclass(frozen=True)
class Measured:
    """What scoring needs of one expectation result."""

    id: str
    concern: str | None
    severity: str
    success: bool
    passed: int
    evaluated: int
    errored: bool = False
    table: str | None = None
    kind: str = "scope"  # rows | scope | measure (Expectation.defect_kind)
    columns: tuple[str, ...] = ()  # the columns it judges; (): the whole table
    flagged: int = 0  # rows it flags (kind rows)
    by_row: bool = False  # one of its table's atoms: the signatures say which rows
    identity: str | None = None  # a rule counted without signatures: equal identities are one rule

    @property
    def whole(self) -> bool:
        """It concerns all elements of its scope: it raised, or judged its scope as a whole and failed."""
        return self.errored or (self.kind != "rows" and not self.success)


@dataclass
class IndicatorScore:
    code: str
    name: dict[str, str]
    weight: float
    status: str  # scored | not_applicable | not_evaluated | external
    direction: str
    unit: str | None = None
    a: str | None = None
    b: str | None = None
    score: float | None = None  # 0..scale
    value: float | None = None  # the source's measure: A/B, or 1 − A/B when lower is better
    passed: float | None = None  # A
    evaluated: float | None = None  # B
    coverage: float | None = None  # elements examined / B (element units)
    threshold: float | None = None
    threshold_met: bool | None = None
    effective_weight: float | None = None  # share of the overall score
    results: list[dict[str, Any]] = field(default_factory=list)  # what fed it: id, passed, evaluated
    source: str | None = None  # for external evidence


@dataclass
class DimensionScore:
    code: str
    id: str
    name: dict[str, str]
    weight: float
    status: str  # scored | not_applicable | not_evaluated
    score: float | None
    indicators: list[IndicatorScore]
    effective_weight: float | None = None


@dataclass
class GateResult:
    type: str
    passed: bool
    description: str
    threshold: Any = None  # a score, or the severity that must not fail
    observed: Any = None


@dataclass
class Scores:
    scale: float
    score: float | None
    grade: str | None  # the level reached (score and indicator floors) when every gate holds, else the lowest
    passed: bool
    gates: list[GateResult]
    dimensions: list[DimensionScore]
    score_grade: str | None = None  # the band the score alone reaches


def _shares(items: Iterable[tuple[float, float | None]]) -> list[Fraction | None]:
    """Each weight's share among the weights whose value is not None (None for the others)."""
    pairs = list(items)
    total = sum(Fraction(w) for w, v in pairs if v is not None)
    return [Fraction(w) / total if v is not None and total else None for w, v in pairs]


def _weighted(items: Iterable[tuple[float, float | None]]) -> float | None:
    """The weighted mean of the values that are not None, computed exactly (then rounded once):
    with weights such as 0.1 and 0.2, float sums would put data that passes every check at
    99.99999999999999, failing a gate of 100."""
    pairs = list(items)
    shares = _shares(pairs)
    if not any(share is not None for share in shares):
        return None
    return float(sum(share * Fraction(v) for share, (_, v) in zip(shares, pairs) if share is not None))


# -- counting defects ---------------------------------------------------------------------------------

def _union(results: list[Measured], table: Mapping[str, Any], column: str | None, present_only: bool) -> int:
    """Rows (``column`` None) or cells of ``column`` that some of ``results`` flags, by the table's
    signatures; ``present_only`` counts only cells holding a value. Rules outside the signatures
    add their own count."""
    atoms = {table["atoms"].index(r.id) for r in results if r.by_row and r.id in table["atoms"]}
    flagged = 0
    if atoms:
        for group in table["groups"]:
            if atoms.intersection(group["atoms"]):
                flagged += group["rows"] - (group["missing"].get(column, 0) if present_only else 0)
    counted = {r.identity or r.id: r.flagged for r in results if r.kind == "rows" and not r.by_row and r.flagged}
    return flagged + sum(counted.values())


def _count(unit: str, bound: list[Measured], elements: Mapping[str, Mapping[str, Any]]) -> tuple[int, int, int]:
    """(A, B, examined) of an element unit."""
    by_table: dict[str | None, list[Measured]] = {}
    for result in bound:
        by_table.setdefault(result.table, []).append(result)
    total = defective = examined = 0
    for name in sorted(elements):
        table, mine = elements[name], by_table.get(name, [])
        if unit == "tables":
            total += 1
            examined += bool(mine)
            defective += any(r.whole or r.flagged for r in mine)
            continue
        if unit == "records":
            rows = table["rows"]
            total += rows
            if mine:
                whole = any(r.whole for r in mine)
                examined += rows if whole or any(r.kind != "rows" for r in mine) else \
                    min(rows, max(r.evaluated for r in mine))
                defective += rows if whole else min(rows, _union(mine, table, None, False))
            continue
        columns = table["text"] if unit == "text_values" else list(table["present"])
        if unit == "cells":  # a field the manifest declares and the data lacks has a cell in every record
            columns += table["absent"]
        for column in columns:
            size = table["rows"] if unit == "cells" else table["present"][column]
            total += size
            judging = [r for r in mine if not r.columns or column in r.columns]
            if not judging:
                continue
            whole = any(r.whole for r in judging)
            examined += size if whole or any(r.kind != "rows" for r in judging) else \
                min(size, max(r.evaluated for r in judging))
            defective += size if whole else min(size, _union(judging, table, column, unit != "cells"))
    return total - defective, total, examined


def _lowest(bound: list[Measured]) -> tuple[int, int] | None:
    """The lowest measurement (A, B) among ``bound`` (an error counts as 0 of 1), or None."""
    found = [(0, 1) if r.errored else (r.passed, r.evaluated) for r in bound if r.errored or r.evaluated > 0]
    if not found:
        return None
    return min(found, key=lambda ab: (Fraction(ab[0], ab[1]), -ab[1]))


def score_indicator(indicator: Indicator, results: list[Measured], evidence: Evidence | None, scale: float,
                    elements: Mapping[str, Mapping[str, Any]]) -> IndicatorScore:
    scored = IndicatorScore(indicator.code, indicator.name, indicator.weight, "not_applicable",
                            indicator.direction, indicator.unit, indicator.a, indicator.b,
                            threshold=indicator.threshold)
    if indicator.external:
        if evidence is None:
            scored.status = "not_evaluated"
            return scored
        fraction = evidence.fraction
        scored.status, scored.source = "external", evidence.source
        scored.passed, scored.evaluated = evidence.passed, evidence.evaluated
    else:
        bound = sorted((r for r in results if r.concern in indicator.concerns), key=lambda r: r.id)
        scored.results = [{"id": r.id, "passed": r.passed, "evaluated": r.evaluated} for r in bound]
        if indicator.unit == "measure":
            lowest = _lowest(bound)
            if lowest is None:
                return scored
            passed, evaluated = lowest
        else:
            if not any(r.evaluated > 0 or r.whole for r in bound):
                return scored  # nothing in scope was examined
            passed, evaluated, examined = _count(indicator.unit, bound, elements)
            if evaluated == 0:
                return scored
            scored.coverage = examined / evaluated
        fraction = Fraction(passed, evaluated)
        scored.status, scored.passed, scored.evaluated = "scored", passed, evaluated
    scored.score = float(fraction * Fraction(scale))
    scored.value = float(1 - fraction) if indicator.direction == "lower_is_better" else float(fraction)
    if indicator.threshold is not None:
        scored.threshold_met = fraction >= Fraction(indicator.threshold)
    return scored


def _gate(gate: Gate, scores: Scores, results: list[Measured]) -> GateResult:
    describe = gate.description
    if gate.type == "min_score":
        ok = scores.score is not None and scores.score >= gate.value
        return GateResult(gate.type, ok, describe or f"overall score >= {gate.value:g}", gate.value, scores.score)
    if gate.type == "min_dimension_score":
        chosen = [d for d in scores.dimensions if gate.dimension in (None, d.code)]
        observed = {d.code: d.score for d in chosen if d.status != "not_applicable"}
        # A dimension that could not be evaluated cannot be shown to meet the gate.
        ok = bool(observed) and all(v is not None and v >= gate.value for v in observed.values())
        which = f"dimension {gate.dimension}" if gate.dimension else "every dimension"
        return GateResult(gate.type, ok, describe or f"{which} >= {gate.value:g}", gate.value, observed)
    if gate.type == "min_indicator_score":
        found = next((i for d in scores.dimensions for i in d.indicators if i.code == gate.indicator), None)
        value = found.score if found else None
        ok = value is not None and value >= gate.value
        return GateResult(gate.type, ok, describe or f"indicator {gate.indicator} >= {gate.value:g}",
                          gate.value, {gate.indicator: value})
    failed = sorted(r.id for r in results if r.severity == gate.severity and not r.success)
    return GateResult(gate.type, not failed, describe or f"no {gate.severity} expectation failed",
                      gate.severity, failed)


def score(standard: Standard, results: list[Measured], evidence: dict[str, Evidence] | None = None,
          elements: Mapping[str, Mapping[str, Any]] | None = None) -> Scores:
    """Score ``results`` under ``standard``. ``elements`` (from :func:`dsbench.scoring.defects.table_elements`,
    or a card) holds the elements of every table and the signatures of flagged rows."""
    evidence, elements = evidence or {}, elements or {}
    dimensions, inner_shares = [], []
    for dimension in standard.dimensions:
        indicators = [score_indicator(i, results, evidence.get(i.code), standard.scale, elements)
                      for i in dimension.indicators]
        counted = [(i.weight, i.score if i.status in ("scored", "external") else None) for i in indicators]
        value = _weighted(counted)
        if value is not None:
            status = "scored"
        elif any(i.status == "not_evaluated" for i in indicators):
            status = "not_evaluated"
        else:
            status = "not_applicable"
        dimensions.append(DimensionScore(dimension.code, dimension.id, dimension.name, dimension.weight,
                                         status, value, indicators))
        inner_shares.append(_shares(counted))
    overall_items = [(d.weight, d.score) for d in dimensions]
    overall = _weighted(overall_items)
    for dimension, share, inner in zip(dimensions, _shares(overall_items), inner_shares):
        dimension.effective_weight = None if share is None else float(share)
        for indicator, part in zip(dimension.indicators, inner):
            indicator.effective_weight = None if share is None or part is None else float(share * part)
    band = next((level.grade for level in standard.levels
                 if overall is not None and overall >= level.min_score), None)
    scores = Scores(standard.scale, overall, _grade(standard, overall, dimensions), False, [], dimensions, band)
    scores.gates = [_gate(gate, scores, results) for gate in standard.gates]
    scores.passed = overall is not None and all(g.passed for g in scores.gates)
    if not scores.passed and scores.grade is not None:
        # A grade is awarded with the pass gate: a card that misses it gets the lowest one, so that
        # no grade is won by adding checks that fail (a failed critical check fails the gate).
        scores.grade = standard.levels[-1].grade
    return scores


def _grade(standard: Standard, overall: float | None, dimensions: list[DimensionScore]) -> str | None:
    """The first level whose min_score the overall score reaches and whose floor every scored data
    indicator reaches (the last level has no bar to miss: it is the grade of everything else)."""
    if overall is None or not standard.levels:
        return None
    data = [i.score for d in dimensions for i in d.indicators if i.status == "scored" and i.unit in ELEMENT_UNITS]
    for level in standard.levels:
        floor = level.min_indicator_score
        if overall >= level.min_score and (floor is None or all(score >= floor for score in data)):
            return level.grade
    return standard.levels[-1].grade


def load_evidence(path: str | Path, standard: Standard) -> dict[str, Evidence]:
    """Read an evidence file: indicator code -> {passed, evaluated} or {score}, plus a source note."""
    from dsbench.files import read_document

    path = Path(path)
    source = str(path)
    document = read_document(path, EvidenceError, "evidence file")
    if not isinstance(document, dict):
        raise EvidenceError("an evidence file maps indicator codes to evidence", source=source)
    indicators = {i.code: i for _, i in standard.indicators()}
    found: dict[str, Evidence] = {}
    for code, entry in document.items():
        code = str(code)
        where = code
        if code not in indicators:
            raise EvidenceError(f"no indicator {code!r} in standard {standard.id}", source=source,
                                location=where)
        if not indicators[code].external:
            raise EvidenceError(f"indicator {code} is measured from the data; evidence is only for "
                                "external indicators", source=source, location=where)
        found[code] = _evidence_entry(entry, source, where)
    return found


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _evidence_entry(entry: Any, source: str, where: str) -> Evidence:
    if not isinstance(entry, dict):
        raise EvidenceError("expected a mapping with passed/evaluated or score, and source",
                            source=source, location=where)
    unknown = sorted(set(entry) - {"passed", "evaluated", "score", "source"})
    if unknown:
        raise EvidenceError(f"unknown key {unknown[0]!r}", source=source, location=f"{where}.{unknown[0]}")
    note = entry.get("source")
    if not isinstance(note, str) or not note.strip():
        raise EvidenceError("every piece of evidence needs a source note", source=source,
                            location=f"{where}.source")
    if "score" in entry:
        if "passed" in entry or "evaluated" in entry:
            raise EvidenceError("give either score or passed/evaluated, not both", source=source,
                                location=where)
        if not _number(entry["score"]) or not 0 <= entry["score"] <= 1:
            raise EvidenceError("score must be a number from 0 to 1", source=source, location=f"{where}.score")
        return Evidence(score=float(entry["score"]), source=note)
    passed, evaluated = entry.get("passed"), entry.get("evaluated")
    if not _number(evaluated) or evaluated <= 0 or evaluated > 1e15:
        raise EvidenceError("evaluated must be a positive number", source=source, location=f"{where}.evaluated")
    if not _number(passed) or not 0 <= passed <= evaluated:
        raise EvidenceError("passed must be a number from 0 to evaluated", source=source,
                            location=f"{where}.passed")
    return Evidence(passed=passed, evaluated=evaluated, source=note)
