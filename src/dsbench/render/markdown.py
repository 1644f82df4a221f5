"""The score card as GitHub-flavoured Markdown: a pull-request comment or $GITHUB_STEP_SUMMARY.

Score, grade (with the grade bands) and verdict, the gates (threshold and observed value), the
dimensions (weights, effective weights and the renormalisation applied), the five weakest indicators
(unit, A/B, coverage), every indicator with the results that fed it (collapsed in ``<details>``; at
most RESULTS_SHOWN results each, failures first, passing generated checks counted), the failed
expectations (at most MAX_FAILED, with their counts and a few unexpected values), a count of the
passing ones and the digest.
Values come from the data, so every cell is escaped: a pipe, a backtick, markup or a line break in a
value cannot break the table or inject HTML.
"""

from __future__ import annotations

import re

from dsbench.render import _gates as gate_text

from dsbench.render import _shared as s
from dsbench.i18n import name, t

FILENAME = "card.md"
MEDIA_TYPE = "text/markdown"

MAX_FAILED = 20
SAMPLES = 3
RESULTS_SHOWN = 3  # results listed per indicator (failures first); the rest are counted
PASS, FAIL, ERROR = "✅", "❌", "⚠️"
MARKS = {"pass": PASS, "fail": FAIL, "error": ERROR}

# Characters with a meaning in GitHub-flavoured Markdown text or tables ($ starts math, @ a mention);
# & < > become entities, so that no renderer can see markup in a value.
_SPECIAL = re.compile(r"([\\`*_\[\]#|~$@])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_BREAKS = re.compile(r"[\r\n\t\u2028\u2029\x00-\x08\x0b-\x1f\x7f]+")


def escape(text: object) -> str:
    """Text as literal Markdown: special characters backslash-escaped, line breaks and control
    characters turned into one space, so a value stays inside its table cell."""
    text = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(text)))
    return re.sub(r"[&<>]", lambda match: _ENTITIES[match.group()], text)


def code(text: object) -> str:
    """An inline code span, or escaped text when the text holds a backtick."""
    text = _BREAKS.sub(" ", str(text))
    return escape(text) if "`" in text or not text.strip() else f"`{text}`"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    """A table; ``align`` has one letter per column: l (default) or r."""
    rules = ["---:" if (align[k:k + 1] == "r") else "---" for k in range(len(header))]
    return [_row(*header), _row(*rules), *(_row(*row) for row in rows)]


def _samples(result: dict) -> str:
    values = []
    for value, count in s.samples(result, SAMPLES):
        text = escape(value) if value.strip() else '""'
        values.append(text + ("" if count is None else f" ×{s.fmt_count(count)}"))
    return "; ".join(values)


def _fed(card: dict, indicator: dict, lang: str) -> str:
    """The results that fed an indicator, in one cell: failures and checks written by hand first (at
    most RESULTS_SHOWN, each with its A/B), the rest counted, passing generated checks summarised."""
    counts = s.fed_counts(indicator)
    shown, folded = s.split_generated_passes(s.fed_results(card, indicator))
    parts = []
    for result in shown[:RESULTS_SHOWN]:
        status = s.result_status(result)
        passed, evaluated = counts.get(result.get("id"), (None, None))
        parts.append(f"{MARKS[status]} {escape(result.get('id', ''))} {s.fraction_text(passed, evaluated)}")
    if len(shown) > RESULTS_SHOWN:
        parts.append(f"_{escape(s.word('more', lang, n=len(shown) - RESULTS_SHOWN))}_")
    if folded:
        parts.append(escape(s.word("passing_generated", lang, n=len(folded))))
    return "<br>".join(parts) or "—"


def _indicator_name(indicator: dict, lang: str) -> str:
    text = escape(name(indicator["name"], lang))
    lower = s.lower_note(indicator, lang)
    return text + (f"<br>_{escape(lower)}_" if lower else "")


def render(card: dict, lang: str) -> str:
    from dsbench.render import check_language

    check_language(lang)
    w = lambda key, **values: s.word(key, lang, **values)  # noqa: E731
    mark = PASS if card.get("passed") else FAIL
    standard = card.get("standard", {})
    grade_name = gate_text.grade_name(card, lang)
    lines = [
        f"## {escape(card['dataset']['name'])} × {escape(standard.get('id', ''))}",
        "",
        f"**{t('score', lang)} {s.overall_score(card)} / {s.scale_text(card)}** · "
        f"{t('grade', lang)} **{escape(s.grade_text(card, lang))}**"
        + (f" ({escape(grade_name)})" if grade_name else "") + f" · {mark} **{s.verdict(card, lang)}**",
        "",
        f"{w('grades')}{w('colon')}{gate_text.grade_bands(card, lang, escape)}",
        "",
        f"{t('standard', lang)}{w('colon')}{escape(s.standard_title(card, lang))} "
        f"({escape(standard.get('version', ''))}, {escape(s.status_word(standard.get('status'), lang))})",
        "",
    ]
    gates = card.get("gates", [])
    if gates:
        lines += [f"### {t('gates', lang)}", ""]
        lines += _table(["", t("gate", lang), w("threshold"), t("observed", lang), t("status", lang)],
                        [[PASS if g.get("passed") else FAIL, escape(gate_text.gate_condition(g, lang)),
                          escape(gate_text.gate_threshold(g, lang)), escape(gate_text.gate_observed(g, lang, card)),
                          escape(gate_text.gate_status(g, lang))] for g in gates], align="llr")
        lines.append("")

    lines += [f"### {t('dimensions', lang)}", ""]
    lines += _table([w("code"), t("dimension", lang), t("score", lang), t("status", lang), t("weight", lang),
                     w("effective_weight")],
                    [[escape(d["code"]), escape(name(d["name"], lang)), s.dimension_score(card, d),
                      escape(s.status_word(d.get("status"), lang)), s.weight_text(d.get("weight", 1)),
                      escape(s.share_text(d.get("effective_weight"), lang))] for d in card.get("dimensions", [])],
                    align="llrlrr")
    lines += ["", " ".join(escape(sentence) for sentence in s.renormalisation(card, lang)), ""]

    weakest = s.weakest(card)
    if weakest:
        lines += [f"### {t('weakest', lang)}", ""]
        lines += _table([t("indicator", lang), w("name"), t("score", lang), w("unit"), w("a_b"), w("coverage")],
                        [[escape(i["code"]), _indicator_name(i, lang), s.indicator_score(card, i),
                          escape(s.unit_word(i.get("unit"), lang)), escape(s.a_of_b(i, lang)),
                          escape(s.coverage_text(i, lang))] for _, i in weakest],
                        align="llrlrr")
        lines.append("")

    indicators = [(d, i) for d in card.get("dimensions", []) for i in d.get("indicators", [])]
    if indicators:
        lines += ["<details>", f"<summary>{escape(w('indicators_detail'))}</summary>", ""]
        lines += _table([w("code"), t("indicator", lang), t("score", lang), t("status", lang), w("unit"), w("a_b"),
                         w("coverage"), t("weight", lang), w("effective_weight"), w("results_fed")],
                        [[escape(i["code"]), _indicator_name(i, lang), s.indicator_score(card, i),
                          escape(s.status_word(i.get("status"), lang)), escape(s.unit_word(i.get("unit"), lang)),
                          escape(s.a_of_b(i, lang)), escape(s.coverage_text(i, lang)),
                          s.weight_text(i.get("weight", 1)), escape(s.share_text(i.get("effective_weight"), lang)),
                          _fed(card, i, lang)] for _, i in indicators],
                        align="llrllrrrr")
        lines += ["", "</details>", ""]

    failed = s.failed_results(card)
    lines += [f"### {w('failed_expectations')} ({len(failed)})", ""]
    if failed:
        rows = []
        for result in failed[:MAX_FAILED]:
            status = s.result_status(result)
            config = result.get("expectation_config") or {}
            measure = result.get("measure") or {}
            rows.append([ERROR if status == "error" else FAIL,
                         code(config.get("type", "")) + "<br>" + escape(s.target(result)),
                         escape(s.severity_word(result.get("severity", ""), lang)),
                         s.fraction_text(measure.get("passed"), measure.get("evaluated")),
                         escape(s.finding(result, lang)), _samples(result)])
        lines += _table(["", t("expectation", lang), w("severity"), t("passed_evaluated", lang),
                         w("finding"), w("samples")], rows, align="lllr")
        if len(failed) > MAX_FAILED:
            lines += ["", f"_{escape(w('more', n=len(failed) - MAX_FAILED))}_"]
    else:
        lines.append(w("all_passed"))
    results = card.get("results", [])
    passing = [r for r in results if s.result_status(r) == "pass"]
    if passing:
        lines += ["", escape(w("passed_summary", passed=len(passing), total=len(results),
                                generated=sum(1 for r in passing if s.is_generated(r))))]
    lines += ["", f"{t('digest', lang)}{w('colon')}{code(card.get('digest', ''))} · "
                  f"{t('verify', lang)}{w('colon')}`dsbench verify card.json`", ""]
    return "\n".join(lines)
