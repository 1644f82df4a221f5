"""``dsbench inject``: a copy of a dataset with seeded defects (nulls, duplicate rows, out-of-range
values, flipped labels) and the exact ground truth of every change, to build test corpora.

Exit codes: 0 the injected dataset was written; 2 bad data, option or output (one line on stderr;
nothing is written).
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer import Typer

RATE = "Share of the rows, from 0 to 1"


def register(app: Typer) -> None:
    """Add ``dsbench inject`` to ``app``."""
    from dsbench.cli.options import MEMORY_LIMIT, THREADS

    @app.command()
    def inject(
        data: str = typer.Argument(..., help="The dataset: a directory with a manifest, a CSV or Parquet "
                                   "file, a glob, or FILE.duckdb#TABLE."),
        output: Path = typer.Option(..., "--output", "-o", help="The new dataset directory to write."),
        seed: int = typer.Option(0, "--seed", help="Seed of the selection: the same seed and data give "
                                 "the same bytes."),
        nulls: Optional[float] = typer.Option(None, "--nulls", help=f"{RATE}: present values made missing "
                                              "in each chosen column."),
        duplicates: Optional[float] = typer.Option(None, "--duplicates", help=f"{RATE}: rows appended "
                                                   "again as exact copies."),
        out_of_range: Optional[float] = typer.Option(None, "--out-of-range", help=f"{RATE}: values moved "
                                                     "outside the declared (else observed) range, in each "
                                                     "numeric chosen column."),
        label_flips: Optional[float] = typer.Option(None, "--label-flips", help=f"{RATE}: labels changed "
                                                    "to another class."),
        table: List[str] = typer.Option([], "--table", help="Inject only into this table (repeatable; "
                                        "default: every table). Other tables are copied as they are."),
        columns: Optional[str] = typer.Option(None, "--columns", help="Comma-separated columns for nulls "
                                              "and out-of-range values (default: all outside the primary key)."),
        label_column: Optional[str] = typer.Option(None, "--label-column", help="The label column, when the "
                                                   "manifest declares none (dsbench:role: label)."),
        force: bool = typer.Option(False, "--force", help="Replace an existing non-empty output directory."),
        threads: Optional[int] = THREADS,
        memory_limit: Optional[str] = MEMORY_LIMIT,
    ) -> None:
        """Write a copy of DATA with seeded defects into OUTPUT, with the ground truth of every changed
        cell and appended row in OUTPUT/injection.json."""
        from dsbench.corpus.inject import GROUND_TRUTH, inject as run_injection

        result = run_injection(data, output, seed=seed, nulls=nulls, duplicates=duplicates,
                               out_of_range=out_of_range, label_flips=label_flips, tables=table or None,
                               columns=None if columns is None else columns.split(","),
                               label_column=label_column, force=force, threads=threads,
                               memory_limit=memory_limit)
        for name, counts in sorted(result.tables.items()):
            typer.echo(f"{name}: " + ", ".join(f"{count} {defect.replace('_', ' ')}"
                                               for defect, count in counts.items()))
        typer.echo(f"wrote {output} (ground truth: {output / GROUND_TRUTH})")
