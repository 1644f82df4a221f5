"""What the renderings of a card have in common (HTML, Markdown, JUnit, badge, console): the
selections and formatting of numbers, findings and sample values, and the words that explain a score
(weights and their renormalisation, units, A/B counts and coverage; gates and grade bands are in
_gates.py). Everything here reads only the card document and is deterministic."""

from __future__ import annotations

import json
from typing import Any, Iterable

from dsbench.i18n import LABELS, name, percent_text, score_text, t

MAX_VALUE = 80  # characters of one sample or observed value
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


STATUSES = ("scored", "not_applicable", "not_evaluated", "external", "draft", "published")
COUNTED = ("scored", "external")  # indicator statuses that enter the score
UNITS = ("values", "text_values", "cells", "records", "tables", "measure")
GENERATED = "generated-"  # the id prefix of generated suites
DOCUMENTATION = "expect_manifest_fields_to_be_present"
word = t  # the renderers' name for i18n.t



def card_number(value: Any) -> float | None:
    """A number of a card as a float, or None: null, and the text a card writes for NaN and the
    infinities (JSON has no such numbers), are not numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return None
    return float(value)

def counted(key: str, n: int, lang: str) -> str:
    """"3 expectations" / "1 expectation" (keys n_<key>s and n_<key>) and their Chinese."""
    return t(f"n_{key}", lang) if n == 1 and f"n_{key}" in LABELS else t(f"n_{key}s", lang, n=n)


def status_word(status: str | None, lang: str) -> str:
    """scored / not_applicable / … / draft / published in ``lang``; unknown statuses as they are."""
    return t(status, lang) if status in STATUSES else str(status or "")


def severity_word(severity: str, lang: str) -> str:
    return word(severity, lang) if severity in SEVERITY_RANK else str(severity)


def fmt_score(value: Any) -> str:
    return score_text(value) if isinstance(value, (int, float)) or value is None else str(value)


def fmt_count(value: Any) -> str:
    """8940264 -> '8,940,264'; 12.5 -> '12.5'; None -> '—'."""
    if value is None:
        return "—"
    if isinstance(value, (int, float)) and float(value).is_integer():
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.4g}"
    return str(value)


def fraction_text(passed: Any, evaluated: Any) -> str:
    if evaluated is None:
        return "—"
    return f"{fmt_count(passed)} / {fmt_count(evaluated)}"


def value_text(value: Any, limit: int = MAX_VALUE) -> str:
    """One value from the data as text: strings as they are, everything else as JSON; cut at ``limit``."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                          default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def target(result: dict) -> str:
    """What an expectation is about: ``table.column``, ``table.(a, b)``, the table, or manifest fields."""
    config = result.get("expectation_config") or {}
    kwargs = config.get("kwargs") or {}
    table = result.get("table") or ""
    if "fields" in kwargs:
        fields = kwargs["fields"]
        return value_text(fields if isinstance(fields, str) else ", ".join(map(str, fields)))
    found: Any = None
    if "column_A" in kwargs:
        found = f"({kwargs['column_A']}, {kwargs.get('column_B')})"
    else:
        for key in ("column", "column_list", "column_set"):
            if key in kwargs:
                found = kwargs[key]
                if not isinstance(found, str):
                    found = str(found[0]) if len(found) == 1 else f"({', '.join(map(str, found))})"
                break
    if found is None:
        return table
    return value_text(f"{table}.{found}" if table else found)


def result_status(result: dict) -> str:
    """pass | fail | error."""
    if (result.get("exception_info") or {}).get("raised_exception"):
        return "error"
    return "pass" if result.get("success") else "fail"


def samples(result: dict, limit: int) -> list[tuple[str, Any]]:
    """Up to ``limit`` unexpected values with their counts (count None when only a list is known)."""
    found = result.get("result") or {}
    counted = found.get("partial_unexpected_counts") or []
    if counted:
        return [(value_text(item.get("value")), item.get("count")) for item in counted[:limit]]
    seen: list[str] = []
    for value in found.get("partial_unexpected_list") or []:
        text = value_text(value)
        if text not in seen:
            seen.append(text)
        if len(seen) == limit:
            break
    return [(text, None) for text in seen]


def finding(result: dict, lang: str) -> str:
    """A one-line finding: the error, the unexpected count, or the observed value."""
    info = result.get("exception_info") or {}
    if info.get("raised_exception"):
        return f"{t('error', lang)}{word('colon', lang)}{value_text(info.get('exception_message') or '', 200)}"
    found = result.get("result") or {}
    measure = result.get("measure") or {}
    if "unexpected_count" in found:
        return word("of", lang, a=fmt_count(found["unexpected_count"]), b=fmt_count(measure.get("evaluated")))
    missing = missing_fields(result)
    if missing is not None:
        return missing_text(missing, lang, 1000)
    if "observed_value" in found:
        return f"{t('observed', lang)}{word('colon', lang)}{value_text(found['observed_value'], 200)}"
    return ""


def failed_fraction(result: dict) -> float:
    measure = result.get("measure") or {}
    evaluated = measure.get("evaluated") or 0
    return 1.0 if not evaluated else 1 - (measure.get("passed") or 0) / evaluated


def review_order(result: dict) -> tuple:
    """Errors and failures first, the most severe and the largest failed share first, then by id."""
    rank = {"error": 0, "fail": 1, "pass": 2}[result_status(result)]
    return (rank, SEVERITY_RANK.get(result.get("severity"), 3), -failed_fraction(result), result.get("id", ""))


def failed_results(card: dict) -> list[dict]:
    return sorted((r for r in card.get("results", []) if result_status(r) != "pass"), key=review_order)


def results_by_id(card: dict) -> dict[str, dict]:
    return {r["id"]: r for r in card.get("results", [])}


def unbound_results(card: dict) -> list[dict]:
    """Results that no indicator of the card's standard counts."""
    bound = {e for d in card.get("dimensions", []) for i in d.get("indicators", []) for e in fed_ids(i)}
    return sorted((r for r in card.get("results", []) if r["id"] not in bound), key=review_order)


def weakest(card: dict, count: int = 5) -> list[tuple[dict, dict]]:
    """(dimension, indicator) of the ``count`` lowest-scored indicators (ties by code)."""
    scored = [(d, i) for d in card.get("dimensions", []) for i in d.get("indicators", [])
              if i.get("score") is not None]
    return sorted(scored, key=lambda pair: (pair[1]["score"], pair[1]["code"]))[:count]


def grade_text(card: dict, lang: str) -> str:
    return card.get("grade") or t("no_grade", lang)


def verdict(card: dict, lang: str) -> str:
    """Whether the card meets every gate of its standard, in words: "meets the standard's pass gate";
    when it does not and that lowered its grade, why."""
    lowered = card.get("score_grade") not in (None, card.get("grade"))
    if card.get("passed"):
        if not lowered:
            return t("verdict_pass", lang)
        level = next((v for v in card.get("levels") or [] if v.get("grade") == card["score_grade"]), {})
        floor = weight_text(level.get("min_indicator_score"))
        return t("verdict_pass", lang) + t("comma", lang) + t("grade_floored", lang, grade=card["score_grade"],
                                                                floor=floor)
    note = f"{t('comma', lang)}{t('grade_capped', lang, grade=card['score_grade'])}" if lowered else ""
    return t("verdict_fail", lang) + note


def headline(card: dict) -> str:
    return f"{card['dataset']['name']} × {card['standard']['id']}"


def scale_text(card: dict) -> str:
    return f"{card.get('scale', 100):g}"


def standard_title(card: dict, lang: str) -> str:
    return name(card["standard"].get("title") or {}, lang)


# -- what explains a score --------------------------------------------------------------------------

def manifest_missing(expectation_type: str | None, found: dict) -> list[str] | None:
    """The manifest fields a documentation check found missing (``details.missing`` of its result
    ``found``), or None when the expectation is not such a check."""
    details = found.get("details") or {}
    missing = details.get("missing") if isinstance(details, dict) else None
    if expectation_type != DOCUMENTATION or not isinstance(missing, list):
        return None
    return [str(item) for item in missing]


def missing_fields(result: dict) -> list[str] | None:
    """:func:`manifest_missing` of a card's result."""
    return manifest_missing((result.get("expectation_config") or {}).get("type"), result.get("result") or {})


def missing_text(missing: list[str], lang: str, limit: int | None = None) -> str:
    """"missing: a, b" (cut at ``limit`` characters), or "nothing missing"."""
    if not missing:
        return t("nothing_missing", lang)
    fields = ", ".join(missing)
    return t("missing_fields", lang, fields=fields if limit is None else value_text(fields, limit))


def fed_counts(indicator: dict) -> dict[str, tuple[Any, Any]]:
    """Per result that fed ``indicator``, its (A, B) as the indicator counted it."""
    return {str(entry.get("id")): (entry.get("passed"), entry.get("evaluated"))
            for entry in indicator.get("results") or [] if isinstance(entry, dict)}


def is_generated(result: dict) -> bool:
    """A result of a generated suite (its suite id, or the suite part of its id, starts "generated-")."""
    suite = result.get("suite") or str(result.get("id", "")).partition(":")[0]
    return str(suite).startswith(GENERATED)


def fed_ids(indicator: dict) -> list[str]:
    """The ids of the results that fed ``indicator`` (its ``results``)."""
    return [str(entry["id"]) for entry in indicator.get("results") or [] if isinstance(entry, dict) and "id" in entry]


def fed_results(card: dict, indicator: dict) -> list[dict]:
    """The card's results that fed ``indicator``, failures first (review order)."""
    by_id = results_by_id(card)
    return sorted((by_id[rid] for rid in dict.fromkeys(fed_ids(indicator)) if rid in by_id), key=review_order)


def counted_indicators(dimension: dict) -> list[dict]:
    return [i for i in dimension.get("indicators", []) if i.get("status") in COUNTED and i.get("score") is not None]


def indicator_exact(indicator: dict, scale: float = 100.0) -> bool | None:
    """Whether A = B (every element counted passed); None when the indicator has no score. External
    evidence given as a score is exact when it is the full score."""
    score = card_number(indicator.get("score"))
    if score is None:
        return None
    passed, evaluated = card_number(indicator.get("passed")), card_number(indicator.get("evaluated"))
    if passed is None or evaluated is None:
        return score >= scale
    return passed == evaluated


def dimension_exact(dimension: dict, scale: float = 100.0) -> bool | None:
    """Whether every indicator counted in ``dimension`` has A = B (None: none is counted)."""
    counted = counted_indicators(dimension)
    return all(indicator_exact(i, scale) for i in counted) if counted else None


def card_exact(card: dict) -> bool | None:
    """Whether every indicator counted in the overall score has A = B."""
    scale = card_scale(card)
    counted = [i for d in card.get("dimensions", []) if d.get("score") is not None for i in counted_indicators(d)]
    return all(indicator_exact(i, scale) for i in counted) if counted else None


def card_scale(card: dict) -> float:
    scale = card.get("scale")
    return float(scale) if isinstance(scale, (int, float)) and not isinstance(scale, bool) and scale > 0 else 100.0


def numbers_in(values: Iterable[Any]) -> list[float]:
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def _gate_bounds(card: dict, kind: str, code: str | None = None) -> list[float]:
    """The thresholds of the card's gates of ``kind`` (that judge ``code``, when given)."""
    return numbers_in(g.get("threshold") for g in card.get("gates") or [] if g.get("type") == kind
                    and (code is None or code in (g.get("observed") or {})))


def overall_bounds(card: dict) -> list[float]:
    """What the overall score is held against: the grade bands and the min_score gates."""
    return numbers_in(level.get("min_score") for level in card.get("levels") or []) + _gate_bounds(card, "min_score")


def indicator_score(card: dict, indicator: dict) -> str:
    """An indicator's score (0..scale), never the full scale unless A = B, and on the right side of
    the grade floors, the gates naming it and its own threshold."""
    scale = card_scale(card)
    threshold = indicator.get("threshold")
    bounds = numbers_in(level.get("min_indicator_score") for level in card.get("levels") or [])
    bounds += _gate_bounds(card, "min_indicator_score", indicator.get("code"))
    bounds += numbers_in([threshold * scale]) if numbers_in([threshold]) else []
    return score_text(indicator.get("score"), exact=indicator_exact(indicator, scale), scale=scale, bounds=bounds)


def dimension_score(card: dict, dimension: dict) -> str:
    scale = card_scale(card)
    return score_text(dimension.get("score"), exact=dimension_exact(dimension, scale), scale=scale,
                      bounds=_gate_bounds(card, "min_dimension_score", dimension.get("code")))


def overall_score(card: dict) -> str:
    """The overall score, never the full scale unless every counted indicator has A = B, nor on the
    wrong side of a grade band or a gate (94.996 with A from 95 reads "94.996")."""
    return score_text(card.get("score"), exact=card_exact(card), scale=card_scale(card), bounds=overall_bounds(card))


def unit_word(unit: str | None, lang: str) -> str:
    """The unit of an indicator in words ("cells"); external evidence has none."""
    if unit in UNITS:
        return t(f"unit_{unit}", lang)
    return t("unit_external", lang) if unit is None else str(unit)


def a_of_b(indicator: dict, lang: str) -> str:
    """A/B with counts and unit: "2,733 of 2,752 cells"; "—" when the indicator has no counts."""
    passed, evaluated = indicator.get("passed"), indicator.get("evaluated")
    if passed is None or evaluated is None:
        return "—"
    unit = indicator.get("unit")
    if unit in UNITS and unit != "measure":
        return t("a_of_b", lang, a=fmt_count(passed), b=fmt_count(evaluated), unit=unit_word(unit, lang))
    return t("a_of_b_plain", lang, a=fmt_count(passed), b=fmt_count(evaluated))


def coverage_text(indicator: dict, lang: str) -> str:
    """The share of the elements some bound result examined, as a percentage ("—" for measures and
    external evidence)."""
    return percent_text(indicator.get("coverage"), lang)


def weight_text(weight: Any) -> str:
    return f"{weight:g}" if isinstance(weight, (int, float)) and not isinstance(weight, bool) else "—"


def share_text(effective: Any, lang: str) -> str:
    """An effective weight (the share of the overall score) as a percentage, "—" when not counted."""
    return percent_text(effective, lang)


def lower_note(indicator: dict, lang: str) -> str:
    """For a lower-is-better indicator, its value, the bad share, as a percentage with its unit
    ("lower is better: 0.5 % of the records are defective"); "" otherwise. The 0..1 value itself is
    never shown beside a 0..100 score."""
    value = indicator.get("value")
    if indicator.get("direction") != "lower_is_better" or not isinstance(value, (int, float)):
        return ""
    share = percent_text(value, lang)
    unit = indicator.get("unit")
    if unit in UNITS and unit != "measure":
        return t("bad_share", lang, value=share, unit=unit_word(unit, lang))
    return t("bad_share_plain", lang, value=share)


def left_out(card: dict) -> tuple[int, int, int, int]:
    """(dimensions left out, dimensions, indicators left out, indicators): left out is not counted in
    the score (not applicable, or not evaluated), so the weights of the others were renormalised."""
    dimensions = card.get("dimensions", [])
    indicators = [i for d in dimensions for i in d.get("indicators", [])]
    return (sum(1 for d in dimensions if d.get("effective_weight") is None), len(dimensions),
            sum(1 for i in indicators if i.get("status") not in COUNTED or i.get("score") is None), len(indicators))


def renormalisation(card: dict, lang: str) -> list[str]:
    """The sentences that say which weights were renormalised (one when none was)."""
    dims_out, dims, inds_out, inds = left_out(card)
    sentences = []
    if dims_out:
        sentences.append(t("renormalised_dimensions", lang, n=dims_out, total=dims))
    if inds_out:
        sentences.append(t("renormalised_indicators", lang, n=inds_out, total=inds))
    return sentences or [t("not_renormalised", lang)]


def split_generated_passes(results: list[dict]) -> tuple[list[dict], list[dict]]:
    """(results to show, passing results of generated suites to fold), each in review order."""
    shown, folded = [], []
    for result in sorted(results, key=review_order):
        (folded if result_status(result) == "pass" and is_generated(result) else shown).append(result)
    return shown, folded


def severity_counts(results: list[dict], lang: str) -> str:
    """"critical 0, warning 1, info 8" of ``results``."""
    counts = {level: sum(1 for r in results if r.get("severity") == level) for level in SEVERITY_RANK}
    return word("comma", lang).join(f"{severity_word(level, lang)} {n}" for level, n in counts.items())


def results_summary(card: dict, lang: str) -> str:
    """"75 expectations: 9 failed (critical 0, warning 0, info 9), 66 passed (66 generated checks)"."""
    results = card.get("results", [])
    failed = [r for r in results if result_status(r) != "pass"]
    passed = [r for r in results if result_status(r) == "pass"]
    return t("results_summary", lang, total=len(results), failed=len(failed), severities=severity_counts(failed, lang),
             passed=len(passed), generated=sum(1 for r in passed if is_generated(r)))
