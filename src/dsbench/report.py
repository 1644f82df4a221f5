"""Human-readable console output of a validation result."""

from __future__ import annotations

import json
from typing import Any

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
