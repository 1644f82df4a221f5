"""What the HTML and Markdown renderings of a card have in common: the selections and formatting of numbers, findings and sample values. Everything here reads only the card
document and is deterministic."""

from __future__ import annotations

import json
from typing import Any

from dsbench.render.i18n import LABELS, name, score_text, t

MAX_VALUE = 80  # characters of one sample or observed value
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}


STATUSES = ("scored", "not_applicable", "not_evaluated", "external", "draft", "published")
word = t  # the renderers' name for i18n.t


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
    bound = {e for d in card.get("dimensions", []) for i in d.get("indicators", []) for e in i.get("expectations", [])}
    return sorted((r for r in card.get("results", []) if r["id"] not in bound), key=review_order)


def weakest(card: dict, count: int = 5) -> list[tuple[dict, dict]]:
    """(dimension, indicator) of the ``count`` lowest-scored indicators (ties by code)."""
    scored = [(d, i) for d in card.get("dimensions", []) for i in d.get("indicators", [])
              if i.get("score") is not None]
    return sorted(scored, key=lambda pair: (pair[1]["score"], pair[1]["code"]))[:count]


def gate_observed(gate: dict, lang: str) -> str:
    """A gate's observed value: a score, per-dimension scores, or the ids of failed expectations."""
    observed = gate.get("observed")
    if isinstance(observed, dict):
        return ", ".join(f"{code}: {fmt_score(value)}" for code, value in sorted(observed.items()))
    if isinstance(observed, list):
        if not observed:
            return word("none", lang)
        shown = ", ".join(value_text(item, 60) for item in observed[:3])
        return shown + (" " + word("more", lang, n=len(observed) - 3) if len(observed) > 3 else "")
    if isinstance(observed, (int, float)):
        return fmt_score(observed)
    return "—" if observed is None else value_text(observed)


def grade_text(card: dict, lang: str) -> str:
    return card.get("grade") or t("no_grade", lang)


def verdict(card: dict, lang: str) -> str:
    return t("passed", lang) if card.get("passed") else t("not_passed", lang)


def headline(card: dict) -> str:
    return f"{card['dataset']['name']} × {card['standard']['id']}"


def scale_text(card: dict) -> str:
    return f"{card.get('scale', 100):g}"


def standard_title(card: dict, lang: str) -> str:
    return name(card["standard"].get("title") or {}, lang)
