"""``validate``, ``evaluate`` and ``check``: the commands that read a dataset and judge it."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from dsbench.cli.options import (EVIDENCE, FAILING_ROWS, FORMATS, LANGUAGE, MAX_FAILING_ROWS, NO_GENERATE, QUIET,
                                 STANDARD, SUITES, parse_tables, progress_display, reads_data,
                                 result_format_option)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(evaluate)
    app.command()(check)


@reads_data
def validate(
    data: str = typer.Argument(..., help="A file, glob, Parquet directory, dataset directory with a "
                               "manifest, or FILE.duckdb#TABLE."),
    suite: str = typer.Option(..., "--suite", "-s", help="A suite file (YAML or GX JSON) or suite id."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the GX-shaped validation JSON here."),
    table: List[str] = typer.Option([], "--table", help="Another table, as NAME=PATH (repeatable)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (no progress display)."),
    explain: bool = typer.Option(False, "--explain", help="Also print every query that ran, with its time."),
    full_evidence: bool = typer.Option(False, "--full-evidence", help="Count unexpected values over the "
                                       "whole table (one more scan), not among the first 200."),
    result_format: Optional[str] = typer.Option(
        None, "--result-format", help="GX result format of every result without its own: BOOLEAN_ONLY, BASIC, "
        "SUMMARY or COMPLETE (lists the unexpected rows, numbered from 1 in file order), or GX's dict form "
        "as JSON, e.g. '{\"result_format\": \"COMPLETE\", \"unexpected_index_column_names\": [\"id\"]}'."),
    failing_rows: Optional[Path] = FAILING_ROWS,
    max_failing_rows: int = MAX_FAILING_ROWS,
    options=None,  # the LoadOptions @reads_data builds
) -> None:
    """Validate DATA against a suite and print a table of results."""
    from dsbench.files import dump_json, write_atomic
    from dsbench.validation.runner import validate as run_validation

    run_format = result_format_option(result_format)  # a bad option fails before any work
    shown = progress_display("validate", quiet)
    result = run_validation(data, suite, tables=parse_tables(table), full_evidence=full_evidence,
                            options=options, result_format=run_format, failing_rows=failing_rows,
                            max_failing_rows=max_failing_rows)
    document = result.to_dict()
    if output is not None:
        write_atomic(output, dump_json(document))
    shown.close()
    if not quiet:
        from dsbench.render.console import print_validation

        print_validation(result, data)
    if explain:
        for sql, seconds in result.log.queries:
            typer.echo(f"{seconds * 1000:9.1f} ms  {sql}")
    raise typer.Exit(0 if result.success else 1)


def _evaluate(data: str, standard: str, manifest: Optional[Path], suite: List[str], evidence: Optional[Path],
              reading, no_generate: bool, **settings):
    """The card of DATA; ``reading``: the LoadOptions of @reads_data; ``settings``: other
    EvaluationOptions."""
    from dsbench.evaluation import EvaluationOptions
    from dsbench.evaluation import evaluate as run_evaluation

    options = EvaluationOptions(reading=reading, generate=not no_generate, **settings)
    return run_evaluation(data, standard, manifest=manifest, evidence=evidence, suites=list(suite), options=options)


def _default_directory(card) -> Path:
    document = card.document
    return Path("reports") / document["dataset"]["name"] / document["standard"]["id"]


@reads_data
def evaluate(
    data: str = typer.Argument(..., help="The dataset: a file, directory (with a manifest) or FILE.duckdb#TABLE."),
    standard: str = STANDARD,
    manifest: Optional[Path] = typer.Option(None, help="A manifest describing DATA, when it is not inside it."),
    suite: List[str] = SUITES,
    evidence: Optional[Path] = EVIDENCE,
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Directory for card.json (default reports/<dataset>/<standard>/)."),
    no_generate: bool = NO_GENERATE,
    full_evidence: bool = typer.Option(False, "--full-evidence", help="Count unexpected values over the "
                                       "whole table (one more scan), not among the first 200."),
    formats: Optional[str] = FORMATS,
    lang: str = LANGUAGE,
    history: bool = typer.Option(False, "--history", help="Also record the card in the history database "
                                 ".dsbench/history.duckdb (see `dsbench history`)."),
    history_db: Optional[Path] = typer.Option(None, "--history-db", metavar="DB", help="Record the card in "
                                              "this history database instead (implies --history)."),
    quiet: bool = QUIET,
    failing_rows: Optional[Path] = FAILING_ROWS,
    max_failing_rows: int = MAX_FAILING_ROWS,
    options=None,  # the LoadOptions @reads_data builds
) -> None:
    """Score DATA against a standard and write its score card and renderings."""
    from dsbench.render import check_language, parse_formats
    from dsbench.render.console import print_card
    from dsbench.store.directory import write_card
    from dsbench.store.runs import DEFAULT_DATABASE, check_database

    names, lang = parse_formats(formats), check_language(lang)  # bad options fail before any work
    database = history_db or (DEFAULT_DATABASE if history else None)
    if database is not None:
        check_database(database)
    shown = progress_display("evaluate", quiet)
    card = _evaluate(data, standard, manifest, suite, evidence, options, no_generate, full_evidence=full_evidence,
                     failing_rows=failing_rows, max_failing_rows=max_failing_rows)
    directory = output or _default_directory(card)
    if failing_rows is not None:  # the card links the files, relative to where it is written
        from dsbench.cards.card import ScoreCard
        from dsbench.cards.failing_rows import link_failing_rows

        card = ScoreCard(link_failing_rows(card.document, failing_rows, directory))
    shown.stage = "rendering"
    written = write_card(card, directory, names, lang)
    shown.close()
    if not quiet:
        print_card(card, written[0], lang=lang)
    if database is not None:
        _record_history(card, database, quiet)


def _record_history(card, database: Path, quiet: bool = False) -> None:
    from dsbench.store.runs import record

    recorded = record(card, database)
    if recorded.created:
        if not quiet:
            typer.echo(f"history: recorded as run {recorded.run_id} in {database}")
    else:
        typer.echo(f"history: this card ({card.digest}) is run {recorded.run_id} in {database} already; "
                   "not recorded again", err=True)


@reads_data
def check(
    data: str = typer.Argument(..., help="The dataset."),
    standard: str = STANDARD,
    manifest: Optional[Path] = typer.Option(None, help="A manifest describing DATA."),
    suite: List[str] = SUITES,
    evidence: Optional[Path] = EVIDENCE,
    min_score: Optional[float] = typer.Option(None, "--min-score", help="Fail below this overall score."),
    min_grade: Optional[str] = typer.Option(None, "--min-grade", help="Fail below this grade."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Fail when an expectation of this severity "
                                          "(critical, or warning: warning and critical) failed."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Also write card.json and its renderings into this directory."),
    no_generate: bool = NO_GENERATE,
    formats: Optional[str] = FORMATS,
    lang: str = LANGUAGE,
    quiet: bool = QUIET,
    options=None,  # the LoadOptions @reads_data builds
) -> None:
    """A quality gate: evaluate, then exit 1 when the standard's gates or the given bars fail.
    With $GITHUB_STEP_SUMMARY set, the Markdown summary is appended to it. In the JUnit rendering a
    failed expectation below the --fail-on level (default warning) is skipped, not a failure."""
    from dsbench.render import check_language, parse_formats, renderer
    from dsbench.render.console import print_card
    from dsbench.i18n import t
    from dsbench.scoring.gates import check_fail_on, gate_problems, write_step_summary
    from dsbench.store.directory import write_card

    check_fail_on(fail_on)
    names, lang = parse_formats(formats), check_language(lang)
    shown = progress_display("check", quiet)
    card = _evaluate(data, standard, manifest, suite, evidence, options, no_generate)
    shown.stage = "rendering"
    written = [] if output is None else write_card(card, output, names, lang,
                                                   options={"junit": {"fail_on": fail_on or "warning"}})
    write_step_summary(renderer("md").render(card.document, lang))
    shown.close()
    if not quiet:
        print_card(card, written[0] if written else None, lang=lang)
    problems = gate_problems(card.document, min_score=min_score, min_grade=min_grade, fail_on=fail_on,
                             standard=standard, lang=lang)
    for problem in problems:
        typer.echo(t("check_failed", lang, problem=problem))
    raise typer.Exit(1 if problems else 0)
