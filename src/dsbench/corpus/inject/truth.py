"""The ground truth of an injection, ``injection.json``: its format and how it is written.

How the cells were selected, and the document written with the engine's long cell lists spliced in
as they are."""

from __future__ import annotations

import math
import re
from typing import Any

from dsbench.corpus.inject.plan import TablePlan
from dsbench.corpus.inject.request import OPTIONS
from dsbench.errors import DsbenchError

FORMAT = "dsbench-injection/1"
GROUND_TRUTH = "injection.json"
SELECTION = ("each candidate cell or row is ranked by DuckDB hash('row:seed:defect:column'), ties by "
             "row number; the first round(rate x rows, half up) are taken")


class Raw:
    """A placeholder for JSON text built by DuckDB (long cell lists), spliced in by :func:`dump`."""

    @staticmethod
    def add(raw: list[str], text: str) -> str:
        raw.append(text)
        return f"\x00raw:{len(raw) - 1}\x00"


def dump(document: dict[str, Any], raw: list[str]) -> str:
    """``document`` as dsbench writes JSON, each placeholder replaced by its DuckDB-built JSON (one
    line per list: a few million cells are written in seconds, not minutes)."""
    from dsbench.files import dump_json

    text = dump_json(sorted_keys(document))
    return re.sub(r'"\\u0000raw:(\d+)\\u0000"', lambda m: raw[int(m.group(1))], text)


def sorted_keys(value: Any) -> Any:
    """``value`` with the keys of every mapping in it sorted."""
    if isinstance(value, dict):
        return {key: sorted_keys(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_keys(item) for item in value]
    return value


def jsonable(value: Any) -> Any:
    """A bound as JSON has it: a number, or the text of one JSON cannot hold (NaN, a decimal)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


def check_applied(plans: list[TablePlan], tables: dict[str, Any], requested: list[str]) -> None:
    """A requested defect that no chosen table could take is an error, not a silent no-op."""

    needs = {"nulls": "a column outside the primary key", "out_of_range": "a numeric column with values",
             "label_flips": "a label column with two classes or more (declare dsbench:role: label in "
                            "the manifest or pass --label-column)"}
    for defect, need in needs.items():
        if defect in requested and not any(tables[p.table.name]["defects"][defect] for p in plans):
            reasons = "; ".join(f"{s['column']}: {s['reason']}" for p in plans
                                for s in tables[p.table.name]["skipped"] if s["defect"] == defect)
            names = ", ".join(p.table.name for p in plans)
            raise DsbenchError(f"{OPTIONS[defect]}: no table ({names}) has {need}"
                               + (f" ({reasons})" if reasons else ""))
