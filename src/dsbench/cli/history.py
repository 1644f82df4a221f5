"""``dsbench history DATASET``: the score trend of a dataset's recorded runs, and every metric of the
latest run that lies outside the band of the earlier runs (exit 1 when there is one, for CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from typer import Typer

from dsbench.store.history import DEFAULT_MIN_RUNS, DEFAULT_SIGMA
from dsbench.store.runs import DEFAULT_DATABASE


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _print_report(found, last: int) -> None:
    shown = found.runs[-last:]
    more = f", the last {len(shown)} shown" if len(shown) < len(found.runs) else ""
    typer.echo(f"{found.dataset} × {found.standard_id}: {len(found.runs)} run(s) in {found.database}{more}")
    typer.echo(f"{'run':>5}  {'recorded (UTC)':19}  {'version':10}  {'score':>7}  grade  passed")
    for run in shown:
        typer.echo(f"{run.run_id:>5}  {run.recorded_at:%Y-%m-%d %H:%M:%S}  {run.standard_version:10}  "
                   f"{_score(run.score):>7}  {run.grade or '—':5}  {'yes' if run.passed else 'no'}")
    latest = found.latest
    typer.echo(f"\nlatest run {latest.run_id} against {len(found.baseline)} earlier run(s) of "
               f"{found.standard_id} {latest.standard_version}; band: {found.method}")
    typer.echo(f"{'metric':22} {'score':>7} {'low':>7} {'high':>7} {'runs':>5}  verdict")
    for check in found.checks:
        low, high = (("—", "—") if check.band is None else (_score(check.band.low), _score(check.band.high)))
        verdict = {"flagged": f"FLAGGED ({check.side})",
                   "not enough history": f"not enough history ({found.min_runs} earlier runs needed)"
                   }.get(check.verdict, check.verdict)
        typer.echo(f"{check.label:22} {_score(check.score):>7} {low:>7} {high:>7} {check.earlier_runs:>5}  {verdict}")
    for check in found.flagged:
        band = check.band
        typer.echo(f"FLAGGED {check.label}: {_score(check.score)} is {check.side} its band "
                   f"[{_score(band.low)}, {_score(band.high)}] = {_score(band.center)} ± {band.half_width:.2f} "
                   f"({band.method}) from {band.runs} earlier run(s)")
    if found.flagged:
        typer.echo(f"{len(found.flagged)} of {len(found.checks)} metric(s) of run {latest.run_id} outside their band")
    elif any(check.verdict == "ok" for check in found.checks):
        typer.echo(f"run {latest.run_id}: every metric with enough history is inside its band")
    else:
        typer.echo(f"run {latest.run_id}: not enough history to check (at least {found.min_runs} earlier runs needed)")


def register(app: Typer) -> None:
    """Add ``dsbench history`` to ``app``."""

    @app.command("history")
    def history(
        dataset: str = typer.Argument(..., help="The dataset's recorded name, or its path (named as "
                                      "`evaluate` names it: the manifest's name, else the directory's)."),
        db: Path = typer.Option(DEFAULT_DATABASE, "--db", help="The history database `evaluate --history` records into."),
        standard: Optional[str] = typer.Option(None, "--standard", help="The standard id (needed when the "
                                               "dataset was recorded against several)."),
        last: int = typer.Option(10, "--last", min=1, help="Runs in the trend table and chart."),
        sigma: float = typer.Option(DEFAULT_SIGMA, "--band", metavar="SIGMA", help="Band: median ± SIGMA × "
                                    "1.4826 × MAD of each metric over the earlier runs (robust sigmas); "
                                    "the half-width is at least 0.5 points of 100."),
        min_runs: int = typer.Option(DEFAULT_MIN_RUNS, "--min-runs", min=1, metavar="K",
                                     help="Earlier runs a metric needs before it is checked."),
        plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE.png", help="Also write a PNG trend "
                                            "chart (needs matplotlib, the report extra of dsbench)."),
        as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    ) -> None:
        """Score trend of DATASET's recorded runs; flags (exit 1) every metric of the latest run outside
        the band of the earlier runs, printing the band."""
        from dsbench.errors import DsbenchError
        from dsbench.render.charts import matplotlib_available, trend_png
        from dsbench.store.history import report
        from dsbench.files import dump_json, write_atomic

        if plot is not None:  # refused before any work
            if plot.suffix.lower() != ".png":
                raise DsbenchError("the trend chart is a PNG: give a file ending in .png", location="--plot")
            if not matplotlib_available():
                raise DsbenchError("the trend chart needs matplotlib: pip install 'dsbench[report]'",
                                   location="--plot")
        found = report(db, dataset, standard, sigma=sigma, min_runs=min_runs)
        if plot is not None:
            write_atomic(plot, trend_png(found, last))
        if as_json:
            typer.echo(dump_json(found.to_dict(last)), nl=False)
        else:
            _print_report(found, last)
            if plot is not None:
                typer.echo(f"trend chart: {plot}")
        raise typer.Exit(1 if found.flagged else 0)
