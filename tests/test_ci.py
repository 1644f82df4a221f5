"""CI helpers: the GitHub Actions job summary and the bars of ``dsbench check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dsbench.scoring.gates import gate_problems, write_step_summary
from dsbench.errors import DsbenchError

ROOT = Path(__file__).resolve().parent.parent
PASSED = ROOT / "reports" / "nycflights13" / "gbt-36344-2018" / "card.json"  # passed, with failed warnings
NOT_PASSED = ROOT / "reports" / "penguins" / "tc609-5-2025-04" / "card.json"  # no grade, not passed


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_no_summary_outside_github_actions(monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert write_step_summary("# hello") is False
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", "")
    assert write_step_summary("# hello") is False


def test_summary_is_appended(monkeypatch, tmp_path):
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert write_step_summary("# 数据质量评分卡\n\n| a | b |\n") is True
    assert write_step_summary("## second\n\n\n") is True
    assert target.read_text(encoding="utf-8") == "earlier step\n# 数据质量评分卡\n\n| a | b |\n\n## second\n\n"


def test_summary_file_is_created(monkeypatch, tmp_path):
    target = tmp_path / "new.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert write_step_summary("ok") is True
    assert target.read_text(encoding="utf-8") == "ok\n\n"


def test_unwritable_summary_is_not_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    assert write_step_summary("x") is False
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "dir" / "s.md"))
    assert write_step_summary("x") is False


def test_gate_problems():
    passed, not_passed = load(PASSED), load(NOT_PASSED)
    score = passed["score"]
    grade = passed["grade"]
    assert passed["passed"] and grade in ("A", "B", "C") and 90 < score < 100
    assert gate_problems(passed) == []
    assert gate_problems(passed, min_score=90, min_grade=grade) == []
    assert gate_problems(passed, min_score=100) == [f"score {score} is below 100"]
    if grade != "A":
        assert gate_problems(passed, min_grade="A") == [f"grade {grade} is below A"]
    assert gate_problems(not_passed) == ["the standard's gates did not pass"]
    assert gate_problems(not_passed, min_score=101, grades=["A", "B"], min_grade="B") == [
        "the standard's gates did not pass", f"score {not_passed['score']} is below 101", "grade None is below B"]
    assert gate_problems(passed, grades=["A", "B", "C"], min_grade="C") == []
    failed = [r for r in passed["results"] if not r["success"]]
    warnings = sum(1 for r in failed if r["severity"] == "warning")
    assert gate_problems(passed, fail_on="critical") == []  # generated expectations are never critical
    assert gate_problems(passed, fail_on="warning") == [f"{warnings} warning-or-worse expectation(s) failed"]
    next(r for r in failed if r["severity"] == "info")["severity"] = "critical"
    assert gate_problems(passed, fail_on="critical") == ["1 critical-or-worse expectation(s) failed"]
    assert gate_problems(passed, fail_on="warning") == [f"{warnings + 1} warning-or-worse expectation(s) failed"]

def test_gate_problems_refuse_unknown_bars():
    with pytest.raises(DsbenchError, match="fail-on"):
        gate_problems(load(PASSED), fail_on="info")
    with pytest.raises(DsbenchError, match="unknown grade 'Z'"):
        gate_problems(load(PASSED), min_grade="Z")


def test_github_actions_example():
    import yaml

    workflow = yaml.safe_load((ROOT / "examples" / "github-actions.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["dsbench"]["steps"]
    runs = " ".join(step.get("run", "") for step in steps)
    assert "pip install" in runs and "dsbench check " in runs and "--standard " in runs
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"].rstrip("/") in runs  # the --output directory of the check


def test_pre_commit_hook():
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "dsbench-check")
    assert hook["entry"] == "dsbench check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
