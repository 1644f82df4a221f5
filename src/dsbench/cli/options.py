"""The options the commands share, a leaf the command modules import (datasette's model): the reader
and engine options of every command that reads data (@reads_data builds one LoadOptions from them),
evidence and rendering options, and the progress display."""

from __future__ import annotations

from typing import Optional

import typer

QUIET = typer.Option(False, "--quiet", "-q", help="Print nothing but errors (and, for check, why it "
                     "failed); no progress display.")

# The engine options of validate, evaluate and check.
THREADS = typer.Option(None, "--threads", min=1, help="DuckDB threads (default: one per core).")
MEMORY_LIMIT = typer.Option(None, "--memory-limit", help="DuckDB memory limit, e.g. 2GB; beyond it DuckDB spills to disk.")
TIMEOUT = typer.Option(None, "--timeout", min=0.001, help="Seconds any one query may run; a longer one is interrupted "
                       "and the expectations needing it are reported as errored (the rest of the results stand).")

# The reader options of validate, evaluate and check (see docs/data.md).
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


def reader_options(encoding: Optional[str], missing_values: Optional[str], missing_values_only: bool,
                   delimiter: Optional[str], quote: Optional[str], escape: Optional[str], sample_size: Optional[str],
                   types: Optional[str], data_format: Optional[str], threads: Optional[int] = None,
                   memory_limit: Optional[str] = None, timeout: Optional[float] = None):
    """The LoadOptions the reader and engine options of a command give."""
    from dsbench.data.dataset import LoadOptions, read_type
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
    for type_name in fixed.values():
        read_type(type_name, location="--types")
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
        return command(**given, options=reader_options(**reading))

    with_options.__signature__ = signature.replace(parameters=kept + added)
    with_options.__annotations__ = {p.name: p.annotation for p in kept + added}
    return with_options


FAILING_ROWS = typer.Option(None, "--failing-rows", metavar="DIR", help="Write the failing rows of each "
                            "failed expectation into DIR, one Parquet file each (every column and dsbench_row_number, "
                            "the row's number in file order from 1).")
MAX_FAILING_ROWS = typer.Option(10_000, "--max-failing-rows", min=1, help="At most this many rows per "
                                "expectation in --failing-rows files and COMPLETE result lists.")


def result_format_option(text: Optional[str]):
    """--result-format: a level name, or GX's dict form as JSON."""
    import json

    from dsbench.errors import DsbenchError
    from dsbench.expectations.result_format import parse_result_format

    if text is None:
        return None
    try:
        value = json.loads(text) if text.lstrip().startswith("{") else text
        return parse_result_format(value)
    except json.JSONDecodeError as error:
        raise DsbenchError(f"not valid JSON: {error.msg} (column {error.colno})", location="--result-format") from None
    except ValueError as error:
        raise DsbenchError(str(error), location="--result-format") from None


STANDARD_HELP = "A shipped standard id (see `dsbench standards list`) or a standard file."
FORMAT_HELP = "Renderings beside card.json: all (default), none, or a list of html,md,junit,badge,dqv."
LANG_HELP = "Language of the human-facing renderings: en or zh."

# The options evaluate and check share (render shares the last two).
STANDARD = typer.Option(..., "--standard", help=STANDARD_HELP)
SUITES = typer.Option([], "--suite", help="Another suite to include (repeatable).")
EVIDENCE = typer.Option(None, "--evidence", help="YAML evidence for external indicators.")
NO_GENERATE = typer.Option(False, "--no-generate", help="Use only the given suites.")
FORMATS = typer.Option(None, "--format", help=FORMAT_HELP)
LANGUAGE = typer.Option("en", "--lang", help=LANG_HELP)


def parse_tables(items: list[str]) -> dict[str, str]:
    from dsbench.errors import DsbenchError

    tables = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or not name or not path:
            raise DsbenchError(f"--table expects NAME=PATH, got {item!r}")
        tables[name] = path
    return tables


def progress_display(label: str, quiet: bool):
    """The progress display of a run (stderr, on a terminal only; see dsbench.progress): close it
    before printing results; main() closes it however the command ends."""
    from dsbench import progress

    return progress.display(label, enabled=not quiet)
