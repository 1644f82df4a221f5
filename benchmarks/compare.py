"""Run dsbench, GX Core (pandas) and a hand-written DuckDB query end to end on the 2M-row file,
N times each (interleaved), check they agree on all 12 expectations, and write benchmarks/RESULTS.md.

Usage: .venv/bin/python benchmarks/compare.py [--runs 3] [--no-breakdown]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
from importlib import metadata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (CONTENDERS, DATA, HERE, PYTHON, ROOT, ROWS, SEED, SUITE, Run,  # noqa: E402
                     check_agreement, ensure_data, run_child, run_contender, wait_until_idle)

RESULTS = HERE / "RESULTS.md"
CONTAMINATED = 0.10  # other processes' CPU seconds per wall second above which a run is repeated
LABELS = {"dsbench": "dsbench (CLI)", "gx": "GX Core 1.x, pandas engine", "duckdb": "hand-written DuckDB query"}


def machine_facts() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        kib = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        memory = f"{kib / 2**20:.1f} GiB"
    except (OSError, StopIteration):
        memory = "?"

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
        commit += " (src/ has uncommitted changes)" if dirty else ""
    except (OSError, subprocess.CalledProcessError):
        commit = "?"
    return [
        ("nproc", f"{len(os.sched_getaffinity(0))} (os.cpu_count() = {os.cpu_count()})"),
        ("CPU", cpu), ("memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("dsbench", f"{version('dsbench')} @ {commit}"),
        ("duckdb", version("duckdb")), ("pyarrow", version("pyarrow")),
        ("great_expectations", version("great_expectations")), ("pandas", version("pandas")),
        ("numpy", version("numpy")),
        ("PYTHONDONTWRITEBYTECODE", os.environ.get("PYTHONDONTWRITEBYTECODE", "unset")),
    ]


def fmt_s(value: float) -> str:
    return f"{value:.2f} s"


def summary_table(runs: dict[str, list[Run]]) -> str:
    wall = {c: statistics.median(r.wall_s for r in rs) for c, rs in runs.items()}
    cpu = {c: statistics.median(r.cpu_s for r in rs) for c, rs in runs.items()}
    rss = {c: statistics.median(r.peak_rss_mib for r in rs) for c, rs in runs.items()}
    lines = ["| contender | median wall | min … max wall | median CPU (user+sys) | median peak RSS "
             "| other processes' CPU during the runs (max) |",
             "|---|---:|---:|---:|---:|---:|"]
    for contender in CONTENDERS:
        walls = [r.wall_s for r in runs[contender]]
        others = max(r.others_cpu_s for r in runs[contender])
        lines.append(f"| {LABELS[contender]} | {fmt_s(wall[contender])} | "
                     f"{min(walls):.2f} … {max(walls):.2f} s | {fmt_s(cpu[contender])} | "
                     f"{rss[contender]:,.0f} MiB | {others:.2f} s |")
    lines += ["", "| ratio | wall time | CPU time | peak RSS |", "|---|---:|---:|---:|",
              f"| GX / dsbench (target: ≥ 10× wall) | {wall['gx'] / wall['dsbench']:.1f}× | "
              f"{cpu['gx'] / cpu['dsbench']:.1f}× | {rss['gx'] / rss['dsbench']:.1f}× |",
              f"| dsbench / DuckDB (overhead over the floor) | {wall['dsbench'] / wall['duckdb']:.2f}× | "
              f"{cpu['dsbench'] / cpu['duckdb']:.2f}× | {rss['dsbench'] / rss['duckdb']:.2f}× |"]
    return "\n".join(lines)


def flags_table(flags: dict[str, bool]) -> str:
    lines = ["| expectation id | outcome (all three agree) |", "|---|---|"]
    lines += [f"| {k} | {'pass' if v else 'FAIL'} |" for k, v in flags.items()]
    return "\n".join(lines)


BREAKDOWN_CHILD = """
import json, sys, time
started = time.perf_counter()
import dsbench.cli, dsbench.validation
imported = time.perf_counter()
result = dsbench.validation.validate(sys.argv[1], sys.argv[2])
done = time.perf_counter()
print(json.dumps({"imports": imported - started, "validate": done - imported,
                  "metric_queries": len(result.plan.queries), "queries": result.log.queries}))
"""


def dsbench_breakdown(data: Path, runs: int, wait: bool) -> str:
    """Where dsbench's time goes, from fresh processes (median of ``runs``): interpreter start-up,
    imports, and each query of the validation as dsbench's own RunLog times it."""
    import json

    samples, python_walls = [], []
    for _ in range(runs):
        if wait:
            wait_until_idle()
        python_walls.append(run_child([PYTHON, "-c", "pass"]).wall_s)
        output = subprocess.run([PYTHON, "-c", BREAKDOWN_CHILD, str(data), str(SUITE)], cwd=ROOT,
                                capture_output=True, text=True, check=True).stdout
        samples.append(json.loads(output.splitlines()[-1]))
    med = statistics.median
    first = samples[0]
    n_metric = first["metric_queries"]
    per_query = [med(s["queries"][i][1] for s in samples) for i in range(len(first["queries"]))]
    imports, validate = med(s["imports"] for s in samples), med(s["validate"] for s in samples)
    metric_total, evidence_total = sum(per_query[:n_metric]), sum(per_query[n_metric:])
    lines = [f"Median of {runs} fresh processes running `dsbench.validation.validate` (what the CLI calls):",
             "",
             f"- interpreter start-up alone: {med(python_walls):.2f} s (whole `python -c pass` process)",
             "- `import dsbench.cli, dsbench.validation` (typer, pydantic, duckdb, yaml, the expectation "
             f"modules …): {imports:.2f} s",
             f"- `validate()`: {validate:.2f} s, of which {n_metric} metric queries {metric_total:.2f} s, "
             f"{len(per_query) - n_metric} evidence queries (partial_unexpected_list / _counts of the "
             f"failed map expectations) {evidence_total:.2f} s, and {validate - metric_total - evidence_total:.2f} s "
             "outside queries (suite parsing, opening the file, binding kwargs, building results)",
             "", "| query | seconds |", "|---|---:|"]
    for index, ((sql, _), seconds) in enumerate(zip(first["queries"], per_query)):
        kind = "metric" if index < n_metric else "evidence"
        text = " ".join(sql.split())
        text = text if len(text) <= 110 else text[:107] + "…"
        lines.append(f"| [{kind}] `{text.replace('|', '/')}` | {seconds:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-breakdown", action="store_true",
                        help="skip timing dsbench's imports and queries separately")
    parser.add_argument("--no-wait", action="store_true",
                        help="start each run at once instead of waiting for the machine to be idle, "
                        "and keep runs that shared the CPUs with other work")
    parser.add_argument("--retries", type=int, default=3,
                        help="repeat a run this many times at most while other processes used more "
                        f"than {CONTAMINATED:.0%} of a CPU during it (default 3)")
    args = parser.parse_args(argv)

    data = ensure_data(DATA)
    load_before = os.getloadavg()
    runs: dict[str, list[Run]] = {c: [] for c in CONTENDERS}
    discarded = 0
    for round_number in range(args.runs):  # interleaved, so drift hits every contender alike
        for contender in CONTENDERS:
            for attempt in range(1 + (0 if args.no_wait else args.retries)):
                busy = float("nan") if args.no_wait else wait_until_idle()
                run = run_contender(contender, data)
                contaminated = run.others_cpu_s > CONTAMINATED * run.wall_s
                print(f"round {round_number + 1}: {contender:8s} {run.wall_s:6.2f} s wall "
                      f"{run.cpu_s:6.2f} s CPU {run.peak_rss_mib:6.0f} MiB; machine {busy:.0%} busy before, "
                      f"others used {run.others_cpu_s:.2f} s CPU during the run"
                      + ("  [contaminated]" if contaminated else ""), file=sys.stderr, flush=True)
                if not contaminated:
                    break
                discarded += attempt < args.retries
            runs[contender].append(run)
        check_agreement({c: rs[-1].flags for c, rs in runs.items()})  # this round's 3 runs
    load_after = os.getloadavg()

    size = data.stat().st_size / 2**20
    table = summary_table(runs)
    command = "make install && .venv/bin/python benchmarks/compare.py" + (
        f" --runs {args.runs}" if args.runs != 3 else "")
    document = [
        "# dsbench vs GX Core vs hand-written DuckDB",
        "",
        f"Generated by `benchmarks/compare.py` on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Data: `{data.relative_to(ROOT)}`, {ROWS:,} rows × 10 columns, {size:.0f} MiB Parquet (zstd, "
        f"8 row groups), written by `benchmarks/generate.py` with seed {SEED}. "
        f"Suite: `benchmarks/suite12.yaml` (12 expectations).",
        "",
        "Each contender runs end to end in a fresh subprocess (interpreter start, imports, reading the "
        "file, validating, writing a JSON result); wall time, the child's CPU time and peak RSS "
        f"(`os.wait4` `ru_utime + ru_stime`, `ru_maxrss`) are the median of {args.runs} interleaved runs"
        + ("" if args.no_wait else ", each started once the machine had been ≤ 10% busy for 2 s "
           f"and repeated (up to {args.retries} times) when other processes used more than "
           f"{CONTAMINATED:.0%} of a CPU during it ({discarded} runs repeated)")
        + ". The last column is the CPU time everything else on the machine used while a run was "
        "going (from /proc/stat): well above 0 means that wall time was measured on a shared CPU. "
        "Every run's 12 success flags were checked equal across the three contenders.",
        "",
        table,
        "",
        "Reproduce:",
        "",
        "```sh",
        command,
        "```",
        "",
        "## Machine",
        "",
        "| | |", "|---|---|",
        *[f"| {k} | {v} |" for k, v in machine_facts()],
        f"| load average (1 min) | {load_before[0]:.2f} before the runs, {load_after[0]:.2f} after |",
        "",
        "## Outcomes",
        "",
        flags_table(runs["duckdb"][-1].flags),
    ]
    if not args.no_breakdown:
        document += ["", "## Where dsbench's time goes", "",
                     dsbench_breakdown(data, args.runs, not args.no_wait)]
    RESULTS.write_text("\n".join(document) + "\n", encoding="utf-8")
    print(table)
    print(f"\nwrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
