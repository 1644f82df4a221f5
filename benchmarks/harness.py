"""Shared by test_vs_gx.py and compare.py: the three contenders, a child-process runner that measures
wall time and peak RSS, and the success flags each contender reports.

Every contender runs in a fresh Python subprocess, so imports, reading the file, validating and writing
the result are all inside the measurement. Peak RSS is ``ru_maxrss`` of that one child, read with
``os.wait4`` (Linux reports it in KiB; DuckDB and Arrow allocations are included, they live in the
process's resident set); CPU time is its ``ru_utime + ru_stime``. The CPU time the rest of the
machine used during the run (from /proc/stat) is recorded too: on a shared box, a wall time measured
while something else was busy is not comparable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent  # the venv the benchmarks run in
PYTHON = str(BIN / "python")
DSBENCH = str(BIN / "dsbench")
SUITE = HERE / "suite12.yaml"
DATA = HERE / "data" / "orders_2m.parquet"
ROWS = 2_000_000
SEED = 20240601
CONTENDERS = ("dsbench", "gx", "duckdb")


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


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent not idle since boot (/proc/stat), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def run_child(argv: list[str], env: dict[str, str] | None = None) -> Child:
    """Run ``argv`` and measure it: wall time, its CPU time and peak RSS (from ``os.wait4``), and how
    much CPU everything else on the machine used meanwhile (to spot a contaminated measurement)."""
    with tempfile.TemporaryFile() as stderr:
        busy_before = busy_cpu_seconds()
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=ROOT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        busy_after = busy_cpu_seconds()
        process.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
        stderr.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        others = (max(busy_after - busy_before - cpu, 0.0)
                  if busy_before is not None and busy_after is not None else float("nan"))
        return Child(process.returncode, wall, cpu, usage.ru_maxrss / 1024, others, stderr.read())


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
