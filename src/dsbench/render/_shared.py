"""What the HTML and Markdown renderings of a card have in common: the extra words they use, and the
selections and formatting of numbers, findings and sample values. Everything here reads only the card
document and is deterministic."""

from __future__ import annotations

import json
from typing import Any

from dsbench.render.i18n import name, score_text, t

MAX_VALUE = 80  # characters of one sample or observed value
SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}

WORDS: dict[str, dict[str, str]] = {
    "fingerprint": {"en": "Fingerprint", "zh": "指纹"},
    "version": {"en": "Version", "zh": "版本"},
    "title_of_standard": {"en": "Title", "zh": "名称"},
    "table": {"en": "Table", "zh": "表"},
    "tables": {"en": "Tables", "zh": "表"},
    "files": {"en": "Files", "zh": "文件"},
    "bytes": {"en": "bytes", "zh": "字节"},
    "type": {"en": "Type", "zh": "类型"},
    "column": {"en": "Column", "zh": "列"},
    "severity": {"en": "Severity", "zh": "严重程度"},
    "finding": {"en": "Finding", "zh": "发现"},
    "target": {"en": "Target", "zh": "对象"},
    "code": {"en": "Code", "zh": "编号"},
    "name": {"en": "Name", "zh": "名称"},
    "result": {"en": "Result", "zh": "结果"},
    "more": {"en": "… and {n} more", "zh": "…… 另有 {n} 项"},
    "n_expectations": {"en": "{n} expectations", "zh": "{n} 项检查"},
    "n_expectation": {"en": "1 expectation", "zh": "1 项检查"},
    "n_failed": {"en": "{n} failed", "zh": "{n} 项未通过"},
    "n_files": {"en": "{n} files", "zh": "{n} 个文件"},
    "n_file": {"en": "1 file", "zh": "1 个文件"},
    "n_columns": {"en": "{n} columns", "zh": "{n} 列"},
    "n_column": {"en": "1 column", "zh": "1 列"},
    "comma": {"en": ", ", "zh": "，"},
    "detail": {"en": "Indicators and expectations", "zh": "指标与检查项"},
    "failed_of": {"en": "{a} of {b} expectations failed", "zh": "{b} 项检查中 {a} 项未通过"},
    "colon": {"en": ": ", "zh": "："},
    "of": {"en": "{a} unexpected of {b}", "zh": "{b} 个中有 {a} 个异常"},
    "failed_expectations": {"en": "Failed expectations", "zh": "未通过的检查项"},
    "unbound": {"en": "Expectations no indicator of this standard counts",
                "zh": "本标准未计入任何指标的检查项"},
    "charts": {"en": "Charts", "zh": "图表"},
    "dimension_chart": {"en": "Dimension scores", "zh": "维度得分"},
    "indicator_chart": {"en": "Indicator scores", "zh": "指标得分"},
    "no_charts": {"en": "Charts need matplotlib: `pip install dsbench[report]` adds them.",
                  "zh": "图表需要 matplotlib：`pip install dsbench[report]` 即可添加。"},
    "provenance": {"en": "Provenance", "zh": "来源信息"},
    "suites": {"en": "Suites", "zh": "检查套件"},
    "options": {"en": "Options", "zh": "选项"},
    "manifest": {"en": "Manifest digest", "zh": "清单摘要"},
    "verify_hint": {"en": "Re-evaluate the recorded inputs and compare every field:",
                    "zh": "重新评估所记录的输入并逐项比较："},
    "none": {"en": "none", "zh": "无"},
    "direction_lower": {"en": "lower is better", "zh": "越低越好"},
    "value": {"en": "Value", "zh": "取值"},
    "source": {"en": "Source", "zh": "来源"},
    "samples": {"en": "Sample values", "zh": "样例值"},
    "count": {"en": "Count", "zh": "数量"},
    "all_passed": {"en": "Every expectation passed.", "zh": "所有检查项均通过。"},
    "critical": {"en": "critical", "zh": "严重"},
    "warning": {"en": "warning", "zh": "警告"},
    "info": {"en": "info", "zh": "提示"},
    "weakest_note": {"en": "lowest scores first", "zh": "按得分从低到高"},
    "print_note": {"en": "Collapsed sections print expanded in current browsers.",
                   "zh": "折叠的部分在新版浏览器中打印时会展开。"},
}

STATUS_WORDS = {"scored": "scored", "not_applicable": "not_applicable", "not_evaluated": "not_evaluated",
                "external": "external", "draft": "draft", "published": "published"}


def word(key: str, lang: str, **values: Any) -> str:
    """A word of WORDS (or of i18n.LABELS) in ``lang``, with ``{placeholders}`` filled in."""
    entry = WORDS.get(key)
    text = (entry.get(lang) or entry["en"]) if entry else t(key, lang)
    return text.format(**values) if values else text


def counted(key: str, n: int, lang: str) -> str:
    """"3 expectations" / "1 expectation" (keys n_<key>s and n_<key>) and their Chinese."""
    return word(f"n_{key}", lang) if n == 1 and f"n_{key}" in WORDS else word(f"n_{key}s", lang, n=n)


def status_word(status: str | None, lang: str) -> str:
    """scored / not_applicable / … / draft / published in ``lang``; unknown statuses as they are."""
    if status in STATUS_WORDS:
        return t(STATUS_WORDS[status], lang)
    return str(status or "")


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
