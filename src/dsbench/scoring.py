"""The scoring model (DESIGN §2 step 5).

An indicator's score is ΣA / ΣB over the expectation results whose concern it binds (the X = A/B
form of ISO/IEC 25024 and GB/T 36344). An indicator with B = 0 is *not applicable*; an external
indicator without evidence is *not evaluated*; both are excluded and the remaining weights are
renormalised. Dimensions and the overall score are weighted means. An expectation that could not be
evaluated (an error) counts as one failed element, so that a broken check lowers a score instead of
vanishing from it. Lower-is-better indicators report their value as the bad share (1 − A/B); their
score is still the good share. Gates and grade levels come from the standard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Iterable

from dsbench.errors import DsbenchError
from dsbench.standard import Gate, Indicator, Standard


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


@dataclass
class IndicatorScore:
    code: str
    name: dict[str, str]
    weight: float
    status: str  # scored | not_applicable | not_evaluated | external
    direction: str
    score: float | None = None  # 0..scale
    value: float | None = None  # the source's measure: A/B, or 1 − A/B when lower is better
    passed: float | None = None
    evaluated: float | None = None
    threshold_met: bool | None = None
    expectations: list[str] = field(default_factory=list)
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


@dataclass
class GateResult:
    type: str
    passed: bool
    description: str
    observed: Any = None


@dataclass
class Scores:
    scale: float
    score: float | None
    grade: str | None
    passed: bool
    gates: list[GateResult]
    dimensions: list[DimensionScore]


def _weighted(items: Iterable[tuple[float, float]]) -> float | None:
    """The weighted mean, computed exactly (then rounded once): with weights such as 0.1 and 0.2,
    float sums would put data that passes every check at 99.99999999999999, failing a gate of 100."""
    pairs = [(Fraction(weight), Fraction(value)) for weight, value in items]
    total = sum(weight for weight, _ in pairs)
    return float(sum(weight * value for weight, value in pairs) / total) if total else None


def score_indicator(indicator: Indicator, results: list[Measured], evidence: Evidence | None,
                    scale: float) -> IndicatorScore:
    scored = IndicatorScore(indicator.code, indicator.name, indicator.weight, "not_applicable",
                            indicator.direction)
    if indicator.external:
        if evidence is None:
            scored.status = "not_evaluated"
            return scored
        fraction = evidence.fraction
        scored.status, scored.source = "external", evidence.source
        scored.passed, scored.evaluated = evidence.passed, evidence.evaluated
    else:
        bound = [r for r in results if r.concern in indicator.concerns]
        scored.expectations = [r.id for r in bound]
        passed = sum(r.passed for r in bound if not r.errored)
        evaluated = sum(1 if r.errored else r.evaluated for r in bound)
        if evaluated == 0:
            return scored
        fraction = passed / evaluated
        scored.status, scored.passed, scored.evaluated = "scored", passed, evaluated
    scored.score = fraction * scale
    scored.value = 1 - fraction if indicator.direction == "lower_is_better" else fraction
    if indicator.threshold is not None:
        scored.threshold_met = fraction >= indicator.threshold
    return scored


def _gate(gate: Gate, scores: Scores, results: list[Measured]) -> GateResult:
    describe = gate.description
    if gate.type == "min_score":
        ok = scores.score is not None and scores.score >= gate.value
        return GateResult(gate.type, ok, describe or f"overall score >= {gate.value:g}", scores.score)
    if gate.type == "min_dimension_score":
        chosen = [d for d in scores.dimensions if gate.dimension in (None, d.code)]
        observed = {d.code: d.score for d in chosen if d.status != "not_applicable"}
        # A dimension that could not be evaluated cannot be shown to meet the gate.
        ok = bool(observed) and all(v is not None and v >= gate.value for v in observed.values())
        which = f"dimension {gate.dimension}" if gate.dimension else "every dimension"
        return GateResult(gate.type, ok, describe or f"{which} >= {gate.value:g}", observed)
    if gate.type == "min_indicator_score":
        found = next((i for d in scores.dimensions for i in d.indicators if i.code == gate.indicator), None)
        value = found.score if found else None
        ok = value is not None and value >= gate.value
        return GateResult(gate.type, ok, describe or f"indicator {gate.indicator} >= {gate.value:g}", value)
    failed = sorted(r.id for r in results if r.severity == gate.severity and not r.success)
    return GateResult(gate.type, not failed, describe or f"no {gate.severity} expectation failed", failed)


def score(standard: Standard, results: list[Measured], evidence: dict[str, Evidence] | None = None) -> Scores:
    evidence = evidence or {}
    dimensions = []
    for dimension in standard.dimensions:
        indicators = [score_indicator(i, results, evidence.get(i.code), standard.scale)
                      for i in dimension.indicators]
        counted = [i for i in indicators if i.status in ("scored", "external")]
        value = _weighted((i.weight, i.score) for i in counted)
        if counted:
            status = "scored"
        elif any(i.status == "not_evaluated" for i in indicators):
            status = "not_evaluated"
        else:
            status = "not_applicable"
        dimensions.append(DimensionScore(dimension.code, dimension.id, dimension.name, dimension.weight,
                                         status, value, indicators))
    overall = _weighted((d.weight, d.score) for d in dimensions if d.score is not None)
    grade = next((level.grade for level in standard.levels
                  if overall is not None and overall >= level.min_score), None)
    scores = Scores(standard.scale, overall, grade, False, [], dimensions)
    scores.gates = [_gate(gate, scores, results) for gate in standard.gates]
    scores.passed = overall is not None and all(g.passed for g in scores.gates)
    return scores


def load_evidence(path: str | Path, standard: Standard) -> dict[str, Evidence]:
    """Read an evidence file: indicator code -> {passed, evaluated} or {score}, plus a source note."""
    from dsbench.yamlio import read_document

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
