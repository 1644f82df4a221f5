"""``expectations``, ``suite``, ``suites`` and ``standards``: what dsbench ships and can convert."""

from __future__ import annotations

from pathlib import Path

import typer

from dsbench.cli.options import STANDARD_HELP


def register(app: typer.Typer) -> None:
    app.command()(expectations)
    suite_app = typer.Typer(no_args_is_help=True, help="Convert and inspect suites.")
    suite_app.command("convert")(suite_convert)
    suite_app.command("schema")(suite_schema)
    suites_app = typer.Typer(no_args_is_help=True, help="List and show shipped suites.")
    suites_app.command("list")(suites_list)
    suites_app.command("show")(suites_show)
    standards_app = typer.Typer(no_args_is_help=True, help="List and show shipped standards.")
    standards_app.command("list")(standards_list)
    standards_app.command("show")(standards_show)
    app.add_typer(suite_app, name="suite")
    app.add_typer(suites_app, name="suites")
    app.add_typer(standards_app, name="standards")


def expectations() -> None:
    """List every expectation type with a one-line description."""
    from rich.console import Console
    from rich.table import Table

    from dsbench.expectations.registry import expectation_types

    table = Table("type", "family", "description", box=None, pad_edge=False)
    for name, cls in expectation_types().items():
        table.add_row(name, cls.family, cls.summary)
    Console(width=200).print(table)


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


def suite_schema() -> None:
    """Print the JSON Schema of dsbench suite files."""
    from dsbench.files import dump_json
    from dsbench.suites.model import suite_json_schema

    typer.echo(dump_json(suite_json_schema()), nl=False)


def standards_list() -> None:
    """The shipped standards."""
    from dsbench.scoring.standard import load_standard, shipped_standards

    for name in shipped_standards():
        st = load_standard(name)
        count = sum(1 for _ in st.indicators())
        typer.echo(f"{st.id:20} {st.status:9} {len(st.dimensions)} dimensions, {count:2} indicators  {st.title['en']}")


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


def suites_list() -> None:
    """The shipped suites."""
    from dsbench.suites.model import Suite, shipped_suites

    for name, path in shipped_suites().items():
        loaded = Suite.from_file(path)
        typer.echo(f"{name:20} v{loaded.version:4} {len(loaded.expectations):3} expectations  {loaded.description or ''}")


def suites_show(suite: str = typer.Argument(..., help="A suite id or file.")) -> None:
    """The expectations of a suite, as YAML."""
    import yaml

    from dsbench.suites.model import resolve_suite

    typer.echo(yaml.safe_dump(resolve_suite(suite).to_yaml_dict(), sort_keys=False, allow_unicode=True), nl=False)
