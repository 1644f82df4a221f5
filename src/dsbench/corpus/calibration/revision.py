"""A draft against an older version of its standard: what changed, and why outcomes moved.

How the definitions changed, and for each dataset whose score, grade or pass/fail differs, the
indicators whose weighted contributions moved it."""

from __future__ import annotations

import math
from typing import Any

from dsbench.corpus.calibration.findings import enters_score, indicator_scores
from dsbench.corpus.calibration.numbers import report_number
from dsbench.corpus.calibration.sensitivity import gate_label, level_text
from dsbench.scoring.score import Scores
from dsbench.scoring.standard import Standard


def contributions(scores: Scores) -> dict[str, float]:
    """Each counted indicator's weighted share of the overall score; they add up to it."""
    dimensions = [d for d in scores.dimensions if d.score is not None]
    dimension_total = math.fsum(d.weight for d in dimensions)
    shares = {}
    for dimension in dimensions:
        counted = [i for i in dimension.indicators if enters_score(i.status)]
        indicator_total = math.fsum(i.weight for i in counted)
        for indicator in counted:
            shares[indicator.code] = (dimension.weight / dimension_total) * (indicator.weight / indicator_total) \
                * indicator.score
    return shares


def definition_changes(old: Standard, new: Standard) -> dict[str, Any]:
    """How the draft differs from the older version: per indicator code, and gates, levels, scale."""
    before = {i.code: (d, i) for d, i in old.indicators()}
    after = {i.code: (d, i) for d, i in new.indicators()}
    indicators = {}
    for code in sorted(set(before) | set(after)):
        if code not in before:
            indicators[code] = ["added"]
            continue
        if code not in after:
            indicators[code] = ["removed"]
            continue
        (d0, i0), (d1, i1) = before[code], after[code]
        kinds = []
        if set(i0.concerns) != set(i1.concerns):
            kinds.append("rebound")
        if i0.weight != i1.weight or d0.weight != d1.weight:
            kinds.append("reweighted")
        if d0.code != d1.code:
            kinds.append("moved")
        if (i0.direction, i0.evidence, i0.threshold) != (i1.direction, i1.evidence, i1.threshold):
            kinds.append("redefined")
        if kinds:
            indicators[code] = kinds

    old_gates, new_gates = {_gate_text(g) for g in old.gates}, {_gate_text(g) for g in new.gates}
    old_levels, new_levels = {_level_definition(v) for v in old.levels}, {_level_definition(v) for v in new.levels}
    return {
        "indicators": [{"code": code, "change": kinds,
                        "old_concerns": list(before[code][1].concerns) if code in before else None,
                        "new_concerns": list(after[code][1].concerns) if code in after else None}
                       for code, kinds in indicators.items()],
        "gates_removed": sorted(old_gates - new_gates), "gates_added": sorted(new_gates - old_gates),
        "levels_removed": sorted(old_levels - new_levels), "levels_added": sorted(new_levels - old_levels),
        "scale": None if old.scale == new.scale else {"old": old.scale, "new": new.scale},
    }


def _level_definition(level) -> str:
    """A grade band as it is defined: its minimum score and, if it has one, its floor on every data
    indicator (a draft that moves only a floor changes the grades too)."""
    floor = level.min_indicator_score
    return level_text(level) + (f", every data indicator ≥ {floor:g}" if floor else "")


def _gate_text(gate) -> str:
    return gate_label(gate) if gate.value is not None else f"gate: no {gate.severity} expectation failed"


def verdict(scores: Scores) -> dict[str, Any]:
    return {"score": report_number(scores.score), "grade": scores.grade, "passed": scores.passed}


def comparison(old: Standard, draft: Standard, names: list[str], old_scores: list[Scores],
               draft_scores: list[Scores]) -> dict[str, Any]:
    changes = definition_changes(old, draft)
    kinds = {item["code"]: item["change"] for item in changes["indicators"]}
    datasets = []
    for name, was, now in zip(names, old_scores, draft_scores):
        row = {"name": name, "old": verdict(was), "new": verdict(now),
               "outcome_changed": (was.grade, was.passed) != (now.grade, now.passed),
               "gates_flipped": [], "causes": []}
        if row["old"] != row["new"]:
            row["gates_flipped"] = _gates_flipped(was, now)
            row["causes"] = _causes(was, now, kinds)
        datasets.append(row)
    return {"standard": standard_summary(old), "changes": changes,
            "changed": sum(1 for row in datasets if row["outcome_changed"]), "datasets": datasets}


def _gates_flipped(was: Scores, now: Scores) -> list[dict]:
    before = {g.description: g.passed for g in was.gates}
    after = {g.description: g.passed for g in now.gates}
    return [{"gate": text, "old": before.get(text), "new": after.get(text)}
            for text in sorted(set(before) | set(after)) if before.get(text) != after.get(text)]


def _causes(was: Scores, now: Scores, kinds: dict[str, list[str]]) -> list[dict]:
    share_was, share_now = contributions(was), contributions(now)
    scores_was, scores_now = indicator_scores(was), indicator_scores(now)
    causes = []
    for code in sorted(set(scores_was) | set(scores_now)):
        a, b = scores_was.get(code), scores_now.get(code)
        old_score = a.score if a is not None and enters_score(a.status) else None
        new_score = b.score if b is not None and enters_score(b.status) else None
        delta = share_now.get(code, 0.0) - share_was.get(code, 0.0)
        redefined_and_scored = code in kinds and (old_score is not None or new_score is not None)
        if report_number(delta) == 0 and old_score == new_score and not redefined_and_scored:
            continue
        causes.append({"code": code, "change": kinds.get(code, []), "old_score": report_number(old_score),
                       "new_score": report_number(new_score),
                       "score_delta": (None if old_score is None or new_score is None
                                       else report_number(new_score - old_score)),
                       "contribution_delta": report_number(delta)})
    causes.sort(key=lambda c: (-abs(c["contribution_delta"]), c["code"]))
    return causes


def standard_summary(standard: Standard) -> dict[str, Any]:
    return {"id": standard.id, "version": standard.version, "status": standard.status,
            "digest": standard.digest, "scale": standard.scale}
