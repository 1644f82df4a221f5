"""Words of the renderings in English and Chinese. Names of dimensions and indicators come from the
card itself (every standard gives them in zh and en)."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, str]] = {
    "title": {"en": "Data quality score card", "zh": "数据质量评分卡"},
    "dataset": {"en": "Dataset", "zh": "数据集"},
    "standard": {"en": "Standard", "zh": "标准"},
    "score": {"en": "Score", "zh": "得分"},
    "grade": {"en": "Grade", "zh": "等级"},
    "passed": {"en": "Passed", "zh": "通过"},
    "not_passed": {"en": "Not passed", "zh": "未通过"},
    "gates": {"en": "Gates", "zh": "门槛"},
    "gate": {"en": "Gate", "zh": "门槛"},
    "dimension": {"en": "Dimension", "zh": "维度"},
    "dimensions": {"en": "Dimensions", "zh": "维度"},
    "indicator": {"en": "Indicator", "zh": "指标"},
    "indicators": {"en": "Indicators", "zh": "指标"},
    "expectation": {"en": "Expectation", "zh": "检查项"},
    "expectations": {"en": "Expectations", "zh": "检查项"},
    "status": {"en": "Status", "zh": "状态"},
    "weight": {"en": "Weight", "zh": "权重"},
    "passed_evaluated": {"en": "Passed / evaluated", "zh": "通过 / 评估"},
    "unexpected": {"en": "Unexpected values", "zh": "异常值"},
    "observed": {"en": "Observed", "zh": "观测值"},
    "digest": {"en": "Digest", "zh": "摘要"},
    "verify": {"en": "Verify", "zh": "验证"},
    "weakest": {"en": "Weakest indicators", "zh": "最弱指标"},
    "rows": {"en": "rows", "zh": "行"},
    "columns": {"en": "columns", "zh": "列"},
    "profile": {"en": "Scoring profile", "zh": "评分方案"},
    "pass": {"en": "pass", "zh": "通过"},
    "fail": {"en": "fail", "zh": "未通过"},
    "error": {"en": "error", "zh": "错误"},
    "scored": {"en": "scored", "zh": "已评分"},
    "not_applicable": {"en": "not applicable", "zh": "不适用"},
    "not_evaluated": {"en": "not evaluated", "zh": "未评估"},
    "external": {"en": "external evidence", "zh": "外部证据"},
    "draft": {"en": "draft", "zh": "草案"},
    "published": {"en": "published", "zh": "已发布"},
    "engine": {"en": "Engine", "zh": "引擎"},
    "no_grade": {"en": "no grade", "zh": "无等级"},
}


def t(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (English when a word has no translation)."""
    entry = LABELS[key]
    return entry.get(lang) or entry["en"]


def name(names: dict[str, str] | Any, lang: str) -> str:
    """A {zh, en} name in ``lang``, falling back to the other language."""
    if not isinstance(names, dict):
        return str(names)
    return names.get(lang) or names.get("en") or names.get("zh") or ""


def score_text(score: float | None, digits: int = 1) -> str:
    return "—" if score is None else f"{score:.{digits}f}"
