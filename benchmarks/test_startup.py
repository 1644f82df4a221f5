"""Start-up: how long a user waits before dsbench does anything (issue target: `dsbench --version`
within 0.3 s). Each measurement is a fresh process, so interpreter start and imports are included."""

from __future__ import annotations

import subprocess

import pytest

from harness import DSBENCH, PYTHON

COMMANDS = {
    "dsbench --version": [DSBENCH, "--version"],
    "dsbench --help": [DSBENCH, "--help"],
    "import dsbench": [PYTHON, "-c", "import dsbench"],
    "python (baseline)": [PYTHON, "-c", "pass"],
}


@pytest.mark.parametrize("label", list(COMMANDS))
def test_startup(benchmark, label):
    argv = COMMANDS[label]
    done = benchmark.pedantic(subprocess.run, args=(argv,), kwargs={"capture_output": True},
                              rounds=5, iterations=1)
    assert done.returncode == 0, done.stderr
