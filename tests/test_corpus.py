"""The bad-input corpus (tests/corpus/generate.py): every case through the real command line.

Merely low-quality input is scored (exit 0 or 1, complete and valid output); broken or hostile input
is refused (exit 2, ONE line on stderr naming the file — and the field when the case says which —
and nothing written). Never a traceback. Cases run in-process for speed, with DSBENCH_DEBUG set so
that an unexpected exception surfaces as itself instead of the CLI's last-resort one-liner; a
sample also runs through a real subprocess to show that both paths behave the same.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from tests.conftest import Run, run_cli
from tests.corpus.generate import Case, build, generate, materialise

CASES = build()
BY_NAME = {case.name: case for case in CASES}
# One or two of each kind, through a real `python -m dsbench` process.
SUBPROCESS_SAMPLE = [
    "parquet-truncated-at-0004",
    "csv-encoding-utf16le-bom",
    "csv-ragged-short-row",
    "json-deep-array-10000",
    "suite-alias-billion-laughs",
    "suite-regex-unbalanced",
    "suite-regex-nested-quantifier",
    "standard-weight-text",
    "manifest-path-escape-etc-passwd",
    "evidence-score-nan",
    "card-verify-truncated-0",
    "card-render-wrong-type-dimensions-string",
]
CATALOGUE_DOCUMENTED = {"validation", "card", "render", "none"}
# Cases that fail for a cause outside the files this corpus's fixes may touch; strict, so that the
# fix shows up as an XPASS to remove here.
def _reject_constant(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


def strict_json(text: str):
    return json.loads(text, parse_constant=_reject_constant)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("corpus")
    written = generate(target)
    assert [c.name for c in written] == [c.name for c in CASES]
    return target


def workdir_for(corpus_dir: Path, case: Case, tmp_path: Path) -> Path:
    """A private copy of the case directory: runs never see each other's outputs."""
    work = tmp_path / case.name
    shutil.copytree(corpus_dir / case.name, work)
    return work


def snapshot(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*")}


def exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def run_in_process(argv: list[str], cwd: Path, monkeypatch) -> Run:
    from dsbench.cli.app import main

    monkeypatch.chdir(cwd)
    monkeypatch.setenv("DSBENCH_DEBUG", "1")  # an unexpected exception is raised, not summarised
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(argv))
        except SystemExit as stop:
            code = exit_code(stop.code)
    return Run(code, out.getvalue(), err.getvalue())


def check(case: Case, run: Run, work: Path, before: set[str]) -> None:
    shown = f"{case.name}: exit {run.code}\nstdout: {run.out[-2000:]}\nstderr: {run.err[-2000:]}"
    assert "Traceback" not in run.out + run.err, shown
    assert run.code in (0, 1, 2), shown
    created = snapshot(work) - before
    if case.expect == "refused":
        assert run.code == 2, shown
        lines = run.err.splitlines()
        assert len(lines) == 1 and lines[0].strip(), shown
        assert lines[0].startswith("dsbench: error: "), shown
        assert case.names in lines[0], f"the error does not name {case.names!r}: {lines[0]}"
        if case.location:
            assert case.location in lines[0], f"the error does not name {case.location!r}: {lines[0]}"
        assert not created, f"{case.name}: refused, yet wrote {sorted(created)}"
        return
    assert run.code in (0, 1), shown
    if case.code is not None:
        assert run.code == case.code, shown
    assert run.err.strip() == "", shown
    output = case.output
    stray = [p for p in created if output is None or not (p == output or p.startswith(output + "/"))]
    assert not stray, f"{case.name}: unexpected files {stray}"
    check_output(case, work)


def check_output(case: Case, work: Path) -> None:
    assert case.output_kind in CATALOGUE_DOCUMENTED
    if case.output_kind == "validation":
        document = strict_json((work / case.output).read_text(encoding="utf-8"))
        assert set(document) >= {"success", "statistics", "results", "suite_name", "meta"}
        results = document["results"]
        assert document["statistics"]["evaluated_expectations"] == len(results)
        if case.results is not None:
            assert len(results) == case.results, case.name
        assert document["success"] == all(r["success"] for r in results)
        for result in results:
            assert isinstance(result["success"], bool)
            assert set(result) >= {"expectation_config", "result", "exception_info", "measure"}
            assert isinstance(result["result"], dict)
    elif case.output_kind == "card":
        from dsbench.render import renderer
        from dsbench.cards.card import ScoreCard, canonical_bytes, check_digest

        path = work / case.output / "card.json"
        raw = path.read_bytes()
        strict_json(raw.decode("utf-8"))
        card = ScoreCard.load(path)
        assert check_digest(card), f"{case.name}: the digest does not match the card"
        assert raw == canonical_bytes(card.document), f"{case.name}: card.json is not canonical"
        assert set(card.document) >= {"card_version", "dataset", "standard", "suites", "engine", "options",
                                      "score", "grade", "passed", "gates", "dimensions", "results", "digest"}
        for name in case.formats:
            rendered = work / case.output / renderer(name).FILENAME
            assert rendered.is_file() and rendered.stat().st_size > 0, rendered
            if rendered.suffix in (".html", ".md", ".svg"):
                text = rendered.read_text(encoding="utf-8")
                for markup in case.forbidden:
                    assert markup not in text, f"{rendered.name} carries {markup!r} unescaped"
    elif case.output_kind == "render":
        from dsbench.render import renderer

        for name in case.formats:
            rendered = work / case.output / renderer(name).FILENAME
            assert rendered.is_file() and rendered.stat().st_size > 0, rendered


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_case(name: str, corpus_dir: Path, tmp_path: Path, monkeypatch) -> None:
    case = BY_NAME[name]
    work = workdir_for(corpus_dir, case, tmp_path)
    before = snapshot(work)
    run = run_in_process(case.argv, work, monkeypatch)
    check(case, run, work, before)


@pytest.mark.parametrize("name", SUBPROCESS_SAMPLE)
def test_subprocess_behaves_like_in_process(name: str, corpus_dir: Path, tmp_path: Path, monkeypatch) -> None:
    case = BY_NAME[name]
    real = workdir_for(corpus_dir, case, tmp_path / "subprocess")
    before = snapshot(real)
    done = run_cli(*case.argv, cwd=real)
    check(case, done, real, before)
    inside = workdir_for(corpus_dir, case, tmp_path / "in-process")
    again = run_in_process(case.argv, inside, monkeypatch)
    assert (again.code, again.err) == (done.code, done.err)
    if case.expect == "scored" and case.output_kind == "validation":
        assert (inside / case.output).read_bytes() == (real / case.output).read_bytes()
    if case.expect == "scored" and case.output_kind == "card":
        assert (inside / case.output / "card.json").read_bytes() == (real / case.output / "card.json").read_bytes()


def test_corpus_is_large_deterministic_and_well_formed(corpus_dir: Path) -> None:
    assert len(CASES) >= 150
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.expect for c in CASES} == {"scored", "refused"}
    again = build()
    assert [c.document() for c in again] == [c.document() for c in CASES]
    for first, second in zip(CASES, again):
        for relative, content in first.files.items():
            if relative.endswith("/"):
                continue
            written = (corpus_dir / first.name / relative).read_bytes()
            fresh = materialise(second.files[relative])
            assert hashlib.sha256(written).digest() == hashlib.sha256(fresh).digest(), (first.name, relative)
        document = json.loads((corpus_dir / first.name / "case.json").read_text(encoding="utf-8"))
        assert document == first.document()
        assert set(document) >= {"name", "description", "argv", "expect"}
