"""``dsbench bench``: a corpus of datasets against one or more standards, in parallel and resumable,
into a directory of cards and a leaderboard (CSV, Markdown, HTML with charts).

Exit codes: 0 every dataset was scored (whatever its grade: this is a benchmark, not a gate); 1 some
dataset could not be loaded or evaluated (its rows say why; the others are scored); 2 bad corpus,
standard or option (one line on stderr; nothing is written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, List, Optional

import typer
from typer import Typer

CORPUS_HELP = ("Dataset directories (with a manifest), data files, or YAML lists of entries "
               "(path, and optional name, encoding, missing_values, manifest).")


def register(app: Typer) -> None:
    """Add ``dsbench bench`` to ``app``."""
    from dsbench.cli.options import LANG_HELP, MEMORY_LIMIT, STANDARD_HELP, TIMEOUT

    @app.command()
    def bench(
        corpus: List[str] = typer.Argument(..., metavar="CORPUS...", help=CORPUS_HELP),
        standard: List[str] = typer.Option(..., "--standard", help=STANDARD_HELP + " Repeatable."),
        output: Path = typer.Option(..., "--output", "-o", help="Directory for cards/ and leaderboard.{csv,md,html}."),
        jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1,
                                           help="Worker processes (default: one per CPU)."),
        force: bool = typer.Option(False, "--force", help="Evaluate every pair, even those whose card "
                                   "is up to date."),
        memory_limit: Optional[str] = MEMORY_LIMIT,
        timeout: Optional[float] = TIMEOUT,
        lang: str = typer.Option("en", "--lang", help=LANG_HELP + " Of leaderboard.md and .html; cards "
                                 "and the CSV are language-neutral."),
    ) -> None:
        """Evaluate every dataset of CORPUS against every standard; write the cards and a leaderboard.
        Pairs whose card in the output directory was made from the same inputs are skipped."""
        from dsbench.corpus.bench import CorpusError, evaluate_corpus, load_corpus
        from dsbench.corpus.leaderboard import leaderboard_rows, write_leaderboard
        from dsbench.render import check_language
        from dsbench.scoring.standard import load_standard

        check_language(lang)
        entries = load_corpus(corpus)  # bad corpus, standard or output: exit 2 before any work
        standards = [load_standard(s) for s in standard]
        if output.exists() and not output.is_dir():
            raise CorpusError("the output exists and is not a directory", source=str(output))
        with _Progress(len(entries) * len(standards)) as report:
            cards = evaluate_corpus(entries, standards, output, jobs, report, force=force,
                                    memory_limit=memory_limit, timeout=timeout)
        written = write_leaderboard(output, leaderboard_rows(standards, cards, cards.errors), standards, lang)
        counts = {status: 0 for status in ("evaluated", "skipped", "error")}
        for state in cards.statuses.values():
            counts[state.status] += 1
        typer.echo(f"{len(cards.statuses)} dataset × standard pairs: {counts['evaluated']} evaluated, "
                   f"{counts['skipped']} skipped (up to date), {counts['error']} failed")
        for path in written:
            typer.echo(str(path))
        raise typer.Exit(1 if counts["error"] else 0)


class _Progress:
    """A progress bar on a terminal's stderr; elsewhere (a CI log, a pipe) one line per settled pair.
    Never on stdout, never in an output file."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.bar: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("bench", total=self.total)
        return self.report

    def report(self, state: Any) -> None:
        self.done += 1
        line = f"{state.dataset} × {state.standard}: {state.status}" + (f": {state.message}" if state.message else "")
        if self.bar is None:
            typer.echo(f"[{self.done}/{self.total}] {line}", err=True)
            return
        if state.status == "error":
            self.bar.console.print(line, markup=False, highlight=False)
        self.bar.update(self.task, advance=1, description=f"{state.dataset} × {state.standard}")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()
