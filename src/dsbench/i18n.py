"""Words of the renderings in English and Chinese. Names of dimensions and indicators come from the
card itself (every standard gives them in zh and en)."""

# Size: one table of every word in both languages (the renderings', the CLI's and the web pages'), kept
# whole so a key and its translations are looked up in one place.
from __future__ import annotations

import math
from typing import Any, Iterable

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
    # what explains a score (gates, grade bands, weights, units, coverage)
    "verdict_pass": {"en": "meets the standard's pass gate", "zh": "达到标准的通过门槛"},
    "verdict_fail": {"en": "does not meet the standard's pass gate", "zh": "未达到标准的通过门槛"},
    "grade_capped": {"en": "so the lowest grade (the score alone: {grade})", "zh": "故评为最低等级（仅按得分为 {grade}）"},
    "grade_floored": {"en": "the score alone reaches {grade}, but a data indicator is below that grade's floor of {floor}",
                      "zh": "仅按得分可达 {grade}，但有数据指标低于该等级的下限 {floor}"},
    "badge_fail": {"en": "pass gate not met", "zh": "未达通过门槛"},
    "gate_met": {"en": "met", "zh": "达到"},
    "gate_not_met": {"en": "not met", "zh": "未达到"},
    "gate_min_score": {"en": "overall score ≥ {threshold}", "zh": "总分 ≥ {threshold}"},
    "gate_every_dimension": {"en": "every dimension ≥ {threshold}", "zh": "每个维度 ≥ {threshold}"},
    "gate_dimension": {"en": "dimension {code} ≥ {threshold}", "zh": "维度 {code} ≥ {threshold}"},
    "gate_indicator": {"en": "indicator {code} ≥ {threshold}", "zh": "指标 {code} ≥ {threshold}"},
    "gate_no_failed": {"en": "no {severity} expectation failed", "zh": "没有{severity}级检查项未通过"},
    "gate_line": {"en": "{condition} — observed {observed} — {status}",
                  "zh": "{condition} — 观测值 {observed} — {status}"},
    "gate_failed_ids": {"en": "{n} failed: {ids}", "zh": "{n} 项未通过：{ids}"},
    "gate_none_failed": {"en": "none failed", "zh": "无未通过项"},
    "threshold": {"en": "Threshold", "zh": "阈值"},
    "grades": {"en": "Grades", "zh": "等级划分"},
    "band_floor": {"en": ", every data indicator ≥ {floor}", "zh": "，且每个数据指标 ≥ {floor}"},
    "otherwise": {"en": "otherwise", "zh": "其余"},
    "pass_fail_only": {"en": "pass/fail only", "zh": "仅判定是否通过"},
    "effective_weight": {"en": "Effective weight", "zh": "有效权重"},
    "effective_note": {"en": "effective weight: the share of the overall score",
                       "zh": "有效权重：占总分的比例"},
    "renormalised_dimensions": {
        "en": "{n} of {total} dimensions are not applicable or not evaluated; the weights of the others "
              "were renormalised.",
        "zh": "{total} 个维度中有 {n} 个不适用或未评估，其余维度的权重已重新归一化。"},
    "renormalised_indicators": {
        "en": "{n} of {total} indicators are not applicable or not evaluated; within each dimension the "
              "weights of the others were renormalised.",
        "zh": "{total} 个指标中有 {n} 个不适用或未评估，各维度内其余指标的权重已重新归一化。"},
    "not_renormalised": {"en": "Every dimension and indicator counts; no weight was renormalised.",
                         "zh": "所有维度和指标均计入，权重未重新归一化。"},
    "unit": {"en": "Unit", "zh": "单位"},
    "unit_values": {"en": "present values", "zh": "非空值"},
    "unit_text_values": {"en": "present text values", "zh": "非空文本值"},
    "unit_cells": {"en": "cells", "zh": "单元格"},
    "unit_records": {"en": "records", "zh": "记录"},
    "unit_tables": {"en": "tables", "zh": "表"},
    "unit_measure": {"en": "measure", "zh": "测度"},
    "unit_external": {"en": "external evidence", "zh": "外部证据"},
    "a_of_b": {"en": "{a} of {b} {unit}", "zh": "{b} 个{unit}中的 {a} 个"},
    "a_of_b_plain": {"en": "{a} of {b}", "zh": "{a} / {b}"},
    "a_b": {"en": "A / B", "zh": "A / B"},
    "coverage": {"en": "Coverage", "zh": "覆盖率"},
    "coverage_of": {"en": "coverage {value}", "zh": "覆盖率 {value}"},
    "percent": {"en": "{value} %", "zh": "{value}%"},
    "bad_share": {"en": "lower is better: the rate is {value} of the {unit}",
                  "zh": "越低越好：比率为{unit}的 {value}"},
    "bad_share_plain": {"en": "lower is better: {value}", "zh": "越低越好：{value}"},
    "results_fed": {"en": "Results that fed it", "zh": "计入的检查结果"},
    "passing_generated": {"en": "passing generated checks: {n}", "zh": "通过的自动生成检查：{n} 项"},
    "failing_rows": {"en": "failing rows: {n} (Parquet)", "zh": "未通过的行：{n} 行（Parquet）"},
    "failing_rows_capped": {"en": "first {n} failing rows (Parquet)", "zh": "前 {n} 个未通过的行（Parquet）"},
    "passed_summary": {"en": "{passed} of {total} expectations passed; the {generated} generated checks among "
                             "them are counted, not listed.",
                       "zh": "{total} 项检查中 {passed} 项通过；其中 {generated} 项自动生成的检查只计数、不列出。"},
    "results_summary": {"en": "{total} expectations: {failed} failed ({severities}), {passed} passed "
                              "({generated} generated checks)",
                        "zh": "{total} 项检查：{failed} 项未通过（{severities}），{passed} 项通过（其中自动生成 {generated} 项）"},
    "missing_fields": {"en": "missing: {fields}", "zh": "缺少：{fields}"},
    "nothing_missing": {"en": "nothing missing", "zh": "无缺失"},
    "junit_below": {"en": "not failing: below --fail-on {level}", "zh": "不计为失败：低于 --fail-on {level}"},
    "weights": {"en": "Weights", "zh": "权重说明"},
    "indicators_detail": {"en": "Indicators: unit, A / B, coverage, weights and the results that fed them",
                          "zh": "指标：单位、A / B、覆盖率、权重及计入的检查结果"},
    "overall": {"en": "overall", "zh": "总分"},
    "makes_applicable": {"en": "only this suite made applicable", "zh": "仅由此套件变为适用"},
    "unscored": {"en": "unscored", "zh": "未计分"},
    "junit_concern": {"en": "concern: {concern}; severity: {severity}", "zh": "关注点：{concern}；严重程度：{severity}"},
    "junit_result": {"en": "result: {result}", "zh": "结果：{result}"},
    "full_stop": {"en": ".", "zh": "。"},
    "card_version": {"en": "card_version", "zh": "评分卡格式版本"},
    # the command line: the card's path under the summary, and why `dsbench check` failed
    "card_file": {"en": "card", "zh": "评分卡"},
    "check_failed": {"en": "check failed: {problem}", "zh": "检查未通过：{problem}"},
    "problem_gates": {"en": "the standard's gates did not pass", "zh": "未达到标准的门槛"},
    "problem_score": {"en": "score {score} is below {bar}", "zh": "得分 {score} 低于 {bar}"},
    "problem_grade": {"en": "grade {grade} is below {bar}", "zh": "等级 {grade} 低于 {bar}"},
    "problem_fail_on": {"en": "{n} {level}-or-worse expectation(s) failed", "zh": "{n} 项{level}及以上级别的检查项未通过"},
    # the words of a table's column headers, in lower case (leaderboard and calibration report)
    "col_rank": {"en": "rank", "zh": "排名"},
    "col_dataset": {"en": "dataset", "zh": "数据集"},
    "col_datasets": {"en": "datasets", "zh": "数据集"},
    "col_score": {"en": "score", "zh": "得分"},
    "col_grade": {"en": "grade", "zh": "等级"},
    "col_passed": {"en": "passed", "zh": "通过"},
    "col_error": {"en": "error", "zh": "错误"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    # the leaderboard of dsbench bench
    "leaderboard": {"en": "Leaderboard", "zh": "排行榜"},
    "n_datasets": {"en": "{n} datasets", "zh": "{n} 个数据集"},
    "n_dataset": {"en": "1 dataset", "zh": "1 个数据集"},
    "n_standards": {"en": "{n} standards", "zh": "{n} 项标准"},
    "n_standard": {"en": "1 standard", "zh": "1 项标准"},
    "leaderboard_summary": {"en": "{datasets} × {standards}: {scored} scored, {failed} failed. "
                                  "Ranks are within each standard; equal scores share a rank.",
                            "zh": "{datasets} × {standards}：{scored} 个已评分，{failed} 个失败。"
                                  "排名在每项标准之内；得分相同者名次相同。"},
    "leaderboard_heading": {"en": "{id}: {title} (version {version})", "zh": "{id}：{title}（版本 {version}）"},
    "score_distribution": {"en": "Distribution of scores", "zh": "得分分布"},
    "dimension_spread": {"en": "Dimension scores across datasets", "zh": "各数据集的维度得分"},
    "score_distribution_of": {"en": "Distribution of {id} scores", "zh": "{id} 得分分布"},
    "dimension_spread_of": {"en": "{id} dimension scores", "zh": "{id} 维度得分"},
    # the calibration report of dsbench calibrate
    "calibration_title": {"en": "Calibration of {id} {version} ({status})", "zh": "{id} {version}（{status}）的校准"},
    "calibration_corpus": {"en": "Corpus: {n} datasets. Standard digest {digest}.",
                           "zh": "语料：{n} 个数据集。标准摘要 {digest}。"},
    "calibration_datasets": {"en": "Datasets", "zh": "数据集"},
    "findings": {"en": "Findings", "zh": "发现"},
    "flag_non_discriminating": {"en": "non-discriminating", "zh": "无区分度"},
    "flag_never_fails": {"en": "never fails", "zh": "从未失败"},
    "flag_always_fails": {"en": "always fails", "zh": "总是失败"},
    "flag_never_scored": {"en": "never scored", "zh": "从未评分"},
    "possibly_redundant": {"en": "possibly redundant", "zh": "可能冗余"},
    "most_sensitive_thresholds": {"en": "most sensitive thresholds", "zh": "最敏感的阈值"},
    "changing_at": {"en": "datasets changing at ±{step}", "zh": "在 ±{step} 时变化的数据集数"},
    "pass_note": {"en": "Pass: scored and at or above the bar (the indicator's own threshold or gate, else its "
                        "dimension's gate, else the overall gate, else the full scale). Pass rate over all datasets.",
                  "zh": "通过：已评分且不低于门线（指标自身的阈值或门槛，其次为其维度的门槛，再次为总分门槛，"
                        "否则为满分）。通过率按全部数据集计算。"},
    "bar_indicator": {"en": "indicator", "zh": "指标"},
    "bar_dimension": {"en": "dimension", "zh": "维度"},
    "bar_overall": {"en": "overall", "zh": "总分"},
    "bar_scale": {"en": "scale", "zh": "满分"},
    "col_indicator": {"en": "indicator", "zh": "指标"},
    "col_dimension_short": {"en": "dim.", "zh": "维度"},
    "col_bar": {"en": "bar", "zh": "门线"},
    "col_scored": {"en": "scored", "zh": "已评分"},
    "col_not_applicable": {"en": "n/a", "zh": "不适用"},
    "col_not_evaluated": {"en": "not eval.", "zh": "未评估"},
    "col_pass_rate": {"en": "pass rate", "zh": "通过率"},
    "col_min": {"en": "min", "zh": "最小值"},
    "col_q1": {"en": "q1", "zh": "下四分位"},
    "col_median": {"en": "median", "zh": "中位数"},
    "col_q3": {"en": "q3", "zh": "上四分位"},
    "col_max": {"en": "max", "zh": "最大值"},
    "col_mean": {"en": "mean", "zh": "均值"},
    "col_flags": {"en": "flags", "zh": "标记"},
    "correlation": {"en": "Correlation", "zh": "相关性"},
    "correlation_note": {"en": "Pearson's r over the datasets where both indicators are scored (at least {n}); "
                               "|r| ≥ {at} is flagged. {few} pair(s) share too few datasets.",
                         "zh": "在两个指标都已评分的数据集上（至少 {n} 个）计算 Pearson r；|r| ≥ {at} 会被标记。"
                               "{few} 对指标共同的数据集太少。"},
    "left_out": {"en": "Left out, {reason}: {codes}.", "zh": "未计入（{reason}）：{codes}。"},
    "reason_few_shared": {"en": "scored on fewer than {n} datasets", "zh": "评分的数据集少于 {n} 个"},
    "reason_constant": {"en": "constant (one score on every dataset)", "zh": "恒定（每个数据集得分相同）"},
    "col_a": {"en": "a", "zh": "指标 A"},
    "col_b": {"en": "b", "zh": "指标 B"},
    "col_r": {"en": "r", "zh": "r"},
    "col_flag": {"en": "flag", "zh": "标记"},
    "no_pairs": {"en": "No pair to correlate.", "zh": "没有可计算相关性的指标对。"},
    "sensitivity": {"en": "Sensitivity", "zh": "敏感性"},
    "sensitivity_note": {"en": "Each threshold moved by −{step} and +{step} points (clamped); datasets whose grade, "
                               "pass/fail or indicator threshold outcome changes.",
                         "zh": "每个阈值分别下调 {step} 分和上调 {step} 分（限制在有效范围内）；"
                               "统计等级、通过与否或指标阈值结果发生变化的数据集。"},
    "col_threshold": {"en": "threshold", "zh": "阈值"},
    "col_changed": {"en": "changed", "zh": "变化数"},
    "no_thresholds": {"en": "The standard has no numeric threshold.", "zh": "该标准没有数值阈值。"},
    "against": {"en": "Against {id} {version}", "zh": "与 {id} {version} 对比"},
    "against_indicator": {"en": "indicator {code} {change}", "zh": "指标 {code} {change}"},
    "change_added": {"en": "added", "zh": "新增"},
    "change_removed": {"en": "removed", "zh": "删除"},
    "change_rebound": {"en": "rebound", "zh": "重新绑定"},
    "change_reweighted": {"en": "reweighted", "zh": "权重调整"},
    "change_moved": {"en": "moved", "zh": "移动"},
    "change_redefined": {"en": "redefined", "zh": "重新定义"},
    "gate_removed": {"en": "gate removed", "zh": "删除的门槛"},
    "gate_added": {"en": "gate added", "zh": "新增的门槛"},
    "level_removed": {"en": "level removed", "zh": "删除的等级"},
    "level_added": {"en": "level added", "zh": "新增的等级"},
    "scale_change": {"en": "scale {old} → {new}", "zh": "满分 {old} → {new}"},
    "n_changed": {"en": "{n} dataset(s) change grade or pass/fail.", "zh": "{n} 个数据集的等级或通过与否发生变化。"},
    "col_old": {"en": "old", "zh": "旧版"},
    "col_new": {"en": "new", "zh": "新版"},
    "col_outcome_changed": {"en": "outcome changed", "zh": "结果变化"},
    "gate_flipped": {"en": "gate {gate}: {old} → {new}", "zh": "门槛 {gate}：{old} → {new}"},
    "col_change": {"en": "change", "zh": "变化"},
    "col_old_score": {"en": "old score", "zh": "旧得分"},
    "col_new_score": {"en": "new score", "zh": "新得分"},
    "col_contribution_delta": {"en": "contribution Δ", "zh": "贡献变化 Δ"},
    "summary_title": {"en": "calibration of {id} {version} on {n} datasets", "zh": "{id} {version} 在 {n} 个数据集上的校准"},
    "summary_most_sensitive": {"en": "most sensitive", "zh": "最敏感"},
    "summary_moves": {"en": "{down} at -{step}, {up} at +{step}", "zh": "-{step} 时 {down} 个，+{step} 时 {up} 个"},
    "summary_against": {"en": "against {id} {version}: {n} changed", "zh": "与 {id} {version} 对比：{n} 个变化"},
    # the validity section of calibrate (dsbench.corpus.calibration.validity)
    "validity_title": {"en": "Validity", "zh": "效度"},
    "validity_note": {
        "en": "Each dataset was copied with one defect family injected ({rate} of the rows, seed {seed}) "
              "and evaluated again, and evaluated once more with every generated check duplicated. An "
              "indicator should be lowered by the defects it measures, left alone by the others and never "
              "raised; a duplicated check should move nothing.",
        "zh": "每个数据集分别注入一类缺陷（行数的 {rate}，种子 {seed}）后重新评测，"
              "并在所有生成检查各复制一份后再评测一次。"
              "指标应被其度量的缺陷降低、不受其他缺陷影响、且从不升高；"
              "复制检查不应改变任何指标。"},
    "validity_family_nulls": {"en": "nulls", "zh": "空值"},
    "validity_family_duplicates": {"en": "duplicates", "zh": "重复记录"},
    "validity_family_out_of_range": {"en": "out-of-range values", "zh": "越界值"},
    "validity_family_label_flips": {"en": "label flips", "zh": "标签翻转"},
    "validity_raised_by_defect": {"en": "raised by an injected defect", "zh": "被注入的缺陷升高"},
    "validity_moved_by_duplicated_checks": {"en": "moved by duplicated checks", "zh": "被复制检查改变"},
    "validity_insensitive_to_all": {"en": "insensitive to every family", "zh": "对所有缺陷类别不敏感"},
    "validity_overall_raised": {"en": "overall score raised by an injected defect", "zh": "总分被注入的缺陷升高"},
    "validity_skipped": {"en": "skipped", "zh": "跳过"},
    "validity_not_injected": {"en": "not injected", "zh": "未注入"},
    "validity_col_clean": {"en": "as given", "zh": "原始"},
    "validity_col_duplicated": {"en": "checks duplicated", "zh": "检查复制后"},
    "validity_col_lowered_by": {"en": "lowered by", "zh": "被降低于"},
    "validity_col_raised_by": {"en": "raised by", "zh": "被升高于"},
    "validity_col_applicability_by": {"en": "applicability changed by", "zh": "适用性改变于"},
    "validity_col_insensitive_to": {"en": "insensitive to", "zh": "不敏感于"},
    "validity_col_moved_on": {"en": "moved by duplicated checks on", "zh": "复制检查后改变于"},
    "validity_summary": {"en": "validity ({rate} injected, {n} datasets)", "zh": "效度（注入 {rate}，{n} 个数据集）"},
    # the service's public web pages (dsbench.service.pages)
    "web_site": {"en": "dsbench data-quality benchmark", "zh": "dsbench 数据质量评测平台"},
    "web_about": {"en": "dsbench scores datasets against data-quality standards and publishes reproducible score "
                        "cards. Each card records its inputs and its own digest, so anyone can verify it offline "
                        "and get the same score. Only cards their publishers have published appear here.",
                  "zh": "dsbench 按数据质量标准为数据集评分，并发布可复现的评分卡。每张评分卡都记录了它的输入和"
                        "自身的摘要，任何人都可以离线验证并得到相同的得分。这里只显示发布者已公开的评分卡。"},
    "web_home": {"en": "Home", "zh": "首页"},
    "web_nav": {"en": "Site", "zh": "站点导航"},
    "web_latest": {"en": "Latest published cards", "zh": "最新发布的评分卡"},
    "web_no_cards": {"en": "No card is published yet.", "zh": "尚无已发布的评分卡。"},
    "web_standards": {"en": "Standards", "zh": "标准"},
    "web_org": {"en": "Organisation", "zh": "机构"},
    "web_card": {"en": "Card", "zh": "评分卡"},
    "web_open": {"en": "open", "zh": "查看"},
    "web_published_at": {"en": "Published", "zh": "发布时间"},
    "web_leaderboard_of": {"en": "Leaderboard: {title}", "zh": "排行榜：{title}"},
    "web_standard_of": {"en": "Standard: {title}", "zh": "标准：{title}"},
    "web_scale": {"en": "Scale", "zh": "满分"},
    "web_share": {"en": "Share of the score", "zh": "占总分比例"},
    "web_definition": {"en": "Definition (A / B)", "zh": "定义（A / B）"},
    "web_unit": {"en": "Unit", "zh": "单位"},
    "web_external": {"en": "external evidence: not computed from the data", "zh": "外部证据：不由数据计算"},
    "web_min_score": {"en": "Minimum score", "zh": "最低得分"},
    "web_min_indicator": {"en": "Every data indicator at least", "zh": "每个数据指标不低于"},
    "web_profile_note": {"en": "Scoring profile", "zh": "评分方案说明"},
    "web_rows_shown": {"en": "{n} of {total} rows", "zh": "共 {total} 行，显示 {n} 行"},
    "web_filter": {"en": "Filter", "zh": "筛选"},
    "web_filter_grade": {"en": "Grade", "zh": "等级"},
    "web_all_grades": {"en": "all grades", "zh": "全部等级"},
    "web_sort": {"en": "Sort by", "zh": "排序"},
    "web_apply": {"en": "Apply", "zh": "应用"},
    "web_sorted_by": {"en": "sorted by {column}", "zh": "按{column}排序"},
    "web_no_rows": {"en": "No published card matches.", "zh": "没有符合条件的已发布评分卡。"},
    "web_dataset_of": {"en": "Dataset {o}/{d}", "zh": "数据集 {o}/{d}"},
    "web_latest_cards": {"en": "Latest card per standard", "zh": "各标准的最新评分卡"},
    "web_history": {"en": "Published scores over versions", "zh": "各版本的已发布得分"},
    "web_history_chart": {"en": "{standard}: score by version", "zh": "{standard}：各版本得分"},
    "web_badge": {"en": "Badge", "zh": "徽章"},
    "web_badge_hint": {"en": "Paste into the project's description:", "zh": "粘贴到项目说明中："},
    "web_verify_hint": {"en": "Verify the card offline: download it and re-evaluate it from its recorded inputs "
                              "(give the dataset's files with --data):",
                        "zh": "离线验证评分卡：下载后按其记录的输入重新评估（用 --data 指定数据集文件）："},
    "web_card_of": {"en": "Card: {dataset} against {standard}", "zh": "评分卡：{dataset}（{standard}）"},
    "web_downloads": {"en": "Downloads", "zh": "下载"},
    "web_download": {"en": "Download", "zh": "下载"},
    "web_other_formats": {"en": "Other formats", "zh": "其他格式"},
    "web_full_card": {"en": "The full card", "zh": "完整评分卡"},
    "web_not_found": {"en": "Not found", "zh": "未找到"},
    "web_not_found_text": {"en": "There is no published page at this address.", "zh": "此地址没有已发布的页面。"},
    "web_back_home": {"en": "Back to the home page", "zh": "返回首页"},
    "web_view_leaderboard": {"en": "leaderboard", "zh": "排行榜"},
    "web_view_standard": {"en": "standard", "zh": "标准"},
    "web_footer": {"en": "Scores are reproducible: every card can be verified with dsbench verify.",
                   "zh": "得分可复现：每张评分卡都可用 dsbench verify 验证。"},
    "web_sign_in": {"en": "Sign in", "zh": "登录"},
    "web_sign_out": {"en": "Sign out", "zh": "退出登录"},
    "web_user_name": {"en": "User name", "zh": "用户名"},
    "web_password": {"en": "Password", "zh": "密码"},
    "web_signin_failed": {"en": "Wrong user name or password.", "zh": "用户名或密码错误。"},
    "web_signin_help": {"en": "Accounts are made by the site's administrator.", "zh": "账号由站点管理员创建。"},
    "web_forbidden": {"en": "Not allowed", "zh": "不允许"},
    "web_csrf_refused": {"en": "This form was refused: it did not come from a page of this site (or your session "
                                "ended). Nothing was changed.",
                         "zh": "此表单被拒绝：它不是来自本站页面（或会话已结束）。未作任何更改。"},
    "web_role_refused": {"en": "Your role in this organisation does not allow this. Nothing was changed.",
                         "zh": "你在该机构的角色不允许此操作。未作任何更改。"},
    "web_invalid": {"en": "Not possible", "zh": "无法完成"},
    "web_refused_detail": {"en": "The service refused: {detail}", "zh": "服务拒绝了请求：{detail}"},
    "web_invalid_token": {"en": "A token needs a name (up to 100 characters) and, if given, 1 to 3650 days.",
                          "zh": "令牌需要名称（最多 100 个字符），有效天数（如填写）为 1 至 3650。"},
    "web_invalid_evaluation": {"en": "Choose a dataset version and a standard.", "zh": "请选择数据集版本和标准。"},
    "web_tokens": {"en": "API tokens", "zh": "API 令牌"},
    "web_your_tokens": {"en": "Your tokens", "zh": "你的令牌"},
    "web_no_tokens": {"en": "You have no token.", "zh": "你还没有令牌。"},
    "web_token_name": {"en": "Name", "zh": "名称"},
    "web_token_days": {"en": "Expires after (days, optional)", "zh": "有效天数（可选）"},
    "web_create_token": {"en": "Create the token", "zh": "创建令牌"},
    "web_new_token": {"en": "New token", "zh": "新建令牌"},
    "web_token_issued": {"en": "Token {name} created", "zh": "已创建令牌 {name}"},
    "web_token_once": {"en": "Copy its secret now: it is shown this once and never again.",
                       "zh": "请立即复制密钥：它只显示这一次。"},
    "web_created": {"en": "Created", "zh": "创建时间"},
    "web_expires": {"en": "Expires", "zh": "过期时间"},
    "web_last_used": {"en": "Last used", "zh": "最近使用"},
    "web_revoked": {"en": "Revoked", "zh": "已吊销"},
    "web_revoke": {"en": "Revoke", "zh": "吊销"},
    "web_never": {"en": "never", "zh": "从不"},
    "web_actions": {"en": "Actions", "zh": "操作"},
    "web_dashboard_of": {"en": "Organisation {org}", "zh": "机构 {org}"},
    "web_your_role": {"en": "your role", "zh": "你的角色"},
    "web_datasets": {"en": "Datasets and versions", "zh": "数据集与版本"},
    "web_no_datasets": {"en": "No dataset yet: upload one with the API or dsbench submit.",
                        "zh": "尚无数据集：请用 API 或 dsbench submit 上传。"},
    "web_no_versions": {"en": "no version", "zh": "无版本"},
    "web_new_evaluation": {"en": "New evaluation", "zh": "新建评测"},
    "web_dataset_version": {"en": "Dataset version", "zh": "数据集版本"},
    "web_evaluate": {"en": "Evaluate", "zh": "开始评测"},
    "web_cannot_evaluate": {"en": "Your role cannot ask for evaluations here, or there is no version yet.",
                            "zh": "你的角色不能在此发起评测，或尚无数据集版本。"},
    "web_evaluations": {"en": "Evaluations", "zh": "评测"},
    "web_no_evaluations": {"en": "No evaluation yet.", "zh": "尚无评测。"},
    "web_asked": {"en": "Asked for", "zh": "提交时间"},
    "web_started": {"en": "Started", "zh": "开始时间"},
    "web_finished": {"en": "Finished", "zh": "完成时间"},
    "web_reason": {"en": "Reason", "zh": "原因"},
    "web_state": {"en": "State", "zh": "状态"},
    "web_state_queued": {"en": "queued", "zh": "排队中"},
    "web_state_running": {"en": "running", "zh": "运行中"},
    "web_state_succeeded": {"en": "succeeded", "zh": "成功"},
    "web_state_failed": {"en": "failed", "zh": "失败"},
    "web_state_cancelled": {"en": "cancelled", "zh": "已取消"},
    "web_state_timed_out": {"en": "timed out", "zh": "超时"},
    "web_queue_position": {"en": "number {n} in the queue", "zh": "队列第 {n} 位"},
    "web_cards": {"en": "Cards", "zh": "评分卡"},
    "web_no_org_cards": {"en": "No card yet.", "zh": "尚无评分卡。"},
    "web_public": {"en": "public", "zh": "已公开"},
    "web_private": {"en": "private", "zh": "未公开"},
    "web_publish": {"en": "Publish", "zh": "发布"},
    "web_unpublish": {"en": "Unpublish", "zh": "取消发布"},
    "web_evaluation_of": {"en": "Evaluation of {dataset} {version}", "zh": "评测：{dataset} {version}"},
    "web_see_card": {"en": "See the card", "zh": "查看评分卡"},
    "web_refreshing": {"en": "This page refreshes itself every 2 seconds until the evaluation ends.",
                       "zh": "评测结束前，本页每 2 秒自动刷新。"},
    "web_back_dashboard": {"en": "Back to the organisation", "zh": "返回机构页面"},
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


MORE_DIGITS = 3  # decimals a score or a percentage may gain so as not to look like its bound


def _bounded(value: float, digits: int, low: float, high: float, low_exact: bool, high_exact: bool,
             bounds: Iterable[float] = ()) -> str:
    """``value`` with ``digits`` decimals, or more, so that it never reads as ``low`` or ``high``
    unless it is that bound exactly (``low_exact``, ``high_exact``), and reads on the same side of
    each of ``bounds`` (a grade band, a gate, a floor) as it is: 94.996 against a band at 95 reads
    "94.996", not "95.0". Beyond MORE_DIGITS more decimals it reads "<bound" or ">bound"."""
    bounds = sorted({float(b) for b in bounds if low < b < high})
    for places in range(digits, digits + MORE_DIGITS + 1):
        text = f"{value:.{places}f}"
        shown = float(text)
        if (shown >= high and not high_exact) or (shown <= low and not low_exact):
            continue
        if any((shown >= bound) != (value >= bound) for bound in bounds):
            continue
        return text
    crossed = next((b for b in bounds if (float(f"{value:.{places}f}") >= b) != (value >= b)), None)
    if crossed is not None:
        return f"<{crossed:g}" if value < crossed else f">{crossed:g}"
    return f"<{high:g}" if value > (low + high) / 2 else f">{low:g}"


def score_text(score: float | None, digits: int = 1, *, exact: bool | None = None, scale: float = 100.0,
               bounds: Iterable[float] = ()) -> str:
    """A score (0..scale) as text: ``digits`` decimals, and never the full scale unless ``exact``
    (A = B: every element counted passed), nor 0 unless it is 0. 2,999,618 of 3,000,000 reads
    "99.99", not "100.0". Nor does it read as reaching one of ``bounds`` (the grade bands, gates or
    floors it is held against) that it misses, or as missing one it reaches. ``exact`` None: not
    known, the score is shown as it is rounded (against ``bounds`` still)."""
    if score is None or isinstance(score, bool) or not isinstance(score, (int, float)) or score != score:
        return "—"
    score = float(score)
    if exact is None:
        return _bounded(score, digits, -math.inf, math.inf, True, True, bounds)
    return _bounded(score, digits, 0.0, float(scale), score <= 0, bool(exact) or score > scale, bounds)


def percent_text(fraction: float | None, lang: str, digits: int = 1) -> str:
    """A fraction (0..1) as a percentage in ``lang``: "0.5 %"; never 0 or 100 unless exactly so."""
    if fraction is None or isinstance(fraction, bool) or not isinstance(fraction, (int, float)) \
            or fraction != fraction:
        return "—"
    value = 100.0 * float(fraction)
    return t("percent", lang, value=_bounded(value, digits, 0.0, 100.0, fraction <= 0, fraction >= 1))
