"""What an injection is asked to do, checked before any work.

The defects and their rates, the seed, the columns and tables named, and an output directory that
may be written."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Sequence

from dsbench.errors import DataError, DsbenchError

DEFECTS = ("out_of_range", "label_flips", "nulls", "duplicates")  # the order they are applied in
OPTIONS = {"nulls": "--nulls", "duplicates": "--duplicates", "out_of_range": "--out-of-range",
           "label_flips": "--label-flips"}
SEED_LIMIT = 2 ** 63


def check_rates(rates: dict[str, Any]) -> dict[str, float | None]:
    """The rates by defect, each None or a float from 0 to 1; at least one given."""
    checked: dict[str, float | None] = {}
    for defect, rate in rates.items():
        if rate is not None:
            if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate) \
                    or not 0 <= rate <= 1:
                raise DsbenchError(f"{OPTIONS[defect]} must be a rate from 0 to 1, got {rate!r}")
            rate = float(rate)
        checked[defect] = rate
    if all(rate is None for rate in checked.values()):
        raise DsbenchError("no defect requested: give at least one of "
                           f"{', '.join(OPTIONS[d] for d in sorted(OPTIONS))}")
    return dict(sorted(checked.items()))


def column_names(items: Sequence[str] | None, option: str) -> list[str] | None:
    """The names given to ``option``, each once, in order; None when none was given."""
    if items is None:
        return None
    names = [item for item in items if item]
    if not names:
        raise DsbenchError(f"{option} names no column")
    return list(dict.fromkeys(names))


def check_output(output: Path, force: bool) -> None:
    """Refuse an output that is not a directory, holds the working directory, or is not empty
    (unless ``force``)."""
    if output.is_symlink() or (output.exists() and not output.is_dir()):
        raise DsbenchError("the output exists and is not a directory", source=str(output))
    if Path.cwd().resolve().is_relative_to(output.resolve()):
        raise DsbenchError("the output directory holds the current directory; choose another one",
                           source=str(output))
    if output.is_dir() and any(output.iterdir()) and not force:
        raise DsbenchError("the output directory exists and is not empty (pass --force to replace it)",
                           source=str(output))


def check_not_inside(output: Path, dataset: Any) -> None:
    """Replacing the output must not delete the input."""

    target = output.resolve()
    inputs = [f for t in dataset.tables.values() for f in t.files]
    if dataset.manifest_path is not None:
        inputs.append(dataset.manifest_path)
    for path in inputs:
        if path.resolve().is_relative_to(target):
            raise DsbenchError("the output directory holds the input data; choose another one",
                               source=str(output))


def chosen_tables(dataset: Any, tables: Sequence[str] | None) -> list[str]:
    """The names of the tables to inject into: ``tables`` (each once), else every table."""
    if not tables:
        return list(dataset.tables)
    for name in tables:
        if name not in dataset.tables:
            raise DataError(f"no table {name!r} in the dataset (tables: {', '.join(dataset.tables)})")
    return list(dict.fromkeys(tables))


def check_seed(seed: Any) -> int:
    """The seed, a whole number from 0 to SEED_LIMIT - 1."""
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise DsbenchError(f"--seed must be a whole number from 0 to {SEED_LIMIT - 1}, got {seed!r}")
    return seed
