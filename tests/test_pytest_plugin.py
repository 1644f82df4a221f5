"""The pytest plugin, run by pytester on a data repository's test file that checks datasets/penguins."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest

from dsbench.evaluation import evaluate

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
PENGUINS = ROOT / "datasets" / "penguins"

TESTS = f'''
import pytest

DATA = {str(PENGUINS)!r}

def test_meets_the_standard(dsbench_check):
    card = dsbench_check(DATA, "gbt-36344-2018", min_score=90, min_grade="B", fail_on="critical")
    assert card.grade in ("A", "B") and card.passed

def test_below_the_bar(dsbench_check):
    dsbench_check(DATA, "gbt-36344-2018", min_score=101)
    raise AssertionError("not reached")

@pytest.mark.dsbench(data=DATA, standard="gbt-36344-2018", min_score=90)
def test_marker_passes():
    pass

@pytest.mark.dsbench(DATA, "tc609-5-2025-04")
def test_marker_fails():
    raise AssertionError("the body of a failed check does not run")

def test_bad_input(dsbench_check):
    dsbench_check(DATA + "-missing", "gbt-36344-2018")

@pytest.mark.dsbench(standard="gbt-36344-2018")
def test_marker_without_data():
    pass
'''


def plugin_args() -> list[str]:
    """``-p dsbench.pytest_plugin`` until the package is installed with its pytest11 entry point."""
    installed = any(ep.value == "dsbench.pytest_plugin" for ep in entry_points(group="pytest11"))
    return [] if installed else ["-p", "dsbench.pytest_plugin"]


@pytest.fixture
def outcome(pytester):
    pytester.makepyfile(test_data_quality=TESTS)
    return pytester.runpytest(*plugin_args(), "--strict-markers", "-p", "no:cacheprovider", "-rf")


def test_outcomes(outcome):
    outcome.assert_outcomes(passed=2, failed=4)
    outcome.stdout.fnmatch_lines([
        "dsbench: error: */penguins-missing: no such file or directory",
        "@pytest.mark.dsbench: missing a required argument: 'data'",
    ])
    assert "not reached" not in outcome.stdout.str()
    assert "the body of a failed check does not run" not in outcome.stdout.str()


def test_failure_shows_the_markdown_summary(outcome):
    from dsbench.render import markdown

    text = outcome.stdout.str()
    assert f"dsbench check failed: score {evaluate(PENGUINS, 'gbt-36344-2018').score} is below 101" in text
    assert "dsbench check failed: the standard's gates did not pass" in text
    for standard in ("gbt-36344-2018", "tc609-5-2025-04"):
        summary = markdown.render(evaluate(PENGUINS, standard).document, "en")
        lines = [line for line in summary.splitlines() if line.strip()]
        assert lines and all(line in text for line in lines), standard


def test_marker_is_documented(pytester):
    result = pytester.runpytest(*plugin_args(), "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.dsbench(data, standard, *, min_score=None*"])
