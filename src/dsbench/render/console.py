"""Human-readable console output of a validation result."""

from __future__ import annotations

import json
from typing import Any

from dsbench.render._shared import manifest_missing, missing_text
from dsbench.validation.runner import ExpectationResult, ValidationResult

MAX_CELL = 60


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _target(result: ExpectationResult) -> str:
    kwargs = result.config.kwargs
    for key in ("column", "column_A", "column_list", "column_set", "other_table_name"):
        if key in kwargs:
            value = kwargs[key]
            if key == "column_A":
                value = f"{kwargs['column_A']}, {kwargs.get('column_B')}"
            return _short(value if isinstance(value, str) else ", ".join(map(str, value)))
    return ""


def _finding(result: ExpectationResult) -> str:
    outcome = result.outcome
    if outcome.exception:
        return f"error: {outcome.exception}"
    found = outcome.result
    if "unexpected_count" in found:
        text = f"{found['unexpected_count']} unexpected of {outcome.evaluated}"
        samples = [c["value"] for c in found.get("partial_unexpected_counts", [])[:3]]
        return text + (f" e.g. {_short(samples)}" if samples else "")
    missing = manifest_missing(result.config.type, found)
    if missing is not None:
        return missing_text(missing, "en")
    if "observed_value" in found:
        return f"observed {_short(found['observed_value'])}"
    return ""


def print_validation(result: ValidationResult, data: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, width=max(Console().width, 140))
    table = Table(title=f"{result.suite.name} on {data}", title_justify="left", box=None)
    table.add_column("status", no_wrap=True)
    table.add_column("expectation", no_wrap=True)
    table.add_column("target", overflow="ellipsis", max_width=30)
    table.add_column("finding", overflow="fold")
    for item in result.results:
        status = "[green]pass[/]" if item.success else "[red]FAIL[/]"
        if item.outcome.exception:
            status = "[yellow]ERROR[/]"
        table.add_row(status, item.config.type, _target(item), _finding(item))
    console.print(table)
    stats = result.statistics
    colour = "green" if result.success else "red"
    console.print(f"[{colour}]{stats['successful_expectations']} of {stats['evaluated_expectations']} "
                  f"expectations passed[/]")
    from rich.markup import escape

    for column, meant in result.reading.get("read_as_text", {}).items():
        console.print(f"[yellow]note:[/] column {escape(repr(column))} was read as text: some of its values are not "
                      f"{meant} (expect_column_values_to_be_castable counts them)", markup=True)
    for column, types in result.reading.get("json_types", {}).items():
        kinds = ", ".join(f"{count} {kind}" for kind, count in types.items())
        console.print(f"[yellow]note:[/] column {escape(repr(column))} holds JSON values of several types ({kinds}); "
                      "it was read as text", markup=True)


def print_card(card: Any, where: Any = None, lang: str = "en") -> None:
    """The card's score explained, compactly, in ``lang``: score, grade with its bands and the verdict;
    each gate with its threshold and observed value; the dimensions with their weights and effective
    weights and the renormalisation applied; the five weakest indicators with unit, A/B and coverage;
    the results counted by outcome and severity (passing generated checks only counted)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from dsbench.render import _gates as gate_text

    from dsbench.render import _shared as s
    from dsbench.i18n import name, t

    document = card.document
    console = Console(highlight=False, width=max(Console().width, 120))
    colour = "green" if document.get("passed") else "red"
    comma = t("comma", lang)
    console.print(f"[bold]{escape(document['dataset']['name'])}[/] × [bold]{escape(document['standard']['id'])}[/] "
                  f"({escape(s.status_word(document['standard'].get('status'), lang))}){t('colon', lang)}"
                  f"{t('score', lang).lower()} {s.overall_score(document)} / {s.scale_text(document)}{comma}"
                  f"{t('grade', lang).lower()} {escape(s.grade_text(document, lang))}{comma}"
                  f"[{colour}]{escape(s.verdict(document, lang))}[/]")
    console.print(f"  {t('grades', lang).lower()}{t('colon', lang)}{escape(gate_text.grade_bands(document, lang))}")
    gates = document.get("gates", [])
    width = max((len(gate_text.gate_status(g, lang)) for g in gates), default=0)
    for gate in gates:
        status = gate_text.gate_status(gate, lang).ljust(width)
        mark = f"[green]{status}[/]" if gate.get("passed") else f"[red]{status.upper()}[/]"
        console.print(f"  {t('gate', lang).lower()} {mark}  {escape(gate_text.gate_condition(gate, lang))} — "
                      f"{t('observed', lang).lower()} {escape(gate_text.gate_observed(gate, lang, document))}")
    dimensions = Table(t("code", lang).lower(), t("dimension", lang).lower(), t("score", lang).lower(),
                       t("status", lang).lower(), t("weight", lang).lower(), t("effective_weight", lang).lower(),
                       box=None, title_justify="left")
    for d in document.get("dimensions", []):
        dimensions.add_row(escape(d["code"]), escape(name(d["name"], lang)), s.dimension_score(document, d),
                           escape(s.status_word(d.get("status"), lang)), s.weight_text(d.get("weight")),
                           s.share_text(d.get("effective_weight"), lang))
    console.print(dimensions)
    for sentence in s.renormalisation(document, lang):
        console.print(f"  {escape(sentence)}")
    weakest = s.weakest(document)
    if weakest:
        table = Table(t("indicator", lang).lower(), t("name", lang).lower(), t("score", lang).lower(),
                      t("unit", lang).lower(), "A / B", t("coverage", lang).lower(), box=None,
                      title=t("weakest", lang).lower(), title_justify="left")
        for _, i in weakest:
            table.add_row(escape(i["code"]), escape(name(i["name"], lang)), s.indicator_score(document, i),
                          escape(s.unit_word(i.get("unit"), lang)), escape(s.a_of_b(i, lang)),
                          escape(s.coverage_text(i, lang)))
        console.print(table)
        for _, i in weakest:  # a lower-is-better indicator's value: its bad share, as a percentage
            if s.lower_note(i, lang):
                console.print(f"  {escape(i['code'])} {escape(name(i['name'], lang))} — {escape(s.lower_note(i, lang))}")
    if document.get("results"):
        console.print(escape(s.results_summary(document, lang)))
    if where is not None:
        console.print(f"{t('card_file', lang)}{t('colon', lang)}{escape(str(where))}  "
                      f"{t('digest', lang).lower()} {document['digest']}")
