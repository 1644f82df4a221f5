"""``dsbench calibrate``: a report on a standard itself, from a corpus of datasets (see
dsbench.corpus.calibration for what it measures and how).

Exit codes: 0 every dataset was evaluated; 1 some dataset could not be loaded or evaluated (the
report lists it with its reason and is made from the others, as ``dsbench bench`` does); 2 bad
corpus, standard or option (one line on stderr; nothing is written).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer import Typer


def register(app: Typer) -> None:
    """Add this module's command to ``app``."""
    from dsbench.cli.options import LANG_HELP

    @app.command()
    def calibrate(
        corpus: List[str] = typer.Argument(..., metavar="CORPUS...",
                                           help="Dataset directories or files, YAML corpus lists, "
                                           "or card.json files (used as they are, without evaluating again)."),
        standard: str = typer.Option(..., "--standard", help="The draft: a shipped standard id or a standard file."),
        against: Optional[str] = typer.Option(None, "--against", help="An older version (id or file) to "
                                              "compare grades with."),
        output: Optional[Path] = typer.Option(None, "--output", "-o", help="Directory for calibration.json "
                                              "and calibration.md (default calibration/<standard id>/)."),
        jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Datasets evaluated at once, in "
                                           "worker processes (default: one per CPU)."),
        lang: str = typer.Option("en", "--lang", help=LANG_HELP + " Of calibration.md and the summary; "
                                 "calibration.json is language-neutral."),
        validity: bool = typer.Option(False, "--validity", help="Also inject each defect family (nulls, "
                                      "duplicates, out-of-range values, label flips) into a copy of each "
                                      "dataset, and duplicate every generated check: which indicators each "
                                      "lowers, raises or leaves alone (card items are skipped)."),
        validity_rate: float = typer.Option(0.05, "--validity-rate", help="With --validity: the share of the "
                                            "rows each defect family affects, above 0 and at most 1."),
        validity_seed: int = typer.Option(0, "--validity-seed", min=0, help="With --validity: the seed of the "
                                          "injection."),
    ) -> None:
        """Calibrate a standard on a corpus: pass rates, score distributions, indicators that never
        or always fail or do not discriminate, correlated indicators, threshold sensitivity (±5
        points), with --against, which datasets change grade and why, and with --validity, how each
        indicator responds to injected defects and to duplicated checks."""
        from dsbench.corpus.calibration import calibrate as run_calibration
        from dsbench.errors import DsbenchError
        from dsbench.render import check_language
        from dsbench.scoring.standard import load_standard

        check_language(lang)
        if validity:
            from dsbench.corpus.calibration.validity import check_rate

            check_rate(validity_rate)
        draft = load_standard(standard)
        directory = output if output is not None else Path("calibration") / draft.id
        if directory.exists() and not directory.is_dir():  # refused before any dataset is evaluated
            raise DsbenchError("the output exists and is not a directory", source=str(directory))
        report = run_calibration(draft, corpus, against=against, jobs=jobs,
                                 validity=validity_rate if validity else None, seed=validity_seed)
        paths = report.save(directory, lang)
        for line in report.summary(lang):
            typer.echo(line)
        for path in paths:
            typer.echo(f"wrote {path}")
        for name, message in report.errors.items():  # as bench: the report is written, the run fails
            typer.echo(f"{name}: cannot be evaluated: {message}", err=True)
        raise typer.Exit(1 if report.errors else 0)
