"""The ``dsbench`` command: a thin shell over the Python API. Each command group is a module with
``register(app)`` (datasette's model); a module imports nothing heavy at import time, so
``dsbench --version`` stays fast.

Exit codes: 0 every expectation passed; 1 some expectation failed (or could not be evaluated);
2 bad input or usage (one line on stderr naming the file and the problem; no output file written).
"""

from __future__ import annotations

import os
import sys

import typer

from dsbench._version import __version__
from dsbench.cli import bench, calibrate, cards, catalog, conformance, history, inject, run, service

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Benchmark datasets against data-quality standards.")


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


# The order of `dsbench --help`.
COMMAND_GROUPS = (run, catalog, cards, bench, calibrate, history, inject, conformance, service)
for group in COMMAND_GROUPS:
    group.register(app)


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
