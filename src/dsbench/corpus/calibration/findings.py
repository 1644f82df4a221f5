"""What each indicator of a standard does over a corpus, and how the indicators correlate.

Per indicator: the bar it must reach, how often it passes, its score distribution and its flags."""

from __future__ import annotations

from typing import Any

from dsbench.corpus.calibration.numbers import distribution, pearson, report_number
from dsbench.scoring.score import Scores
from dsbench.scoring.standard import Dimension, Indicator, Standard

MIN_SHARED = 3
REDUNDANT_AT = 0.9


def indicator_bar(standard: Standard, dimension: Dimension, indicator: Indicator) -> tuple[float, str]:
    """The score (0..scale) an indicator must reach to pass, and where that bar comes from:
    indicator, dimension, overall or scale (see the module's definitions)."""
    own = [g.value for g in standard.gates if g.type == "min_indicator_score" and g.indicator == indicator.code]
    if indicator.threshold is not None:
        own.append(indicator.threshold * standard.scale)
    tiers = [(own, "indicator"),
             ([g.value for g in standard.gates
               if g.type == "min_dimension_score" and g.dimension in (None, dimension.code)], "dimension"),
             ([g.value for g in standard.gates if g.type == "min_score"], "overall")]
    for values, origin in tiers:
        if values:
            return max(values), origin
    return standard.scale, "scale"


def indicator_scores(scores: Scores) -> dict[str, Any]:
    """Indicator code -> its scores in ``scores``."""
    return {i.code: i for d in scores.dimensions for i in d.indicators}


def enters_score(status: str) -> bool:
    """Whether an indicator of this status has a score (from the data or external evidence)."""
    return status in ("scored", "external")


def indicator_findings(standard: Standard, names: list[str], scored: list[Scores]) -> list[dict]:
    total = len(names)
    findings = []
    for dimension, indicator in standard.indicators():
        bar, origin = indicator_bar(standard, dimension, indicator)
        per_dataset = [indicator_scores(s)[indicator.code] for s in scored]
        values = [i.score for i in per_dataset if enters_score(i.status)]
        passed = sum(1 for v in values if v >= bar)
        failed = len(values) - passed
        flags = []
        if not values:
            flags.append("never_scored")
        else:
            if failed == 0:
                flags.append("never_fails")
            if passed == 0:
                flags.append("always_fails")
            if len(values) >= 2 and min(values) == max(values):
                flags.append("non_discriminating")
        findings.append({
            "code": indicator.code, "dimension": dimension.code, "name": indicator.name,
            "concerns": list(indicator.concerns), "external": indicator.external,
            "bar": {"value": report_number(bar), "origin": origin},
            "scored": len(values),
            "not_applicable": sum(1 for i in per_dataset if i.status == "not_applicable"),
            "not_evaluated": sum(1 for i in per_dataset if i.status == "not_evaluated"),
            "passed": passed, "failed": failed, "pass_rate": report_number(passed / total) if total else None,
            "distribution": distribution(values),
            "scores": {name: report_number(i.score) if enters_score(i.status) else None
                       for name, i in zip(names, per_dataset)},
            "flags": flags,
        })
    return findings


def correlations(findings: list[dict]) -> dict[str, Any]:
    excluded, kept = [], []
    for finding in findings:
        if finding["scored"] < MIN_SHARED:
            excluded.append({"code": finding["code"], "reason": f"scored on fewer than {MIN_SHARED} datasets"})
        elif "non_discriminating" in finding["flags"]:
            excluded.append({"code": finding["code"], "reason": "constant (one score on every dataset)"})
        else:
            kept.append(finding)
    pairs, too_few = [], 0
    for index, a in enumerate(kept):
        for b in kept[index + 1:]:
            shared = [n for n, v in a["scores"].items() if v is not None and b["scores"][n] is not None]
            if len(shared) < MIN_SHARED:
                too_few += 1
                continue
            r = pearson([a["scores"][n] for n in shared], [b["scores"][n] for n in shared])
            pairs.append({"a": a["code"], "b": b["code"], "datasets": len(shared), "r": report_number(r),
                          "redundant": r is not None and abs(r) >= REDUNDANT_AT})
    pairs.sort(key=lambda p: (p["r"] is None, -abs(p["r"] or 0), p["a"], p["b"]))
    return {"method": "pearson", "min_shared": MIN_SHARED, "redundant_at": REDUNDANT_AT,
            "excluded": excluded, "pairs_with_too_few_shared": too_few, "pairs": pairs}
