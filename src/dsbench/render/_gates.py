"""How a card's gates and grade bands read in the renderings: each gate's condition, threshold, observed
value and status, and the grade bands with their names. Reads only the card document."""

from __future__ import annotations

from typing import Callable

from dsbench.i18n import name, score_text, t
from dsbench.render._shared import (card_exact, card_scale, dimension_score, fmt_score, indicator_score, numbers_in,
                                   overall_bounds, severity_word, status_word, value_text, weight_text, word)


def grade_bands(card: dict, lang: str, quote: Callable[[str], str] = str) -> str:
    """The standard's grades, best first: "A ≥ 95, every data indicator ≥ 97 · B ≥ 90 … · D
    otherwise", or "pass/fail only". ``quote`` escapes each grade (Markdown escapes the grades,
    not the "<" of a band)."""
    levels = [level for level in card.get("levels") or [] if isinstance(level, dict)]
    if not levels:
        return t("pass_fail_only", lang)
    parts = []
    for index, level in enumerate(levels):
        bound, grade = level.get("min_score"), quote(str(level.get("grade")))
        floor = level.get("min_indicator_score")
        if index and index == len(levels) - 1 and isinstance(bound, (int, float)) and bound <= 0 and not floor:
            parts.append(f"{grade} {t('otherwise', lang)}" if any(other.get("min_indicator_score") for other in levels)
                         else f"{grade} < {weight_text(levels[index - 1].get('min_score'))}")
            continue
        text = f"{grade} ≥ {weight_text(bound)}"
        if floor:
            text += t("band_floor", lang, floor=weight_text(floor))
        parts.append(text)
    return " · ".join(parts)


def grade_name(card: dict, lang: str) -> str:
    """The name of the card's grade in ``lang`` ("Excellent"), or ""."""
    for level in card.get("levels") or []:
        if isinstance(level, dict) and level.get("grade") == card.get("grade") and level.get("name"):
            return name(level["name"], lang)
    return ""


def gate_threshold(gate: dict, lang: str) -> str:
    """A gate's threshold: a score, or the severity that must not fail."""
    value = gate.get("threshold")
    if gate.get("type") == "no_failed_severity":
        return severity_word(str(value), lang)
    return weight_text(value) if isinstance(value, (int, float)) else ("—" if value is None else str(value))


def gate_condition(gate: dict, lang: str) -> str:
    """What a gate asks, with its threshold: "overall score ≥ 60", "no critical expectation failed"."""
    kind, threshold = gate.get("type"), gate_threshold(gate, lang)
    if kind == "min_score":
        return t("gate_min_score", lang, threshold=threshold)
    if kind == "min_dimension_score":
        observed = gate.get("observed")
        if isinstance(observed, dict) and len(observed) == 1:
            return t("gate_dimension", lang, code=next(iter(observed)), threshold=threshold)
        return t("gate_every_dimension", lang, threshold=threshold)
    if kind == "min_indicator_score":
        observed = gate.get("observed")
        code = next(iter(observed)) if isinstance(observed, dict) and len(observed) == 1 else "—"
        return t("gate_indicator", lang, code=code, threshold=threshold)
    if kind == "no_failed_severity":
        return t("gate_no_failed", lang, severity=threshold)
    return str(gate.get("description") or kind or "")


def gate_description(gate: dict, lang: str) -> str:
    """A gate's description from the standard, which gives it in English only: shown in English,
    left out in another language (as the A and B of an indicator are), where the translated
    condition says what the gate asks."""
    return str(gate.get("description") or "") if lang == "en" else ""


def gate_observed(gate: dict, lang: str, card: dict | None = None) -> str:
    """A gate's observed value: a score, per-dimension scores, or the failed expectations ("2 failed:
    id1, id2"). With ``card``, a score is never shown as the full scale unless it is exact."""
    observed = gate.get("observed")
    card = card or {}
    scale = card_scale(card)
    kind = gate.get("type")
    if isinstance(observed, dict):  # scores of dimensions, or of the one indicator a gate names
        if kind == "min_indicator_score":
            parts = {i.get("code"): i for d in card.get("dimensions", []) for i in d.get("indicators", [])}
            shown = indicator_score
        else:
            parts, shown = {d.get("code"): d for d in card.get("dimensions", [])}, dimension_score
        return ", ".join(
            f"{code}: " + (shown(card, {**parts[code], "score": value}) if code in parts else fmt_score(value))
            + ("" if value is not None or code not in parts
               else f" ({status_word(parts[code].get('status'), lang)})")
            for code, value in sorted(observed.items()))
    if isinstance(observed, list):
        if not observed:
            return t("gate_none_failed", lang) if kind == "no_failed_severity" else word("none", lang)
        shown = ", ".join(value_text(item, 60) for item in observed[:3])
        shown += " " + word("more", lang, n=len(observed) - 3) if len(observed) > 3 else ""
        return t("gate_failed_ids", lang, n=len(observed), ids=shown) if kind == "no_failed_severity" else shown
    if isinstance(observed, (int, float)) and not isinstance(observed, bool):
        if kind == "min_score":
            return score_text(observed, exact=card_exact(card) if card else None, scale=scale,
                              bounds=overall_bounds(card) or numbers_in([gate.get("threshold")]))
        return fmt_score(observed)
    return "—" if observed is None else value_text(observed)


def gate_status(gate: dict, lang: str) -> str:
    return t("gate_met" if gate.get("passed") else "gate_not_met", lang)


def gate_line(gate: dict, lang: str, card: dict | None = None) -> str:
    """"overall score ≥ 60 — observed 76.6 — met"."""
    return t("gate_line", lang, condition=gate_condition(gate, lang), observed=gate_observed(gate, lang, card),
             status=gate_status(gate, lang))
