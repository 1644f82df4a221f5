"""The score card as GitHub-flavoured Markdown: a pull-request comment or $GITHUB_STEP_SUMMARY.

Score, grade and verdict, the gates, the dimensions, the five weakest indicators, the failed
expectations (at most MAX_FAILED, with their counts and a few unexpected values) and the digest.
Values come from the data, so every cell is escaped: a pipe, a backtick, markup or a line break in a
value cannot break the table or inject HTML.
"""

from __future__ import annotations

import re

from dsbench.render import _shared as s
from dsbench.render.i18n import name, t

FILENAME = "card.md"
MEDIA_TYPE = "text/markdown"

MAX_FAILED = 20
SAMPLES = 3
PASS, FAIL, ERROR = "✅", "❌", "⚠️"

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


def render(card: dict, lang: str) -> str:
    from dsbench.render import check_language

    check_language(lang)
    w = lambda key, **values: s.word(key, lang, **values)  # noqa: E731
    mark = PASS if card.get("passed") else FAIL
    standard = card.get("standard", {})
    lines = [
        f"## {escape(card['dataset']['name'])} × {escape(standard.get('id', ''))}",
        "",
        f"**{t('score', lang)} {s.fmt_score(card.get('score'))} / {s.scale_text(card)}** · "
        f"{t('grade', lang)} **{escape(s.grade_text(card, lang))}** · {mark} **{s.verdict(card, lang)}**",
        "",
        f"{t('standard', lang)}{w('colon')}{escape(s.standard_title(card, lang))} "
        f"({escape(standard.get('version', ''))}, {escape(s.status_word(standard.get('status'), lang))})",
        "",
    ]
    gates = card.get("gates", [])
    if gates:
        lines += [f"### {t('gates', lang)}", ""]
        lines += _table(["", t("gate", lang), t("observed", lang)],
                        [[PASS if g.get("passed") else FAIL, escape(g.get("description", "")),
                          escape(s.gate_observed(g, lang))] for g in gates])
        lines.append("")

    lines += [f"### {t('dimensions', lang)}", ""]
    lines += _table([w("code"), t("dimension", lang), t("score", lang), t("status", lang)],
                    [[escape(d["code"]), escape(name(d["name"], lang)), s.fmt_score(d.get("score")),
                      escape(s.status_word(d.get("status"), lang))] for d in card.get("dimensions", [])],
                    align="llr")
    lines.append("")

    weakest = s.weakest(card)
    if weakest:
        lines += [f"### {t('weakest', lang)}", ""]
        lines += _table([t("indicator", lang), w("name"), t("score", lang), t("passed_evaluated", lang)],
                        [[escape(i["code"]), escape(name(i["name"], lang)), s.fmt_score(i["score"]),
                          s.fraction_text(i.get("passed"), i.get("evaluated"))] for _, i in weakest],
                        align="llrr")
        lines.append("")

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
    lines += ["", f"{t('digest', lang)}{w('colon')}{code(card.get('digest', ''))} · "
                  f"{t('verify', lang)}{w('colon')}`dsbench verify card.json`", ""]
    return "\n".join(lines)
