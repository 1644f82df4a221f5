"""Start-up: how long a user waits before dsbench does anything, written as the section ``startup`` of
benchmarks/RESULTS.md (issue target: `dsbench --version` within 0.3 s).

The commands are those of test_startup.py (the pytest-benchmark view of the same thing); here each
runs once to warm the page cache, then ``--runs`` times in fresh processes, interleaved.

Usage: .venv/bin/python benchmarks/startup.py [--runs 5] [--no-wait]
"""

from __future__ import annotations

import argparse
import statistics
import sys

from harness import Child, add_measure_options, compile_sources, measure, measure_note, run_child
from results import OTHERS, mib, publish, reproduce, seconds, spread, stamp, table, target
from test_startup import COMMANDS

VERSION_TARGET_S = 0.3


def run_command(label: str) -> Child:
    child = run_child(COMMANDS[label])
    if child.returncode != 0:
        raise RuntimeError(f"{label} exited {child.returncode}:\n{child.stderr.decode(errors='replace')}")
    return child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    add_measure_options(parser)
    args = parser.parse_args(argv)
    compile_sources()

    for label in COMMANDS:  # warm-up, not recorded
        run_command(label)
    runs: dict[str, list[Child]] = {label: [] for label in COMMANDS}
    discarded = 0
    for round_number in range(args.runs):
        for label in COMMANDS:
            child, repeated = measure(f"round {round_number + 1}: {label}", lambda: run_command(label),
                                      not args.no_wait, args.retries)
            runs[label].append(child)
            discarded += repeated

    wall = {label: statistics.median(c.wall_s for c in cs) for label, cs in runs.items()}
    body = "\n\n".join([
        table(["command", "median wall", "min … max wall", "median peak RSS", OTHERS],
              [[f"`{label}`", seconds(wall[label]), spread(c.wall_s for c in cs),
                mib(statistics.median(c.peak_rss_mib for c in cs)), seconds(max(c.others_cpu_s for c in cs))]
               for label, cs in runs.items()],
              "lrrrr"),
        target(f"`dsbench --version` ≤ {VERSION_TARGET_S:g} s", seconds(wall["dsbench --version"]),
               wall["dsbench --version"] <= VERSION_TARGET_S),
    ])
    section = "\n".join([
        "## Start-up",
        "",
        stamp("startup.py"),
        "",
        f"Each command ran once as a warm-up, then {args.runs} times in fresh processes, interleaved; "
        f"wall time from spawn to exit and peak RSS (`os.wait4` `ru_maxrss`), {measure_note(args, discarded)}.",
        "",
        body,
        "",
        reproduce("startup.py", parser, args),
    ])
    publish("startup", section)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
