"""Shared fixtures: paths of the bundled data, and a runner for the real ``dsbench`` command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SUITES = ROOT / "suites"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run ``python -m dsbench`` in a subprocess: real exit codes, real stderr."""
    environment = {**os.environ, **(env or {})}
    environment.pop("DSBENCH_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "dsbench", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=environment, timeout=300)
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def facts() -> dict:
    return json.loads((DATASETS / "FACTS.json").read_text())


@pytest.fixture
def cli():
    return run_cli
