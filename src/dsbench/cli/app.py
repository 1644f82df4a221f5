"""The ``dsbench`` command: a thin shell over the Python API.

Exit codes: 0 every expectation passed; 1 some expectation failed (or could not be evaluated);
2 bad input or usage (one line on stderr naming the file and the problem; no output file written).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import List, Optional

import typer

from dsbench._version import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Benchmark datasets against data-quality standards.")
suite_app = typer.Typer(no_args_is_help=True, help="Convert and inspect suites.")
app.add_typer(suite_app, name="suite")
suites_app = typer.Typer(no_args_is_help=True, help="List and show shipped suites.")
app.add_typer(suites_app, name="suites")
standards_app = typer.Typer(no_args_is_help=True, help="List and show shipped standards.")
app.add_typer(standards_app, name="standards")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dsbench {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Benchmark datasets against data-quality standards."""


def _parse_tables(items: list[str]) -> dict[str, str]:
    from dsbench.errors import DsbenchError

    tables = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise DsbenchError(f"--table expects NAME=PATH, got {item!r}")
        tables[name] = path
    return tables


def _progress(label: str, quiet: bool):
    """The progress display of a run (stderr, on a terminal only; see dsbench.progress): close it
    before printing results; main() closes it however the command ends."""
    from dsbench import progress

    return progress.display(label, enabled=not quiet)


QUIET = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (and, for check, why it "
                     "failed); no progress display.")

# The engine options of validate, evaluate and check.
THREADS = typer.Option(None, "--threads", min=1, help="DuckDB threads (default: one per core).")
MEMORY_LIMIT = typer.Option(None, "--memory-limit", help="DuckDB memory limit, e.g. 2GB; beyond it DuckDB spills to disk.")
TIMEOUT = typer.Option(None, "--timeout", min=0.001, help="Seconds any one query may run; a longer one is interrupted "
                       "and the expectations needing it are reported as errored (the rest of the results stand).")

# The reader options of validate, evaluate and check (see README "Reading files").
ENCODING = typer.Option(None, "--encoding", help="Text encoding of CSV files (default: detected).")
MISSING_VALUES = typer.Option(None, "--missing-values", help="Comma-separated tokens read as missing in CSV, "
                              "besides the manifest's (else the empty string).")
MISSING_VALUES_ONLY = typer.Option(False, "--missing-values-only", help="Read only the --missing-values tokens "
                                   "as missing, not the manifest's or the empty string.")
DELIMITER = typer.Option(None, "--delimiter", help="CSV field delimiter (default: the manifest's, else detected).")
QUOTE = typer.Option(None, "--quote", help="CSV quote character (default: the manifest's, else detected).")
ESCAPE = typer.Option(None, "--escape", help="CSV escape character (default: the quote, doubled).")
SAMPLE_SIZE = typer.Option(None, "--sample-size", metavar="ROWS|all", help="Rows the CSV reader looks at to "
                           "tell the dialect and column types (default 20480), or all.")
TYPES = typer.Option(None, "--types", metavar="COL=TYPE,…", help="Fix column types at load: string, integer, "
                     "number, boolean, date, datetime or time.")
DATA_FORMAT = typer.Option(None, "--data-format", help="Read the data as csv, tsv, json, jsonl, parquet or arrow "
                           "whatever its file names say.")


def _reader(encoding: Optional[str], missing_values: Optional[str], missing_values_only: bool,
            delimiter: Optional[str], quote: Optional[str], escape: Optional[str], sample_size: Optional[str],
            types: Optional[str], data_format: Optional[str], threads: Optional[int] = None,
            memory_limit: Optional[str] = None, timeout: Optional[float] = None):
    """The LoadOptions the reader and engine options of a command give."""
    from dsbench.data.dataset import LoadOptions
    from dsbench.errors import DsbenchError

    if missing_values_only and missing_values is None:
        raise DsbenchError("--missing-values-only needs --missing-values")
    rows = None
    if sample_size is not None:
        if sample_size.strip().lower() == "all":
            rows = -1
        elif sample_size.strip().isdigit() and int(sample_size) > 0:
            rows = int(sample_size)
        else:
            raise DsbenchError(f"--sample-size expects a number of rows or 'all', got {sample_size!r}")
    fixed = {}
    for item in (types or "").split(","):
        if not item.strip():
            continue
        column, sep, type_name = item.rpartition("=")
        if not sep or not column.strip() or not type_name.strip():
            raise DsbenchError(f"--types expects COL=TYPE,…, got {item.strip()!r}")
        fixed[column.strip()] = type_name.strip()
    if fixed:
        from dsbench.backends.duckdb.csv import duckdb_type

        for type_name in fixed.values():
            duckdb_type(type_name, location="--types")
    for name, value in (("--delimiter", delimiter), ("--quote", quote), ("--escape", escape)):
        if value is not None and (len(value) != 1 if name != "--delimiter" else not value):
            raise DsbenchError(f"{name} expects one character, got {value!r}")
    return LoadOptions(encoding=encoding, missing_values=None if missing_values is None else missing_values.split(","),
                       missing_values_only=missing_values_only, delimiter=delimiter, quote=quote, escape=escape,
                       sample_size=rows, types=fixed or None, data_format=data_format, threads=threads,
                       memory_limit=memory_limit, timeout=timeout)


# The reader and engine options every command that reads data takes: (parameter, type, option).
READING_OPTIONS = (
    ("encoding", Optional[str], ENCODING), ("missing_values", Optional[str], MISSING_VALUES),
    ("missing_values_only", bool, MISSING_VALUES_ONLY), ("delimiter", Optional[str], DELIMITER),
    ("quote", Optional[str], QUOTE), ("escape", Optional[str], ESCAPE), ("sample_size", Optional[str], SAMPLE_SIZE),
    ("types", Optional[str], TYPES), ("data_format", Optional[str], DATA_FORMAT),
    ("threads", Optional[int], THREADS), ("memory_limit", Optional[str], MEMORY_LIMIT),
    ("timeout", Optional[float], TIMEOUT),
)


def reads_data(command):
    """Give ``command`` the reader and engine options (READING_OPTIONS); it receives them as one
    LoadOptions, its ``options`` parameter, built and checked before it runs."""
    import functools
    import inspect

    signature = inspect.signature(command, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != "options"]
    added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=kind)
             for name, kind, option in READING_OPTIONS]

    @functools.wraps(command)
    def with_options(**given):
        reading = {name: given.pop(name) for name, _, _ in READING_OPTIONS}
        return command(**given, options=_reader(**reading))

    with_options.__signature__ = signature.replace(parameters=kept + added)
    with_options.__annotations__ = {p.name: p.annotation for p in kept + added}
    return with_options


FAILING_ROWS = typer.Option(None, "--failing-rows", metavar="DIR", help="Write the failing rows of each "
                            "failed expectation into DIR, one Parquet file each (every column and dsbench_row_number, "
                            "the row's number in file order from 1).")
MAX_FAILING_ROWS = typer.Option(10_000, "--max-failing-rows", min=1, help="At most this many rows per "
                                "expectation in --failing-rows files and COMPLETE result lists.")


def _result_format(text: Optional[str]):
    """--result-format: a level name, or GX's dict form as JSON."""
    import json

    from dsbench.errors import DsbenchError
    from dsbench.validation.result_format import parse_result_format

    if text is None:
        return None
    try:
        value = json.loads(text) if text.lstrip().startswith("{") else text
        return parse_result_format(value)
    except json.JSONDecodeError as error:
        raise DsbenchError(f"not valid JSON: {error.msg} (column {error.colno})", location="--result-format") from None
    except ValueError as error:
        raise DsbenchError(str(error), location="--result-format") from None


@app.command()
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

    run_format = _result_format(result_format)  # a bad option fails before any work
    shown = _progress("validate", quiet)
    result = run_validation(data, suite, tables=_parse_tables(table), full_evidence=full_evidence,
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


@app.command()
def expectations() -> None:
    """List every expectation type with a one-line description."""
    from rich.console import Console
    from rich.table import Table

    from dsbench.expectations.registry import expectation_types

    table = Table("type", "family", "description", box=None, pad_edge=False)
    for name, cls in expectation_types().items():
        table.add_row(name, cls.family, cls.summary)
    Console(width=200).print(table)


@suite_app.command("convert")
def suite_convert(
    source: str = typer.Argument(..., help="A suite file (dsbench YAML or GX JSON) or suite id."),
    target: Path = typer.Argument(..., help="Output: .json writes GX suite JSON, .yaml dsbench YAML."),
) -> None:
    """Convert a suite between dsbench YAML and GX suite JSON."""
    import yaml

    from dsbench.errors import DsbenchError
    from dsbench.files import dump_json, write_atomic
    from dsbench.suites.model import resolve_suite

    loaded = resolve_suite(source)
    if target.suffix == ".json":
        text = dump_json(loaded.to_gx())
    elif target.suffix in (".yaml", ".yml"):
        text = yaml.safe_dump(loaded.to_yaml_dict(), sort_keys=False, allow_unicode=True)
    else:
        raise DsbenchError("output must end in .json (GX) or .yaml (dsbench)", source=str(target))
    write_atomic(target, text)


@suite_app.command("schema")
def suite_schema() -> None:
    """Print the JSON Schema of dsbench suite files."""
    from dsbench.files import dump_json
    from dsbench.suites.model import suite_json_schema

    typer.echo(dump_json(suite_json_schema()), nl=False)


def _evaluate(data: str, standard: str, manifest: Optional[Path], suite: List[str],
              evidence: Optional[Path], no_generate: bool, options, full_evidence: bool = False, **rows):
    from dsbench.evaluation import evaluate as run_evaluation

    return run_evaluation(data, standard, manifest=manifest, evidence=evidence, suites=list(suite),
                          generate=not no_generate, full_evidence=full_evidence, options=options, **rows)


def _default_card_path(card) -> Path:
    document = card.document
    return Path("reports") / document["dataset"]["name"] / document["standard"]["id"] / "card.json"


STANDARD_HELP = "A shipped standard id (see `dsbench standards list`) or a standard file."
FORMAT_HELP = "Renderings beside card.json: all (default), none, or a list of html,md,junit,badge,dqv."
LANG_HELP = "Language of the human-facing renderings: en or zh."


@app.command()
@reads_data
def evaluate(
    data: str = typer.Argument(..., help="The dataset: a file, directory (with a manifest) or FILE.duckdb#TABLE."),
    standard: str = typer.Option(..., "--standard", help=STANDARD_HELP),
    manifest: Optional[Path] = typer.Option(None, help="A manifest describing DATA, when it is not inside it."),
    suite: List[str] = typer.Option([], "--suite", help="Another suite to include (repeatable)."),
    evidence: Optional[Path] = typer.Option(None, help="YAML evidence for external indicators."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Directory for card.json (default reports/<dataset>/<standard>/)."),
    no_generate: bool = typer.Option(False, "--no-generate", help="Use only the given suites."),
    full_evidence: bool = typer.Option(False, "--full-evidence", help="Count unexpected values over the "
                                       "whole table (one more scan), not among the first 200."),
    formats: Optional[str] = typer.Option(None, "--format", help=FORMAT_HELP),
    lang: str = typer.Option("en", "--lang", help=LANG_HELP),
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
    from dsbench.store.runs import DEFAULT_DATABASE, check_database
    from dsbench.render import check_language, parse_formats
    from dsbench.render.console import print_card

    names, lang = parse_formats(formats), check_language(lang)  # bad options fail before any work
    database = history_db or (DEFAULT_DATABASE if history else None)
    if database is not None:
        check_database(database)
    shown = _progress("evaluate", quiet)
    card = _evaluate(data, standard, manifest, suite, evidence, no_generate, options, full_evidence,
                     failing_rows=failing_rows, max_failing_rows=max_failing_rows)
    path = (output / "card.json") if output else _default_card_path(card)
    if failing_rows is not None:  # the card links the files, relative to where it is written
        from dsbench.validation.rows import link_failing_rows
        from dsbench.cards.card import ScoreCard

        card = ScoreCard(link_failing_rows(card.document, failing_rows, path.parent))
    shown.stage = "rendering"
    _write_card(card, path, names, lang)
    shown.close()
    if not quiet:
        print_card(card, path, lang=lang)
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


def _write_card(card, path: Path, names: list[str], lang: str) -> None:
    """Render everything first, then write: a rendering that fails leaves no file behind."""
    from dsbench.render import render_all, write_all

    files = render_all(card.document, names, lang)
    card.save(path)
    write_all(path.parent, files)


@app.command()
def render(
    card_path: Path = typer.Argument(..., metavar="CARD", help="A card.json."),
    formats: Optional[str] = typer.Option(None, "--format", help=FORMAT_HELP),
    lang: str = typer.Option("en", "--lang", help=LANG_HELP),
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


@app.command()
@reads_data
def check(
    data: str = typer.Argument(..., help="The dataset."),
    standard: str = typer.Option(..., "--standard", help=STANDARD_HELP),
    manifest: Optional[Path] = typer.Option(None, help="A manifest describing DATA."),
    suite: List[str] = typer.Option([], "--suite", help="Another suite to include (repeatable)."),
    evidence: Optional[Path] = typer.Option(None, help="YAML evidence for external indicators."),
    min_score: Optional[float] = typer.Option(None, "--min-score", help="Fail below this overall score."),
    min_grade: Optional[str] = typer.Option(None, "--min-grade", help="Fail below this grade."),
    fail_on: Optional[str] = typer.Option(None, "--fail-on", help="Fail when an expectation of this severity "
                                          "(critical, or warning: warning and critical) failed."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Also write card.json and its renderings into this directory."),
    no_generate: bool = typer.Option(False, "--no-generate", help="Use only the given suites."),
    formats: Optional[str] = typer.Option(None, "--format", help=FORMAT_HELP),
    lang: str = typer.Option("en", "--lang", help=LANG_HELP),
    quiet: bool = QUIET,
    options=None,  # the LoadOptions @reads_data builds
) -> None:
    """A quality gate: evaluate, then exit 1 when the standard's gates or the given bars fail.
    With $GITHUB_STEP_SUMMARY set, the Markdown summary is appended to it. In the JUnit rendering a
    failed expectation below the --fail-on level (default warning) is skipped, not a failure."""
    from dsbench.scoring.gates import check_fail_on, gate_problems, write_step_summary
    from dsbench.render import check_language, parse_formats, render_all, renderer, write_all
    from dsbench.render.i18n import t
    from dsbench.render.console import print_card

    check_fail_on(fail_on)
    names, lang = parse_formats(formats), check_language(lang)
    shown = _progress("check", quiet)
    card = _evaluate(data, standard, manifest, suite, evidence, no_generate, options)
    shown.stage = "rendering"
    if output is not None:  # render everything first, then write: a rendering that fails leaves no file
        files = render_all(card.document, names, lang, options={"junit": {"fail_on": fail_on or "warning"}})
        card.save(output / "card.json")
        write_all(output, files)
    write_step_summary(renderer("md").render(card.document, lang))
    shown.close()
    if not quiet:
        print_card(card, output / "card.json" if output else None, lang=lang)
    problems = gate_problems(card.document, min_score=min_score, min_grade=min_grade, fail_on=fail_on,
                             standard=standard, lang=lang)
    for problem in problems:
        typer.echo(t("check_failed", lang, problem=problem))
    raise typer.Exit(1 if problems else 0)


@app.command()
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


@app.command()
def diff(old: Path = typer.Argument(..., help="The earlier card."),
         new: Path = typer.Argument(..., help="The later card.")) -> None:
    """List what changed between two cards: the score, grade and verdict, each indicator's A/B and
    score, each expectation's outcome and A/B, and expectations added or removed. Names and locations
    of the data are not scores: cards that differ only there show no change."""
    from dsbench.cards.compare import change_lines, load_card, score_changes

    for line in change_lines(score_changes(load_card(old).document, load_card(new).document)):
        typer.echo(line)


@standards_app.command("list")
def standards_list() -> None:
    """The shipped standards."""
    from dsbench.scoring.standard import load_standard, shipped_standards

    for name in shipped_standards():
        st = load_standard(name)
        count = sum(1 for _ in st.indicators())
        typer.echo(f"{st.id:20} {st.status:9} {len(st.dimensions)} dimensions, {count:2} indicators  {st.title['en']}")


@standards_app.command("show")
def standards_show(standard: str = typer.Argument(..., help=STANDARD_HELP)) -> None:
    """Dimensions, indicators, concerns, gates and grades of a standard."""
    from dsbench.scoring.standard import load_standard

    st = load_standard(standard)
    typer.echo(f"{st.id} {st.version} ({st.status}): {st.title['en']} / {st.title['zh']}")
    typer.echo(f"profile ({st.profile['origin']}): {' '.join(st.profile['note'].split())}")
    for dimension in st.dimensions:
        typer.echo(f"{dimension.code} {dimension.name['en']} / {dimension.name['zh']}  weight {dimension.weight:g}")
        for i in dimension.indicators:
            bound = "external evidence" if i.external else ", ".join(i.concerns)
            typer.echo(f"   {i.code:10} {i.name['en']} / {i.name['zh']}  [{bound}]")
    for gate in st.gates:
        typer.echo(f"gate: {gate.description or gate.type}")
    for level in st.levels:
        typer.echo(f"grade {level.grade}: >= {level.min_score:g} ({level.name['en']})")


@suites_app.command("list")
def suites_list() -> None:
    """The shipped suites."""
    from dsbench.suites.model import Suite, shipped_suites

    for name, path in shipped_suites().items():
        loaded = Suite.from_file(path)
        typer.echo(f"{name:20} v{loaded.version:4} {len(loaded.expectations):3} expectations  {loaded.description or ''}")


@suites_app.command("show")
def suites_show(suite: str = typer.Argument(..., help="A suite id or file.")) -> None:
    """The expectations of a suite, as YAML."""
    import yaml

    from dsbench.suites.model import resolve_suite

    typer.echo(yaml.safe_dump(resolve_suite(suite).to_yaml_dict(), sort_keys=False, allow_unicode=True), nl=False)


from dsbench.cli.commands import register_all  # noqa: E402  (after the options the commands share)

register_all(app)


def _one_line(text: str) -> str:
    """Line breaks and other control characters (from a file name, say) escaped: an error stays on
    one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns dsbench errors and usage errors into one line on stderr and exit code 2."""
    from dsbench.errors import DsbenchError

    try:  # recent typer vendors click; older ones depend on it
        from typer._click.exceptions import UsageError
    except ImportError:  # pragma: no cover - typer < 0.20
        from click.exceptions import UsageError

    from dsbench import progress

    try:
        code = app(args=argv, standalone_mode=False)
    except UsageError as error:
        command = error.ctx.command_path if error.ctx else "dsbench"
        typer.echo(f"dsbench: error: {_one_line(error.format_message())} (see `{command} --help`)", err=True)
        sys.exit(2)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo("dsbench: interrupted", err=True)
        sys.exit(130)
    except DsbenchError as error:
        typer.echo(f"dsbench: error: {_one_line(str(error))}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if os.environ.get("DSBENCH_DEBUG"):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        typer.echo(f"dsbench: error: {type(error).__name__}: {message}", err=True)
        sys.exit(2)
    finally:  # a run that failed leaves no progress display behind
        progress.close()
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":  # pragma: no cover
    main()
