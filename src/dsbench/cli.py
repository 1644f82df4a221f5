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

from dsbench import __version__

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Benchmark datasets against data-quality standards.")
suite_app = typer.Typer(no_args_is_help=True, help="Convert and inspect suites.")
app.add_typer(suite_app, name="suite")


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


@app.command()
def validate(
    data: str = typer.Argument(..., help="A file, glob, Parquet directory, dataset directory with a "
                               "manifest, or FILE.duckdb#TABLE."),
    suite: str = typer.Option(..., "--suite", "-s", help="A suite file (YAML or GX JSON) or suite id."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the GX-shaped validation JSON here."),
    table: List[str] = typer.Option([], "--table", help="Another table, as NAME=PATH (repeatable)."),
    encoding: Optional[str] = typer.Option(None, help="Text encoding of CSV files (default: detected)."),
    missing_values: Optional[str] = typer.Option(
        None, "--missing-values", help="Comma-separated tokens read as missing in CSV (default: the "
        "manifest's, else only the empty string)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print nothing but errors."),
    explain: bool = typer.Option(False, "--explain", help="Also print every query that ran, with its time."),
) -> None:
    """Validate DATA against a suite and print a table of results."""
    from dsbench.outputs import dump_json, write_atomic
    from dsbench.validation import validate as run_validation

    tokens = None if missing_values is None else missing_values.split(",")
    result = run_validation(data, suite, tables=_parse_tables(table), encoding=encoding,
                            missing_values=tokens)
    document = result.to_dict()
    if output is not None:
        write_atomic(output, dump_json(document))
    if not quiet:
        from dsbench.report import print_validation

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
    from dsbench.outputs import dump_json, write_atomic
    from dsbench.suite import resolve_suite

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
    from dsbench.outputs import dump_json
    from dsbench.suite import suite_json_schema

    typer.echo(dump_json(suite_json_schema()), nl=False)


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns dsbench errors into one line on stderr and exit code 2."""
    from dsbench.errors import DsbenchError

    try:
        app(args=argv, standalone_mode=True)
    except DsbenchError as error:
        typer.echo(f"dsbench: error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        typer.echo("dsbench: interrupted", err=True)
        sys.exit(130)
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if os.environ.get("DSBENCH_DEBUG"):
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        typer.echo(f"dsbench: error: {type(error).__name__}: {message}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
