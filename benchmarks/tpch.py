"""TPC-H lineitem at a given scale factor: dsbench's full evaluation against a plain DuckDB scan that
touches every column once (the floor for anything that reads all the data).

    python benchmarks/tpch.py --scale 1      # ~6M rows; --scale 10 for ~60M rows

Data is generated locally with the PyPI package tpchgen-cli into benchmarks/data/tpch-sf<N>/.
Each contender runs in a fresh process; wall time and peak RSS as in harness.py.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness import BIN, DSBENCH, HERE, PYTHON, run_child

SCAN = r"""
import sys, duckdb
con = duckdb.connect()
path = sys.argv[1]
columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [path]).fetchall()]
touch = ", ".join('sum(hash("' + c.replace('"', '""') + '"))' for c in columns)
con.execute("SELECT " + touch + " FROM read_parquet(?)", [path]).fetchall()
"""


def lineitem(scale: float) -> Path:
    directory = HERE / "data" / f"tpch-sf{scale:g}"
    target = directory / "lineitem.parquet"
    if not target.exists():
        directory.mkdir(parents=True, exist_ok=True)
        generator = shutil.which("tpchgen-cli", path=str(BIN)) or shutil.which("tpchgen-cli")
        if generator is None:
            sys.exit("tpchgen-cli is not installed: pip install tpchgen-cli")
        subprocess.run([generator, "parquet", "-s", f"{scale:g}", "--tables=lineitem",
                        f"--output-dir={directory}"], check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--standard", default="gbt-36344-2018")
    parser.add_argument("--memory-limit", default=None, help="passed to dsbench --memory-limit")
    args = parser.parse_args(argv)
    data = lineitem(args.scale)
    with tempfile.TemporaryDirectory() as scratch:
        evaluate = [DSBENCH, "evaluate", str(data), "--standard", args.standard, "--format", "none",
                    "-o", scratch]
        if args.memory_limit:
            evaluate += ["--memory-limit", args.memory_limit]
        runs = {"plain DuckDB scan of every column": run_child([PYTHON, "-c", SCAN, str(data)]),
                f"dsbench evaluate --standard {args.standard}": run_child(evaluate)}
    floor = runs["plain DuckDB scan of every column"].wall_s
    print(f"TPC-H SF{args.scale:g} lineitem ({data.stat().st_size / 2**20:.0f} MiB Parquet)")
    for label, child in runs.items():
        if child.returncode not in (0, 1):
            print(child.stderr.decode(errors="replace"), file=sys.stderr)
            return 2
        print(f"| {label} | {child.wall_s:.2f} s | {child.wall_s / floor:.2f}x | {child.peak_rss_mib:,.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
