"""``render``, ``verify`` and ``diff``: the commands over cards already written."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from dsbench.cli.options import FORMATS, LANGUAGE


def register(app: typer.Typer) -> None:
    app.command()(render)
    app.command()(verify)
    app.command()(diff)


def render(
    card_path: Path = typer.Argument(..., metavar="CARD", help="A card.json."),
    formats: Optional[str] = FORMATS,
    lang: str = LANGUAGE,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Directory (default: the card's)."),
    fail_on: str = typer.Option("warning", "--fail-on", help="JUnit: a failed expectation of this severity "
                                "(critical, or warning: warning and critical) is a failure; the others are skipped."),
) -> None:
    """Re-render an existing card."""
    from dsbench.cards.compare import load_card
    from dsbench.scoring.gates import check_fail_on
    from dsbench.render import check_language, parse_formats, render_all, write_all

    check_fail_on(fail_on)
    names, lang = parse_formats(formats), check_language(lang)
    files = render_all(load_card(card_path).document, names, lang, options={"junit": {"fail_on": fail_on}})
    for path in write_all(output or card_path.parent, files):
        typer.echo(str(path))


def verify(
    card_path: Path = typer.Argument(..., metavar="CARD", help="A card.json to re-evaluate."),
    data: Optional[str] = typer.Option(None, "--data", help="Where the dataset is (default: the bundled "
                                       "dataset of the card's name)."),
    standard: Optional[str] = typer.Option(None, "--standard", help="The standard file, when it is not shipped."),
    suite: List[str] = typer.Option([], "--suite", help="Suite files the card used that are not shipped."),
) -> None:
    """Re-evaluate a card from its recorded inputs; exit 1 on any difference. Differences in content
    (data, inputs, scores, results) are listed before those that only name or locate the data."""
    from dsbench.verification import verify as verify_again

    found = verify_again(card_path, data=data, standard=standard, suites=list(suite))
    for line in found.lines():
        typer.echo(line)
    if not found:
        edited = "edited after it was written; " if found.edited else ""
        content = len(found.content)
        typer.echo(f"{card_path}: NOT verified ({edited}{len(found.differences)} difference(s), "
                   f"{content or 'none'} of them in content)")
        raise typer.Exit(1)
    typer.echo(f"{card_path}: verified")


def diff(old: Path = typer.Argument(..., help="The earlier card."),
         new: Path = typer.Argument(..., help="The later card.")) -> None:
    """List what changed between two cards: the score, grade and verdict, each indicator's A/B and
    score, each expectation's outcome and A/B, and expectations added or removed. Names and locations
    of the data are not scores: cards that differ only there show no change."""
    from dsbench.cards.compare import change_lines, load_card, score_changes

    for line in change_lines(score_changes(load_card(old).document, load_card(new).document)):
        typer.echo(line)
