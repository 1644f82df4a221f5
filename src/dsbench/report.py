"""Human-readable console output of a validation result."""

from __future__ import annotations

import json
from typing import Any

from dsbench.render._shared import fraction_text
from dsbench.validation import ExpectationResult, ValidationResult

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


def _name(names: dict, lang: str = "en") -> str:
    return names.get(lang) or names.get("en") or next(iter(names.values()), "")


def _fmt(score: Any) -> str:
    return "—" if score is None else f"{score:.1f}"


def print_card(card: Any, where: Any = None) -> None:
    """Score, grade, gates, dimension scores and the five weakest indicators."""
    from rich.console import Console
    from rich.table import Table

    document = card.document
    console = Console(highlight=False, width=max(Console().width, 120))
    verdict = "[green]passed[/]" if document["passed"] else "[red]not passed[/]"
    console.print(f"[bold]{document['dataset']['name']}[/] × [bold]{document['standard']['id']}[/] "
                  f"({document['standard']['status']}): score {_fmt(document['score'])} / "
                  f"{document['scale']:g}, grade {document['grade'] or '—'}, {verdict}")
    for gate in document["gates"]:
        mark = "[green]pass[/]" if gate["passed"] else "[red]FAIL[/]"
        console.print(f"  gate {mark}  {gate['description']}")
    dimensions = Table("code", "dimension", "score", "status", box=None, title_justify="left")
    for d in document["dimensions"]:
        dimensions.add_row(d["code"], _name(d["name"]), _fmt(d["score"]), d["status"])
    console.print(dimensions)
    scored = [(d, i) for d in document["dimensions"] for i in d["indicators"] if i["score"] is not None]
    weakest = sorted(scored, key=lambda pair: (pair[1]["score"], pair[1]["code"]))[:5]
    if weakest:
        table = Table("indicator", "name", "score", "passed/evaluated", box=None,
                      title="weakest indicators", title_justify="left")
        for _, i in weakest:
            table.add_row(i["code"], _name(i["name"]), _fmt(i["score"]), fraction_text(i["passed"], i["evaluated"]))
        console.print(table)
    if where is not None:
        console.print(f"card: {where}  digest {document['digest']}")
