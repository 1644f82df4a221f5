"""Run dsbench, GX Core (pandas) and a hand-written DuckDB query end to end on the seeded orders file
of ``--rows`` rows, N times each (interleaved), check they agree on all 12 expectations, and write the
section ``suite12-<rows>`` of benchmarks/RESULTS.md.

Usage: .venv/bin/python benchmarks/compare.py [--rows 2000000] [--runs 3] [--no-breakdown] [--no-wait]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (CONTENDERS, PYTHON, ROOT, ROWS, SEED, SUITE, Run, add_measure_options,  # noqa: E402
                     check_agreement, compile_sources, data_path, ensure_data, measure, measure_note,
                     rows_label, run_child, run_contender, wait_until_idle)
from results import OTHERS, mib, publish, reproduce, seconds, spread, stamp, table, target  # noqa: E402

LABELS = {"dsbench": "dsbench (CLI)", "gx": "GX Core 1.x, pandas engine", "duckdb": "hand-written DuckDB query"}
# The targets. GX's speed-up is only set at these two sizes; at others the ratio is shown alone.
GX_SPEEDUP = {2_000_000: 15.0, 20_000_000: 10.0}
GX_RSS_RATIO = 4.0  # dsbench's peak RSS at most 1/4 of GX's
DUCKDB_OVERHEAD = 1.3  # dsbench's wall time at most 1.3x the hand-written query's


def medians(runs: dict[str, list[Run]], field: str) -> dict[str, float]:
    return {c: statistics.median(getattr(r, field) for r in rs) for c, rs in runs.items()}


def summary(runs: dict[str, list[Run]], rows: int) -> str:
    """The per-contender table, the ratio table (its rows naming the targets) and one line per target."""
    wall, cpu, rss = medians(runs, "wall_s"), medians(runs, "cpu_s"), medians(runs, "peak_rss_mib")
    contenders = table(
        ["contender", "median wall", "min … max wall", "median CPU (user+sys)", "median peak RSS",
         OTHERS],
        [[LABELS[c], seconds(wall[c]), spread(r.wall_s for r in runs[c]), seconds(cpu[c]), mib(rss[c]),
          seconds(max(r.others_cpu_s for r in runs[c]))] for c in CONTENDERS],
        "lrrrrr")
    speedup, overhead = wall["gx"] / wall["dsbench"], wall["dsbench"] / wall["duckdb"]
    rss_ratio = rss["gx"] / rss["dsbench"]
    goal = GX_SPEEDUP.get(rows)
    gx_target = f"target: ≥ {goal:g}× wall" if goal else "no wall target at this size"
    ratios = table(
        ["ratio", "wall time", "CPU time", "peak RSS"],
        [[f"GX / dsbench ({gx_target}, ≥ {GX_RSS_RATIO:g}× peak RSS)", f"{speedup:.1f}×",
          f"{cpu['gx'] / cpu['dsbench']:.1f}×", f"{rss_ratio:.1f}×"],
         [f"dsbench / DuckDB (target: ≤ {DUCKDB_OVERHEAD:g}× wall)", f"{overhead:.2f}×",
          f"{cpu['dsbench'] / cpu['duckdb']:.2f}×", f"{rss['dsbench'] / rss['duckdb']:.2f}×"]],
        "lrrr")
    targets = [target(f"GX / dsbench wall time ≥ {goal:g}×", f"{speedup:.1f}×", speedup >= goal)] if goal else []
    targets += [
        target(f"dsbench peak RSS ≤ 1/{GX_RSS_RATIO:g} of GX's", f"GX / dsbench = {rss_ratio:.1f}×",
               rss_ratio >= GX_RSS_RATIO),
        target(f"dsbench wall time ≤ {DUCKDB_OVERHEAD:g}× the DuckDB query's", f"{overhead:.2f}×",
               overhead <= DUCKDB_OVERHEAD),
    ]
    return "\n\n".join([contenders, ratios, "\n".join(targets)])


def flags_table(flags: dict[str, bool]) -> str:
    return table(["expectation id", "outcome (all three agree)"],
                 [[k, "pass" if v else "FAIL"] for k, v in flags.items()], "ll")


BREAKDOWN_CHILD = """
import json, sys, time
started = time.perf_counter()
import dsbench.cli.app, dsbench.validation.runner
imported = time.perf_counter()
result = dsbench.validation.runner.validate(sys.argv[1], sys.argv[2])
done = time.perf_counter()
print(json.dumps({"imports": imported - started, "validate": done - imported,
                  "planned": [q.sql for q in result.plan.queries], "queries": result.log.queries}))
"""


def query_kind(sql: str, planned: list[str]) -> str:
    """What a logged query was for: the metric plan, the cardinality sample the planner takes
    first, or a follow-up (an exact count a cheap one left in doubt, evidence of a failure)."""
    if sql in planned:
        return "metric"
    if "LIMIT 20000)" in sql:
        return "cardinality sample"
    return "evidence or follow-up"


def dsbench_breakdown(data: Path, runs: int, wait: bool) -> str:
    """Where dsbench's time goes, from fresh processes (median of ``runs``): interpreter start-up,
    imports, and each query of the validation as dsbench's own RunLog times it."""
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
    per_query = [med(s["queries"][i][1] for s in samples) for i in range(len(first["queries"]))]
    imports, validate = med(s["imports"] for s in samples), med(s["validate"] for s in samples)
    kinds = [query_kind(sql, first["planned"]) for sql, _ in first["queries"]]
    totals = {kind: sum(t for k, t in zip(kinds, per_query) if k == kind) for kind in dict.fromkeys(kinds)}
    rows = []
    for (sql, _), kind, elapsed in zip(first["queries"], kinds, per_query):
        text = " ".join(sql.split())
        text = text if len(text) <= 110 else text[:107] + "…"
        rows.append([f"[{kind}] `{text.replace('|', '/')}`", f"{elapsed:.3f}"])
    spent = ", ".join(f"{kinds.count(kind)} {kind} {total:.2f} s" for kind, total in totals.items())
    return "\n".join([
        f"Median of {runs} fresh processes running `dsbench.validation.runner.validate` (what the CLI calls):",
        "",
        f"- interpreter start-up alone: {med(python_walls):.2f} s (whole `python -c pass` process)",
        "- `import dsbench.cli.app, dsbench.validation.runner` (typer, pydantic, duckdb, yaml, the expectation "
        f"modules …): {imports:.2f} s",
        f"- `validate()`: {validate:.2f} s; queries: {spent}; {validate - sum(per_query):.2f} s outside "
        "queries (suite parsing, opening the file, binding kwargs, building results)",
        "",
        table(["query", "seconds"], rows, "lr"),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS,
                        help=f"rows of the generated file benchmarks/data/orders_<rows>.parquet (default {ROWS})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-breakdown", action="store_true",
                        help="skip timing dsbench's imports and queries separately")
    add_measure_options(parser)
    args = parser.parse_args(argv)
    compile_sources()

    data = ensure_data(data_path(args.rows), args.rows)  # not timed
    load_before = os.getloadavg()
    runs: dict[str, list[Run]] = {c: [] for c in CONTENDERS}
    discarded = 0
    for round_number in range(args.runs):  # interleaved, so drift hits every contender alike
        for contender in CONTENDERS:
            run, repeated = measure(f"round {round_number + 1}: {contender:8s}",
                                    lambda: run_contender(contender, data), not args.no_wait, args.retries)
            runs[contender].append(run)
            discarded += repeated
        check_agreement({c: rs[-1].flags for c, rs in runs.items()})  # this round's 3 runs
    load_after = os.getloadavg()

    meta = pq.ParquetFile(data).metadata
    label = rows_label(args.rows)
    body = summary(runs, args.rows)
    section = [
        f"## Suite of 12 expectations on {args.rows:,} rows: dsbench vs GX Core vs hand-written DuckDB",
        "",
        stamp("compare.py"),
        "",
        f"Data: `{data.relative_to(ROOT)}`, {meta.num_rows:,} rows × {meta.num_columns} columns, "
        f"{data.stat().st_size / 2**20:.0f} MiB Parquet (zstd, {meta.num_row_groups} row groups), written by "
        f"`benchmarks/generate.py` with seed {SEED} (not timed). Suite: `benchmarks/suite12.yaml` "
        "(12 expectations).",
        "",
        "Each contender runs end to end in a fresh subprocess (interpreter start, imports, reading the "
        "file, validating, writing a JSON result); wall time, the child's CPU time and peak RSS "
        f"(`os.wait4` `ru_utime + ru_stime`, `ru_maxrss`) are the median of {args.runs} interleaved runs, "
        f"{measure_note(args, discarded)}. The last column is the CPU time everything else on the machine "
        "used while a run was going (from /proc/stat): well above 0 means that wall time was measured on a shared CPU. "
        "Every run's 12 success flags were checked equal across the three contenders. "
        f"Load average (1 min): {load_before[0]:.2f} before the runs, {load_after[0]:.2f} after.",
        "",
        body,
        "",
        reproduce("compare.py", parser, args, always=["rows"]),
        "",
        "### Outcomes",
        "",
        flags_table(runs["duckdb"][-1].flags),
    ]
    if not args.no_breakdown:
        section += ["", "### Where dsbench's time goes", "",
                    dsbench_breakdown(data, args.runs, not args.no_wait)]
    publish(f"suite12-{label}", "\n".join(section))
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
