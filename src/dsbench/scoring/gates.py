"""Quality gates in CI: the bars of ``dsbench check`` (shared with the pytest plugin) and the GitHub
Actions job summary.

``gate_problems`` says why a card does not meet the standard's gates and the caller's bars (an empty
list: it does). ``write_step_summary`` appends Markdown to the file GitHub Actions names in
``$GITHUB_STEP_SUMMARY``, which the run page shows as the job summary.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

from dsbench.errors import DsbenchError

FAIL_ON = ("critical", "warning")
SEVERITIES_AT_OR_ABOVE = {"critical": {"critical"}, "warning": {"critical", "warning"}}


def check_fail_on(fail_on: str | None, option: str = "--fail-on", optional: bool = True) -> None:
    """Refuse a ``fail_on`` level other than critical and warning (and None when ``optional``);
    ``option`` is its name to the user."""
    if fail_on not in ((None, *FAIL_ON) if optional else FAIL_ON):
        raise DsbenchError(f"{option} takes critical or warning, not {fail_on!r}")


def standard_grades(card: dict, standard: Any = None) -> list[str]:
    """The grades of the card's standard, best first. ``standard`` (an id, a file or a loaded
    standard) is needed when the card's standard is not shipped."""
    from dsbench.scoring.standard import load_standard

    return [level.grade for level in load_standard(standard or card["standard"]["id"]).levels]


def gate_problems(card: dict, *, min_score: float | None = None, min_grade: str | None = None,
                  fail_on: str | None = None, grades: Sequence[str] | None = None,
                  standard: Any = None, lang: str = "en") -> list[str]:
    """Why ``card`` (a card document) fails, in ``lang`` (en or zh): the standard's gates, then the
    given bars.

    ``min_grade`` is compared in the order of ``grades`` (best first; default: the standard's
    levels). ``fail_on`` is ``critical`` (a failed critical expectation fails the check) or
    ``warning`` (a failed warning or critical one). Unknown values raise :class:`DsbenchError`.
    """
    from dsbench.i18n import t

    check_fail_on(fail_on)
    problems = [] if card.get("passed") else [t("problem_gates", lang)]
    score = card.get("score")
    if min_score is not None and (score is None or score < min_score):
        problems.append(t("problem_score", lang, score=score, bar=f"{min_score:g}"))
    if min_grade is not None:
        order = list(grades) if grades is not None else standard_grades(card, standard)
        if min_grade not in order:
            raise DsbenchError(f"unknown grade {min_grade!r} (grades: {', '.join(order)})")
        grade = card.get("grade")
        if grade is None or grade not in order or order.index(grade) > order.index(min_grade):
            problems.append(t("problem_grade", lang, grade=grade, bar=min_grade))
    if fail_on is not None:
        severities = SEVERITIES_AT_OR_ABOVE[fail_on]
        failed = [r["id"] for r in card.get("results") or [] if not r["success"] and r["severity"] in severities]
        if failed:
            level = fail_on if lang == "en" else t(fail_on, lang)
            problems.append(t("problem_fail_on", lang, n=len(failed), level=level))
    return problems


def write_step_summary(markdown: str) -> bool:
    """Append ``markdown`` to the file named by ``$GITHUB_STEP_SUMMARY``; False when the variable is
    unset or empty, or the file cannot be written (a summary never fails a check). The text is
    followed by one blank line, so blocks appended by several checks stay apart.

    The text is written with one ``write`` on a descriptor opened with ``O_APPEND``, so steps that
    append concurrently do not interleave within it.
    """
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    payload = (markdown.rstrip("\n") + "\n\n").encode("utf-8")  # a blank line before the next block
    try:
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    except OSError:
        return False
    try:
        view = memoryview(payload)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except OSError:
        return False
    finally:
        os.close(fd)
    return True
