"""Shared by the benchmark scripts: the three contenders of the 12-expectation suite and the success
flags each reports, the seeded data files, a child-process runner that measures wall time and peak
RSS, and a loop that repeats a measurement taken while other work shared the CPUs.

Every contender runs in a fresh Python subprocess, so imports, reading the file, validating and writing
the result are all inside the measurement. Peak RSS is ``ru_maxrss`` of that one child, read with
``os.wait4`` by launch.py, the small process that spawns it (Linux reports it in KiB; DuckDB and Arrow
allocations are included, they live in the process's resident set); CPU time is its ``ru_utime +
ru_stime``. The CPU time the rest of the machine used during the run (from /proc/stat) is recorded
too: on a shared box, a wall time measured while something else was busy is not comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from launch import busy_cpu_seconds

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent  # the venv the benchmarks run in
PYTHON = str(BIN / "python")
DSBENCH = str(BIN / "dsbench")
SUITE = HERE / "suite12.yaml"
ROWS = 2_000_000
SEED = 20240601
CONTENDERS = ("dsbench", "gx", "duckdb")
CONTAMINATED = 0.10  # other processes' CPU seconds per wall second above which a run is repeated
# /proc/stat counts in clock ticks (10 ms): for a 30 ms start-up run a tick or two is noise, not load.
NOISE_S = 2 / os.sysconf("SC_CLK_TCK")


@dataclass
class Run:
    contender: str
    wall_s: float
    cpu_s: float  # user + system CPU time of the child (less sensitive to other load than wall time)
    peak_rss_mib: float
    others_cpu_s: float  # CPU time the rest of the machine used meanwhile (0 on a quiet machine)
    returncode: int
    flags: dict[str, bool]


@dataclass
class Child:
    returncode: int
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    others_cpu_s: float
    stderr: bytes


def rows_label(rows: int) -> str:
    """2000000 -> "2m", 200000 -> "200k": names a data file and its RESULTS.md section."""
    for unit, size in (("m", 1_000_000), ("k", 1_000)):
        if rows % size == 0:
            return f"{rows // size}{unit}"
    return str(rows)


def data_path(rows: int) -> Path:
    return HERE / "data" / f"orders_{rows_label(rows)}.parquet"


DATA = data_path(ROWS)


def ensure_data(path: Path = DATA, rows: int = ROWS, seed: int = SEED) -> Path:
    """Generate the benchmark file unless it is already there."""
    if not path.exists():
        sys.path.insert(0, str(HERE))
        from generate import generate

        generate(path, rows, seed)
    return path


def command(contender: str, data: Path, out: Path) -> tuple[list[str], set[int]]:
    """The argv of a contender and the exit codes that mean "ran to completion"."""
    if contender == "dsbench":
        # 0: all passed, 1: some failed (expected here); 2 would be an error.
        return [DSBENCH, "validate", str(data), "--suite", str(SUITE), "-o", str(out), "-q"], {0, 1}
    if contender == "gx":
        return [PYTHON, str(HERE / "run_gx.py"), str(data), str(SUITE), str(out)], {0}
    if contender == "duckdb":
        return [PYTHON, str(HERE / "run_duckdb.py"), str(data), str(out)], {0}
    raise ValueError(f"unknown contender {contender!r}")


def run_child(argv: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> Child:
    """Run ``argv`` in ``cwd`` and measure it: wall time, its CPU time and peak RSS (from ``os.wait4``),
    and how much CPU everything else on the machine used meanwhile (to spot a contaminated
    measurement). The measuring is done by launch.py, a small process of its own, so that this
    process's own memory does not count in the child's peak RSS (see launch.py)."""
    with tempfile.TemporaryFile() as stderr:
        # -S: no site module, the launcher stays as small as an interpreter gets.
        done = subprocess.run([PYTHON, "-S", str(HERE / "launch.py"), *argv], stdout=subprocess.PIPE,
                              stderr=stderr, env=env, cwd=cwd)
        stderr.seek(0)
        if done.returncode != 0:
            raise RuntimeError(f"launch.py exited {done.returncode}:\n{stderr.read().decode(errors='replace')}")
        return Child(**json.loads(done.stdout), stderr=stderr.read())


def wait_until_idle(max_busy: float = 0.10, timeout_s: float = 300.0, window_s: float = 2.0) -> float:
    """Wait (up to ``timeout_s``) for a ``window_s`` window in which the machine is at most
    ``max_busy`` busy (fraction of all CPUs); return the busy fraction of the last window."""
    deadline = time.monotonic() + timeout_s
    cpus = len(os.sched_getaffinity(0))
    while True:
        before = busy_cpu_seconds()
        time.sleep(window_s)
        after = busy_cpu_seconds()
        if before is None or after is None:
            return float("nan")
        busy = (after - before) / (window_s * cpus)
        if busy <= max_busy or time.monotonic() >= deadline:
            return busy


T = TypeVar("T", Run, Child)


def measure(label: str, run_once: Callable[[], T], wait: bool, retries: int) -> tuple[T, int]:
    """Run ``run_once`` once the machine is idle, and again (at most ``retries`` times) while other
    processes used more than ``CONTAMINATED`` of a CPU (and more than ``NOISE_S``) during it: such a
    wall time was measured on a shared CPU. Without ``wait``, the first run is kept whatever the load.
    Returns the run kept and how many were discarded; every attempt is logged on stderr."""
    for attempt in range(1 + (retries if wait else 0)):
        busy = wait_until_idle() if wait else float("nan")
        run = run_once()
        contaminated = run.others_cpu_s > max(CONTAMINATED * run.wall_s, NOISE_S)
        print(f"{label}: {run.wall_s:6.2f} s wall {run.cpu_s:6.2f} s CPU {run.peak_rss_mib:6.0f} MiB; "
              f"machine {busy:.0%} busy before, others used {run.others_cpu_s:.2f} s CPU during the run"
              + ("  [contaminated]" if contaminated else ""), file=sys.stderr, flush=True)
        if not contaminated:
            break
    return run, attempt  # the runs before the one kept were discarded


def compile_sources() -> None:
    """Byte-compile dsbench's own sources, as installing a package does. The editable install
    imports them from src/, and with PYTHONDONTWRITEBYTECODE set (as on the benchmark machine)
    every run would otherwise compile them again, a cost no installed package pays (the other
    contenders' packages are compiled in site-packages)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "src" / "dsbench")], env=env, check=True)


def add_measure_options(parser: argparse.ArgumentParser) -> None:
    """The options of :func:`measure`, the same in every script."""
    parser.add_argument("--no-wait", action="store_true",
                        help="start each run at once instead of waiting for the machine to be idle, "
                        "and keep runs that shared the CPUs with other work")
    parser.add_argument("--retries", type=int, default=3,
                        help="repeat a run this many times at most while other processes used more "
                        f"than {CONTAMINATED * 100:.0f}%% of a CPU during it (default 3)")  # %% : argparse formats help


def measure_note(args: argparse.Namespace, discarded: int) -> str:
    """How :func:`measure` chose the runs, for the text of a RESULTS.md section."""
    if args.no_wait:
        return "started at once, whatever the load (`--no-wait`)"
    return (f"each started once the machine had been ≤ 10% busy for 2 s and repeated (up to {args.retries} "
            f"times) when other processes used more than {CONTAMINATED:.0%} of a CPU during it "
            f"({discarded} runs repeated)")


def read_flags(contender: str, out: Path) -> dict[str, bool]:
    document = json.loads(out.read_text(encoding="utf-8"))
    if contender == "dsbench":
        return {r["expectation_config"]["id"]: bool(r["success"]) for r in document["results"]}
    return {k: bool(v) for k, v in document["success"].items()}


def run_contender(contender: str, data: Path = DATA) -> Run:
    with tempfile.TemporaryDirectory(prefix=f"bench-{contender}-") as scratch:
        out = Path(scratch) / "result.json"
        argv, ok_codes = command(contender, data, out)
        env = dict(os.environ, GX_ANALYTICS_ENABLED="false")
        child = run_child(argv, env)
        if child.returncode not in ok_codes or not out.exists():
            tail = child.stderr.decode(errors="replace")[-2000:]
            raise RuntimeError(f"{contender} exited {child.returncode}: {' '.join(argv)}\n{tail}")
        return Run(contender, child.wall_s, child.cpu_s, child.peak_rss_mib, child.others_cpu_s,
                   child.returncode, read_flags(contender, out))


def check_agreement(flags: dict[str, dict[str, bool]]) -> None:
    """Every contender reports the same success flag for each of the 12 expectations; the first
    entry of ``flags`` is the reference for which ids there must be."""
    reference_name, reference = next(iter(flags.items()))
    ids = list(reference)
    if len(ids) != 12:
        raise AssertionError(f"{reference_name} reports {len(ids)} expectations, expected 12")
    problems = []
    for name, found in flags.items():
        if set(found) != set(ids):
            problems.append(f"{name} reports ids {sorted(found)}, {reference_name} {sorted(ids)}")
    for item_id in ids:
        seen = {name: found.get(item_id) for name, found in flags.items()}
        if len(set(seen.values())) != 1:
            problems.append(f"{item_id}: {seen}")
    if problems:
        raise AssertionError("contenders disagree:\n" + "\n".join(problems))
