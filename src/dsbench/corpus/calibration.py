"""Calibrating a standard on a corpus: how its indicators, thresholds and revisions behave on real
datasets, before the standard is published.

Each dataset is evaluated once. The results in its card (concern, severity, success, the A/B
measure, what each flags) and its ``elements`` (the elements of every table and the signatures of
flagged rows) are everything the scoring model reads, and they do not depend on the standard (the
suites come from the data and the manifest), so the draft, its ±5-point variants and an older
version are all scored from the cards without touching the data again (:func:`rescore`).

Definitions used throughout the report:

- An indicator's **bar** is the standard's most specific requirement that reaches it: its own
  ``threshold`` (× scale) or ``min_indicator_score`` gates naming it (the highest of these); else the
  ``min_dimension_score`` gates covering its dimension; else the ``min_score`` gates (the overall
  score); else the full scale (no failed element). An indicator **passes** on a dataset when it is
  scored there (from data or external evidence) and its score reaches its bar; it **fails** when it
  is scored and falls short; otherwise (not applicable, not evaluated) it does neither.
- **Pass rate**: datasets where it passes / datasets in the corpus.
- **Never fails** / **always fails**: scored on at least one dataset, and failing on none / passing on
  none. **Non-discriminating**: scored on at least two datasets, with the same score on all of them.
- **Correlation**: Pearson's r of two indicators' scores over the datasets where both are scored, for
  pairs sharing at least MIN_SHARED datasets; indicators with one score everywhere are left out
  (r is undefined for them); |r| ≥ REDUNDANT_AT flags the pair as possibly redundant.
- **Sensitivity**: each threshold (gate value, grade level, indicator threshold) moved by −STEP and
  +STEP points, clamped to 0..scale (a level also between its neighbouring levels, so the order
  stays valid); a dataset changes when its grade, its pass/fail or (for an indicator threshold)
  whether that indicator meets its threshold changes.
- **Against an older version**: per dataset, grade and pass/fail under both; for a dataset whose
  score, grade or pass/fail differs, each indicator's weighted contribution to the overall score
  (its dimension's share × its share within the dimension × its score) under both versions. The
  contribution deltas add up to the score delta; they are listed largest first, with how the
  indicator's definition changed (added, removed, rebound, reweighted, moved, redefined).
- **Validity** (on request; the datasets, not the cards): which injected defect families lower,
  raise or leave each indicator, and whether duplicating every generated check moves it
  (:mod:`dsbench.corpus.validity`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Sequence

from dsbench.errors import DsbenchError, shortened
from dsbench.i18n import t
from dsbench.scoring.score import Evidence, Measured, Scores, score
from dsbench.scoring.standard import Dimension, Indicator, Standard, load_standard

STEP = 5.0
MIN_SHARED = 3
REDUNDANT_AT = 0.9
DIGITS = 6  # decimals of every number in the JSON report
REPORT_JSON, REPORT_MD = "calibration.json", "calibration.md"


# -- re-scoring a card ------------------------------------------------------------------------------

def measured_results(card: dict) -> list[Measured]:
    """The scoring inputs of a card, rebuilt from its results (as evaluation builds them)."""
    return [Measured(r["id"], r["concern"], r["severity"], r["success"], r["measure"]["passed"],
                     r["measure"]["evaluated"], bool(r["exception_info"].get("raised_exception")),
                     r["table"], r["scoring"]["kind"], tuple(r["scoring"]["columns"]), r["scoring"]["flagged"],
                     r["scoring"]["by_row"], r["scoring"]["identity"])
            for r in card["results"]]


def card_evidence(card: dict) -> dict[str, Evidence]:
    """The external evidence the card was scored with, keyed by indicator code."""
    return {code: Evidence(e.get("passed"), e.get("evaluated"), e.get("score"), e.get("source", ""))
            for code, e in card["options"]["evidence"].items()}


def rescore(card: dict, standard: str | Path | Standard) -> Scores:
    """``card`` scored under ``standard`` from its recorded results, without the data. Evidence is
    keyed by indicator codes, which mean something else in another standard: it is used only when
    ``standard`` has the card's standard id."""
    standard = load_standard(standard)
    evidence = card_evidence(card) if standard.id == card["standard"]["id"] else {}
    return score(standard, measured_results(card), evidence, card["elements"])


# -- the corpus ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CardItem:
    """A corpus item that is already a card (from evaluate or bench): used as it is."""

    name: str
    path: str
    card: dict


def corpus_items(items: Sequence[str]) -> list:
    """The corpus, sorted by name: card.json files (:class:`CardItem`) and everything :func:`dsbench.corpus.bench.load_corpus` reads (dataset directories and files, YAML
    lists). A name may appear once."""
    from dsbench.corpus.bench import CorpusError, check_unique_names, load_corpus

    paths = [item for item in items if not _is_card(item)]
    found = [_card_item(item) for item in items if _is_card(item)] + (load_corpus(paths) if paths else [])
    if not found:
        raise CorpusError("the corpus is empty")
    check_unique_names((item.name, item.path) for item in found)
    return sorted(found, key=lambda item: item.name)


def _is_card(item: str) -> bool:
    return Path(item).name.endswith("card.json") and Path(item).is_file()


def _card_item(path: str) -> CardItem:
    from dsbench.cards.compare import load_card
    from dsbench.cards.card import CardError, check_digest

    card = load_card(path)
    if not check_digest(card):
        raise CardError("the card was edited after it was written (digest mismatch)", source=path)
    # In the layouts of evaluate (reports/<dataset>/<standard>/) and bench (cards/<dataset>/<standard>/)
    # the directory names the dataset; it tells apart copies whose manifests share a name.
    where = Path(path).resolve().parent
    named_by_directory = where.name == card.document["standard"]["id"] and where.parent.name
    return CardItem(where.parent.name if named_by_directory else card.document["dataset"]["name"], path,
                    card.document)


def _evaluate_entry(entry, standard: Standard, threads: int | None) -> tuple[dict | None, str | None]:
    """The card of one corpus entry, or the one-line reason it could not be made (returned, not
    raised: an error crossing a process boundary loses its type and fields)."""
    from dsbench.evaluation import evaluate

    try:
        card = evaluate(entry.path, standard, manifest=entry.manifest, encoding=entry.encoding,
                        missing_values=None if entry.missing_values is None else list(entry.missing_values),
                        threads=threads)
    except DsbenchError as error:
        return None, shortened(str(error) if error.source else f"{entry.path}: {error}")
    except Exception as error:  # noqa: BLE001 - reported as this dataset's problem, on one line
        return None, shortened(f"{entry.path}: cannot evaluate: {type(error).__name__}: {error}")
    return card.document, None


def evaluate_items(items: Sequence, standard: Standard,
                   jobs: int | None = None) -> list[tuple[dict | None, str | None]]:
    """Per corpus item, in order, (card, None) or (None, the one-line reason it could not be made):
    a card item's own card, or a fresh evaluation under ``standard`` (in ``jobs`` worker processes,
    default one per CPU, each with its share of the CPUs). A dataset that cannot be loaded or
    evaluated does not stop the others, as in ``dsbench bench``."""
    from dsbench.corpus.bench import spawn_pool, worker_share

    todo = [item for item in items if not isinstance(item, CardItem)]
    workers, threads = worker_share(jobs, len(todo))
    if workers > 1:
        outcomes = []
        with spawn_pool(workers) as pool:
            futures = [pool.submit(_evaluate_entry, item, standard, threads) for item in todo]
            for item, future in zip(todo, futures):
                try:
                    outcomes.append(future.result())
                except Exception as error:  # noqa: BLE001 - a worker that died (killed, out of memory)
                    outcomes.append((None, shortened(f"{item.path}: the worker process failed: "
                                                     f"{type(error).__name__}: {error}")))
    else:
        outcomes = [_evaluate_entry(item, standard, None) for item in todo]
    made = iter(outcomes)
    return [(item.card, None) if isinstance(item, CardItem) else next(made) for item in items]


# -- numbers ------------------------------------------------------------------------------------------

def _num(value: float | None) -> float | None:
    """A number as the report writes it: DIGITS decimals, no -0.0."""
    return None if value is None else round(float(value), DIGITS) + 0.0


def quantile(ordered: Sequence[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default, R's type 7)."""
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(values: Sequence[float]) -> dict[str, float | None] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {"min": _num(ordered[0]), "q1": _num(quantile(ordered, 0.25)),
            "median": _num(quantile(ordered, 0.5)), "q3": _num(quantile(ordered, 0.75)),
            "max": _num(ordered[-1]), "mean": _num(math.fsum(ordered) / len(ordered))}


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r, or None when either series is constant."""
    n = len(xs)
    mean_x, mean_y = math.fsum(xs) / n, math.fsum(ys) / n
    dx, dy = [x - mean_x for x in xs], [y - mean_y for y in ys]
    sxx, syy = math.fsum(d * d for d in dx), math.fsum(d * d for d in dy)
    if sxx == 0 or syy == 0:
        return None
    r = math.fsum(a * b for a, b in zip(dx, dy)) / math.sqrt(sxx * syy)
    return max(-1.0, min(1.0, r))


# -- the pieces of the report ---------------------------------------------------------------------

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


def _indicator_scores(scores: Scores) -> dict[str, Any]:
    return {i.code: i for d in scores.dimensions for i in d.indicators}


def _counted(status: str) -> bool:
    return status in ("scored", "external")


def indicator_findings(standard: Standard, names: list[str], scored: list[Scores]) -> list[dict]:
    total = len(names)
    findings = []
    for dimension, indicator in standard.indicators():
        bar, origin = indicator_bar(standard, dimension, indicator)
        per_dataset = [_indicator_scores(s)[indicator.code] for s in scored]
        values = [i.score for i in per_dataset if _counted(i.status)]
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
            "bar": {"value": _num(bar), "origin": origin},
            "scored": len(values),
            "not_applicable": sum(1 for i in per_dataset if i.status == "not_applicable"),
            "not_evaluated": sum(1 for i in per_dataset if i.status == "not_evaluated"),
            "passed": passed, "failed": failed, "pass_rate": _num(passed / total) if total else None,
            "distribution": distribution(values),
            "scores": {name: _num(i.score) if _counted(i.status) else None
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
            pairs.append({"a": a["code"], "b": b["code"], "datasets": len(shared), "r": _num(r),
                          "redundant": r is not None and abs(r) >= REDUNDANT_AT})
    pairs.sort(key=lambda p: (p["r"] is None, -abs(p["r"] or 0), p["a"], p["b"]))
    return {"method": "pearson", "min_shared": MIN_SHARED, "redundant_at": REDUNDANT_AT,
            "excluded": excluded, "pairs_with_too_few_shared": too_few, "pairs": pairs}


@dataclass(frozen=True)
class Threshold:
    id: str
    kind: str  # gate | level | indicator
    label: str
    value: float  # on 0..scale
    low: float  # where a move may go, on 0..scale
    high: float
    apply: Callable[[float], Standard]  # the standard with this threshold at a value on 0..scale


def _gate_label(gate) -> str:
    target = {"min_dimension_score": f"dimension {gate.dimension}" if gate.dimension else "every dimension",
              "min_indicator_score": f"indicator {gate.indicator}", "min_score": "overall score"}
    return f"gate: {target[gate.type]} ≥ {gate.value:g}"


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

        found.append(Threshold(f"gates[{index}]", "gate", _gate_label(gate), gate.value, 0.0, standard.scale,
                               with_gate))
    levels = standard.levels
    for index, level in enumerate(levels):
        def with_level(value: float, index: int = index) -> Standard:
            moved = tuple(replace(other, min_score=value) if k == index else other
                          for k, other in enumerate(levels))
            return replace(standard, levels=moved)

        high = levels[index - 1].min_score if index > 0 else standard.scale
        low = levels[index + 1].min_score if index + 1 < len(levels) else 0.0
        found.append(Threshold(f"levels[{index}]", "level", _level_text(level), level.min_score, low, high,
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
            moves[direction] = {"value": _num(value), "changed": len(changed), "datasets": changed}
        rows.append({"id": threshold.id, "kind": threshold.kind, "label": threshold.label,
                     "value": _num(threshold.value), **moves,
                     "total": moves["down"]["changed"] + moves["up"]["changed"]})
    rows.sort(key=lambda row: (-row["total"], row["id"]))
    return {"step": STEP, "thresholds": rows}


def contributions(scores: Scores) -> dict[str, float]:
    """Each counted indicator's weighted share of the overall score; they add up to it."""
    dimensions = [d for d in scores.dimensions if d.score is not None]
    dimension_total = math.fsum(d.weight for d in dimensions)
    shares = {}
    for dimension in dimensions:
        counted = [i for i in dimension.indicators if _counted(i.status)]
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
    old_levels, new_levels = {_level_text(v) for v in old.levels}, {_level_text(v) for v in new.levels}
    return {
        "indicators": [{"code": code, "change": kinds,
                        "old_concerns": list(before[code][1].concerns) if code in before else None,
                        "new_concerns": list(after[code][1].concerns) if code in after else None}
                       for code, kinds in indicators.items()],
        "gates_removed": sorted(old_gates - new_gates), "gates_added": sorted(new_gates - old_gates),
        "levels_removed": sorted(old_levels - new_levels), "levels_added": sorted(new_levels - old_levels),
        "scale": None if old.scale == new.scale else {"old": old.scale, "new": new.scale},
    }


def _gate_text(gate) -> str:
    return _gate_label(gate) if gate.value is not None else f"gate: no {gate.severity} expectation failed"


def _level_text(level) -> str:
    return f"grade {level.grade} ≥ {level.min_score:g}"


def _verdict(scores: Scores) -> dict[str, Any]:
    return {"score": _num(scores.score), "grade": scores.grade, "passed": scores.passed}


def comparison(old: Standard, draft: Standard, names: list[str], old_scores: list[Scores],
               draft_scores: list[Scores]) -> dict[str, Any]:
    changes = definition_changes(old, draft)
    kinds = {item["code"]: item["change"] for item in changes["indicators"]}
    datasets = []
    for name, was, now in zip(names, old_scores, draft_scores):
        row = {"name": name, "old": _verdict(was), "new": _verdict(now),
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
    scores_was, scores_now = _indicator_scores(was), _indicator_scores(now)
    causes = []
    for code in sorted(set(scores_was) | set(scores_now)):
        a, b = scores_was.get(code), scores_now.get(code)
        old_score = a.score if a is not None and _counted(a.status) else None
        new_score = b.score if b is not None and _counted(b.status) else None
        delta = share_now.get(code, 0.0) - share_was.get(code, 0.0)
        redefined_and_scored = code in kinds and (old_score is not None or new_score is not None)
        if _num(delta) == 0 and old_score == new_score and not redefined_and_scored:
            continue
        causes.append({"code": code, "change": kinds.get(code, []), "old_score": _num(old_score),
                       "new_score": _num(new_score),
                       "score_delta": None if old_score is None or new_score is None else _num(new_score - old_score),
                       "contribution_delta": _num(delta)})
    causes.sort(key=lambda c: (-abs(c["contribution_delta"]), c["code"]))
    return causes


def standard_summary(standard: Standard) -> dict[str, Any]:
    return {"id": standard.id, "version": standard.version, "status": standard.status,
            "digest": standard.digest, "scale": standard.scale}


# -- the whole report ---------------------------------------------------------------------------------

@dataclass
class Calibration:
    """A calibration report: ``document`` is the JSON; ``markdown()`` and ``summary()`` render it."""

    document: dict[str, Any]

    @property
    def errors(self) -> dict[str, str]:
        """The datasets that could not be evaluated: name -> one-line reason."""
        return {row["name"]: row["error"] for row in self.document.get("errors", [])}

    def to_json(self) -> str:
        from dsbench.files import dump_json

        return dump_json(self.document)

    def markdown(self, lang: str = "en") -> str:
        return calibration_markdown(self.document, lang)

    def summary(self, lang: str = "en") -> list[str]:
        return calibration_summary(self.document, lang)

    def save(self, directory: str | Path, lang: str = "en") -> list[Path]:
        """Write calibration.json and calibration.md (in ``lang``) into ``directory`` (each atomically)."""
        from dsbench.files import write_atomic

        files = [(Path(directory) / REPORT_MD, self.markdown(lang)), (Path(directory) / REPORT_JSON, self.to_json())]
        for path, text in files:
            write_atomic(path, text)
        return [path for path, _ in files]


def calibrate_cards(standard: str | Path | Standard, cards: dict[str, dict],
                    against: str | Path | Standard | None = None,
                    errors: dict[str, str] | None = None) -> Calibration:
    """The calibration report of ``standard`` over cards (dataset name -> card document).
    ``errors`` (dataset name -> one-line reason) are the datasets of the corpus that could not be
    evaluated: listed in the report, left out of every statistic."""
    standard = load_standard(standard)
    names = sorted(cards)
    results = []
    for name in names:
        card = cards[name]
        evidence = card_evidence(card) if card["standard"]["id"] == standard.id else {}
        results.append((measured_results(card), evidence, card["elements"]))
    scored = [score(standard, measured, evidence, elements) for measured, evidence, elements in results]
    findings = indicator_findings(standard, names, scored)
    document: dict[str, Any] = {
        "standard": standard_summary(standard),
        "definitions": {"step": STEP, "min_shared": MIN_SHARED, "redundant_at": REDUNDANT_AT},
        "datasets": [{"name": name, "fingerprint": cards[name]["dataset"]["fingerprint"], **_verdict(s)}
                     for name, s in zip(names, scored)],
        "errors": [{"name": name, "error": message} for name, message in sorted((errors or {}).items())],
        "indicators": findings,
        "flagged": {flag: [f["code"] for f in findings if flag in f["flags"]]
                    for flag in ("non_discriminating", "never_fails", "always_fails", "never_scored")},
        "correlation": correlations(findings),
        "sensitivity": sensitivity(standard, names, results, scored),
        "against": None,
        "validity": None,  # filled by calibrate(validity=...): it needs the data (dsbench.corpus.validity)
    }
    if against is not None:
        old = load_standard(against)
        old_scores = [score(old, measured, card_evidence(cards[name]) if cards[name]["standard"]["id"] == old.id else {},
                            elements)
                      for name, (measured, _, elements) in zip(names, results)]
        document["against"] = comparison(old, standard, names, old_scores, scored)
    return Calibration(document)


def calibrate(standard: str | Path | Standard, corpus: Sequence[str], *,
              against: str | Path | Standard | None = None, jobs: int | None = None,
              validity: float | None = None, seed: int = 0) -> Calibration:
    """Evaluate each dataset of ``corpus`` once (card.json items are used as they are) and report
    how ``standard`` behaves on it (a dataset that cannot be loaded or evaluated is an entry of the
    report's ``errors``, with its one-line reason, and the others are still evaluated); with ``against``, how it differs from that older version; with
    ``validity`` (a rate), how each indicator responds to defects injected at that rate with
    ``seed`` and to duplicated checks (:mod:`dsbench.corpus.validity`; dataset items only)."""
    from dsbench.corpus.validity import check_rate, validity_report

    standard = load_standard(standard)
    old = load_standard(against) if against is not None else None  # a bad file fails before any work
    if validity is not None:
        validity = check_rate(validity)
    items = corpus_items(corpus)
    outcomes = evaluate_items(items, standard, jobs)
    evaluated = [(item, card) for item, (card, _) in zip(items, outcomes) if card is not None]
    errors = {item.name: message for item, (card, message) in zip(items, outcomes) if card is None}
    report = calibrate_cards(standard, {item.name: card for item, card in evaluated}, old, errors)
    if validity is not None:
        report.document["validity"] = validity_report(standard, [item for item, _ in evaluated],
                                                      [card for _, card in evaluated], validity, seed, jobs)
    return report


# -- renderings -----------------------------------------------------------------------------------------

def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _verdict_text(verdict: dict, lang: str) -> str:
    grade = verdict["grade"] if verdict["grade"] is not None else t("no_grade", lang)
    return f"{_fmt(verdict['score'])} {grade} {t('pass' if verdict['passed'] else 'fail', lang)}"


def _flag(flag: str, lang: str) -> str:
    return t(f"flag_{flag}", lang)


def _status(status: str, lang: str) -> str:
    return t(status, lang) if status in ("draft", "published") else status


def _reason(reason: str, min_shared: int, lang: str) -> str:
    """An exclusion reason of the JSON (written in English) in ``lang``."""
    known = {t("reason_few_shared", "en", n=min_shared): t("reason_few_shared", lang, n=min_shared),
             t("reason_constant", "en"): t("reason_constant", lang)}
    return known.get(reason, reason)


def calibration_markdown(document: dict, lang: str = "en") -> str:
    from dsbench.render.markdown import code, escape

    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    def row(*cells: object) -> str:
        return "| " + " | ".join(str(c) for c in cells) + " |"

    def table(header: list[str], rows: list[list], align: str) -> list[str]:
        rules = ["---:" if a == "r" else "---" for a in align]
        return [row(*header), row(*rules), *(row(*r) for r in rows)]

    colon, comma, none = w("colon"), w("comma"), w("none")
    st = document["standard"]
    title = w("calibration_title", id=code(st["id"]), version=escape(st["version"]),
              status=escape(_status(st["status"], lang)))
    lines = [f"# {title}",
             "", w("calibration_corpus", n=len(document["datasets"]), digest=code(st["digest"])), "",
             f"## {w('calibration_datasets')}", ""]
    failed = document.get("errors", [])
    rows = [(d["name"], [escape(d["name"]), _fmt(d["score"]), escape(d["grade"] or "—"),
                         w("yes" if d["passed"] else "no")] + ([""] if failed else []))
            for d in document["datasets"]]
    rows += [(e["name"], [escape(e["name"]), "—", "—", "—", escape(e["error"])]) for e in failed]
    lines += table([w("col_dataset"), w("col_score"), w("col_grade"), w("col_passed")]
                   + ([w("col_error")] if failed else []),
                   [cells for _, cells in sorted(rows, key=lambda row: row[0])], "lrll" + ("l" if failed else ""))
    lines += ["", f"## {w('findings')}", ""]
    for flag, codes in document["flagged"].items():
        listed = comma.join(code(c) for c in codes) or none
        lines.append(f"- **{_flag(flag, lang)}**{colon}{listed}")
    redundant = [p for p in document["correlation"]["pairs"] if p["redundant"]]
    listed = comma.join(f"{code(p['a'])}–{code(p['b'])} (r = {_fmt(p['r'], 3)})" for p in redundant) or none
    redundant_at = document["definitions"]["redundant_at"]
    lines.append(f"- **{w('possibly_redundant')}** (|r| ≥ {redundant_at:g}){colon}{listed}")
    sensitive = [th for th in document["sensitivity"]["thresholds"] if th["total"]]
    listed = comma.join(f"{escape(th['label'])} ({th['total']})" for th in sensitive[:5]) or none
    lines.append(f"- **{w('most_sensitive_thresholds')}** "
                 f"({w('changing_at', step=format(document['definitions']['step'], 'g'))}){colon}{listed}")
    lines += ["", f"## {w('indicators')}", "", w("pass_note"), ""]
    rows = []
    for f in document["indicators"]:
        d = f["distribution"] or {}
        rows.append([code(f["code"]), escape(f["dimension"]),
                     f"{_fmt(f['bar']['value'], 1)} ({w('bar_' + f['bar']['origin'])})",
                     f["scored"], f["not_applicable"], f["not_evaluated"], _fmt(f["pass_rate"]),
                     *(_fmt(d.get(k)) for k in ("min", "q1", "median", "q3", "max", "mean")),
                     comma.join(_flag(x, lang) for x in f["flags"])])
    lines += table([w(f"col_{key}") for key in ("indicator", "dimension_short", "bar", "scored", "not_applicable",
                                                 "not_evaluated", "pass_rate", "min", "q1", "median", "q3", "max",
                                                 "mean", "flags")], rows, "lllrrrrrrrrrrl")
    corr = document["correlation"]
    lines += ["", f"## {w('correlation')}", "",
              w("correlation_note", n=corr["min_shared"], at=format(corr["redundant_at"], "g"),
                few=corr["pairs_with_too_few_shared"]), ""]
    reasons: dict[str, list[str]] = {}
    for item in corr["excluded"]:
        reasons.setdefault(item["reason"], []).append(code(item["code"]))
    for reason, codes in sorted(reasons.items()):
        lines += [w("left_out", reason=escape(_reason(reason, corr["min_shared"], lang)), codes=comma.join(codes)), ""]
    if corr["pairs"]:
        lines += table([w("col_a"), w("col_b"), w("col_datasets"), w("col_r"), w("col_flag")],
                       [[code(p["a"]), code(p["b"]), p["datasets"], _fmt(p["r"], 3),
                         w("possibly_redundant") if p["redundant"] else ""] for p in corr["pairs"]], "llrrl")
    else:
        lines.append(w("no_pairs"))
    step = document["sensitivity"]["step"]
    lines += ["", f"## {w('sensitivity')}", "", w("sensitivity_note", step=format(step, "g")), ""]
    if document["sensitivity"]["thresholds"]:
        lines += table([w("col_threshold"), f"−{step:g}", w("col_changed"), f"+{step:g}", w("col_changed"),
                        w("col_datasets")],
                       [[escape(th["label"]), _fmt(th["down"]["value"], 1), th["down"]["changed"],
                         _fmt(th["up"]["value"], 1), th["up"]["changed"],
                         escape(comma.join(th["down"]["datasets"] + th["up"]["datasets"]))]
                        for th in document["sensitivity"]["thresholds"]], "lrrrrl")
    else:
        lines.append(w("no_thresholds"))
    if document["against"] is not None:
        lines += _against_markdown(document["against"], code, escape, table, lang)
    if document.get("validity") is not None:
        from dsbench.corpus.validity import validity_markdown

        lines += validity_markdown(document["validity"], lang)
    return "\n".join(lines) + "\n"


def _against_markdown(against: dict, code, escape, table, lang: str) -> list[str]:
    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    comma = w("comma")
    old = against["standard"]
    lines = ["", f"## {w('against', id=code(old['id']), version=escape(old['version']))}", ""]
    changes = against["changes"]
    for item in changes["indicators"]:
        concerns = ""
        if "rebound" in item["change"]:
            concerns = (f"{w('colon')}{escape(', '.join(item['old_concerns']))} → "
                        f"{escape(', '.join(item['new_concerns']))}")
        change = comma.join(w(f"change_{kind}") for kind in item["change"])
        lines.append(f"- {w('against_indicator', code=code(item['code']), change=change)}{concerns}")
    for key, word in (("gates_removed", "gate_removed"), ("gates_added", "gate_added"),
                      ("levels_removed", "level_removed"), ("levels_added", "level_added")):
        lines += [f"- {w(word)}{w('colon')}{escape(text)}" for text in changes[key]]
    if changes["scale"]:
        scale = changes["scale"]
        lines.append(f"- {w('scale_change', old=format(scale['old'], 'g'), new=format(scale['new'], 'g'))}")
    lines += ["", w("n_changed", n=against["changed"]), ""]
    lines += table([w("col_dataset"), w("col_old"), w("col_new"), w("col_outcome_changed")],
                   [[escape(d["name"]), _verdict_text(d["old"], lang), _verdict_text(d["new"], lang),
                     w("yes") if d["outcome_changed"] else ""] for d in against["datasets"]], "llll")
    for d in against["datasets"]:
        if not d["outcome_changed"]:
            continue
        lines += ["", f"### {escape(d['name'])}", ""]
        for gate in d["gates_flipped"]:
            lines.append(f"- {w('gate_flipped', gate=escape(gate['gate']), old=gate['old'], new=gate['new'])}")
        if d["causes"]:
            lines += table([w("col_indicator"), w("col_change"), w("col_old_score"), w("col_new_score"),
                            w("col_contribution_delta")],
                           [[code(c["code"]), comma.join(w(f"change_{kind}") for kind in c["change"]),
                             _fmt(c["old_score"]), _fmt(c["new_score"]),
                             f"{c['contribution_delta']:+.3f}"] for c in d["causes"]], "llrrr")
    return lines


def calibration_summary(document: dict, lang: str = "en") -> list[str]:
    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    colon, comma, none = w("colon"), w("comma"), w("none")
    st = document["standard"]
    step = format(document["sensitivity"]["step"], "g")
    lines = [w("summary_title", id=st["id"], version=st["version"], n=len(document["datasets"]))]
    for d in document["datasets"]:
        lines.append(f"  {d['name']}{colon}{_verdict_text(d, lang)}")
    for e in document.get("errors", []):
        lines.append(f"  {e['name']}{colon}{w('error')}{colon}{e['error']}")
    for flag, codes in document["flagged"].items():
        lines.append(f"{_flag(flag, lang)}{colon}{comma.join(codes) or none}")
    redundant = [f"{p['a']}~{p['b']} (r={_fmt(p['r'], 3)})" for p in document["correlation"]["pairs"] if p["redundant"]]
    lines.append(f"{w('possibly_redundant')}{colon}{comma.join(redundant) or none}")
    sensitive = [f"{th['label']} ({w('summary_moves', down=th['down']['changed'], up=th['up']['changed'], step=step)})"
                 for th in document["sensitivity"]["thresholds"][:3] if th["total"]]
    lines.append(f"{w('summary_most_sensitive')}{colon}{'; '.join(sensitive) or none}")
    if document["against"] is not None:
        against = document["against"]
        changed = [f"{d['name']} ({_verdict_text(d['old'], lang)} -> {_verdict_text(d['new'], lang)}; "
                   f"{', '.join(c['code'] for c in d['causes'][:3])})"
                   for d in against["datasets"] if d["outcome_changed"]]
        lines.append(w("summary_against", id=against["standard"]["id"], version=against["standard"]["version"],
                       n=against["changed"]) + (": " + "; ".join(changed) if changed else ""))
    if document.get("validity") is not None:
        from dsbench.corpus.validity import validity_summary

        lines.append(validity_summary(document["validity"], lang))
    return lines


__all__ = ["Calibration", "calibrate", "calibrate_cards", "measured_results", "rescore"]
