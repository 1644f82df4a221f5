"""pytest plugin: assert in a data repository's own tests that a dataset meets a standard.

Installed with dsbench (entry point group ``pytest11``), it adds

- the fixture ``dsbench_check``, a function::

      def test_penguins_meet_tc609(dsbench_check):
          card = dsbench_check("datasets/penguins", "tc609-5-2025-04", min_score=80)

  which evaluates the dataset (as ``dsbench check`` does), returns the :class:`ScoreCard` when the
  standard's gates and the given bars hold, and otherwise fails the test with the reasons and the
  Markdown summary of the card as the message;
- the marker ``@pytest.mark.dsbench(data=..., standard=..., min_score=..., ...)`` (the same
  arguments), which runs that check before the test's body; a test may carry several, and a module
  may set ``pytestmark = pytest.mark.dsbench(...)``.

Relative paths are relative to the working directory of pytest, as on the command line. An input
error (missing data, unknown standard, bad grade) fails the test with dsbench's one-line message.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest

MARKER = "dsbench"


def check(data: Any, standard: Any, *, min_score: float | None = None, min_grade: str | None = None,
          fail_on: str | None = None, suites: Iterable[Any] = (), evidence: str | Path | None = None,
          manifest: str | Path | None = None, generate: bool = True):
    """Evaluate ``data`` against ``standard``; return the card, or ``pytest.fail`` with the reasons
    and the card's Markdown summary."""
    from dsbench.scoring.gates import check_fail_on, gate_problems
    from dsbench.errors import DsbenchError
    from dsbench.evaluation import evaluate

    error = None
    try:
        check_fail_on(fail_on, "fail_on")
        card = evaluate(data, standard, manifest=manifest, evidence=evidence, suites=list(suites),
                        generate=generate)
        problems = gate_problems(card.document, min_score=min_score, min_grade=min_grade, fail_on=fail_on,
                                 standard=standard)
    except DsbenchError as raised:
        error = str(raised)
    if error is not None:  # failed outside the except block: no chained traceback in the report
        pytest.fail(f"dsbench: error: {error}", pytrace=False)
    if problems:
        from dsbench.render.markdown import render

        reasons = "\n".join(f"dsbench check failed: {problem}" for problem in problems)
        pytest.fail(f"{reasons}\n\n{render(card.document, 'en')}", pytrace=False)
    return card


@pytest.fixture
def dsbench_check() -> Callable[..., Any]:
    """``dsbench_check(data, standard, *, min_score=None, min_grade=None, fail_on=None, suites=(),
    evidence=None)``: the card when the dataset meets the standard and the bars; else the test fails
    with the Markdown summary of the card."""
    return check


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(data, standard, *, min_score=None, min_grade=None, fail_on=None, suites=(), "
        "evidence=None): fail the test unless the dataset meets the standard (dsbench check)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    """Run the check of every ``dsbench`` marker before the test's body."""
    for marker in reversed(list(item.iter_markers(name=MARKER))):  # outermost (module) first
        try:
            inspect.signature(check).bind(*marker.args, **marker.kwargs)
            problem = None
        except TypeError as error:
            problem = str(error)
        if problem is not None:
            pytest.fail(f"@pytest.mark.{MARKER}: {problem}", pytrace=False)
        check(*marker.args, **marker.kwargs)
