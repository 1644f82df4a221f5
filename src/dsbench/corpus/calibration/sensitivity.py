"""Threshold sensitivity: which datasets change outcome when a threshold moves by STEP points.

Every numeric threshold of a standard (gate values, grade levels and floors, indicator thresholds)
is moved down and up."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

from dsbench.corpus.calibration.numbers import report_number
from dsbench.scoring.score import Measured, Scores, score
from dsbench.scoring.standard import Standard

STEP = 5.0


@dataclass(frozen=True)
class Threshold:
    id: str
    kind: str  # gate | level | indicator
    label: str
    value: float  # on 0..scale
    low: float  # where a move may go, on 0..scale
    high: float
    apply: Callable[[float], Standard]  # the standard with this threshold at a value on 0..scale


def gate_label(gate) -> str:
    target = {"min_dimension_score": f"dimension {gate.dimension}" if gate.dimension else "every dimension",
              "min_indicator_score": f"indicator {gate.indicator}", "min_score": "overall score"}
    return f"gate: {target[gate.type]} ≥ {gate.value:g}"


def level_text(level) -> str:
    return f"grade {level.grade} ≥ {level.min_score:g}"


def thresholds(standard: Standard) -> list[Threshold]:
    """Every numeric threshold of the standard, with how to move it. no_failed_severity gates have
    no number to move."""
    found = []
    for index, gate in enumerate(standard.gates):
        if gate.value is None:
            continue

        def with_gate(value: float, index: int = index) -> Standard:
            gates = tuple(replace(g, value=value) if k == index else g for k, g in enumerate(standard.gates))
            return replace(standard, gates=gates)

        found.append(Threshold(f"gates[{index}]", "gate", gate_label(gate), gate.value, 0.0, standard.scale,
                               with_gate))
    levels = standard.levels
    for index, level in enumerate(levels):
        def with_level(value: float, index: int = index) -> Standard:
            moved = tuple(replace(other, min_score=value) if k == index else other
                          for k, other in enumerate(levels))
            return replace(standard, levels=moved)

        high = levels[index - 1].min_score if index > 0 else standard.scale
        low = levels[index + 1].min_score if index + 1 < len(levels) else 0.0
        found.append(Threshold(f"levels[{index}]", "level", level_text(level), level.min_score, low, high,
                               with_level))
        if level.min_indicator_score is None:
            continue

        def with_floor(value: float, index: int = index) -> Standard:
            moved = tuple(replace(other, min_indicator_score=value) if k == index else other
                          for k, other in enumerate(levels))
            return replace(standard, levels=moved)

        floors = [other.min_indicator_score or 0.0 for other in levels]
        found.append(Threshold(f"levels[{index}].floor", "level",
                               f"grade {level.grade}: every data indicator ≥ {level.min_indicator_score:g}",
                               level.min_indicator_score, floors[index + 1] if index + 1 < len(levels) else 0.0,
                               floors[index - 1] if index > 0 else standard.scale, with_floor))
    for dimension, indicator in standard.indicators():
        if indicator.threshold is None:
            continue

        def with_threshold(value: float, dimension=dimension, indicator=indicator) -> Standard:
            changed = replace(indicator, threshold=value / standard.scale)
            dimensions = tuple(
                replace(d, indicators=tuple(changed if i is indicator else i for i in d.indicators))
                if d is dimension else d for d in standard.dimensions)
            return replace(standard, dimensions=dimensions)

        points = indicator.threshold * standard.scale
        found.append(Threshold(f"indicator:{indicator.code}", "indicator",
                               f"indicator {indicator.code} threshold ≥ {points:g}", points, 0.0,
                               standard.scale, with_threshold))
    return found


def _outcome(scores: Scores) -> tuple:
    """What a threshold can change: the grade, pass/fail, and which indicators meet their threshold."""
    return scores.grade, scores.passed, tuple(i.threshold_met for d in scores.dimensions for i in d.indicators)


def sensitivity(standard: Standard, names: list[str], results: list[tuple[list[Measured], dict, dict]],
                baseline: list[Scores]) -> dict[str, Any]:
    before = [_outcome(s) for s in baseline]
    rows = []
    for threshold in thresholds(standard):
        moves = {}
        for direction, sign in (("down", -1), ("up", 1)):
            value = min(threshold.high, max(threshold.low, threshold.value + sign * STEP))
            moved = threshold.apply(value)
            changed = [name for name, (measured, evidence, elements), was in zip(names, results, before)
                       if _outcome(score(moved, measured, evidence, elements)) != was]
            moves[direction] = {"value": report_number(value), "changed": len(changed), "datasets": changed}
        rows.append({"id": threshold.id, "kind": threshold.kind, "label": threshold.label,
                     "value": report_number(threshold.value), **moves,
                     "total": moves["down"]["changed"] + moves["up"]["changed"]})
    rows.sort(key=lambda row: (-row["total"], row["id"]))
    return {"step": STEP, "thresholds": rows}
