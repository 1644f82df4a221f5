"""The output directory of an injection, built aside and renamed into place.

Where each table goes, the tables written (with defects, or copied as they are), the manifest, its
companions and the ground truth, built in a hidden sibling directory, so that a failed run leaves
nothing at the output path."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Callable

from dsbench.corpus.inject.csv_layout import COMPRESSIONS
from dsbench.corpus.inject.defects import TableDefects
from dsbench.corpus.inject.manifest import write_manifest
from dsbench.corpus.inject.plan import TablePlan
from dsbench.corpus.inject.request import DEFECTS
from dsbench.corpus.inject.truth import FORMAT, GROUND_TRUTH, SELECTION, check_applied, dump
from dsbench.data.files import file_digest, relative_to_root
from dsbench.errors import DsbenchError

COMPANIONS = re.compile(r"^(readme|licen[cs]e|copying|notice|citation)([._-].*)?$", re.IGNORECASE)


def build(dataset: Any, plans: list[TablePlan], destinations: dict[str, Path], rates: dict[str, float | None],
          seed: int, staging: Path, data: Any, copy_of: Callable[[TablePlan], Any],
          engine_versions: dict[str, str]) -> dict[str, Any]:
    """Write every table (with its defects, or copied as it is), the manifest, its companions and
    the ground truth into ``staging``; returns the ground truth. ``copy_of`` gives a plan's table
    copied on the engine, which ``engine_versions`` name."""
    from dsbench._version import __version__
    from dsbench.evaluation import dataset_name
    from dsbench.files import write_atomic

    root = dataset.manifest_path.parent if dataset.manifest_path is not None else None
    requested = [d for d in DEFECTS if rates[d] is not None]
    raw: list[str] = []
    tables: dict[str, Any] = {}
    written: dict[str, tuple[Path, str]] = {}  # table -> (output path relative to staging, format)
    for plan in plans:
        table = plan.table
        relative = destinations[table.name]
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        work = TableDefects(dataset, plan, copy_of(plan))
        try:
            for defect in requested:
                getattr(work, defect)(rates[defect])
            work.write(target)
            defects = work.ground_truth(requested, raw)
        finally:
            work.close()
        counts = {d: sum(c["count"] for c in defects[d].values()) if d != "duplicates" else defects[d]["count"]
                  for d in requested}
        output_format = "csv" if plan.text else "parquet"
        written[table.name] = (relative, output_format)
        tables[table.name] = {
            "counts": counts, "defects": defects, "file": relative.as_posix(), "format": output_format,
            "missing_value": work.missing_token if plan.text else None,
            "rows": {"after": work.rows + (defects.get("duplicates", {}).get("count", 0)), "before": work.rows},
            "sha256": file_digest(target, "sha256"),
            "skipped": sorted(work.skipped, key=lambda s: (s["defect"], s["column"])),
            "source": {"files": [{"path": relative_to_root(f, root), "sha256": file_digest(f, "sha256")}
                                 for f in sorted(table.files)], "format": table.format},
        }
    chosen = {plan.table.name for plan in plans}
    for name, table in dataset.tables.items():
        if name not in chosen:  # copied as it is
            for file in table.files:
                copy = staging / relative_to_root(file, root)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(file, copy)
            tables[name] = {"copied": True, "files": sorted(relative_to_root(f, root) for f in table.files)}
    check_applied(plans, tables, requested)
    counts = {d: sum(t["counts"][d] for t in tables.values() if "counts" in t) for d in requested}
    document = {
        "counts": counts,
        "dataset": dataset_name(data, dataset),
        "format": FORMAT,
        "rates": rates,
        "seed": seed,
        "selection": SELECTION,
        "tables": dict(sorted(tables.items())),
        "versions": {"dsbench": __version__, **engine_versions},
    }
    if dataset.manifest_path is not None:
        write_manifest(dataset, written, staging, {"ground_truth": GROUND_TRUTH, "seed": seed,
                                                   "rates": {d: rates[d] for d in sorted(requested)}})
        for companion in sorted(root.iterdir()):
            if companion.is_file() and COMPANIONS.match(companion.name) and not (staging / companion.name).exists():
                shutil.copyfile(companion, staging / companion.name)
    write_atomic(staging / GROUND_TRUTH, dump(document, raw))
    return document


def destinations(dataset: Any, plans: list[TablePlan]) -> dict[str, Path]:
    """The output file of each chosen table, relative to the output directory; no two tables (nor
    a copied file, the manifest or the ground truth) may share one."""

    root = dataset.manifest_path.parent if dataset.manifest_path is not None else None
    paths = {plan.table.name: output_path(plan.table, plan.resource, plan.text) for plan in plans}
    taken = [Path(GROUND_TRUTH)] + ([Path(dataset.manifest_path.name)] if root is not None else [])
    taken += [Path(relative_to_root(f, root)) for name, table in dataset.tables.items() if name not in paths
              for f in table.files]
    for name, path in paths.items():
        if path in taken:
            raise DsbenchError(f"table {name!r} would be written to {path.as_posix()!r}, which another "
                               "output file already takes; inject it alone with --table")
        taken.append(path)
    return paths


def output_path(table: Any, resource: Any, text: bool) -> Path:
    """Where a table goes in the output: its own path when it is one CSV or Parquet file (the
    manifest's path, else the file's name), else ``<table>.csv`` or ``<table>.parquet``."""
    from dsbench.data.files import suffix

    if len(table.files) == 1 and (text or suffix(table.files[0]) in (".parquet", ".parq", ".pq")):
        if resource is not None and isinstance(resource.path, str):
            return Path(resource.path)
        return Path(table.files[0].name)
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", table.name).strip("._") or "table"
    if text:
        compression = next((s for s in table.files[0].suffixes[-1:] if s.lower() in COMPRESSIONS), "")
        return Path(f"{safe}.csv{compression}")
    return Path(f"{safe}.parquet")
