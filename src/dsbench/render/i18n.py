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
    "unbound": {"en": "Expectations no indicator of this standard counts", "zh": "本标准未计入任何指标的检查项"},
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
    "unexpected_of": {"en": "{count} unexpected of {total}", "zh": "{total} 个中 {count} 个异常"},
    "junit_unexpected": {"en": "{count} unexpected", "zh": "{count} 个异常"},
    "measure": {"en": "{passed} of {evaluated} elements passed", "zh": "{evaluated} 个元素中 {passed} 个通过"},
    "junit_samples": {"en": "samples", "zh": "样例"},
    "junit_observed": {"en": "observed", "zh": "观测值"},
    "failed": {"en": "expectation failed", "zh": "检查未通过"},
    "raised": {"en": "expectation raised an exception", "zh": "检查执行出错"},
}


def t(key: str, lang: str, **values: Any) -> str:
    """The words for ``key`` in ``lang`` (English when there is no translation), with
    ``{placeholders}`` filled in from ``values``."""
    entry = LABELS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def name(names: dict[str, str] | Any, lang: str) -> str:
    """A {zh, en} name in ``lang``, falling back to the other language."""
    if not isinstance(names, dict):
        return str(names)
    return names.get(lang) or names.get("en") or names.get("zh") or ""


def score_text(score: float | None, digits: int = 1) -> str:
    return "—" if score is None else f"{score:.{digits}f}"
